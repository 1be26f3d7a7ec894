#include "graph_shapes.h"

#include "core/errors.h"

#include <algorithm>

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

namespace {

std::string specText(const Shape& shape)
{
    std::string text = "(";
    for (size_t k = 0; k < shape.size(); ++k)
        text += (k ? ", " : "") + (k == 0 || shape[k] < 0 ? std::string("None") : std::to_string(shape[k]));
    return text + (shape.size() == 1 ? ",)" : ")");
}

// Keras's InputSpec(shape=batch_shape with batch None, allow_last_axis_squeeze=True) check and
// the rank adjustment of Functional._adjust_input_rank; "" when the input is accepted.
std::string checkDeclaredInput(const Shape& declared, const Shape& actual, size_t index, const std::string& name,
                               const std::string& model)
{
    if (declared.empty())
        return {};
    Shape spec = declared, given = actual;
    if (!spec.empty() && spec.back() == 1)
        spec.pop_back();
    if (!given.empty() && given.back() == 1)
        given.pop_back();
    for (size_t k = 0; k < std::min(spec.size(), given.size()); ++k)
        if (k > 0 && spec[k] >= 0 && spec[k] != given[k])
            return "Input " + std::to_string(index) + " with name '" + name + "' of layer '" + model
                 + "' is incompatible with the layer: expected shape=" + specText(declared)
                 + ", found shape=" + shapeToTuple(actual);
    // Rank: equal, or one missing trailing axis of size 1 (LayerScope's tensors have rank <= 4,
    // so the extra trailing axis Keras squeezes never reaches here).
    if (actual.size() == declared.size() || (actual.size() + 1 == declared.size() && declared.back() == 1))
        return {};
    return "Invalid input shape for input with name '" + name + "' and path ''. Expected shape " + specText(declared)
         + ", but input has incompatible shape " + shapeToTuple(actual);
}

} // namespace

std::string modelInputProblem(const ModelGraph& graph, size_t node, const Shape& actual)
{
    if (!graph.checkDeclaredInputs)
        return {};
    size_t index = 0;
    for (size_t k = 0; k < graph.inputs.size(); ++k)
        if (graph.inputs[k] == node)
            index = k;
    const GraphLayer& layer = graph.layerOf(node);
    return checkDeclaredInput(layer.declaredShape, actual, index, layer.name, graph.name);
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
            if (graph.checkDeclaredInputs) {
                const std::string problem = modelInputProblem(graph, i, shape);
                if (!problem.empty()) {
                    out.status = NodeStatus::Failed;
                    out.error = problem;
                    continue;
                }
                if (shape.size() + 1 == layer.declaredShape.size())
                    shape.push_back(1); // the missing trailing axis of size 1 Keras adds
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
        if (node.bypassed && shapes.size() == 1) {
            out.status = NodeStatus::Ok;
            out.shape = LayerShape{shapes[0], {}};
            continue;
        }
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
