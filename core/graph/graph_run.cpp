#include "graph_run.h"

#include "core/errors.h"
#include "core/graph/graph_shapes.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace layerscope {

bool GraphRunResult::ok() const
{
    if (cancelled)
        return false;
    for (const TensorPtr& t : outputs)
        if (!t)
            return false;
    return true;
}

std::vector<TensorPtr> GraphRunResult::modelOutputs(const ModelGraph& graph) const
{
    std::vector<TensorPtr> result;
    for (size_t n : graph.outputs)
        result.push_back(n < outputs.size() ? outputs[n] : nullptr);
    return result;
}

GraphRunResult runGraph(const GraphRunRequest& request, const ExecContext& outer, const GraphRunCallbacks& callbacks)
{
    if (!request.graph)
        throw std::invalid_argument("runGraph: no graph");
    const ModelGraph& graph = *request.graph;
    const size_t n = graph.nodes.size();
    if (request.inputs.size() != graph.inputs.size())
        throw std::invalid_argument("the model has " + std::to_string(graph.inputs.size()) + " inputs; "
                                    + std::to_string(request.inputs.size()) + " given");
    if (!request.previous.empty() && request.previous.size() != n)
        throw std::invalid_argument("previous outputs: " + std::to_string(request.previous.size())
                                    + " for a graph of " + std::to_string(n) + " nodes");
    GraphRunResult result;
    result.outputs.assign(n, nullptr);
    result.errors.assign(n, "");
    result.computed.assign(n, false);
    result.milliseconds.assign(n, 0.0);

    // What this run computes: everything, or the changed nodes, their downstream and any node
    // without a previous output.
    std::vector<bool> compute(n, true);
    if (!request.previous.empty()) {
        const std::vector<bool> downstream = graph.downstreamOf(request.changed);
        for (size_t i = 0; i < n; ++i)
            compute[i] = downstream[i] || !request.previous[i];
    }
    int64_t held = 0;
    for (size_t k = 0; k < graph.inputs.size(); ++k)
        if (request.inputs[k])
            held += request.inputs[k]->byteSize();

    using Clock = std::chrono::steady_clock;
    std::atomic<int64_t> lastReport{0};
    const int64_t interval = std::chrono::duration_cast<std::chrono::nanoseconds>(callbacks.progressInterval).count();
    const auto origin = Clock::now();
    GraphRunProgress where;
    for (size_t i = 0; i < n; ++i)
        if (compute[i] && !graph.layerOf(i).isInput())
            ++where.total;
    ExecContext context = outer;
    if (callbacks.progress) {
        context.progress = [&](double fraction) {
            const int64_t now = (Clock::now() - origin).count();
            int64_t last = lastReport.load(std::memory_order_relaxed);
            if (now - last < interval || !lastReport.compare_exchange_strong(last, now))
                return;
            GraphRunProgress p = where;
            p.fraction = fraction;
            callbacks.progress(p);
        };
    }

    for (size_t i = 0; i < n; ++i) {
        const GraphNode& node = graph.nodes[i];
        const GraphLayer& layer = graph.layers[node.layer];
        if (!compute[i]) {
            result.outputs[i] = request.previous[i];
            held += result.outputs[i]->byteSize();
            continue;
        }
        if (layer.isInput()) {
            for (size_t k = 0; k < graph.inputs.size(); ++k)
                if (graph.inputs[k] == i)
                    result.outputs[i] = request.inputs[k];
            if (!result.outputs[i]) {
                result.errors[i] = "InputLayer '" + layer.name + "' is not a model input: no tensor for it";
                continue;
            }
            // Keras's input check (a Functional model) and its one added trailing axis of size 1.
            const std::string problem = modelInputProblem(graph, i, result.outputs[i]->shape());
            if (!problem.empty()) {
                result.errors[i] = problem;
                result.outputs[i] = nullptr;
                if (!result.firstFailed) {
                    result.firstFailed = i;
                    result.firstException = std::make_exception_ptr(Error(problem));
                }
                continue;
            }
            const Shape& declared = layer.declaredShape;
            if (graph.checkDeclaredInputs && result.outputs[i]->rank() + 1 == static_cast<int>(declared.size())) {
                Shape shape = result.outputs[i]->shape();
                shape.push_back(1);
                result.outputs[i] = std::make_shared<const Tensor>(result.outputs[i]->reshaped(shape));
            }
            continue;
        }
        // Inputs: the first missing one blocks this node.
        std::vector<const Tensor*> inputs;
        std::string missing;
        for (size_t in : node.inputs) {
            if (!result.outputs[in]) {
                missing = "not computed: " + graph.nodeName(in)
                        + (result.errors[in].rfind("not computed", 0) == 0 ? " was not computed"
                           : graph.layerOf(in).supported()                 ? " failed"
                                                                           : " does not run");
                break;
            }
            inputs.push_back(result.outputs[in].get());
        }
        if (!missing.empty()) {
            result.errors[i] = missing;
            continue;
        }
        if (node.bypassed && inputs.size() == 1) {
            // Bypassed in the graph window: the input passes through (the very same tensor).
            result.outputs[i] = result.outputs[node.inputs[0]];
            result.computed[i] = true;
            ++where.done;
            if (callbacks.nodeDone)
                callbacks.nodeDone(i, result.outputs[i], 0.0);
            continue;
        }
        if (!layer.layer) {
            result.errors[i] = layer.className + " '" + layer.name + "' is not supported: "
                             + (layer.unsupported ? layer.unsupported->reason : std::string("no engine layer"));
            continue;
        }
        if (context.cancelled()) {
            result.cancelled = true;
            return result;
        }
        where.node = i;
        if (callbacks.nodeStarted)
            callbacks.nodeStarted(i);
        context.memoryBudgetBytes = std::max<int64_t>(0, outer.memoryBudgetBytes - held);
        try {
            std::vector<Shape> shapes;
            for (const Tensor* t : inputs)
                shapes.push_back(t->shape());
            layer.layer->inferShapes(shapes);
            const auto t0 = Clock::now();
            Tensor computed = layer.layer->forwardInputs(inputs, context);
            result.milliseconds[i] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            result.outputs[i] = std::make_shared<const Tensor>(std::move(computed));
            result.computed[i] = true;
            held += result.outputs[i]->byteSize();
        } catch (const CancelledError&) {
            result.cancelled = true;
            return result;
        } catch (const std::exception& e) {
            result.errors[i] = e.what();
            if (!result.firstFailed) {
                result.firstFailed = i;
                result.firstException = std::current_exception();
            }
            continue;
        }
        ++where.done;
        try {
            if (callbacks.nodeDone)
                callbacks.nodeDone(i, result.outputs[i], result.milliseconds[i]);
        } catch (const CancelledError&) {
            result.cancelled = true;
            return result;
        }
    }
    return result;
}

GraphRunResult rerunDownstream(const ModelGraph& graph, const std::vector<TensorPtr>& inputs,
                               const std::vector<TensorPtr>& previous, size_t changedNode,
                               const ExecContext& context, const GraphRunCallbacks& callbacks)
{
    GraphRunRequest request;
    request.graph = &graph;
    request.inputs = inputs;
    request.previous = previous;
    request.changed = {changedNode};
    return runGraph(request, context, callbacks);
}

} // namespace layerscope
