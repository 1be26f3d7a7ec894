#include "pipeline.h"

#include "io/atomic_file.h"
#include "layer_registry.h"

#include <chrono>
#include <set>

namespace layerscope {

using nlohmann::json;

Pipeline::Pipeline(const Pipeline& other)
    : name(other.name), declaredInputShape(other.declaredInputShape)
{
    layers.reserve(other.layers.size());
    for (const auto& layer : other.layers)
        layers.push_back(layer->clone());
}

Pipeline& Pipeline::operator=(const Pipeline& other)
{
    if (this != &other) {
        Pipeline copy(other);
        *this = std::move(copy);
    }
    return *this;
}

bool Pipeline::operator==(const Pipeline& other) const
{
    if (layers.size() != other.layers.size())
        return false;
    for (size_t i = 0; i < layers.size(); ++i)
        if (!(*layers[i] == *other.layers[i]))
            return false;
    return true;
}

std::string Pipeline::uniqueLayerName(const std::string& stem) const
{
    std::set<std::string> used;
    for (const auto& layer : layers)
        used.insert(layer->name());
    if (!used.count(stem))
        return stem;
    for (int i = 1;; ++i) {
        std::string candidate = stem + "_" + std::to_string(i);
        if (!used.count(candidate))
            return candidate;
    }
}

// batch_shape / batch_input_shape with null → -1.
static Shape readDeclaredShape(const json& value)
{
    Shape shape;
    if (!value.is_array())
        return shape;
    for (const json& d : value)
        shape.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
    return shape;
}

// The list of layer objects, whichever of the accepted shapes the document has.
static const json& layerList(const json& document)
{
    if (document.is_array())
        return document; // a bare list of layers
    if (!document.is_object())
        throw PipelineFormatError("a pipeline must be a JSON object (Keras model.to_json()) or a list of layers");
    if (document.contains("class_name")) {
        const std::string cls = document.at("class_name").is_string() ? document.at("class_name").get<std::string>() : "";
        if (cls != "Sequential")
            throw PipelineFormatError("only Sequential models are supported; this file holds a '" + cls + "'");
        if (!document.contains("config"))
            throw PipelineFormatError("the Sequential model has no \"config\"");
        const json& config = document.at("config");
        if (config.is_array())
            return config; // Keras 2.0–2.2: "config" is the list itself
        if (config.is_object() && config.contains("layers") && config.at("layers").is_array())
            return config.at("layers");
        throw PipelineFormatError("the Sequential model has no \"layers\" list in its \"config\"");
    }
    if (document.contains("layers") && document.at("layers").is_array())
        return document.at("layers");
    throw PipelineFormatError("no layers found: expected a Keras Sequential model JSON or a list of layers");
}

Pipeline parsePipelineJson(const std::string& text)
{
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception& e) {
        // parse_error for syntax, but also out_of_range for a number beyond double (1e999).
        throw PipelineFormatError(std::string("malformed JSON: ") + e.what());
    }
    Pipeline pipeline;
    if (document.is_object() && document.contains("config") && document.at("config").is_object()
        && document.at("config").contains("name") && document.at("config").at("name").is_string())
        pipeline.name = document.at("config").at("name").get<std::string>();
    const json& list = layerList(document);
    size_t index = 0;
    for (const json& object : list) {
        ++index;
        const std::string where = "layer " + std::to_string(index);
        if (!object.is_object() || !object.contains("class_name") || !object.at("class_name").is_string())
            throw PipelineFormatError(where + ": expected an object with a \"class_name\"");
        const std::string cls = object.at("class_name").get<std::string>();
        json normalized = object;
        if (!normalized.contains("config") || normalized.at("config").is_null())
            normalized["config"] = json::object();
        if (!normalized.at("config").is_object())
            throw PipelineFormatError(where + " (" + cls + "): \"config\" must be an object");
        json& config = normalized["config"];
        if (cls == "InputLayer") {
            if (config.contains("batch_shape"))
                pipeline.declaredInputShape = readDeclaredShape(config["batch_shape"]);
            else if (config.contains("batch_input_shape"))
                pipeline.declaredInputShape = readDeclaredShape(config["batch_input_shape"]);
            continue;
        }
        // tf.keras 2.x puts the input shape on the first layer.
        if (config.contains("batch_input_shape") && !pipeline.declaredInputShape && pipeline.layers.empty())
            pipeline.declaredInputShape = readDeclaredShape(config["batch_input_shape"]);
        const LayerFactory* factory = findLayerFactory(cls);
        if (!factory)
            throw PipelineFormatError("unknown layer class '" + cls + "' (" + where + "); supported: InputLayer, "
                                      + supportedLayerClasses());
        if (!config.contains("name") || !config.at("name").is_string())
            config["name"] = pipeline.uniqueLayerName(factory->nameStem);
        const std::string layerName = config.at("name").get<std::string>();
        try {
            pipeline.layers.push_back(factory->fromJson(normalized));
        } catch (const PipelineFormatError&) {
            throw;
        } catch (const std::exception& e) {
            throw PipelineFormatError(cls + " '" + layerName + "': " + e.what());
        }
    }
    return pipeline;
}

