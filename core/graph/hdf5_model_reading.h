#pragma once
// What opening a model file reads from HDF5, as requests that can be carried to the reader
// process (io/reader_process.h) and back: a legacy `.h5` model's config with its weights, a
// `.keras` archive's model.weights.h5 attached to its config, or a weights file beside a JSON.
// The same request runs in this process (readHdf5Request) or in `layerscope-hdf5-reader`, so both
// paths do exactly the same thing.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace layerscope {

enum class Hdf5ReadKind {
    LegacyModel,   // a whole tf.keras / Keras 3 legacy .h5: model_config + model_weights
    Keras3Weights, // a .keras archive's model.weights.h5, attached to `model`
    WeightsFile,   // a .weights.h5 or legacy save_weights .h5 beside the JSON `model`
};

struct Hdf5ReadRequest {
    Hdf5ReadKind kind = Hdf5ReadKind::LegacyModel;
    std::string bytes;       // the HDF5 file image
    std::string name;        // names it in errors
    nlohmann::json model;    // the model JSON to attach weights to (not for LegacyModel)
    int64_t memoryBudgetBytes = 0;
};

// The model JSON with its weights attached inline. Throws PipelineFormatError.
nlohmann::json readHdf5Request(Hdf5ReadRequest request);

// The request as bytes for the reader process and back (CBOR; the file image as a binary value).
std::string encodeHdf5ReadRequest(const Hdf5ReadRequest& request);
Hdf5ReadRequest decodeHdf5ReadRequest(const std::string& bytes);

} // namespace layerscope
