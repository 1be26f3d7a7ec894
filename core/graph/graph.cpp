#include "graph.h"

#include "core/pipeline.h"

#include <map>
#include <set>

namespace layerscope {

std::string ModelGraph::nodeName(size_t node) const
{
    const GraphNode& n = nodes.at(node);
    const std::string& base = layers.at(n.layer).name;
    return n.call == 0 ? base : base + "#" + std::to_string(n.call);
}

std::optional<size_t> ModelGraph::findLayer(const std::string& layerName) const
{
    for (size_t i = 0; i < layers.size(); ++i)
        if (layers[i].name == layerName)
            return i;
    return std::nullopt;
}

std::vector<size_t> ModelGraph::nodesOfLayer(size_t layer) const
{
    std::vector<size_t> result;
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].layer == layer)
            result.push_back(i);
    return result;
}

std::vector<std::vector<size_t>> ModelGraph::consumers() const
{
    std::vector<std::vector<size_t>> result(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i)
        for (size_t in : nodes[i].inputs)
            if (result[in].empty() || result[in].back() != i)
                result[in].push_back(i);
    return result;
}

std::vector<bool> ModelGraph::downstreamOf(const std::vector<size_t>& changed) const
{
    std::vector<bool> marked(nodes.size(), false);
    for (size_t c : changed)
        if (c < nodes.size())
            marked[c] = true;
    // Topological order: one forward pass suffices.
    for (size_t i = 0; i < nodes.size(); ++i)
        for (size_t in : nodes[i].inputs)
            if (marked[in])
                marked[i] = true;
    return marked;
}

std::vector<bool> ModelGraph::downstreamOfLayer(size_t layer) const
{
    return downstreamOf(nodesOfLayer(layer));
}

std::string ModelGraph::uniqueLayerName(const std::string& stem) const
{
    std::set<std::string> used;
    for (const GraphLayer& l : layers)
        used.insert(l.name);
    if (!used.count(stem))
        return stem;
    for (int i = 1;; ++i) {
        std::string candidate = stem + "_" + std::to_string(i);
        if (!used.count(candidate))
            return candidate;
    }
}

bool ModelGraph::operator==(const ModelGraph& other) const
{
    // By names, not positions: two files listing the same layers in another order (a nested
    // model inlined, then written flat) are the same model.
    if (layers.size() != other.layers.size() || nodes.size() != other.nodes.size()
        || inputs.size() != other.inputs.size() || outputs.size() != other.outputs.size())
        return false;
    for (const GraphLayer& a : layers) {
        const std::optional<size_t> found = other.findLayer(a.name);
        if (!found)
            return false;
        const GraphLayer& b = other.layers[*found];
        if (a.className != b.className || a.declaredShape != b.declaredShape)
            return false;
        if ((a.layer == nullptr) != (b.layer == nullptr))
            return false;
        if (a.layer && !(*a.layer == *b.layer))
            return false;
        if (a.unsupported.has_value() != b.unsupported.has_value())
            return false;
        if (a.unsupported && a.unsupported->object.value("config", nlohmann::json())
                                 != b.unsupported->object.value("config", nlohmann::json()))
            return false;
    }
    std::map<std::string, size_t> otherNodes;
    for (size_t j = 0; j < other.nodes.size(); ++j)
        otherNodes[other.nodeName(j)] = j;
    for (size_t i = 0; i < nodes.size(); ++i) {
        auto it = otherNodes.find(nodeName(i));
        if (it == otherNodes.end())
            return false;
        const GraphNode& a = nodes[i];
        const GraphNode& b = other.nodes[it->second];
        if (a.inputs.size() != b.inputs.size() || a.kwargs != b.kwargs)
            return false;
        for (size_t k = 0; k < a.inputs.size(); ++k)
            if (nodeName(a.inputs[k]) != other.nodeName(b.inputs[k]))
                return false;
    }
    for (size_t k = 0; k < inputs.size(); ++k)
        if (nodeName(inputs[k]) != other.nodeName(other.inputs[k]))
            return false;
    for (size_t k = 0; k < outputs.size(); ++k)
        if (nodeName(outputs[k]) != other.nodeName(other.outputs[k]))
            return false;
    return true;
}

ModelGraph graphFromPipeline(const Pipeline& pipeline)
{
    ModelGraph graph;
    graph.name = pipeline.name;
    GraphLayer input;
    input.name = "input_layer";
    for (const auto& layer : pipeline.layers)
        if (layer->name() == input.name)
            input.name = "input_layer_1";
    input.className = "InputLayer";
    input.declaredShape = pipeline.declaredInputShape.value_or(Shape{});
    graph.layers.push_back(std::move(input));
    graph.nodes.push_back(GraphNode{0, 0, {}, nlohmann::json::object()});
    graph.inputs.push_back(0);
    for (const auto& layer : pipeline.layers) {
        GraphLayer l;
        l.name = layer->name();
        l.className = layer->className();
        l.layer = std::shared_ptr<const Layer>(layer->clone());
        graph.layers.push_back(std::move(l));
        graph.nodes.push_back(GraphNode{graph.layers.size() - 1, 0, {graph.nodes.size() - 1}, nlohmann::json::object()});
    }
    graph.outputs.push_back(graph.nodes.size() - 1);
    return graph;
}

std::optional<Pipeline> pipelineFromGraph(const ModelGraph& graph)
{
    if (graph.inputs.size() != 1 || graph.outputs.size() != 1 || graph.nodes.empty() || graph.inputs[0] != 0
        || graph.outputs[0] != graph.nodes.size() - 1)
        return std::nullopt;
    Pipeline pipeline;
    pipeline.name = graph.name;
    if (!graph.layerOf(0).declaredShape.empty())
        pipeline.declaredInputShape = graph.layerOf(0).declaredShape;
    std::set<size_t> seen;
    for (size_t i = 1; i < graph.nodes.size(); ++i) {
        const GraphNode& n = graph.nodes[i];
        const GraphLayer& l = graph.layers[n.layer];
        if (n.inputs != std::vector<size_t>{i - 1} || !l.layer || !seen.insert(n.layer).second)
            return std::nullopt;
        pipeline.layers.push_back(l.layer->clone());
    }
    return pipeline;
}

} // namespace layerscope
