// libFuzzer target: the model graph loader (Keras 3 / tf.keras 2 Functional, Sequential, nested
// models, pipeline files), its writer, shape inference, the graph runner and the functional-API
// code generator. Any input must either load or throw PipelineFormatError; a loaded graph must
// come back equal from its Keras 3 JSON, and shape inference, a small run and code generation must
// not throw anything but what their contracts allow.
#include "core/codegen/graph_code.h"
#include "core/errors.h"
#include "core/graph/graph_json.h"
#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const std::string text(reinterpret_cast<const char*>(data), size);
    ModelGraph graph;
    try {
        graph = parseModelJson(text);
    } catch (const PipelineFormatError&) {
        return 0;
    }
    const std::string saved = graphToKerasJsonText(graph);
    try {
        if (!(parseModelJson(saved) == graph)) {
            std::fprintf(stderr, "parse → write → parse is not the identity:\n%s\n", saved.c_str());
            std::abort();
        }
    } catch (const PipelineFormatError& e) {
        std::fprintf(stderr, "the written model does not load: %s\n%s\n", e.what(), saved.c_str());
        std::abort();
    }
    std::vector<Shape> shapes(graph.inputs.size(), Shape{1, 5, 4, 3});
    const GraphShapes inferred = inferGraphShapes(graph, shapes);
    for (size_t i = 0; i < graph.nodes.size(); ++i)
        if ((inferred.nodes[i].status == NodeStatus::Ok) != inferred.nodes[i].shape.has_value())
            std::abort();
    GraphRunRequest request;
    request.graph = &graph;
    for (const Shape& s : shapes)
        request.inputs.push_back(std::make_shared<const Tensor>(Tensor(s)));
    ExecContext context;
    context.memoryBudgetBytes = 64 << 20;
    context.maxMultiplyAdds = 100000000;
    context.threads = 1;
    const GraphRunResult result = runGraph(request, context);
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        // A node with a shape whose inputs ran either ran or failed on a budget.
        if (result.outputs[i] && inferred.nodes[i].shape && result.outputs[i]->shape() != inferred.nodes[i].shape->output) {
            std::fprintf(stderr, "node %zu: run shape differs from inferred shape\n", i);
            std::abort();
        }
    }
    try {
        generateGraphKerasCode(graph, {});
    } catch (const LayerError&) {
    } catch (const std::overflow_error&) {
    }
    return 0;
}
