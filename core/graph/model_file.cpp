#include "model_file.h"

#include "core/errors.h"
#include "core/graph/graph_json.h"
#include "core/graph/keras_weights.h"
#include "core/io/atomic_file.h"
#include "core/io/child_process.h"
#include "core/io/hdf5_weights.h"
#include "core/io/keras_archive.h"

#include <algorithm>
#include <functional>

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

json parseJsonText(const std::string& text, const std::string& what)
{
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw PipelineFormatError(what + ": malformed JSON: " + e.what());
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

// Runs an HDF5 reading step, in a child process unless the options say otherwise.
json readHdf5(const std::function<json()>& work, const std::string& name, const ModelFileOptions& options)
{
    if (!options.isolateHdf5)
        return work();
    // The result is the model JSON with its weights: at most ~9 CBOR bytes per float32 read
    // within the budget, plus the config.
    const int64_t budget = options.memoryBudgetBytes;
    const int64_t maxResult = budget > (int64_t{1} << 60) / 3 ? int64_t{1} << 60 : budget * 3 + (int64_t{64} << 20);
    // Fork while holding the HDF5 lock: no other thread is inside the library at that moment, so
    // the child's copy of the library (and of the lock, which its one thread owns) is consistent.
    const std::lock_guard<std::recursive_mutex> guard(hdf5LibraryLock());
    return runInChildProcess(
        [&] {
            resetHdf5LibraryLockInChild();
            return work();
        },
        name, maxResult, options.hdf5TimeLimitSeconds);
}

// Attaches a weights file (either layout) to a model JSON.
json withWeightsFile(json model, const std::string& bytes, const std::string& name, const ModelFileOptions& options)
{
    if (!looksLikeHdf5(bytes))
        throw PipelineFormatError(name + ": a weights file must be HDF5 (.weights.h5 or a legacy .h5)");
    return readHdf5(
        [&] {
            const Hdf5File file(bytes, name, options.memoryBudgetBytes);
            if (file.hasAttribute("", "model_config"))
                throw PipelineFormatError(name + ": a whole legacy model, not a weights file; give it as --model");
            if (detectWeightsLayout(file) == WeightsLayout::Legacy)
                attachLegacyWeights(model, file);
            else
                attachKeras3Weights(model, file);
            return model;
        },
        name, options);
}

ModelGraph loadKerasZip(const std::string& bytes, const std::string& name, const ModelFileOptions& options)
{
    KerasArchiveLimits limits;
    limits.memoryBudgetBytes = options.memoryBudgetBytes;
    KerasArchive archive = readKerasArchive(bytes, name, limits);
    json model = parseJsonText(archive.config, name + ": config.json");
    const std::string weightsName = name + ": model.weights.h5";
    model = readHdf5(
        [&] {
            const Hdf5File file(std::move(archive.weights), weightsName, options.memoryBudgetBytes);
            attachKeras3Weights(model, file);
            return model;
        },
        weightsName, options);
    return buildGraph(model, name);
}

ModelGraph loadHdf5(const std::string& bytes, const std::string& name, const ModelFileOptions& options)
{
    const json model = readHdf5([&] {
        const Hdf5File file(bytes, name, options.memoryBudgetBytes);
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
    }, name, options);
    return buildGraph(model, name);
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
