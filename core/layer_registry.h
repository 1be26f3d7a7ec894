#pragma once
// The list of layer classes the engine knows, and construction from Keras JSON. Explicit (no
// static self-registration) so the supported set reads in one place.

#include "layer.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace layerscope {

struct LayerFactory {
    std::string className;
    // From one Keras layer object ({"class_name", "config", ...}); throws std::invalid_argument
    // for malformed or unsupported parameters (the loader adds the layer name).
    std::function<std::unique_ptr<Layer>(const nlohmann::json& layerObject)> fromJson;
    // A layer with sensible defaults for the GUI's "Add layer".
    std::function<std::unique_ptr<Layer>(const std::string& name)> makeDefault;
    // Keras's automatic name stem ("average_pooling2d", "conv2d", ...).
    std::string nameStem;
};

const std::vector<LayerFactory>& layerFactories();
const LayerFactory* findLayerFactory(const std::string& className);
// "AveragePooling2D, Conv2D, ..." for error messages.
std::string supportedLayerClasses();

} // namespace layerscope
