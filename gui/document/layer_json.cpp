#include "layer_json.h"

#include "core/errors.h"
#include "core/layer_registry.h"

#include <stdexcept>

namespace layerscope::gui {

nlohmann::json layerToJson(const Layer& layer)
{
    nlohmann::json object{{"class_name", layer.className()}, {"config", layer.config()}};
    const nlohmann::json extras = layer.extras();
    if (extras.is_object()) {
        for (auto it = extras.begin(); it != extras.end(); ++it) {
            if (it.key() == "kernel" || it.key() == "bias")
                object["weights"][it.key()] = it.value();
            else
                object[it.key()] = it.value();
        }
    }
    return object;
}

std::unique_ptr<Layer> layerFromJson(const nlohmann::json& object)
{
    const std::string className = object.value("class_name", std::string());
    const LayerFactory* factory = findLayerFactory(className);
    if (!factory)
        throw PipelineFormatError("unknown layer class '" + className + "' (supported: "
                                  + supportedLayerClasses() + ")");
    std::unique_ptr<Layer> layer = factory->fromJson(object);
    if (!layer)
        throw std::invalid_argument("the " + className + " factory returned nothing");
    return layer;
}

nlohmann::json layerWeights(const nlohmann::json& object)
{
    if (object.contains("weights") && object["weights"].is_object())
        return object["weights"];
    return nullptr;
}

} // namespace layerscope::gui
