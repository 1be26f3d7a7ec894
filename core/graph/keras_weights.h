#pragma once
// Attaching the weights stored in an HDF5 file to a Keras model JSON, as the inline "weights"
// objects every weighted layer reads ({"<variable>": {"shape", "data"}} beside "config", README
// "Pipeline file format"), so that parseModelJsonDocument builds the graph with them. Layers of
// nested models get theirs inside the nested config. KERAS_FILES.md §4 – §6.
//
// Two layouts:
//  - Keras 3 (`model.weights.h5` in a .keras, a `.weights.h5`): groups layers/<snake class>[_n]/
//    vars/0..k, one group per entry of model.layers (a Sequential's InputLayer excluded), paired
//    with the layers of the same class in order of their numeric suffix (tf.keras 2.13 skips
//    counters); a nested model's group holds its own layers/ tree. tf.keras 2.13/2.14 names
//    `_layer_checkpoint_dependencies` (2.13 on Windows: one link name with a backslash) are read too.
//  - legacy (tf.keras 2 / Keras 2 / Keras 3 legacy .h5, and save_weights .h5): the
//    `layer_names` attribute, each layer group's `weight_names` attribute, datasets at
//    <group>/<layer>/<weight name> (weight names may hold '/', walked as written).
// A layer whose class LayerScope does not know keeps its weights in the file (it is listed as
// unsupported anyway). Errors name the file, the layer, the variable and both shapes when the
// stored shape disagrees with the layer's config, the count when the number of variables differs,
// and the path when a layer's weights are missing.

#include "core/io/hdf5_weights.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace layerscope {

enum class WeightsLayout { Keras3, Legacy };

// The layout of a weights file (model.weights.h5, .weights.h5) or of a legacy model's
// model_weights group; throws when it is neither.
WeightsLayout detectWeightsLayout(const Hdf5File& file, const std::string& group = "");

// `model` is the model JSON (Sequential / Functional, or a model_config wrapper); `group` the
// HDF5 group holding the weights ("" for the root, "model_weights" in a legacy full model).
void attachKeras3Weights(nlohmann::json& model, const Hdf5File& file, const std::string& group = "");
void attachLegacyWeights(nlohmann::json& model, const Hdf5File& file, const std::string& group = "");

// The variables a layer object creates in Keras, in Keras's order (Layer.weights: "kernel",
// "bias", ...), from its class and config; nullopt for a class LayerScope does not know.
std::optional<std::vector<std::string>> kerasVariableNames(const nlohmann::json& layerObject);

// Keras's naming.to_snake_case: "Conv2DTranspose" → "conv2d_transpose".
std::string kerasSnakeCase(const std::string& className);

} // namespace layerscope
