#include "graph_json.h"

#include "core/graph/graph_edit.h"
#include "core/graph/graph_shapes.h"
#include "core/layer_registry.h"

#include <algorithm>
#include <climits>
#include <map>
#include <set>

namespace layerscope {

using nlohmann::json;

namespace {

bool isModelClass(const std::string& cls)
{
    return cls == "Sequential" || cls == "Functional" || cls == "Model";
}

std::string classOf(const json& object)
{
    return object.is_object() && object.contains("class_name") && object.at("class_name").is_string()
               ? object.at("class_name").get<std::string>()
               : std::string();
}

Shape readDeclaredShape(const json& value)
{
    Shape shape;
    if (!value.is_array())
        return shape;
    // None, and anything that is no size (a negative number, a float, a string), is an unknown
    // axis, -1: the writer writes every unknown axis as null, so parse → write → parse is the
    // identity (found by fuzz_model_json: a declared -6 came back as -1).
    for (const json& d : value)
        shape.push_back(d.is_number_integer() && !(d.is_number_unsigned() && d.get<uint64_t>() > uint64_t{INT64_MAX})
                                && d.get<int64_t>() >= 0
                            ? d.get<int64_t>()
                            : -1);
    return shape;
}

// A model's layer list, whatever form the model has.
const json& modelLayers(const json& object)
{
    static const json empty = json::array();
    if (object.is_array())
        return object;
    if (!object.is_object())
        return empty;
    if (object.contains("config")) {
        const json& config = object.at("config");
        if (config.is_array())
            return config;
        if (config.is_object() && config.contains("layers") && config.at("layers").is_array())
            return config.at("layers");
    }
    if (object.contains("layers") && object.at("layers").is_array())
        return object.at("layers");
    return empty;
}

const json& modelConfig(const json& object)
{
    static const json empty = json::object();
    if (object.is_object() && object.contains("config") && object.at("config").is_object())
        return object.at("config");
    if (object.is_object())
        return object;
    return empty;
}

// The entry's layer name: "name" beside the config (Functional), else config.name.
std::string entryName(const json& entry)
{
    if (entry.is_object() && entry.contains("name") && entry.at("name").is_string())
        return entry.at("name").get<std::string>();
    if (entry.is_object() && entry.contains("config") && entry.at("config").is_object()
        && entry.at("config").contains("name") && entry.at("config").at("name").is_string())
        return entry.at("config").at("name").get<std::string>();
    return {};
}

struct Ref {
    std::string layer;
    int node = 0;
    int tensor = 0;
    bool legacy = false;
};

// One call's tensor references and its non-tensor kwargs.
struct Call {
    std::vector<Ref> refs;
    json kwargs = json::object();
};

// A node or tensor index of a reference: a non-negative integer that fits an int. Anything else
// (a float such as 8.9e110, a negative number, a string) is a format error, never a conversion
// (a float beyond int's range converted to int is undefined behaviour; found by fuzz_model_json).
int refIndex(const json& value)
{
    if (!value.is_number_integer() || (value.is_number_unsigned() ? value.get<uint64_t>() > uint64_t{INT_MAX}
                                                                   : value.get<int64_t>() < 0 || value.get<int64_t>() > INT_MAX))
        throw PipelineFormatError("a node or tensor index must be a non-negative integer; got " + value.dump());
    return static_cast<int>(value.get<int64_t>());
}

void collectTensors(const json& value, std::vector<Ref>& refs)
{
    if (value.is_array()) {
        for (const json& v : value)
            collectTensors(v, refs);
    } else if (value.is_object()) {
        if (classOf(value) == "__keras_tensor__") {
            const json& history = value.at("config").at("keras_history");
            refs.push_back({history.at(0).get<std::string>(), refIndex(history.at(1)), refIndex(history.at(2)), false});
        }
    }
}

Ref legacyRef(const json& entry)
{
    if (!entry.is_array() || entry.size() < 3 || !entry[0].is_string())
        throw PipelineFormatError("a tf.keras 2 node reference must be [layer, node index, tensor index, kwargs]; got "
                                  + entry.dump());
    return {entry[0].get<std::string>(), refIndex(entry[1]), refIndex(entry[2]), true};
}

bool isConstantValue(const json& entry)
{
    return entry.is_array() && !entry.empty() && entry[0].is_string() && entry[0].get<std::string>() == "_CONSTANT_VALUE";
}

Call parseCall(const json& node)
{
    Call call;
    if (node.is_object()) {
        // Keras 3: {"args": [...], "kwargs": {...}}.
        collectTensors(node.value("args", json::array()), call.refs);
        const json kwargs = node.value("kwargs", json::object());
        if (kwargs.is_object())
            for (auto it = kwargs.begin(); it != kwargs.end(); ++it)
                if (it.key() != "mask")
                    call.kwargs[it.key()] = it.value();
    } else if (node.is_array() && !node.empty() && node[0].is_string()) {
        // Flat form: the node is one reference. tf.keras 2's TF-op layers (TFOpLambda) write a
        // constant first argument as ["_CONSTANT_VALUE", -1, value, kwargs]: no tensor.
        if (isConstantValue(node))
            return call;
        call.refs.push_back(legacyRef(node));
        if (node.size() > 3 && node[3].is_object())
            call.kwargs = node[3];
    } else if (node.is_array()) {
        for (const json& entry : node) {
            if (isConstantValue(entry))
                continue;
            call.refs.push_back(legacyRef(entry));
            if (entry.size() > 3 && entry[3].is_object() && !entry[3].empty() && call.kwargs.empty())
                call.kwargs = entry[3];
        }
    } else {
        throw PipelineFormatError("an inbound node must be an object or a list; got " + node.dump());
    }
    return call;
}

std::vector<json> inboundNodes(const json& entry)
{
    std::vector<json> nodes;
    if (entry.is_object() && entry.contains("inbound_nodes") && entry.at("inbound_nodes").is_array())
        for (const json& n : entry.at("inbound_nodes"))
            nodes.push_back(n);
    return nodes;
}

// `input_layers` / `output_layers`: one triple, a list of triples, or a dict of triples.
std::vector<std::pair<std::string, Ref>> endpointRefs(const json& value)
{
    std::vector<std::pair<std::string, Ref>> refs;
    auto triple = [](const json& v) {
        return v.is_array() && v.size() >= 3 && v[0].is_string() && v[1].is_number_integer();
    };
    if (triple(value)) {
        refs.push_back({"", {value[0].get<std::string>(), refIndex(value[1]), refIndex(value[2]), false}});
    } else if (value.is_array()) {
        for (const json& v : value)
            if (triple(v))
                refs.push_back({"", {v[0].get<std::string>(), refIndex(v[1]), refIndex(v[2]), false}});
    } else if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it)
            if (triple(it.value()))
                refs.push_back({it.key(), {it.value()[0].get<std::string>(), refIndex(it.value()[1]),
                                           refIndex(it.value()[2]), false}});
    }
    return refs;
}

