#include "pipeline_run.h"

#include "errors.h"

#include <algorithm>
#include <atomic>

namespace layerscope {

double RunProgress::overall() const
{
    if (layerCount <= first)
        return 1.0;
    return (static_cast<double>(layer - first) + fraction) / static_cast<double>(layerCount - first);
}

RunResult runLayers(const RunRequest& request, const ExecContext& outer, const RunCallbacks& callbacks)
{
    RunResult result;
    const Pipeline& pipeline = *request.pipeline;
    const size_t n = pipeline.layers.size();
    std::shared_ptr<const Tensor> current = request.start;
    int64_t held = request.heldBytes >= 0 ? request.heldBytes : (current ? current->byteSize() : 0);

    // Kernels may call progress from any of their threads (parallel.h calls it from the calling
    // thread only, but a kernel is free not to use parallelChunks): the fraction goes through an
    // atomic and the throttle through a compare-exchange, so no state is shared unsynchronised.
    using Clock = std::chrono::steady_clock;
    std::atomic<int64_t> lastReport{0};
    const int64_t interval = std::chrono::duration_cast<std::chrono::nanoseconds>(callbacks.progressInterval).count();
    const auto origin = Clock::now();
    RunProgress where{request.first, request.first, n, 0.0};
    ExecContext context = outer;
    if (callbacks.progress) {
        context.progress = [&](double fraction) {
            const int64_t now = (Clock::now() - origin).count();
            int64_t last = lastReport.load(std::memory_order_relaxed);
            if (now - last < interval || !lastReport.compare_exchange_strong(last, now))
                return;
            RunProgress p = where;
            p.fraction = fraction;
            callbacks.progress(p);
        };
    }

    for (size_t i = request.first; i < n; ++i) {
        if (context.cancelled()) {
            result.cancelled = true;
            return result;
        }
        where.layer = i;
        if (callbacks.layerStarted)
            callbacks.layerStarted(i);
        const bool enabled = request.enabled.empty() || request.enabled[i];
        std::shared_ptr<const Tensor> out;
        double ms = 0.0;
        if (!enabled) {
            out = current;
        } else {
            const Layer& layer = *pipeline.layers[i];
            context.memoryBudgetBytes = std::max<int64_t>(0, outer.memoryBudgetBytes - held);
            try {
                layer.inferShape(current->shape());
                const auto t0 = Clock::now();
                Tensor computed = layer.forward(*current, context);
                ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                out = std::make_shared<const Tensor>(std::move(computed));
            } catch (const CancelledError&) {
                result.cancelled = true;
                return result;
            } catch (const std::exception& error) {
                result.failedLayer = i;
                result.error = error.what();
                result.exception = std::current_exception();
                return result;
            }
            // A caller keeping only the last output frees the input of this layer next.
            if (request.keepsOutputs)
                held += out->byteSize();
            else
                held = out->byteSize();
        }
        try {
            if (callbacks.layerDone)
                callbacks.layerDone(i, out, ms);
        } catch (const CancelledError&) {
            result.cancelled = true;
            return result;
        }
        current = std::move(out);
    }
    return result;
}

std::vector<std::shared_ptr<const Tensor>> runWholePipeline(const Pipeline& pipeline,
                                                            std::shared_ptr<const Tensor> input,
                                                            const ExecContext& context,
                                                            const decltype(RunCallbacks::layerDone)& layerDone)
{
    const ChainShapes chain = inferChain(pipeline, input->shape());
    if (!chain.ok()) {
        const Layer& bad = *pipeline.layers[*chain.failedLayer];
        throw LayerError(bad.className(), bad.name(),
                         chain.error.substr(bad.className().size() + bad.name().size() + 5));
    }
    std::vector<std::shared_ptr<const Tensor>> outputs;
    RunCallbacks callbacks;
    callbacks.layerDone = [&](size_t layer, const std::shared_ptr<const Tensor>& output, double milliseconds) {
        outputs.push_back(output);
        if (layerDone)
            layerDone(layer, output, milliseconds);
    };
    RunRequest request;
    request.pipeline = &pipeline;
    request.start = std::move(input);
    const RunResult result = runLayers(request, context, callbacks);
    if (result.cancelled)
        throw CancelledError();
    if (result.exception)
        std::rethrow_exception(result.exception);
    return outputs;
}

Pipeline effectivePipeline(const Pipeline& pipeline, const std::vector<bool>& enabled)
{
    Pipeline result;
    result.name = pipeline.name;
    result.declaredInputShape = pipeline.declaredInputShape;
    for (size_t i = 0; i < pipeline.layers.size(); ++i)
        if (enabled.empty() || enabled[i])
            result.layers.push_back(pipeline.layers[i]->clone());
    return result;
}

} // namespace layerscope

namespace layerscope {

// Copies every output once; for tests and small tools (the app and the CLI keep the shared ones).
std::vector<Tensor> runPipeline(const Pipeline& pipeline, const Tensor& input, const ExecContext& context,
                                const LayerDoneCallback& onLayerDone)
{
    // The caller's input outlives the run: borrowed, not copied.
    std::shared_ptr<const Tensor> borrowed(&input, [](const Tensor*) {});
    std::vector<Tensor> outputs;
    runWholePipeline(pipeline, std::move(borrowed), context,
                     [&](size_t layer, const std::shared_ptr<const Tensor>& output, double milliseconds) {
                         outputs.push_back(*output);
                         if (onLayerDone)
                             onLayerDone(layer, outputs.back(), milliseconds);
                     });
    return outputs;
}

} // namespace layerscope
