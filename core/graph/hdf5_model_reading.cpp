#include "hdf5_model_reading.h"

#include "core/errors.h"
#include "core/graph/graph_json.h"
#include "core/graph/keras_weights.h"
#include "core/io/hdf5_weights.h"

namespace layerscope {

using nlohmann::json;

namespace {

json readLegacyModel(const Hdf5File& file, const std::string& name)
{
    if (!file.hasAttribute("", "model_config")) {
        const bool weights = file.hasAttribute("", "layer_names") || file.isGroup("layers");
        throw PipelineFormatError(name + (weights ? ": a weights-only file (model.save_weights); give the model's JSON "
                                                    "with --model and this file with --weights"
                                                  : ": an HDF5 file without a Keras model_config attribute"));
    }
    json config = parseJsonText(file.readStringAttribute("", "model_config"), name + ": model_config");
    if (config.is_object() && config.contains("model_config"))
        config = json(config.at("model_config"));
    if (file.isGroup("model_weights"))
        attachLegacyWeights(config, file, "model_weights");
    return config;
}

} // namespace

json readHdf5Request(Hdf5ReadRequest request)
{
    const Hdf5File file(std::move(request.bytes), request.name, request.memoryBudgetBytes);
    switch (request.kind) {
    case Hdf5ReadKind::LegacyModel:
        return readLegacyModel(file, request.name);
    case Hdf5ReadKind::Keras3Weights: {
        attachKeras3Weights(request.model, file);
        return std::move(request.model);
    }
    case Hdf5ReadKind::WeightsFile: {
        if (file.hasAttribute("", "model_config"))
            throw PipelineFormatError(request.name + ": a whole legacy model, not a weights file; give it as --model");
        if (detectWeightsLayout(file) == WeightsLayout::Legacy)
            attachLegacyWeights(request.model, file);
        else
            attachKeras3Weights(request.model, file);
        return std::move(request.model);
    }
    }
    throw PipelineFormatError(request.name + ": unknown HDF5 reading request");
}

std::string encodeHdf5ReadRequest(const Hdf5ReadRequest& request)
{
    const json message = {
        {"kind", static_cast<int>(request.kind)},
        {"name", request.name},
        {"model", request.model},
        {"budget", request.memoryBudgetBytes},
        {"bytes", json::binary(std::vector<std::uint8_t>(request.bytes.begin(), request.bytes.end()))},
    };
    const std::vector<std::uint8_t> cbor = json::to_cbor(message);
    return std::string(cbor.begin(), cbor.end());
}

Hdf5ReadRequest decodeHdf5ReadRequest(const std::string& bytes)
{
    try {
        const json message = json::from_cbor(bytes);
        Hdf5ReadRequest request;
        const int kind = message.at("kind").get<int>();
        if (kind < 0 || kind > static_cast<int>(Hdf5ReadKind::WeightsFile))
            throw PipelineFormatError("unknown HDF5 reading request " + std::to_string(kind));
        request.kind = static_cast<Hdf5ReadKind>(kind);
        request.name = message.at("name").get<std::string>();
        request.model = message.at("model");
        request.memoryBudgetBytes = message.at("budget").get<int64_t>();
        const json::binary_t& image = message.at("bytes").get_binary();
        request.bytes.assign(image.begin(), image.end());
        return request;
    } catch (const json::exception& e) {
        throw PipelineFormatError(std::string("malformed HDF5 reading request: ") + e.what());
    }
}

} // namespace layerscope