// Keras's check that a model's layer names are unique (functional.py).
void requireUniqueNames(const std::vector<std::string>& names)
{
    std::map<std::string, int> count;
    for (const std::string& n : names)
        ++count[n];
    for (const std::string& n : names)
        if (count[n] > 1)
            throw PipelineFormatError("The name \"" + n + "\" is used " + std::to_string(count[n])
                                      + " times in the model. All operation names should be unique.");
}

// A nested model: its layers are created once (shared by all its calls).
struct NestedModel {
    json object;
    size_t listedCalls = 0;
    bool functional = false; // Functional / Model (a built-in node of its own), not Sequential
    std::map<std::string, size_t> layers; // inner name → graph layer
};

class Builder {
public:
    ModelGraph graph;

    size_t addNode(size_t layer, std::vector<size_t> inputs, json kwargs = json::object())
    {
        int call = 0;
        for (const GraphNode& n : graph.nodes)
            if (n.layer == layer)
                ++call;
        graph.nodes.push_back(GraphNode{layer, call, std::move(inputs), std::move(kwargs)});
        return graph.nodes.size() - 1;
    }

    // The name a nested model's layer gets: its own unless taken.
    std::string freeName(const std::string& wanted, const std::string& prefix)
    {
        if (!graph.findLayer(wanted))
            return wanted;
        return graph.uniqueLayerName(prefix.empty() ? wanted : prefix + "_" + wanted);
    }

