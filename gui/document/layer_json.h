#pragma once
// A layer as one Keras layer object ({"class_name", "config", "weights"?}) and back through the
// engine's factories. This is how the GUI edits parameters without knowing the parameter
// structs: the properties panel edits the config, undo commands store the object.

#include "core/layer.h"

#include <nlohmann/json.hpp>

#include <memory>

namespace layerscope::gui {

nlohmann::json layerToJson(const Layer& layer);
// Throws std::exception (invalid_argument, PipelineFormatError) with the engine's message.
std::unique_ptr<Layer> layerFromJson(const nlohmann::json& object);
// The Conv2D weights object {"kernel": {...}, "bias": {...}} of a layer object, null when none.
nlohmann::json layerWeights(const nlohmann::json& object);

} // namespace layerscope::gui
