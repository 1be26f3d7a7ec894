#pragma once
// The list of layer classes the engine knows: one descriptor per class holding everything the
// program may ask of the class itself (construction from Keras JSON, defaults, editor fields,
// icon, fuzz constructor), as TFLite's one registration per op. What a layer instance knows
// (explanations, receptive field, Keras code) is a virtual of Layer. Explicit (no static
// self-registration) so the supported set reads in one place: layer_registry.cpp has one line per
// class, and a class that lacks a member describeLayer reads does not compile.

#include "fuzz_bytes.h"
#include "layer.h"
#include "layer_fields.h"

#include <nlohmann/json.hpp>

#include <cstdint>
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
    // The icon: a short label ("AP") on a colour (0xRRGGBB).
    std::string iconLabel;
    uint32_t iconColour = 0x808080;
    // The group the layer is listed under in menus and docs ("Pooling", "Merge", ...).
    std::string category;
    // The properties editor's fields, in display order.
    std::vector<FieldSpec> fields;
    // A Keras layer object named `name` with parameters decoded from fuzzer bytes, also absurd
    // ones (fuzz/fuzz_execute.cpp): fromJson must accept it or throw std::invalid_argument.
    std::function<nlohmann::json(FuzzBytes& bytes, const std::string& name)> fuzzJson;
};
using LayerDescriptor = LayerFactory;

// The descriptor of layer class L, from its static members: kClassName, kNameStem, kIconLabel,
// kIconColour, kCategory, fromJson, editorFields and fuzzJson.
template <typename L>
LayerDescriptor describeLayer()
{
    return LayerDescriptor{
        L::kClassName,
        [](const nlohmann::json& object) -> std::unique_ptr<Layer> { return L::fromJson(object); },
        [](const std::string& name) -> std::unique_ptr<Layer> { return std::make_unique<L>(name); },
        L::kNameStem,
        L::kIconLabel,
        L::kIconColour,
        L::kCategory,
        L::editorFields(),
        [](FuzzBytes& bytes, const std::string& name) { return L::fuzzJson(bytes, name); }};
}

const std::vector<LayerFactory>& layerFactories();
// A layer of this type takes exactly one input (so it fits a linear pipeline; merges do not).
bool takesOneInput(const LayerFactory& factory);
// The categories of layerFactories() in menu order, each once.
std::vector<std::string> layerCategories();
const LayerFactory* findLayerFactory(const std::string& className);
// "AveragePooling2D, Conv2D, ..." for error messages.
std::string supportedLayerClasses();

} // namespace layerscope