    size_t addInputLayer(const json& entry, const std::string& name)
    {
        GraphLayer l;
        l.name = name;
        l.className = "InputLayer";
        const json& config = modelConfig(entry);
        if (config.contains("batch_shape"))
            l.declaredShape = readDeclaredShape(config.at("batch_shape"));
        else if (config.contains("batch_input_shape"))
            l.declaredShape = readDeclaredShape(config.at("batch_input_shape"));
        graph.layers.push_back(std::move(l));
        return graph.layers.size() - 1;
    }

    size_t addLayer(const json& entry, const std::string& name)
    {
        GraphLayer l;
        l.name = name;
        l.className = classOf(entry);
        json object = entry;
        if (!object.contains("config") || object.at("config").is_null())
            object["config"] = json::object();
        auto unsupported = [&](const std::string& reason) {
            l.unsupported = UnsupportedLayer{l.className, entry, reason};
        };
        const json registered = entry.value("registered_name", json());
        static const std::set<std::string> codeLayers = {"Lambda", "TFOpLambda", "SlicingOpLambda"};
        if (!object.at("config").is_object()) {
            unsupported("its \"config\" is not an object");
        } else if (codeLayers.count(l.className)) {
            // Issue 11's wording: "not run: holds Python code / custom class".
            unsupported(std::string("not run: ")
                        + (l.className == "Lambda" ? "holds Python code" : "calls a TensorFlow function by name")
                        + " (a code-carrying layer); LayerScope never runs code from a model file");
        } else if (registered.is_string() && registered.get<std::string>().rfind("Custom>", 0) == 0) {
            unsupported("not run: custom class (" + registered.get<std::string>() + ") whose code the file does not contain");
        } else if (const LayerFactory* factory = findLayerFactory(l.className)) {
            object["config"]["name"] = name;
            try {
                l.layer = std::shared_ptr<const Layer>(factory->fromJson(object));
            } catch (const std::exception& e) {
                unsupported(std::string("its config is not supported: ") + e.what());
            }
        } else {
            unsupported("LayerScope has no layer class '" + l.className + "' yet");
        }
        graph.layers.push_back(std::move(l));
        return graph.layers.size() - 1;
    }

    // A nested model's layer, created on its first call.
    size_t nestedLayer(NestedModel* nested, const std::string& prefix, const json& entry, const std::string& innerName)
    {
        if (nested) {
            auto it = nested->layers.find(innerName);
            if (it != nested->layers.end())
                return it->second;
        }
        const size_t index = addLayer(entry, nested ? freeName(innerName, prefix) : innerName);
        if (nested)
            nested->layers[innerName] = index;
        return index;
    }

    // Builds a model; `bound` are the nodes feeding a nested model's inputs (empty at the top
    // level, where InputLayers become input nodes). Returns the output nodes.
    std::vector<size_t> buildModel(const json& object, const std::vector<size_t>& bound, NestedModel* nested,
                                   const std::string& prefix)
    {
        const std::string cls = classOf(object);
        const json& layers = modelLayers(object);
        if (nested && bound.empty())
            throw PipelineFormatError("the nested model '" + prefix + "' is called on no tensor");
        bool functional = cls == "Functional" || cls == "Model";
        if (cls.empty())
            for (const json& entry : layers)
                if (entry.is_object() && entry.contains("inbound_nodes"))
                    functional = true;
        if (functional)
            return buildFunctional(object, bound, nested, prefix);
        return buildSequential(layers, bound, nested, prefix);
    }

    // The top-level Sequential's config.build_input_shape (Keras 3, a model built without an
    // InputLayer), the input shape of last resort.
    json sequentialBuildShape;

