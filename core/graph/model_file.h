#pragma once
// The one entry for opening a model file, whatever its container: today a JSON file (Keras
// model.to_json(), a .keras archive's config.json, a legacy model_config, LayerScope's pipeline
// file). The container is told by its first bytes, never by the extension, so the .keras (zip)
// and .h5 (HDF5) readers slot in here.

#include "core/graph/graph.h"

#include <filesystem>

namespace layerscope {

// Throws PipelineFormatError naming the file for anything it cannot read (including a .keras /
// .h5 container, not read yet).
ModelGraph loadModelFile(const std::filesystem::path& path);

} // namespace layerscope
