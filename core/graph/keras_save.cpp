#include "keras_save.h"

#include "core/codegen/keras_form.h"
#include "core/errors.h"
#include "core/graph/graph_edit.h"
#include "core/graph/graph_json.h"
#include "core/graph/graph_shapes.h"
#include "core/graph/keras_weights.h"
#include "core/io/atomic_file.h"
#include "core/io/hdf5_weights.h"

#include <hdf5.h>
#include <zip.h>

#include <cctype>
#include <chrono>
#include <optional>
#include <ctime>
#include <fstream>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace layerscope {

using nlohmann::json;

namespace {

class H5Writer {
public:
    explicit H5Writer(const std::filesystem::path& path)
    {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        m_file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        if (m_file < 0)
            throw Error("cannot create the weights file " + path.string());
    }
    ~H5Writer()
    {
        if (m_file >= 0)
            H5Fclose(m_file);
    }
    void group(const std::string& path)
    {
        const hid_t g = H5Gcreate2(m_file, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0)
            throw Error("cannot create the HDF5 group " + path);
        H5Gclose(g);
    }
    void dataset(const std::string& path, const Shape& shape, const std::vector<float>& values)
    {
        std::vector<hsize_t> dims(shape.begin(), shape.end());
        const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
        const hid_t set = H5Dcreate2(m_file, path.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const bool ok = set >= 0 && (values.empty() || H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
        if (set >= 0)
            H5Dclose(set);
        H5Sclose(space);
        if (!ok)
            throw Error("cannot write the HDF5 dataset " + path);
    }
    void close()
    {
        H5Fclose(m_file);
        m_file = -1;
    }

private:
    hid_t m_file = -1;
};

std::string readAll(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Removes LayerScope's inline weights: config.json holds what Keras's config holds.
void dropInlineWeights(json& model)
{
    for (json& layer : model.at("config").at("layers"))
        layer.erase("weights");
}

// Keras 3 refuses '/' in layer names (tf.keras 2 allowed it: "fire2/squeeze1x1"); such a name is
// written with '_' (made unique), in the layer and in every reference to it.
json withKeras3Names(const json& model)
{
    std::set<std::string> taken;
    for (const json& layer : model.at("config").at("layers"))
        taken.insert(layer.value("name", ""));
    std::string text = model.dump();
    for (const json& layer : model.at("config").at("layers")) {
        const std::string old = layer.value("name", "");
        if (old.find('/') == std::string::npos)
            continue;
        std::string stem = old;
        std::replace(stem.begin(), stem.end(), '/', '_');
        std::string fresh = stem;
        for (int k = 1; taken.count(fresh); ++k)
            fresh = stem + "_" + std::to_string(k);
        taken.insert(fresh);
        const std::string from = json(old).dump(), to = json(fresh).dump();
        for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    }
    return json::parse(text);
}

// Keras's initial value of a constant initializer in a config ("zeros", {"class_name": "Constant",
// "config": {"value": v}}, ...); nullopt for a random one.
std::optional<float> constantInitializer(const json& initializer)
{
    std::string cls = initializer.is_string() ? initializer.get<std::string>()
                    : initializer.is_object() ? initializer.value("class_name", std::string()) : std::string("Zeros");
    std::transform(cls.begin(), cls.end(), cls.begin(), [](unsigned char c) { return std::tolower(c); });
    if (cls == "zeros")
        return 0.0f;
    if (cls == "ones")
        return 1.0f;
    if (cls == "constant" && initializer.is_object() && initializer.contains("config")
        && initializer.at("config").value("value", json()).is_number())
        return initializer.at("config").at("value").get<float>();
    return std::nullopt;
}

// The variables Keras creates for a layer that keeps Keras's initial values (kerasWeights gives
// nothing then): BatchNormalization's 1 / 0 / 0 / 1 vectors, PReLU's constant alpha.
std::vector<NamedArray> initialVariables(const GraphLayer& l, const Shape& input)
{
    const json config = l.layer->config();
    if (input.empty())
        return {};
    if (l.className == "BatchNormalization") {
        int64_t axis = config.value("axis", json(-1)).is_number_integer() ? config.at("axis").get<int64_t>() : -1;
        if (axis < 0)
            axis += static_cast<int64_t>(input.size());
        if (axis < 0 || axis >= static_cast<int64_t>(input.size()))
            return {};
        const size_t c = static_cast<size_t>(input[static_cast<size_t>(axis)]);
        std::vector<NamedArray> arrays;
        if (config.value("scale", true))
            arrays.push_back({"gamma", Shape{static_cast<int64_t>(c)}, std::vector<float>(c, 1.0f)});
        if (config.value("center", true))
            arrays.push_back({"beta", Shape{static_cast<int64_t>(c)}, std::vector<float>(c, 0.0f)});
        arrays.push_back({"moving_mean", Shape{static_cast<int64_t>(c)}, std::vector<float>(c, 0.0f)});
        arrays.push_back({"moving_variance", Shape{static_cast<int64_t>(c)}, std::vector<float>(c, 1.0f)});
        return arrays;
    }
    if (l.className == "PReLU") {
        const std::optional<float> value = constantInitializer(config.value("alpha_initializer", json("zeros")));
        if (!value)
            return {};
        Shape shape(input.begin() + 1, input.end());
        const json shared = config.value("shared_axes", json());
        for (const json& a : shared.is_array() ? shared : json::array({shared}))
            if (a.is_number_integer() && a.get<int64_t>() >= 1 && a.get<int64_t>() <= static_cast<int64_t>(shape.size()))
                shape[static_cast<size_t>(a.get<int64_t>() - 1)] = 1;
        return {{"alpha", shape, std::vector<float>(static_cast<size_t>(elementCount(shape)), *value)}};
    }
    return {};
}

std::string nowStamp()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm {};
    localtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d@%H:%M:%S", &tm);
    return buffer;
}

} // namespace

void saveKerasFile(const ModelGraph& edited, const std::filesystem::path& output)
{
    const ModelGraph graph = effectiveGraph(edited); // without the app's bypassed nodes
    for (const GraphLayer& l : graph.layers)
        if (!l.supported())
            throw Error("cannot save as .keras: " + l.className + " layer '" + l.name
                        + "' is not supported by LayerScope, so its weights and code would be lost");
    // Input shapes (batch 1) for the weights that depend on them.
    std::vector<Shape> inputs;
    for (size_t node : graph.inputs) {
        Shape s = graph.layerOf(node).declaredShape;
        if (s.empty())
            throw Error("cannot save as .keras: the input '" + graph.layerOf(node).name + "' declares no shape");
        if (s[0] < 0)
            s[0] = 1;
        for (int64_t d : s)
            if (d < 0)
                throw Error("cannot save as .keras: the input '" + graph.layerOf(node).name + "' has an unknown size "
                            + shapeToTuple(graph.layerOf(node).declaredShape));
        inputs.push_back(s);
    }
    const GraphShapes shapes = inferGraphShapes(graph, inputs);
    json config = graphToKerasJson(graph);
    dropInlineWeights(config);
    config = withKeras3Names(config);
    json metadata = {{"keras_version", "3.15.1"}, {"date_saved", nowStamp()}};

    const std::filesystem::path scratch = std::filesystem::temp_directory_path()
                                        / ("layerscope-save-" + std::to_string(::getpid()) + "-"
                                           + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".h5");
    std::string weights;
    const std::lock_guard<std::recursive_mutex> guard(hdf5LibraryLock());
    try {
        H5Writer h5(scratch);
        h5.group("layers");
        std::map<std::string, int> used;
        for (size_t li = 0; li < graph.layers.size(); ++li) {
            const GraphLayer& l = graph.layers[li];
            const std::string stem = kerasSnakeCase(l.className);
            const int n = used[stem]++;
            const std::string path = "layers/" + (n == 0 ? stem : stem + "_" + std::to_string(n));
            h5.group(path);
            h5.group(path + "/vars");
            if (!l.layer)
                continue;
            const std::vector<size_t> nodes = graph.nodesOfLayer(li);
            Shape input;
            if (!nodes.empty()) {
                const std::vector<Shape> in = shapes.inputShapes(graph, nodes.front());
                if (!in.empty())
                    input = in.front();
            }
            std::vector<NamedArray> arrays = l.layer->kerasWeights(input);
            if (input.empty() && l.layer->generatedWeightCount(input) != 0)
                throw Error("cannot save as .keras: the input shape of layer '" + l.name + "' is unknown: "
                            + (nodes.empty() ? std::string("never called") : shapes.nodes[nodes.front()].error));
            if (arrays.empty())
                arrays = initialVariables(l, input);
            // Keras refuses a file whose variable count differs from the layer's: check here.
            const json object = {{"class_name", l.className}, {"config", l.layer->config()}};
            const std::optional<std::vector<std::string>> expected = kerasVariableNames(object);
            if (expected && expected->size() != arrays.size())
                throw Error("cannot save as .keras: layer '" + l.name + "' (" + l.className + ") needs "
                            + std::to_string(expected->size()) + " variable(s) in Keras, LayerScope has "
                            + std::to_string(arrays.size()) + " for it");
            for (size_t i = 0; i < arrays.size(); ++i)
                h5.dataset(path + "/vars/" + std::to_string(i), arrays[i].shape, arrays[i].values);
        }
        h5.group("vars");
        h5.close();
        weights = readAll(scratch);
        std::filesystem::remove(scratch);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(scratch, ec);
        throw;
    }

    const std::string configText = config.dump();
    const std::string metadataText = metadata.dump();
    writeAtomically(output, [&](const std::filesystem::path& temporary) {
        int error = 0;
        zip_t* archive = zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
        if (!archive)
            throw Error("cannot create " + output.string() + " (libzip error " + std::to_string(error) + ")");
        auto add = [&](const char* name, const std::string& content) {
            zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
            const zip_int64_t index = source ? zip_file_add(archive, name, source, ZIP_FL_ENC_UTF_8) : -1;
            if (index < 0) {
                if (source)
                    zip_source_free(source);
                const std::string message = zip_strerror(archive);
                zip_discard(archive);
                throw Error("cannot add " + std::string(name) + " to " + output.string() + ": " + message);
            }
            zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
        };
        add("metadata.json", metadataText);
        add("config.json", configText);
        add("model.weights.h5", weights);
        if (zip_close(archive) != 0) {
            const std::string message = zip_strerror(archive);
            zip_discard(archive);
            throw Error("cannot write " + output.string() + ": " + message);
        }
    });
}

} // namespace layerscope