    std::vector<size_t> buildSequential(const json& layers, const std::vector<size_t>& bound, NestedModel* nested,
                                        const std::string& prefix)
    {
        std::optional<size_t> previous;
        if (!bound.empty())
            previous = bound.front();
        std::vector<std::string> names;
        for (const json& entry : layers)
            if (!entryName(entry).empty())
                names.push_back(entryName(entry));
        requireUniqueNames(names);
        size_t index = 0;
        for (const json& entry : layers) {
            ++index;
            const std::string cls = classOf(entry);
            if (cls.empty())
                throw PipelineFormatError("layer " + std::to_string(index) + ": expected an object with a \"class_name\"");
            if (cls == "InputLayer") {
                if (!previous && bound.empty()) {
                    std::string name = entryName(entry);
                    if (name.empty())
                        name = graph.uniqueLayerName("input_layer");
                    const size_t layer = addInputLayer(entry, name);
                    previous = addNode(layer, {});
                    graph.inputs.push_back(*previous);
                }
                continue;
            }
            if (!previous) {
                // No InputLayer: tf.keras 2 / Keras 2 put batch_input_shape on the first layer.
                json input = {{"class_name", "InputLayer"}, {"config", json::object()}};
                const json& config = modelConfig(entry);
                if (config.contains("batch_input_shape"))
                    input["config"]["batch_shape"] = config.at("batch_input_shape");
                else if (config.contains("batch_shape"))
                    input["config"]["batch_shape"] = config.at("batch_shape");
                else if (isModelClass(cls))
                    // A nested model first (Sequential([base_model, ...])): its first InputLayer's.
                    for (const json& inner : modelLayers(entry))
                        if (classOf(inner) == "InputLayer") {
                            const json& c = modelConfig(inner);
                            input["config"]["batch_shape"] = c.contains("batch_shape") ? c.at("batch_shape")
                                                                                       : c.value("batch_input_shape", json());
                            break;
                        }
                if (!input["config"].contains("batch_shape") && sequentialBuildShape.is_array())
                    input["config"]["batch_shape"] = sequentialBuildShape; // Keras 3 build_input_shape
                const size_t layer = addInputLayer(input, graph.uniqueLayerName("input_layer"));
                previous = addNode(layer, {});
                graph.inputs.push_back(*previous);
            }
            if (isModelClass(cls)) {
                auto& inner = nestedModels[prefix + "/" + std::to_string(index)];
                inner.object = entry;
                const std::string name = entryName(entry);
                const std::vector<size_t> outs = buildModel(entry, {*previous}, &inner, name);
                if (outs.empty())
                    throw PipelineFormatError("the nested model '" + name + "' has no outputs");
                previous = outs.front();
                continue;
            }
            std::string name = entryName(entry);
            if (name.empty()) {
                const LayerFactory* factory = findLayerFactory(cls);
                std::string stem = factory ? factory->nameStem : cls;
                name = graph.uniqueLayerName(stem);
            }
            const size_t layer = nestedLayer(nested, prefix, entry, name);
            previous = addNode(layer, {*previous});
        }
        if (!previous) {
            // An empty model: just an input.
            const size_t layer = addInputLayer(json::object(), graph.uniqueLayerName("input_layer"));
            previous = addNode(layer, {});
            graph.inputs.push_back(*previous);
        }
        return {*previous};
    }

