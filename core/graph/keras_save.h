#pragma once
// Writing a model graph as a Keras 3 `.keras` file that keras.models.load_model reads
// (KERAS_FILES.md §1, §4): a zip of metadata.json, config.json (the Keras 3 Functional JSON of
// graph_json.h without LayerScope's inline weights) and model.weights.h5 in Keras 3's layout
// (layers/<snake class>[_n]/vars/<i>, one group per layer in model.layers order, numbered per
// class as saving_lib names them; the variables in set_weights order). Members are stored
// uncompressed, as Keras writes them.

#include "core/graph/graph.h"

#include <filesystem>

namespace layerscope {

// Throws Error when a layer is unsupported (its weights would be lost) or the input shapes are
// unknown (weights that depend on them could not be made); the file is written atomically.
void saveKerasFile(const ModelGraph& graph, const std::filesystem::path& output);

} // namespace layerscope
