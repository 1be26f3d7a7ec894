#include "graph_edit.h"

#include <algorithm>
#include <map>
#include <set>

namespace layerscope {

namespace {

// Puts `graph.nodes` in topological order (a reconnection can make a node read a later one),
// keeping the present order wherever it already is one, and renumbers every index. Throws
// GraphEditError on a cycle.
void sortTopologically(ModelGraph& graph)
{
    const size_t n = graph.nodes.size();
    std::vector<size_t> order;
    order.reserve(n);
    std::vector<int> state(n, 0); // 0 new, 1 on the stack, 2 placed
    // Depth-first from each node in the present order: a node is placed after its inputs.
    std::vector<std::pair<size_t, size_t>> stack;
    for (size_t start = 0; start < n; ++start) {
        if (state[start])
            continue;
        stack.push_back({start, 0});
        state[start] = 1;
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next < graph.nodes[node].inputs.size()) {
                const size_t in = graph.nodes[node].inputs[next++];
                if (state[in] == 1)
                    throw GraphEditError("that would make a cycle: " + graph.nodeName(in) + " would depend on itself");
                if (state[in] == 0) {
                    state[in] = 1;
                    stack.push_back({in, 0});
                }
                continue;
            }
            state[node] = 2;
            order.push_back(node);
            stack.pop_back();
        }
    }
    std::vector<size_t> position(n);
    for (size_t i = 0; i < n; ++i)
        position[order[i]] = i;
    std::vector<GraphNode> sorted;
    sorted.reserve(n);
    for (size_t old : order) {
        GraphNode node = graph.nodes[old];
        for (size_t& in : node.inputs)
            in = position[in];
        sorted.push_back(std::move(node));
    }
    graph.nodes = std::move(sorted);
    for (size_t& i : graph.inputs)
        i = position[i];
    for (size_t& o : graph.outputs)
        o = position[o];
}

// Drops the nodes marked in `gone`, the layers left without a call, and renumbers.
void removeNodes(ModelGraph& graph, const std::vector<bool>& gone)
{
    std::vector<size_t> position(graph.nodes.size(), SIZE_MAX);
    std::vector<GraphNode> kept;
    for (size_t i = 0; i < graph.nodes.size(); ++i)
        if (!gone[i]) {
            position[i] = kept.size();
            kept.push_back(graph.nodes[i]);
        }
    for (GraphNode& node : kept)
        for (size_t& in : node.inputs)
            in = position[in];
    graph.nodes = std::move(kept);
    auto renumber = [&](std::vector<size_t>& list, std::vector<std::string>* names) {
        std::vector<size_t> out;
        std::vector<std::string> outNames;
        for (size_t k = 0; k < list.size(); ++k)
            if (position[list[k]] != SIZE_MAX) {
                out.push_back(position[list[k]]);
                if (names && k < names->size())
                    outNames.push_back((*names)[k]);
            }
        list = std::move(out);
        if (names && !names->empty())
            *names = std::move(outNames);
    };
    renumber(graph.inputs, nullptr);
    renumber(graph.outputs, &graph.outputNames);
    // Layers without a call left.
    std::vector<size_t> layerPosition(graph.layers.size(), SIZE_MAX);
    std::vector<GraphLayer> layers;
    std::vector<bool> called(graph.layers.size(), false);
    for (const GraphNode& node : graph.nodes)
        called[node.layer] = true;
    for (size_t l = 0; l < graph.layers.size(); ++l)
        if (called[l]) {
            layerPosition[l] = layers.size();
            layers.push_back(std::move(graph.layers[l]));
        }
    graph.layers = std::move(layers);
    for (GraphNode& node : graph.nodes)
        node.layer = layerPosition[node.layer];
}

void checkNode(const ModelGraph& graph, size_t node)
{
    if (node >= graph.nodes.size())
        throw GraphEditError("no node " + std::to_string(node) + " in a graph of " + std::to_string(graph.nodes.size()));
}

// Appends a node of a new layer `layer` reading `inputs`.
size_t appendNode(ModelGraph& graph, const std::vector<size_t>& inputs, std::shared_ptr<const Layer> layer)
{
    if (!layer)
        throw GraphEditError("no layer to add");
    if (graph.findLayer(layer->name()))
        throw GraphEditError("a layer named '" + layer->name() + "' is already in the model");
    for (size_t in : inputs)
        checkNode(graph, in);
    const Layer::Arity arity = layer->inputArity();
    const int count = static_cast<int>(inputs.size());
    if (count < arity.minimum || (arity.maximum >= 0 && count > arity.maximum)) {
        const std::string wanted = arity.maximum == arity.minimum ? std::to_string(arity.minimum)
                                 : arity.maximum < 0 ? "at least " + std::to_string(arity.minimum)
                                                     : std::to_string(arity.minimum) + " to " + std::to_string(arity.maximum);
        throw GraphEditError(layer->className() + " '" + layer->name() + "' takes " + wanted + " input"
                             + (wanted == "1" ? "" : "s") + "; " + std::to_string(count) + " picked");
    }
    GraphLayer entry;
    entry.name = layer->name();
    entry.className = layer->className();
    entry.layer = std::move(layer);
    graph.layers.push_back(std::move(entry));
    GraphNode node;
    node.layer = graph.layers.size() - 1;
    node.inputs = inputs;
    graph.nodes.push_back(std::move(node));
    return graph.nodes.size() - 1;
}