    std::vector<size_t> buildFunctional(const json& object, const std::vector<size_t>& bound, NestedModel* nested,
                                        const std::string& prefix)
    {
        if (!nested)
            graph.checkDeclaredInputs = true;
        const json& config = modelConfig(object);
        const json& layers = modelLayers(object);
        const auto inputRefs = endpointRefs(config.value("input_layers", json::array()));
        const auto outputRefs = endpointRefs(config.value("output_layers", json::array()));
        // (layer name, node index) → the call's output nodes.
        std::map<std::pair<std::string, int>, std::vector<size_t>> produced;
        std::map<std::string, NestedModel*> nestedByName;
        std::map<std::string, size_t> layerByName;
        struct Pending {
            const json* entry;
            std::string name;
            int call;
            Call parsed;
            bool done = false;
        };
        std::vector<Pending> pending;
        std::vector<std::string> names;
        for (const json& entry : layers)
            names.push_back(entryName(entry));
        requireUniqueNames(names);
        // Layers first, in list order (Keras instantiates them in this order).
        for (const json& entry : layers) {
            const std::string cls = classOf(entry);
            const std::string name = entryName(entry);
            if (cls.empty() || name.empty())
                throw PipelineFormatError("a Functional model's layer needs a \"class_name\" and a \"name\"; got "
                                          + entry.dump().substr(0, 200));
            if (cls == "InputLayer") {
                if (bound.empty()) {
                    const size_t layer = addInputLayer(entry, name);
                    produced[{name, 0}] = {addNode(layer, {})};
                } else {
                    // A nested model's input is the tensor it is called on.
                    size_t position = 0;
                    for (size_t i = 0; i < inputRefs.size(); ++i)
                        if (inputRefs[i].second.layer == name)
                            position = i;
                    produced[{name, 0}] = {bound.at(std::min(position, bound.size() - 1))};
                }
                continue;
            }
            if (isModelClass(cls)) {
                NestedModel& inner = nestedModels[prefix + "/" + name];
                inner.object = entry;
                inner.listedCalls = inboundNodes(entry).size();
                inner.functional = cls != "Sequential";
                nestedByName[name] = &inner;
            } else {
                layerByName[name] = nestedLayer(nested, prefix, entry, name);
            }
            int call = 0;
            for (const json& node : inboundNodes(entry))
                pending.push_back({&entry, name, call++, parseCall(node)});
        }
        // Keras's node reindexing for nested models (functional.py functional_from_config): a
        // nested Functional's own built-in node counts as 0 in input_layers / output_layers (always
        // reduced by 1, a resulting -1 being Python's last call) and in tf.keras 2 list-form
        // references; Keras 3 __keras_tensor__ references count the outer calls only. An index at
        // or past the calls listed is reduced too (tf.keras 2.15 nested Sequential).
        auto resolve = [&](const Ref& ref, bool endpoint = false) -> std::optional<size_t> {
            int node = ref.node;
            auto n = nestedByName.find(ref.layer);
            if (n != nestedByName.end()) {
                const int listed = static_cast<int>(n->second->listedCalls);
                if (endpoint && n->second->functional) {
                    node -= 1;
                    if (node < 0)
                        node += listed;
                } else if (node >= listed || (ref.legacy && node >= 1)) {
                    --node;
                }
            }
            auto it = produced.find({ref.layer, node});
            if (it == produced.end())
                return std::nullopt;
            const std::vector<size_t>& outs = it->second;
            return outs.at(std::min<size_t>(static_cast<size_t>(std::max(ref.tensor, 0)), outs.size() - 1));
        };
        // Replay the calls until every input exists (Keras's from_config does the same).
        for (bool progress = true; progress;) {
            progress = false;
            for (Pending& p : pending) {
                if (p.done)
                    continue;
                std::vector<size_t> inputs;
                bool ready = true;
                for (const Ref& ref : p.parsed.refs) {
                    const std::optional<size_t> node = resolve(ref);
                    if (!node) {
                        ready = false;
                        break;
                    }
                    inputs.push_back(*node);
                }
                if (!ready)
                    continue;
                auto n = nestedByName.find(p.name);
                if (n != nestedByName.end())
                    produced[{p.name, p.call}] = buildModel(*p.entry, inputs, n->second, p.name);
                else
                    produced[{p.name, p.call}] = {addNode(layerByName.at(p.name), inputs, p.parsed.kwargs)};
                p.done = true;
                progress = true;
            }
        }
        std::string failed;
        for (const Pending& p : pending)
            if (!p.done)
                failed += (failed.empty() ? "" : ", ") + p.name + " (call " + std::to_string(p.call) + ")";
        if (!failed.empty())
            throw PipelineFormatError("Invalid Functional model configuration. The graph of the Functional model "
                                      "either has loops or disconnected nodes. The following nodes failed to be "
                                      "resolved: "
                                      + failed);
        if (bound.empty()) {
            for (const auto& [key, ref] : inputRefs) {
                const std::optional<size_t> node = resolve(ref, true);
                if (node)
                    graph.inputs.push_back(*node);
            }
            if (graph.inputs.empty())
                for (size_t i = 0; i < graph.nodes.size(); ++i)
                    if (graph.layerOf(i).isInput())
                        graph.inputs.push_back(i);
        }
        std::vector<size_t> outputs;
        for (const auto& [key, ref] : outputRefs) {
            const std::optional<size_t> node = resolve(ref, true);
            if (!node)
                throw PipelineFormatError("the model output " + ref.layer + "[" + std::to_string(ref.node) + "]["
                                          + std::to_string(ref.tensor) + "] is not a layer call of the model");
            outputs.push_back(*node);
            if (bound.empty() && !key.empty())
                graph.outputNames.push_back(key);
        }
        if (outputs.empty() && !graph.nodes.empty())
            outputs.push_back(graph.nodes.size() - 1);
        return outputs;
    }

private:
    std::map<std::string, NestedModel> nestedModels;
};

} // namespace