Pipeline loadPipelineFile(const std::filesystem::path& path)
{
    try {
        return parsePipelineJson(readTextFile(path, 64u << 20));
    } catch (const PipelineFormatError& e) {
        throw PipelineFormatError(path.filename().string() + ": " + e.what());
    } catch (const Error& e) {
        throw PipelineFormatError(e.what());
    }
}

json pipelineToJson(const Pipeline& pipeline)
{
    json layers = json::array();
    if (pipeline.declaredInputShape) {
        json batchShape = json::array();
        for (int64_t d : *pipeline.declaredInputShape)
            batchShape.push_back(d < 0 ? json() : json(d));
        layers.push_back({{"module", "keras.layers"},
                          {"class_name", "InputLayer"},
                          {"config", {{"name", "input_layer"}, {"batch_shape", batchShape}, {"dtype", "float32"}, {"sparse", false}}},
                          {"registered_name", nullptr}});
    }
    for (const auto& layer : pipeline.layers) {
        // Keras writes registered_name null for its built-ins; a class Keras lacks (Tile) is a
        // custom object, found by this name in model_from_json(..., custom_objects={"Tile": ...})
        // (null made Keras look up None and fail: tests/core/test_keras_reverse.cpp).
        const std::string module = layer->kerasConstructor().module;
        const bool builtin = module == "keras" || module.rfind("keras.", 0) == 0;
        json object = {{"module", module},
                       {"class_name", layer->className()},
                       {"config", layer->config()},
                       {"registered_name", builtin ? json() : json(layer->className())}};
        const json extras = layer->extras();
        if (extras.is_object())
            for (auto it = extras.begin(); it != extras.end(); ++it)
                object[it.key()] = it.value();
        layers.push_back(std::move(object));
    }
    return {{"module", "keras"},
            {"class_name", "Sequential"},
            {"config", {{"name", pipeline.name}, {"trainable", true}, {"dtype", "float32"}, {"layers", layers}}},
            {"registered_name", nullptr}};
}

std::string pipelineToJsonText(const Pipeline& pipeline)
{
    return pipelineToJson(pipeline).dump(1) + "\n";
}

void savePipelineFile(const Pipeline& pipeline, const std::filesystem::path& path)
{
    writeTextAtomically(path, pipelineToJsonText(pipeline));
}

ChainShapes inferChain(const Pipeline& pipeline, const Shape& input)
{
    ChainShapes chain;
    chain.input = input;
    Shape current = input;
    for (size_t i = 0; i < pipeline.layers.size(); ++i) {
        const Layer& layer = *pipeline.layers[i];
        try {
            LayerShape shape = layer.inferShape(current);
            current = shape.output;
            chain.layers.push_back(std::move(shape));
        } catch (const LayerError& e) {
            chain.failedLayer = i;
            chain.error = e.what();
            break;
        } catch (const std::exception& e) {
            // Arithmetic overflow on absurd sizes and the like: still this layer's fault.
            chain.failedLayer = i;
            chain.error = layer.className() + " '" + layer.name() + "': " + e.what();
            break;
        }
    }
    return chain;
}


} // namespace layerscope
