#include "layer_capture.h"

#include "core/errors.h"
#include "core/graph/graph_run.h"

namespace layerscope {

namespace {

std::string layerNames(const ModelGraph& graph)
{
    std::string names;
    for (size_t n = 0; n < graph.nodes.size(); ++n)
        if (!graph.layerOf(n).isInput())
            names += (names.empty() ? "" : ", ") + graph.nodeName(n);
    return names;
}

} // namespace

LayerCapture captureLayer(const ModelGraph& graph, const std::vector<std::shared_ptr<const Tensor>>& inputs,
                          const std::string& name, const ExecContext& context)
{
    std::optional<size_t> node;
    for (size_t n = 0; n < graph.nodes.size() && !node; ++n)
        if (graph.nodeName(n) == name)
            node = n;
    if (!node)
        if (const std::optional<size_t> layer = graph.findLayer(name); layer && !graph.nodesOfLayer(*layer).empty())
            node = graph.nodesOfLayer(*layer).front();
    if (!node)
        throw Error("the model has no layer named '" + name + "'; its layers are: " + layerNames(graph));
    const GraphLayer& l = graph.layerOf(*node);
    if (l.isInput())
        throw Error("'" + name + "' is the model's input, not a layer: give one of " + layerNames(graph));
    if (!l.layer)
        throw Error("layer '" + name + "' (" + l.className + ") is not supported by LayerScope"
                    + (l.unsupported ? ": " + l.unsupported->reason : std::string()));
    if (graph.nodes[*node].inputs.size() != 1)
        throw Error("layer '" + name + "' (" + l.className + ") reads "
                    + std::to_string(graph.nodes[*node].inputs.size()) + " tensors; pick a layer with one input");
    GraphRunRequest request;
    request.graph = &graph;
    request.inputs = inputs;
    const GraphRunResult result = runGraph(request, context);
    if (result.cancelled)
        throw CancelledError();
    const size_t source = graph.nodes[*node].inputs.front();
    if (!result.outputs[*node]) {
        // "not computed: X failed" names the node to blame; its own error says what went wrong.
        for (size_t n = 0; n <= *node; ++n)
            if (!result.errors[n].empty() && result.errors[n].rfind("not computed", 0) != 0)
                throw Error("layer '" + name + "' was not computed: " + graph.nodeName(n) + ": " + result.errors[n]);
        throw Error("layer '" + name + "' was not computed: " + result.errors[*node]);
    }
    return {*node, graph.nodeName(*node), l.layer, result.outputs[source], result.outputs[*node]};
}

} // namespace layerscope
