#include "keras_weights.h"

#include "core/errors.h"
#include "core/layer_registry.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>

namespace layerscope {

using nlohmann::json;

namespace {

std::string classOf(const json& object)
{
    return object.is_object() && object.contains("class_name") && object.at("class_name").is_string()
               ? object.at("class_name").get<std::string>()
               : std::string();
}

bool isModelClass(const std::string& cls)
{
    return cls == "Sequential" || cls == "Functional" || cls == "Model";
}

const json& configOf(const json& entry)
{
    static const json empty = json::object();
    return entry.is_object() && entry.contains("config") && entry.at("config").is_object() ? entry.at("config") : empty;
}

// The entry's layer name: "name" beside the config (Functional), else config.name.
std::string nameOf(const json& entry)
{
    if (entry.is_object() && entry.contains("name") && entry.at("name").is_string())
        return entry.at("name").get<std::string>();
    const json& config = configOf(entry);
    return config.contains("name") && config.at("name").is_string() ? config.at("name").get<std::string>() : std::string();
}

// The model JSON itself, unwrapping a legacy model_config (object or JSON text, already parsed
// by the caller into an object).
json& unwrap(json& model)
{
    if (model.is_object() && model.contains("model_config") && model.at("model_config").is_object())
        return model.at("model_config");
    return model;
}

// A model's layer list, whatever its form (graph_json.cpp reads the same forms); null when none.
json* layersOf(json& model)
{
    if (model.is_array())
        return &model;
    if (!model.is_object())
        return nullptr;
    if (model.contains("config")) {
        json& config = model.at("config");
        if (config.is_array())
            return &config;
        if (config.is_object() && config.contains("layers") && config.at("layers").is_array())
            return &config.at("layers");
    }
    if (model.contains("layers") && model.at("layers").is_array())
        return &model.at("layers");
    return nullptr;
}

bool isSequential(const json& model)
{
    return model.is_array() || classOf(model) == "Sequential";
}

bool flag(const json& config, const char* key, bool fallback)
{
    return config.contains(key) && config.at(key).is_boolean() ? config.at(key).get<bool>() : fallback;
}

// The variables a layer creates, in Keras's order (Layer.weights); nullopt for a class this
// build does not know (its weights stay in the file).
std::optional<std::vector<std::string>> variableNames(const json& entry)
{
    const std::string cls = classOf(entry);
    const json& config = configOf(entry);
    const bool bias = flag(config, "use_bias", true);
    std::vector<std::string> names;
    if (cls == "Conv2D" || cls == "Conv2DTranspose" || cls == "Dense" || cls == "DepthwiseConv2D") {
        names = {"kernel"};
        if (bias)
            names.push_back("bias");
    } else if (cls == "SeparableConv2D") {
        names = {"depthwise_kernel", "pointwise_kernel"};
        if (bias)
            names.push_back("bias");
    } else if (cls == "BatchNormalization") {
        if (flag(config, "scale", true))
            names.push_back("gamma");
        if (flag(config, "center", true))
            names.push_back("beta");
        names.push_back("moving_mean");
        names.push_back("moving_variance");
    } else if (cls == "PReLU") {
        names = {"alpha"};
    } else if (cls == "Normalization") {
        // Variables only when not given mean and variance in the config (adapted).
        if (!config.contains("mean") || config.at("mean").is_null())
            names = {"mean", "variance", "count"};
    } else if (cls == "InputLayer" || findLayerFactory(cls)) {
        // Known and weightless.
    } else {
        return std::nullopt;
    }
    return names;
}

// The variable name a stored weight name means for this class (tf.keras 2 wrote
// DepthwiseConv2D's kernel as depthwise_kernel).
std::string canonicalVariable(const std::string& cls, std::string name)
{
    const size_t colon = name.rfind(':');
    if (colon != std::string::npos)
        name = name.substr(0, colon);
    if (cls == "DepthwiseConv2D" && name == "depthwise_kernel")
        return "kernel";
    return name;
}

std::optional<int64_t> intOf(const json& value)
{
    if (value.is_number_integer())
        return value.get<int64_t>();
    return std::nullopt;
}

// kernel_size as (kh, kw), -1 where the config does not say.
std::pair<int64_t, int64_t> kernelSize(const json& config)
{
    if (!config.contains("kernel_size"))
        return {-1, -1};
    const json& k = config.at("kernel_size");
    if (k.is_number_integer())
        return {k.get<int64_t>(), k.get<int64_t>()};
    if (k.is_array() && k.size() == 2)
        return {intOf(k[0]).value_or(-1), intOf(k[1]).value_or(-1)};
    return {-1, -1};
}

// The shape the layer's config implies for a variable, -1 where it depends on the input (input
// channels); nullopt when the config alone says nothing.
std::optional<Shape> expectedShape(const json& entry, const std::string& variable)
{
    const std::string cls = classOf(entry);
    const json& config = configOf(entry);
    const auto [kh, kw] = kernelSize(config);
    const int64_t filters = config.contains("filters") ? intOf(config.at("filters")).value_or(-1) : -1;
    const int64_t units = config.contains("units") ? intOf(config.at("units")).value_or(-1) : -1;
    const int64_t multiplier = config.contains("depth_multiplier") ? intOf(config.at("depth_multiplier")).value_or(-1) : 1;
    if (cls == "Conv2D")
        return variable == "kernel" ? Shape{kh, kw, -1, filters} : Shape{filters};
    if (cls == "Conv2DTranspose")
        return variable == "kernel" ? Shape{kh, kw, filters, -1} : Shape{filters};
    if (cls == "DepthwiseConv2D")
        return variable == "kernel" ? Shape{kh, kw, -1, multiplier} : Shape{-1};
    if (cls == "SeparableConv2D") {
        if (variable == "depthwise_kernel")
            return Shape{kh, kw, -1, multiplier};
        if (variable == "pointwise_kernel")
            return Shape{1, 1, -1, filters};
        return Shape{filters};
    }
    if (cls == "Dense")
        return variable == "kernel" ? Shape{-1, units} : Shape{units};
    if (cls == "BatchNormalization")
        return Shape{-1};
    return std::nullopt;
}

std::string patternString(const Shape& shape)
{
    std::string s = "(";
    for (size_t k = 0; k < shape.size(); ++k)
        s += (k ? ", " : "") + (shape[k] < 0 ? std::string("?") : std::to_string(shape[k]));
    return s + (shape.size() == 1 ? ",)" : ")");
}

// Checks the stored shape against the config and writes entry["weights"][variable].
void attach(json& entry, const std::string& variable, const Hdf5Array& array, const Hdf5File& file,
            const std::string& datasetPath)
{
    const std::string layer = nameOf(entry);
    const std::string cls = classOf(entry);
    if (const std::optional<Shape> expected = expectedShape(entry, variable)) {
        bool fits = expected->size() == array.shape.size();
        for (size_t k = 0; fits && k < expected->size(); ++k)
            fits = (*expected)[k] < 0 || (*expected)[k] == array.shape[k];
        if (!fits)
            throw PipelineFormatError(file.displayName() + ": layer '" + layer + "' (" + cls + "), variable '" + variable
                                      + "': the file holds shape " + shapeToTuple(array.shape) + " at " + datasetPath
                                      + " but the layer's config needs " + patternString(*expected));
    }
    if (!entry.contains("weights") || !entry.at("weights").is_object())
        entry["weights"] = json::object();
    entry["weights"][variable] = {{"shape", array.shape}, {"data", array.data}};
}

// ---- Keras 3 layout --------------------------------------------------------------------------

// The groups of a container's saveables, by snake-case stem, each list in order of its numeric
// suffix ("conv2d" = 0, "conv2d_2" = 2): name → path.
using StemGroups = std::map<std::string, std::vector<std::pair<int64_t, std::string>>>;

std::string joinPath(const std::string& a, const std::string& b)
{
    return a.empty() ? b : a + "/" + b;
}

// A group's children that are saveables: under <group>/layers (Keras 3, tf.keras 2.15), under
// <group>/_layer_checkpoint_dependencies (2.14), or links of <group> named
// "_layer_checkpoint_dependencies\<name>" (2.13 on Windows).
std::vector<std::pair<std::string, std::string>> saveableGroups(const Hdf5File& file, const std::string& group)
{
    std::vector<std::pair<std::string, std::string>> result; // (name, path)
    for (const char* folder : {"layers", "_layer_checkpoint_dependencies"}) {
        const std::string path = joinPath(group, folder);
        if (file.isGroup(path)) {
            for (const std::string& child : file.children(path))
                result.push_back({child, joinPath(path, child)});
            return result;
        }
    }
    const std::string prefix = "_layer_checkpoint_dependencies\\";
    for (const std::string& child : file.children(group))
        if (child.rfind(prefix, 0) == 0)
            result.push_back({child.substr(prefix.size()), joinPath(group, child)});
    return result;
}

// Splits "conv2d_12" into the stem the caller asks for and 12; nullopt when `name` is not
// `stem` or `stem_<digits>`.
std::optional<int64_t> suffixFor(const std::string& name, const std::string& stem)
{
    if (name == stem)
        return 0;
    if (name.size() <= stem.size() + 1 || name.compare(0, stem.size(), stem) != 0 || name[stem.size()] != '_')
        return std::nullopt;
    const std::string digits = name.substr(stem.size() + 1);
    if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return std::nullopt;
    return std::stoll(digits);
}

// The numbered datasets of <layer group>/vars, in numeric order.
std::vector<std::string> varDatasets(const Hdf5File& file, const std::string& layerGroup)
{
    const std::string vars = joinPath(layerGroup, "vars");
    std::vector<std::pair<int64_t, std::string>> numbered;
    for (const std::string& child : file.children(vars)) {
        if (child.empty() || child.size() > 9
            || !std::all_of(child.begin(), child.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            continue;
        numbered.push_back({std::stoll(child), joinPath(vars, child)});
    }
    std::sort(numbered.begin(), numbered.end());
    std::vector<std::string> paths;
    for (auto& [index, path] : numbered)
        paths.push_back(path);
    return paths;
}

void attachKeras3Container(json& model, const Hdf5File& file, const std::string& group, int depth)
{
    if (depth > 32)
        throw PipelineFormatError(file.displayName() + ": models nested more than 32 deep");
    json* layers = layersOf(model);
    if (!layers)
        return;
    const auto groups = saveableGroups(file, group);
    const bool sequential = isSequential(model);
    std::map<std::string, std::vector<std::pair<int64_t, std::string>>> byStem;
    std::map<std::string, size_t> used;
    for (json& entry : *layers) {
        const std::string cls = classOf(entry);
        if (cls.empty() || (sequential && cls == "InputLayer"))
            continue;
        const std::string stem = kerasSnakeCase(cls);
        if (!byStem.count(stem)) {
            auto& list = byStem[stem];
            for (const auto& [name, path] : groups)
                if (const std::optional<int64_t> suffix = suffixFor(name, stem))
                    list.push_back({*suffix, path});
            std::sort(list.begin(), list.end());
        }
        const auto& candidates = byStem[stem];
        const size_t position = used[stem]++;
        const std::optional<std::string> layerGroup = position < candidates.size()
                                                          ? std::optional<std::string>(candidates[position].second)
                                                          : std::nullopt;
        if (isModelClass(cls)) {
            if (!layerGroup)
                throw PipelineFormatError(file.displayName() + ": no weights group for the nested model '" + nameOf(entry)
                                          + "' (expected " + joinPath(group, "layers/" + stem) + "...)");
            attachKeras3Container(entry, file, *layerGroup, depth + 1);
            continue;
        }
        const std::optional<std::vector<std::string>> names = variableNames(entry);
        if (!names || names->empty())
            continue; // weightless, or a class whose variables LayerScope does not know
        if (!layerGroup)
            throw PipelineFormatError(file.displayName() + ": no weights for layer '" + nameOf(entry) + "' (" + cls
                                      + "): the file has " + std::to_string(candidates.size()) + " '" + stem
                                      + "' group(s) under '" + (group.empty() ? std::string("/") : group)
                                      + "' for more layers of that class");
        const std::vector<std::string> datasets = varDatasets(file, *layerGroup);
        if (datasets.size() != names->size()) {
            std::string list;
            for (const std::string& n : *names)
                list += (list.empty() ? "" : ", ") + n;
            throw PipelineFormatError(file.displayName() + ": layer '" + nameOf(entry) + "' (" + cls + ") has "
                                      + std::to_string(names->size()) + " variable(s) (" + list + ") but "
                                      + *layerGroup + "/vars holds " + std::to_string(datasets.size()));
        }
        for (size_t i = 0; i < datasets.size(); ++i)
            attach(entry, (*names)[i], file.readFloatDataset(datasets[i]), file, datasets[i]);
    }
}

// ---- legacy layout ---------------------------------------------------------------------------

struct Target {
    json* entry;
    std::string layer;
    std::string variable;
};

// Every variable of a layer, or of a nested model's layers in order; `complete` turns false when
// a layer's variables are unknown.
void collectTargets(json& entry, std::vector<Target>& targets, bool& complete, int depth)
{
    if (depth > 32)
        return;
    if (isModelClass(classOf(entry))) {
        json* layers = layersOf(entry);
        if (!layers)
            return;
        for (json& inner : *layers)
            if (classOf(inner) != "InputLayer")
                collectTargets(inner, targets, complete, depth + 1);
        return;
    }
    const std::optional<std::vector<std::string>> names = variableNames(entry);
    if (!names) {
        complete = false;
        return;
    }
    for (const std::string& n : *names)
        targets.push_back({&entry, nameOf(entry), n});
}

std::vector<std::string> splitSlash(const std::string& s)
{
    std::vector<std::string> parts;
    std::string current;
    for (char c : s) {
        if (c == '/') {
            parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    parts.push_back(current);
    return parts;
}

} // namespace

std::optional<std::vector<std::string>> kerasVariableNames(const json& layerObject)
{
    return variableNames(layerObject);
}

std::string kerasSnakeCase(const std::string& className)
{
    // naming.to_snake_case: drop non-word characters, then the two regex substitutions, lower.
    std::string name;
    for (char c : className)
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
            name += c;
    name = std::regex_replace(name, std::regex("(.)([A-Z][a-z]+)"), "$1_$2");
    name = std::regex_replace(name, std::regex("([a-z])([A-Z])"), "$1_$2");
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return name;
}

WeightsLayout detectWeightsLayout(const Hdf5File& file, const std::string& group)
{
    if (file.hasAttribute(group, "layer_names") || file.hasAttribute(group, "layer_names0"))
        return WeightsLayout::Legacy;
    if (file.isGroup(joinPath(group, "layers")) || file.isGroup(joinPath(group, "_layer_checkpoint_dependencies")))
        return WeightsLayout::Keras3;
    for (const std::string& child : file.children(group))
        if (child.rfind("_layer_checkpoint_dependencies\\", 0) == 0)
            return WeightsLayout::Keras3;
    throw PipelineFormatError(file.displayName() + ": no Keras weights found (neither a 'layer_names' attribute nor a "
                                                   "'layers' group" + (group.empty() ? std::string() : " in '" + group + "'") + ")");
}

void attachKeras3Weights(json& model, const Hdf5File& file, const std::string& group)
{
    attachKeras3Container(unwrap(model), file, group, 0);
}

void attachLegacyWeights(json& input, const Hdf5File& file, const std::string& group)
{
    json& model = unwrap(input);
    json* layers = layersOf(model);
    if (!layers)
        throw PipelineFormatError(file.displayName() + ": the model has no layers to put weights in");
    std::map<std::string, json*> byName;
    for (json& entry : *layers)
        byName[nameOf(entry)] = &entry;
    const std::vector<std::string> layerNames = file.readStringListAttribute(group, "layer_names");
    for (const std::string& layerName : layerNames) {
        const std::string layerGroup = joinPath(group, layerName);
        const std::vector<std::string> weightNames = file.readStringListAttribute(layerGroup, "weight_names");
        if (weightNames.empty())
            continue;
        const auto found = byName.find(layerName);
        if (found == byName.end())
            throw PipelineFormatError(file.displayName() + ": the file has weights for a layer '" + layerName
                                      + "' that the model does not have");
        json& entry = *found->second;
        std::vector<Target> targets;
        bool complete = true;
        collectTargets(entry, targets, complete, 0);
        if (targets.empty() && !complete)
            continue; // a class whose variables LayerScope does not know: listed as unsupported
        const bool nested = isModelClass(classOf(entry));
        // Each stored weight → its target: by (layer, variable) from the weight name's last two
        // parts, else by variable alone within one layer (Keras 2.0.5 wrote
        // batch_normalization_1_1/gamma:0 for layer batch_normalization_1), else by order.
        std::vector<std::optional<size_t>> chosen(weightNames.size());
        bool allResolved = true;
        for (size_t w = 0; w < weightNames.size(); ++w) {
            const std::vector<std::string> parts = splitSlash(weightNames[w]);
            const std::string owner = parts.size() >= 2 ? parts[parts.size() - 2] : std::string();
            for (size_t t = 0; t < targets.size() && !chosen[w]; ++t) {
                const std::string variable = canonicalVariable(classOf(*targets[t].entry), parts.back());
                if (variable == targets[t].variable && (targets[t].layer == owner || !nested))
                    chosen[w] = t;
            }
            allResolved = allResolved && chosen[w];
        }
        std::vector<bool> taken(targets.size(), false);
        for (const auto& c : chosen)
            if (c) {
                if (taken[*c])
                    allResolved = false; // two stored weights for one variable: fall back to order
                taken[*c] = true;
            }
        if (!allResolved) {
            if (!complete || weightNames.size() != targets.size()) {
                std::string expected;
                for (const Target& t : targets)
                    expected += (expected.empty() ? "" : ", ") + t.layer + "/" + t.variable;
                throw PipelineFormatError(file.displayName() + ": layer '" + layerName + "' (" + classOf(entry) + ") has "
                                          + std::to_string(targets.size()) + " variable(s) (" + expected + ") but the file stores "
                                          + std::to_string(weightNames.size()) + " weight(s) for it");
            }
            for (size_t w = 0; w < weightNames.size(); ++w)
                chosen[w] = w;
            std::fill(taken.begin(), taken.end(), true);
        }
        for (size_t t = 0; t < targets.size(); ++t)
            if (!taken[t])
                throw PipelineFormatError(file.displayName() + ": layer '" + targets[t].layer + "' ("
                                          + classOf(*targets[t].entry) + "): the file has no '" + targets[t].variable
                                          + "' weight for it (weight_names of " + layerGroup + ")");
        for (size_t w = 0; w < weightNames.size(); ++w) {
            const std::string path = joinPath(layerGroup, weightNames[w]);
            const Target& target = targets[*chosen[w]];
            attach(*target.entry, target.variable, file.readFloatDataset(path), file, path);
        }
    }
    // Keras checks that every layer with weights got them (load_weights_from_hdf5_group).
    for (json& entry : *layers) {
        std::vector<Target> targets;
        bool complete = true;
        collectTargets(entry, targets, complete, 0);
        for (const Target& t : targets)
            if (!t.entry->contains("weights") || !t.entry->at("weights").contains(t.variable))
                throw PipelineFormatError(file.displayName() + ": no weights for layer '" + t.layer + "' ("
                                          + classOf(*t.entry) + "), variable '" + t.variable + "'");
    }
}

} // namespace layerscope
