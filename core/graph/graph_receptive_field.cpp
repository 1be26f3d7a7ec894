#include "graph_receptive_field.h"

#include <algorithm>
#include <stdexcept>

namespace layerscope {

static Interval hull(const Interval& a, const Interval& b)
{
    if (a.empty())
        return b;
    if (b.empty())
        return a;
    return {std::min(a.first, b.first), std::max(a.last, b.last)};
}

GraphReceptiveField graphReceptiveField(const ModelGraph& graph, const GraphShapes& shapes, size_t node,
                                        const std::vector<Interval>& clipped, const std::vector<Interval>& unclipped)
{
    if (node >= graph.nodes.size())
        throw std::invalid_argument("node " + std::to_string(node) + " does not exist");
    if (!shapes.nodes.at(node).shape)
        throw std::invalid_argument(graph.nodeName(node) + " has no shape: " + shapes.nodes[node].error);
    const Shape& outShape = shapes.nodes[node].shape->output;
    if (clipped.size() != outShape.size() || unclipped.size() != outShape.size())
        throw std::invalid_argument("a region of rank " + std::to_string(clipped.size()) + " for an output of rank "
                                    + std::to_string(outShape.size()));
    GraphReceptiveField field;
    field.nodes.resize(graph.nodes.size());
    auto formatOf = [&](size_t n) {
        const GraphLayer& l = graph.layerOf(n);
        return l.layer ? l.layer->dataFormat().value_or(DataFormat::ChannelsLast) : DataFormat::ChannelsLast;
    };
    field.nodes[node] = TensorRegion{outShape, formatOf(node), clipped, unclipped};
    for (size_t i = node + 1; i-- > 0;) {
        if (!field.nodes[i])
            continue;
        const GraphNode& n = graph.nodes[i];
        const GraphLayer& l = graph.layers[n.layer];
        if (l.isInput())
            continue;
        if (!l.layer)
            throw std::invalid_argument(graph.nodeName(i) + " is unsupported");
        const std::vector<Shape> inputs = shapes.inputShapes(graph, i);
        if (inputs.size() != n.inputs.size())
            throw std::invalid_argument(graph.nodeName(i) + ": an input has no shape");
        const TensorRegion& region = *field.nodes[i];
        const std::vector<RegionMapping> back
            = l.layer->mapOutputRegionInputs(inputs, region.shape, region.clipped, region.unclipped);
        for (size_t k = 0; k < n.inputs.size(); ++k) {
            const size_t in = n.inputs[k];
            // An input the region does not reach (another input's slice of a concatenation).
            if (std::any_of(back[k].clipped.begin(), back[k].clipped.end(), [](const Interval& v) { return v.empty(); }))
                continue;
            std::optional<TensorRegion>& target = field.nodes[in];
            // A producer without a data_format (an input, Tile, a merge) is read in its consumer's.
            const DataFormat format = graph.layerOf(in).layer && graph.layerOf(in).layer->dataFormat()
                                          ? *graph.layerOf(in).layer->dataFormat()
                                          : l.layer->dataFormat().value_or(region.format);
            if (!target) {
                target = TensorRegion{inputs[k], format, back[k].clipped, back[k].unclipped};
                continue;
            }
            for (size_t a = 0; a < target->clipped.size() && a < back[k].clipped.size(); ++a) {
                target->clipped[a] = hull(target->clipped[a], back[k].clipped[a]);
                target->unclipped[a] = hull(target->unclipped[a], back[k].unclipped[a]);
            }
        }
    }
    for (size_t in : graph.inputs)
        field.inputs.push_back(field.nodes[in]);
    return field;
}

} // namespace layerscope
