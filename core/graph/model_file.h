#pragma once
// The one entry for opening a model file, whatever its container (KERAS_FILES.md §0): a `.keras`
// zip (config.json + model.weights.h5), a legacy HDF5 model (.h5 / .hdf5, also when named
// .keras), or JSON (Keras model.to_json(), a .keras archive's config.json, a legacy
// model_config, LayerScope's pipeline file), optionally with a separate weights file (a Keras 3
// `.weights.h5` or a legacy save_weights `.h5`). The container is told by its first bytes, never
// by the extension. The weights are attached to the model JSON's layers (graph/keras_weights.h)
// and the graph is built by parseModelJsonDocument: unsupported and code-carrying layers are
// listed, never run, never a refusal of the whole file.

#include "core/exec_context.h"
#include "core/graph/graph.h"
#include "core/graph/hdf5_model_reading.h"

#include <filesystem>
#include <functional>

namespace layerscope {

struct ModelFileOptions {
    // Weights for a JSON model (model.save_weights: .weights.h5 or a legacy .h5); empty: none.
    std::filesystem::path weightsPath;
    // Bounds the file read and every weight allocated while loading.
    int64_t memoryBudgetBytes = defaultMemoryBudget();
    // Read HDF5 in the reader process (io/reader_process.h): HDF5 1.10 can crash on damaged
    // files. The fuzz targets can read in-process, to see inside the library.
    bool isolateHdf5 = true;
    // Wall-clock limit of that reader process (seconds).
    unsigned hdf5TimeLimitSeconds = 120;
    // Another way to isolate the HDF5 reading (when isolateHdf5): empty for the reader program.
    // The fuzz target, single-threaded, forks instead (a fresh instrumented program per input
    // would leave it at a few executions per second).
    std::function<nlohmann::json(const Hdf5ReadRequest& request, int64_t maxResultBytes)> hdf5Reader;
};

// Throws PipelineFormatError naming the file (and the member, layer and variable) for anything
// it cannot read: damaged or truncated containers, hostile archives, weights that disagree with
// the model, a weights-only file given as a model.
ModelGraph loadModelFile(const std::filesystem::path& path, const ModelFileOptions& options = {});

// The same from bytes in memory (`displayName` names them in errors); `weights`, when given, is a
// weights file's bytes. For the fuzz targets and tests.
ModelGraph loadModelBytes(const std::string& bytes, const std::string& displayName,
                          const ModelFileOptions& options = {}, const std::string* weights = nullptr);

// The message for running into an unsupported layer: a Lambda "holds Python code", a custom class
// "needs code the file does not contain", others "is not supported: <reason>".
std::string unsupportedLayerMessage(const GraphLayer& layer);

} // namespace layerscope
