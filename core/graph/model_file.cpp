#include "model_file.h"

#include "core/errors.h"
#include "core/graph/graph_json.h"
#include "core/io/atomic_file.h"
#include "core/graph/hdf5_model_reading.h"
#include "core/io/reader_process.h"
#include "core/io/hdf5_weights.h"
#include "core/io/keras_archive.h"

#include <algorithm>

namespace layerscope {

using nlohmann::json;

namespace {

std::string readWithinBudget(const std::filesystem::path& path, int64_t budget)
{
    try {
        return readTextFile(path, static_cast<size_t>(std::max<int64_t>(budget, 1)));
    } catch (const PipelineFormatError&) {
        throw;
    } catch (const Error& e) {
        throw PipelineFormatError(e.what());
    }
}

ModelGraph buildGraph(const json& document, const std::string& name)
{
    try {
        return parseModelJsonDocument(document);
    } catch (const PipelineFormatError& e) {
        throw PipelineFormatError(name + ": " + e.what());
    }
}

// Reads HDF5 in the reader process unless the options say otherwise (hdf5_model_reading.h).
json readHdf5(Hdf5ReadRequest request, const ModelFileOptions& options)
{
    request.memoryBudgetBytes = options.memoryBudgetBytes;
    if (!options.isolateHdf5)
        return readHdf5Request(std::move(request));
    // The result is the model JSON with its weights: at most ~9 CBOR bytes per float32 read
    // within the budget, plus the config.
    const int64_t budget = options.memoryBudgetBytes;
    const int64_t maxResult = budget > (int64_t{1} << 60) / 3 ? int64_t{1} << 60 : budget * 3 + (int64_t{64} << 20);
    if (options.hdf5Reader)
        return options.hdf5Reader(request, maxResult);
    const std::string name = request.name;
    return runReaderProcess(encodeHdf5ReadRequest(request), name, maxResult, options.hdf5TimeLimitSeconds);
}

// Attaches a weights file (either layout) to a model JSON.
json withWeightsFile(json model, const std::string& bytes, const std::string& name, const ModelFileOptions& options)
{
    if (!looksLikeHdf5(bytes))
        throw PipelineFormatError(name + ": a weights file must be HDF5 (.weights.h5 or a legacy .h5)");
    return readHdf5({Hdf5ReadKind::WeightsFile, bytes, name, std::move(model)}, options);
}

ModelGraph loadKerasZip(const std::string& bytes, const std::string& name, const ModelFileOptions& options)
{
    KerasArchiveLimits limits;
    limits.memoryBudgetBytes = options.memoryBudgetBytes;
    KerasArchive archive = readKerasArchive(bytes, name, limits);
    json model = parseJsonText(archive.config, name + ": config.json");
    model = readHdf5({Hdf5ReadKind::Keras3Weights, std::move(archive.weights), name + ": model.weights.h5", std::move(model)},
                     options);
    return buildGraph(model, name);
}

ModelGraph loadHdf5(const std::string& bytes, const std::string& name, const ModelFileOptions& options)
{
    return buildGraph(readHdf5({Hdf5ReadKind::LegacyModel, bytes, name, json()}, options), name);
}

} // namespace

ModelGraph loadModelBytes(const std::string& bytes, const std::string& name, const ModelFileOptions& options,
                          const std::string* weights)
{
    if (looksLikeZip(bytes)) {
        if (weights)
            throw PipelineFormatError(name + ": a .keras file carries its own weights; --weights is for a JSON model");
        return loadKerasZip(bytes, name, options);
    }
    if (looksLikeHdf5(bytes)) {
        if (weights)
            throw PipelineFormatError(name + ": a legacy .h5 model carries its own weights; --weights is for a JSON model");
        return loadHdf5(bytes, name, options);
    }
    json model = parseJsonText(bytes, name);
    if (weights) {
        const std::string weightsName = options.weightsPath.empty() ? std::string("weights") : options.weightsPath.filename().string();
        model = withWeightsFile(std::move(model), *weights, weightsName, options);
    }
    return buildGraph(model, name);
}

ModelGraph loadModelFile(const std::filesystem::path& path, const ModelFileOptions& options)
{
    const std::string bytes = readWithinBudget(path, options.memoryBudgetBytes);
    const std::string name = path.filename().string();
    if (options.weightsPath.empty())
        return loadModelBytes(bytes, name, options);
    const std::string weights = readWithinBudget(options.weightsPath, options.memoryBudgetBytes);
    return loadModelBytes(bytes, name, options, &weights);
}

std::string unsupportedLayerMessage(const GraphLayer& layer)
{
    const std::string cls = layer.className;
    if (cls == "Lambda")
        return "Lambda layer '" + layer.name + "' holds Python code; LayerScope never runs code from a model file";
    if (cls == "TFOpLambda" || cls == "SlicingOpLambda")
        return cls + " layer '" + layer.name + "' calls a TensorFlow function by name; LayerScope never runs code from a model file";
    if (layer.unsupported) {
        const json& object = layer.unsupported->object;
        const json registered = object.is_object() ? object.value("registered_name", json()) : json();
        if (registered.is_string() && registered.get<std::string>().rfind("Custom>", 0) == 0)
            return "layer '" + layer.name + "' is of the custom class '" + registered.get<std::string>()
                 + "', whose code the file does not contain; LayerScope never runs code from a model file";
        return cls + " layer '" + layer.name + "' is not supported: " + layer.unsupported->reason;
    }
    return cls + " layer '" + layer.name + "' is not supported";
}

} // namespace layerscope