void addOutput(ModelGraph& graph, size_t node)
{
    if (std::find(graph.outputs.begin(), graph.outputs.end(), node) != graph.outputs.end())
        return;
    graph.outputs.push_back(node);
    if (!graph.outputNames.empty())
        graph.outputNames.push_back(graph.nodeName(node));
}

} // namespace

ModelGraph addBranch(const ModelGraph& graph, size_t from, std::shared_ptr<const Layer> layer)
{
    checkNode(graph, from);
    ModelGraph edited = graph;
    const size_t node = appendNode(edited, {from}, std::move(layer));
    addOutput(edited, node);
    return edited;
}

ModelGraph addMerge(const ModelGraph& graph, const std::vector<size_t>& inputs, std::shared_ptr<const Layer> layer)
{
    ModelGraph edited = graph;
    const size_t node = appendNode(edited, inputs, std::move(layer));
    // The merged branches end in the merge now.
    std::vector<bool> gone(edited.nodes.size(), false);
    for (size_t in : inputs)
        gone[in] = true;
    std::vector<size_t> outputs;
    std::vector<std::string> names;
    for (size_t k = 0; k < edited.outputs.size(); ++k)
        if (!gone[edited.outputs[k]]) {
            outputs.push_back(edited.outputs[k]);
            if (k < edited.outputNames.size())
                names.push_back(edited.outputNames[k]);
        }
    edited.outputs = std::move(outputs);
    if (!edited.outputNames.empty())
        edited.outputNames = std::move(names);
    addOutput(edited, node);
    return edited;
}

ModelGraph reconnectInput(const ModelGraph& graph, size_t node, size_t slot, size_t source)
{
    checkNode(graph, node);
    checkNode(graph, source);
    if (graph.layerOf(node).isInput())
        throw GraphEditError(graph.nodeName(node) + " is a model input: it reads no other node");
    if (slot >= graph.nodes[node].inputs.size())
        throw GraphEditError(graph.nodeName(node) + " has " + std::to_string(graph.nodes[node].inputs.size())
                             + " input(s); there is no input " + std::to_string(slot + 1));
    if (graph.downstreamOf({node})[source])
        throw GraphEditError("that would make a cycle: " + graph.nodeName(source) + " depends on " + graph.nodeName(node));
    ModelGraph edited = graph;
    edited.nodes[node].inputs[slot] = source;
    sortTopologically(edited);
    return edited;
}

ModelGraph deleteNodeAndDanglingBranch(const ModelGraph& graph, size_t node, std::vector<std::string>* removed)
{
    checkNode(graph, node);
    if (graph.layerOf(node).isInput() && graph.inputs.size() <= 1)
        throw GraphEditError(graph.nodeName(node) + " is the model's only input; a model needs one");
    const size_t n = graph.nodes.size();
    std::vector<bool> gone(n, false);
    gone[node] = true;
    ModelGraph edited = graph;
    std::vector<size_t> lostConsumer;
    // Topological order: each node's inputs are settled before it.
    for (size_t i = node + 1; i < n; ++i) {
        GraphNode& current = edited.nodes[i];
        const size_t before = current.inputs.size();
        std::vector<size_t> kept;
        for (size_t in : current.inputs)
            if (!gone[in])
                kept.push_back(in);
        if (kept.size() == before)
            continue;
        const GraphLayer& layer = edited.layers[current.layer];
        const int minimum = layer.layer ? layer.layer->inputArity().minimum : static_cast<int>(before);
        if (static_cast<int>(kept.size()) >= std::max(minimum, 1) && !current.bypassed) {
            current.inputs = std::move(kept);
            continue;
        }
        gone[i] = true;
    }
    // Nodes that fed a removed node and stay: candidates for outputs if none is left.
    for (size_t i = 0; i < n; ++i)
        if (gone[i])
            for (size_t in : graph.nodes[i].inputs)
                if (!gone[in])
                    lostConsumer.push_back(in);
    if (removed)
        for (size_t i = 0; i < n; ++i)
            if (gone[i])
                removed->push_back(graph.nodeName(i));
    bool anyOutputLeft = false;
    for (size_t o : graph.outputs)
        anyOutputLeft = anyOutputLeft || !gone[o];
    if (!anyOutputLeft)
        for (size_t c : lostConsumer)
            addOutput(edited, c);
    // A node that lost every consumer and is not an output would be computed for nothing; the
    // nodes that fed the removed branch become outputs when nothing else reads them.
    std::vector<bool> read(n, false);
    for (size_t i = 0; i < n; ++i)
        if (!gone[i])
            for (size_t in : edited.nodes[i].inputs)
                read[in] = true;
    for (size_t c : lostConsumer)
        if (!read[c] && !edited.layerOf(c).isInput())
            addOutput(edited, c);
    removeNodes(edited, gone);
    if (edited.outputs.empty())
        throw GraphEditError("deleting " + graph.nodeName(node) + " would leave the model without an output");
    return edited;
}