ModelGraph parseModelJsonDocument(const json& input)
{
    json document = input;
    if (document.is_object() && document.contains("model_config")) {
        json inner = document.at("model_config");
        if (inner.is_string()) {
            try {
                inner = json::parse(inner.get<std::string>());
            } catch (const json::exception& e) {
                throw PipelineFormatError(std::string("malformed model_config JSON: ") + e.what());
            }
        }
        document = inner;
    }
    const std::string cls = classOf(document);
    if (!document.is_array() && !document.is_object())
        throw PipelineFormatError("a model must be a JSON object (Keras model.to_json()) or a list of layers");
    if (!cls.empty() && !isModelClass(cls))
        throw PipelineFormatError("this file holds a '" + cls + "', not a Keras model (Sequential or Functional)");
    if (document.is_object() && cls.empty() && !document.contains("layers"))
        throw PipelineFormatError("no layers found: expected a Keras model JSON or a list of layers");
    if (!cls.empty() && modelLayers(document).empty() && !(document.contains("config") && document.at("config").is_object()
                                                           && document.at("config").contains("layers")))
        throw PipelineFormatError("the " + cls + " model has no \"layers\" list in its \"config\"");
    Builder builder;
    const json& config = modelConfig(document);
    if (config.contains("name") && config.at("name").is_string())
        builder.graph.name = config.at("name").get<std::string>();
    else if (cls == "Sequential")
        builder.graph.name = "sequential";
    if (config.contains("build_input_shape"))
        builder.sequentialBuildShape = config.at("build_input_shape");
    try {
        builder.graph.outputs = builder.buildModel(document, {}, nullptr, "");
    } catch (const json::exception& e) {
        // A key of the wrong type or missing where the structure needs it (keras_history, ...).
        throw PipelineFormatError(std::string("malformed model JSON: ") + e.what());
    } catch (const std::out_of_range& e) {
        throw PipelineFormatError(std::string("malformed model JSON: ") + e.what());
    }
    // Layers in the order of their first call (a nested model's layers were created on its
    // first call, after the outer list): inspect and the written file then read top to bottom.
    ModelGraph& g = builder.graph;
    std::vector<size_t> order(g.layers.size());
    std::vector<size_t> firstNode(g.layers.size(), g.nodes.size());
    for (size_t i = g.nodes.size(); i-- > 0;)
        firstNode[g.nodes[i].layer] = i;
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return firstNode[a] < firstNode[b]; });
    std::vector<size_t> newIndex(order.size());
    std::vector<GraphLayer> sorted;
    for (size_t k = 0; k < order.size(); ++k) {
        newIndex[order[k]] = k;
        sorted.push_back(std::move(g.layers[order[k]]));
    }
    g.layers = std::move(sorted);
    for (GraphNode& n : g.nodes)
        n.layer = newIndex[n.layer];
    return std::move(builder.graph);
}

json parseJsonText(const std::string& text, const std::string& what)
{
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw PipelineFormatError((what.empty() ? std::string() : what + ": ") + "malformed JSON: " + e.what());
    }
}

ModelGraph parseModelJson(const std::string& text)
{
    return parseModelJsonDocument(parseJsonText(text));
}

