#include "model_timing.h"

#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"
#include "core/graph/model_file.h"
#include "core/io/npy.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>

namespace layerscope::bench {

namespace {

// A None dimension of a declared input (none of the benchmarked models has one spatially): 64,
// as tf_models.py does.
constexpr int64_t kUndeclaredSize = 64;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::vector<Shape> declaredInputShapes(const ModelGraph& graph)
{
    std::vector<Shape> shapes;
    for (size_t node : graph.inputs) {
        Shape shape = graph.layerOf(node).declaredShape;
        if (shape.empty())
            throw std::runtime_error("the input " + graph.nodeName(node) + " declares no shape");
        shape[0] = 1; // batch 1
        for (int64_t& d : shape)
            if (d < 0)
                d = kUndeclaredSize;
        shapes.push_back(shape);
    }
    return shapes;
}

// Why a model output was not computed: the unsupported layer in its way when there is one (the
// sentence the CLI prints, found as its unsupportedBlocker does), else the node's own error.
std::string outputError(const ModelGraph& graph, const GraphShapes& shapes, const GraphRunResult& result)
{
    for (size_t out : graph.outputs) {
        if (result.outputs[out])
            continue;
        const NodeShape& s = shapes.nodes.at(out);
        std::optional<size_t> blocker;
        if (s.status == NodeStatus::Unsupported)
            blocker = out;
        else if (s.status == NodeStatus::Blocked && s.blockedBy && shapes.nodes.at(*s.blockedBy).status == NodeStatus::Unsupported)
            blocker = s.blockedBy;
        if (blocker)
            return unsupportedLayerMessage(graph.layerOf(*blocker));
        return graph.nodeName(out) + ": " + result.errors[out];
    }
    return {};
}

} // namespace

Tensor deterministicInput(const Shape& shape)
{
    Tensor t = Tensor::uninitialized(shape);
    for (int64_t i = 0; i < t.size(); ++i)
        t[i] = static_cast<float>(std::sin(static_cast<double>(i) * 0.001) * 0.5 + 0.5);
    return t;
}

ModelTiming timeModel(const ModelToTime& model, const ExecContext& context, int repeat,
                      const std::filesystem::path& outDir)
{
    ModelTiming timing;
    try {
        ModelFileOptions options;
        options.weightsPath = model.weights;
        const ModelGraph graph = loadModelFile(model.model, options);
        timing.inputShapes = declaredInputShapes(graph);
        const GraphShapes shapes = inferGraphShapes(graph, timing.inputShapes);
        GraphRunRequest request;
        request.graph = &graph;
        std::filesystem::create_directories(outDir);
        for (size_t k = 0; k < timing.inputShapes.size(); ++k) {
            request.inputs.push_back(std::make_shared<const Tensor>(deterministicInput(timing.inputShapes[k])));
            writeNpy(outDir / ("input_" + std::to_string(k) + ".npy"), *request.inputs.back());
        }
        const GraphRunResult warm = runGraph(request, context); // page faults, thread pool, caches
        if (std::string error = outputError(graph, shapes, warm); !error.empty()) {
            timing.error = error;
            return timing;
        }
        std::vector<double> totals;
        std::vector<std::vector<double>> perNode(graph.nodes.size());
        for (int r = 0; r < repeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            const GraphRunResult result = runGraph(request, context);
            totals.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            for (size_t i = 0; i < graph.nodes.size(); ++i)
                if (result.computed[i])
                    perNode[i].push_back(result.milliseconds[i]);
        }
        timing.medianMs = median(totals);
        for (size_t i = 0; i < graph.nodes.size(); ++i)
            if (!perNode[i].empty())
                timing.nodes.push_back({graph.nodeName(i), graph.layerOf(i).className, median(perNode[i])});
        for (size_t k = 0; k < graph.outputs.size(); ++k)
            writeNpy(outDir / ("layerscope_output_" + std::to_string(k) + ".npy"), *warm.outputs[graph.outputs[k]]);
    } catch (const std::exception& e) {
        timing.error = e.what();
    }
    return timing;
}

} // namespace layerscope::bench
