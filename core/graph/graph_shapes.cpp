#include "graph_shapes.h"

#include "core/errors.h"

namespace layerscope {

bool GraphShapes::ok() const
{
    for (const NodeShape& n : nodes)
        if (n.status != NodeStatus::Ok)
            return false;
    return true;
}

std::vector<Shape> GraphShapes::inputShapes(const ModelGraph& graph, size_t node) const
{
    std::vector<Shape> shapes;
    for (size_t in : graph.nodes.at(node).inputs) {
        if (!nodes.at(in).shape)
            return {};
        shapes.push_back(nodes[in].shape->output);
    }
    return shapes;
}

GraphShapes inferGraphShapes(const ModelGraph& graph, const std::vector<Shape>& inputs)
{
    GraphShapes result;
    result.inputs = inputs;
    result.nodes.resize(graph.nodes.size());
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        const GraphNode& node = graph.nodes[i];
        const GraphLayer& layer = graph.layers[node.layer];
        NodeShape& out = result.nodes[i];
        if (layer.isInput()) {
            Shape shape;
            for (size_t k = 0; k < graph.inputs.size(); ++k)
                if (graph.inputs[k] == i && k < inputs.size())
                    shape = inputs[k];
            if (shape.empty()) {
                shape = layer.declaredShape;
                if (!shape.empty() && shape[0] < 0)
                    shape[0] = 1;
                for (int64_t d : shape)
                    if (d < 0)
                        shape.clear();
            }
            if (shape.empty()) {
                out.status = NodeStatus::Failed;
                out.error = "InputLayer '" + layer.name + "': no input shape (give one; the file declares "
                          + (layer.declaredShape.empty() ? std::string("none") : shapeToTuple(layer.declaredShape)) + ")";
                continue;
            }
            out.status = NodeStatus::Ok;
            out.shape = LayerShape{shape, {}};
            continue;
        }
        // The first input without a shape blocks this node.
        std::vector<Shape> shapes;
        for (size_t in : node.inputs) {
            const NodeShape& s = result.nodes[in];
            if (!s.shape) {
                out.status = NodeStatus::Blocked;
                out.blockedBy = s.status == NodeStatus::Blocked ? s.blockedBy : std::optional<size_t>(in);
                out.error = "not computed: " + graph.nodeName(*out.blockedBy)
                          + (result.nodes[*out.blockedBy].status == NodeStatus::Unsupported ? " is unsupported"
                                                                                           : " failed");
                break;
            }
            shapes.push_back(s.shape->output);
        }
        if (out.status == NodeStatus::Blocked && out.blockedBy)
            continue;
        if (!layer.layer) {
            out.status = NodeStatus::Unsupported;
            out.error = layer.className + " '" + layer.name + "' is not supported: "
                      + (layer.unsupported ? layer.unsupported->reason : std::string("no engine layer"));
            continue;
        }
        try {
            out.shape = layer.layer->inferShapes(shapes);
            out.status = NodeStatus::Ok;
        } catch (const LayerError& e) {
            out.status = NodeStatus::Failed;
            out.error = e.what();
        } catch (const std::exception& e) {
            out.status = NodeStatus::Failed;
            out.error = layer.className + " '" + layer.name + "': " + e.what();
        }
    }
    return result;
}

} // namespace layerscope