json graphToKerasJson(const ModelGraph& edited)
{
    // Bypassed nodes are the app's, not Keras's: the model is written without them.
    const ModelGraph graph = effectiveGraph(edited);
    // Edge shapes from the declared input shapes (None batch as 1), written with a None batch.
    std::vector<Shape> inputShapes;
    bool known = true;
    for (size_t node : graph.inputs) {
        Shape s = graph.layerOf(node).declaredShape;
        for (size_t k = 0; k < s.size(); ++k)
            if (s[k] < 0) {
                if (k == 0)
                    s[k] = 1;
                else
                    known = false;
            }
        known = known && !s.empty();
        inputShapes.push_back(s);
    }
    std::optional<GraphShapes> shapes;
    if (known)
        shapes = inferGraphShapes(graph, inputShapes);
    auto tensor = [&](size_t node) {
        json shape = nullptr;
        if (shapes && shapes->nodes[node].shape) {
            shape = json::array();
            const Shape& s = shapes->nodes[node].shape->output;
            for (size_t k = 0; k < s.size(); ++k)
                shape.push_back(k == 0 ? json() : json(s[k]));
        }
        return json{{"class_name", "__keras_tensor__"},
                    {"config", {{"shape", shape}, {"dtype", "float32"},
                                {"keras_history", {graph.layerOf(node).name, graph.nodes[node].call, 0}}}}};
    };
    json layers = json::array();
    for (size_t li = 0; li < graph.layers.size(); ++li) {
        const GraphLayer& l = graph.layers[li];
        json object;
        if (l.isInput()) {
            json batchShape = json::array();
            for (int64_t d : l.declaredShape)
                batchShape.push_back(d < 0 ? json() : json(d));
            object = {{"module", "keras.layers"},
                      {"class_name", "InputLayer"},
                      {"config", {{"batch_shape", l.declaredShape.empty() ? json() : batchShape},
                                  {"dtype", "float32"}, {"sparse", false}, {"name", l.name}}},
                      {"registered_name", nullptr}};
        } else if (l.layer) {
            object = {{"module", l.layer->kerasConstructor().module},
                      {"class_name", l.className},
                      {"config", l.layer->config()},
                      {"registered_name", nullptr}};
            const json extras = l.layer->extras();
            if (extras.is_object())
                for (auto it = extras.begin(); it != extras.end(); ++it)
                    object[it.key()] = it.value();
        } else {
            object = l.unsupported ? l.unsupported->object : json::object();
            object["class_name"] = l.className;
        }
        object["name"] = l.name;
        json inbound = json::array();
        if (!l.isInput()) {
            const bool several = l.layer && l.layer->inputArity().maximum != 1;
            for (size_t n : graph.nodesOfLayer(li)) {
                const GraphNode& node = graph.nodes[n];
                json args = json::array();
                if (several || node.inputs.size() != 1) {
                    json list = json::array();
                    for (size_t in : node.inputs)
                        list.push_back(tensor(in));
                    args.push_back(list);
                } else {
                    args.push_back(tensor(node.inputs.front()));
                }
                inbound.push_back({{"args", args}, {"kwargs", node.kwargs.is_object() ? node.kwargs : json::object()}});
            }
        }
        object["inbound_nodes"] = inbound;
        layers.push_back(std::move(object));
    }
    auto endpoints = [&](const std::vector<size_t>& nodes, const std::vector<std::string>& names) {
        json list = names.size() == nodes.size() && !names.empty() ? json::object() : json::array();
        for (size_t i = 0; i < nodes.size(); ++i) {
            const json ref = {graph.layerOf(nodes[i]).name, graph.nodes[nodes[i]].call, 0};
            if (list.is_object())
                list[names[i]] = ref;
            else
                list.push_back(ref);
        }
        return list;
    };
    return {{"module", "keras.src.models.functional"},
            {"class_name", "Functional"},
            {"config", {{"name", graph.name}, {"trainable", true}, {"layers", layers},
                        {"input_layers", endpoints(graph.inputs, {})},
                        {"output_layers", endpoints(graph.outputs, graph.outputNames)}}},
            {"registered_name", "Functional"}};
}

std::string graphToKerasJsonText(const ModelGraph& graph)
{
    return graphToKerasJson(graph).dump(1) + "\n";
}

} // namespace layerscope
