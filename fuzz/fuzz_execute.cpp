// libFuzzer target: executing fuzzed pipelines on a small 8×8×3 tensor. The bytes are decoded
// into 1–4 layers of any registered class, each by its class's fuzzJson (layer_registry.h), with
// arbitrary (also absurd: 2^k, INT64 extremes, negative) parameters and sometimes inline Conv2D
// weights of a random shape; every run must finish with outputs of exactly
// the shapes inferChain predicted, or end in a LayerError (including MemoryBudgetError and
// WorkBudgetError) or PipelineFormatError, within a 16 MiB budget and 2^30 multiply-adds per layer
// (small, so that an execution stays fast while every guard path is still reachable). A byte also
// decides whether the run is cancelled before it starts or from the progress callback, which must
// end in CancelledError.
#include "core/errors.h"
#include "core/fuzz_bytes.h"
#include "core/layer_registry.h"
#include "core/pipeline.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stop_token>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    FuzzBytes in{data, size};
    nlohmann::json layers = nlohmann::json::array();
    const int count = 1 + in.next() % 4;
    // Each layer: a registered class, then its own fuzz constructor.
    const std::vector<LayerFactory>& classes = layerFactories();
    for (int i = 0; i < count; ++i)
        layers.push_back(classes[in.next() % classes.size()].fuzzJson(in, "l" + std::to_string(i)));
    // LAYERSCOPE_FUZZ_PRINT=1 prints the decoded pipeline (to turn a finding into a test).
    static const bool print = std::getenv("LAYERSCOPE_FUZZ_PRINT") != nullptr;
    if (print)
        std::fprintf(stderr, "%s\n", layers.dump().c_str());
    const uint8_t cancelMode = in.next() % 16; // 0: cancel before the run, 1: from the progress callback
    Tensor input({1, 8, 8, 3});
    for (int64_t i = 0; i < input.size(); ++i)
        input[i] = static_cast<float>(in.next()) - 128.0f;

    std::stop_source stop;
    ExecContext context;
    context.threads = 1;
    context.memoryBudgetBytes = int64_t{16} << 20;
    // A few seconds under ASan at most; without it a huge 'same' Conv2D kernel over a grown map
    // is a valid computation of hours (the libFuzzer timeout is 10 s).
    context.maxMultiplyAdds = int64_t{1} << 30;
    context.stop = stop.get_token();
    if (cancelMode == 0)
        stop.request_stop();
    else if (cancelMode == 1)
        context.progress = [&stop](double) { stop.request_stop(); };

    Pipeline pipeline;
    try {
        pipeline = parsePipelineJson(layers.dump());
    } catch (const PipelineFormatError&) {
        return 0;
    }
    const ChainShapes chain = inferChain(pipeline, input.shape());
    try {
        const std::vector<Tensor> outputs = runPipeline(pipeline, input, context);
        if (!chain.ok() || outputs.size() != pipeline.layers.size())
            std::abort();
        for (size_t i = 0; i < outputs.size(); ++i)
            if (outputs[i].shape() != chain.layers[i].output) {
                std::fprintf(stderr, "layer %zu: output %s, inferred %s\n%s\n", i,
                             shapeToString(outputs[i].shape()).c_str(),
                             shapeToString(chain.layers[i].output).c_str(), layers.dump().c_str());
                std::abort();
            }
        if (cancelMode == 0 && !pipeline.layers.empty())
            std::abort(); // cancelled before the start, yet it ran
    } catch (const CancelledError&) {
        if (cancelMode > 1)
            std::abort(); // nobody asked for it
    } catch (const MemoryBudgetError&) {
    } catch (const WorkBudgetError&) {
    } catch (const LayerError&) {
        // Validation errors come first: a chain that infers fine may only fail on the budget.
        if (chain.ok()) {
            std::fprintf(stderr, "inferChain succeeded but runPipeline threw a LayerError\n");
            std::abort();
        }
    }
    return 0;
}