ModelGraph setBypassed(const ModelGraph& graph, size_t node, bool bypassed)
{
    checkNode(graph, node);
    if (bypassed && graph.nodes[node].inputs.size() != 1)
        throw GraphEditError(graph.nodeName(node) + (graph.layerOf(node).isInput() ? " is a model input" : " reads "
                             + std::to_string(graph.nodes[node].inputs.size()) + " inputs")
                             + "; only a node with one input can pass it through");
    ModelGraph edited = graph;
    edited.nodes[node].bypassed = bypassed;
    return edited;
}

ModelGraph replaceLayer(const ModelGraph& graph, size_t layer, std::shared_ptr<const Layer> replacement)
{
    if (layer >= graph.layers.size() || !replacement)
        throw GraphEditError("no such layer");
    const GraphLayer& current = graph.layers[layer];
    if (replacement->className() != current.className)
        throw GraphEditError("layer '" + current.name + "' is a " + current.className + ", not a " + replacement->className());
    if (replacement->name() != current.name)
        throw GraphEditError("layer '" + current.name + "' keeps its name ('" + replacement->name() + "' given)");
    ModelGraph edited = graph;
    edited.layers[layer].layer = std::move(replacement);
    return edited;
}

ModelGraph effectiveGraph(const ModelGraph& graph)
{
    bool any = false;
    for (const GraphNode& node : graph.nodes)
        any = any || node.bypassed;
    if (!any)
        return graph;
    // Each bypassed node stands for its input (already resolved: topological order).
    std::vector<size_t> source(graph.nodes.size());
    std::vector<bool> gone(graph.nodes.size(), false);
    ModelGraph edited = graph;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        for (size_t& in : edited.nodes[i].inputs)
            in = source[in];
        source[i] = i;
        if (graph.nodes[i].bypassed && graph.nodes[i].inputs.size() == 1) {
            source[i] = edited.nodes[i].inputs[0];
            gone[i] = true;
        }
    }
    std::vector<size_t> outputs;
    for (size_t o : edited.outputs)
        outputs.push_back(source[o]);
    edited.outputs = std::move(outputs);
    removeNodes(edited, gone);
    return edited;
}

CarriedOutputs carryOutputs(const ModelGraph& before, const std::vector<std::shared_ptr<const Tensor>>& outputs,
                            const ModelGraph& after)
{
    std::map<std::string, size_t> beforeNodes;
    for (size_t j = 0; j < before.nodes.size(); ++j)
        beforeNodes[before.nodeName(j)] = j;
    CarriedOutputs carried;
    carried.previous.resize(after.nodes.size());
    std::vector<std::optional<size_t>> same(after.nodes.size());
    for (size_t i = 0; i < after.nodes.size(); ++i) {
        const auto it = beforeNodes.find(after.nodeName(i));
        std::optional<size_t> match;
        if (it != beforeNodes.end()) {
            const GraphNode& a = after.nodes[i];
            const GraphNode& b = before.nodes[it->second];
            const GraphLayer& la = after.layers[a.layer];
            const GraphLayer& lb = before.layers[b.layer];
            // The layer object itself: an edit copies the graph's shared layers and replaces only
            // the one it changes, so pointer identity is "same parameters and weights" without
            // comparing weights.
            bool equal = la.layer == lb.layer && la.className == lb.className && la.declaredShape == lb.declaredShape
                      && a.bypassed == b.bypassed && a.kwargs == b.kwargs && a.inputs.size() == b.inputs.size();
            for (size_t k = 0; equal && k < a.inputs.size(); ++k)
                equal = same[a.inputs[k]] && *same[a.inputs[k]] == b.inputs[k];
            if (equal && it->second < outputs.size() && outputs[it->second])
                match = it->second;
        }
        same[i] = match;
        if (match)
            carried.previous[i] = outputs[*match];
        else
            carried.changed.push_back(i); // also every node that had no output: runGraph computes it
    }
    return carried;
}

} // namespace layerscope
