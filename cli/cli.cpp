#include "cli.h"

#include "batch_run.h"
#include "cli_options.h"

#include "core/codegen/graph_code.h"
#include "core/codegen/keras_code.h"
#include "core/graph/graph_json.h"
#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"
#include "core/graph/model_file.h"
#include "core/graph/keras_save.h"
#include "core/default_pipeline.h"
#include "core/io/atomic_file.h"
#include "core/io/image_io.h"
#include "core/io/npy.h"
#include "core/layer_registry.h"
#include "core/pipeline.h"
#include "core/pipeline_run.h"
#include "core/render/render.h"
#include "layerscope_version.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <unistd.h>

namespace layerscope {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using cli::loadInputs;
using cli::loadModel;
using cli::modelPath;
using cli::Options;
using cli::parseBytes;
using cli::parseCount;
using cli::parseOptions;
using cli::UsageError;

const char* kMainHelp = R"(LayerScope: see what every Keras image layer does.

Usage:
  layerscope                                open the app on the bundled sample (headless: demo)
  layerscope IMAGE_OR_NPY [PIPELINE.json]   open the app on these files
  layerscope inspect MODEL.json [--input-shape 1,32,32,3 ...] [--json]
  layerscope run     --model M.json --input IN [--input IN2 ...] [--output OUT.npy] [--outputs-dir DIR]
  layerscope run     --model M.json --input DIR_OR_'GLOB' --outputs-dir DIR [--skip-existing]
  layerscope shapes  --model M.json (--input IN | --input-shape 1,32,32,3) [--json]
  layerscope bench   --model M.json --input-shape 1,1024,1024,3 [--repeat N] [--threads T] [--json]
  layerscope demo    [--image IMG] [--output-dir DIR]
  layerscope export-keras --model M.json [--input IN | --input-shape 1,32,32,3] [--json] [--output SCRIPT.py]
  layerscope save-keras --model IN --output OUT.keras
  layerscope animate --model M --input IN --layer NAME [--channel C] [--region Y0,X0,Y1,X1] [--fps F]
                     [--size WxH] --output OUT.gif|.mp4        (with the app; see animate --help)
  layerscope figure  --model M --input IN --layer NAME --kind numbers|padding|contact|graph
                     --output OUT.svg|.pdf|.png                (with the app; see figure --help)
A model is a .keras file (Keras 3, or tf.keras 2.13+), a legacy .h5/.hdf5 model (tf.keras 2, Keras 2,
Keras 3's legacy writer), Keras JSON (model.to_json(), a .keras file's config.json: Sequential or
Functional, Keras 3 or tf.keras 2; --weights FILE.weights.h5 or a save_weights .h5 adds its weights)
or a LayerScope pipeline file; --pipeline is another name for --model. Layers LayerScope cannot run
(Lambda, custom classes, ...) are listed, never run; running into one is an error naming it. A model with
several inputs takes --input / --input-shape once per input, in the model's input order.
Common options: --threads T, --max-memory SIZE (e.g. 4G, 512M; default half of RAM), --help.
run and bench: --max-multiply-adds N (e.g. 1e10; refuse a layer needing more; default no limit).
Exit status: 0 success, 1 invalid pipeline/input/layer error, 2 usage error.
layerscope --version prints the version and the Keras / TensorFlow versions it is checked against.
)";

const std::map<std::string, const char*> kHelp = {
    {"inspect", R"(Usage: layerscope inspect MODEL.json [--input-shape 1,32,32,3 ...] [--json]
Lists every layer of the model: name, class, the layers it is called on, its output shape (from
--input-shape, else the shapes the model declares), its parameter count and whether LayerScope can
run it (with the reason when not). Layers LayerScope cannot run are listed, not refused: exit 0.
--json prints {"name", "inputs", "outputs", "layers": [{"name", "class_name", "inbound",
"output_shape", "params", "supported", "reason", "config" (unsupported layers: as in the file),
"calls"}], "nodes"}.
)"},
    {"save-keras", R"(Usage: layerscope save-keras --model IN [--weights W.weights.h5] --output OUT.keras
Writes the model (any model file LayerScope opens) as a Keras 3 .keras file that
keras.models.load_model reads: config.json, metadata.json and model.weights.h5 with every layer's
weights (LayerScope's seeded defaults where the model stored none). A model with a layer LayerScope
does not support is refused (its weights or code would be lost). Options: --max-memory SIZE.
)"},
    {"run", R"(Usage: layerscope run --model M.json --input IN [--input IN2 ...] [--output OUT.npy] [--outputs-dir DIR]
Runs the model on IN (.npy or an image: PNG, JPEG, BMP, TIFF, WebP; one --input per model input)
and writes the first model output as float32 .npy. --outputs-dir writes every node's output as
NN_name.npy plus a labelled contact-sheet PNG NN_name.png (NN = the node's topological index, the
inputs included). Files are written only when no layer failed; nodes that cannot run (unsupported
layers and what depends on them) are left out with a note.
Many inputs: --input DIR (its images and .npy files, sorted) or --input 'PATTERN' (quoted, e.g.
'photos/*.jpg', expanded by LayerScope) with --outputs-dir OUT writes OUT/<file stem>/ for each
(a progress line on a terminal), goes on past a file that fails, lists the failures at the end and
exits 1 if any failed. Each folder is written as OUT/<stem>.partial and renamed when complete;
--skip-existing skips inputs whose OUT/<stem>/ exists, so an interrupted run resumes.
Options: --threads T, --max-memory SIZE, --max-multiply-adds N (a Conv2D needing more multiply-adds
than N, e.g. 1e10, stops with an error instead of running for hours; default no limit).
)"},
    {"shapes", R"(Usage: layerscope shapes --model M.json (--input IN | --input-shape 1,32,32,3) [--json]
Prints, per node, its name, class, inputs, output shape and the arithmetic that produced every
axis. An invalid node shows its Keras message and the nodes after it have no shape (exit status 1).
)"},
    {"bench", R"(Usage: layerscope bench --model M.json --input-shape 1,1024,1024,3 [--repeat N] [--threads T] [--json]
Times each layer alone (its input already computed) over N runs after one warm-up run and prints
the median and minimum milliseconds per layer and the total of the medians. The input is seeded
uniform noise in 0..255. --json prints {"threads", "layers": [{"name", "class_name",
"output_shape", "median_ms", "min_ms"}], "total_median_ms"}.
Options: --threads T, --max-memory SIZE, --max-multiply-adds N.
)"},
    {"export-keras", R"(Usage: layerscope export-keras --model M.json [--input IN | --input-shape 1,32,32,3] [--json] [--output SCRIPT.py]
Writes a runnable Keras 3 Python script that builds the same model and sets every Conv2D's weights to
LayerScope's values. A linear model becomes a Sequential script (Tile as a small layer around
keras.ops.tile) that loads IN the same way (keras.utils.load_img + img_to_array, or np.load), runs
it, prints every layer's output shape with its min / mean / max and saves the final output
as keras_output.npy; a graph becomes a functional-API script that loads one
.npy per input (or seeded noise) and saves every node's output as keras_outputs/NN_name.npy.
--json writes the model instead as Keras 3 Functional JSON (keras.models.model_from_json reads it;
Conv2D weights inline beside "config", which Keras ignores).
The input (or --input-shape, default 1,32,32,3) fixes the input channels and so the default
Conv2D weights. Without --output the script goes to stdout.
)"},
    {"demo", R"(Usage: layerscope demo [--image IMG] [--output-dir DIR]
Renders the default pipeline on IMG (default: the bundled sample) into DIR (default
./layerscope-demo): the input, one labelled contact sheet per layer, and shapes.txt.
)"},
};

Shape parseShape(const std::string& text)
{
    Shape shape;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, ',')) {
        try {
            size_t used = 0;
            const long long v = std::stoll(part, &used);
            if (used != part.size() || v <= 0)
                throw std::invalid_argument(part);
            shape.push_back(v);
        } catch (const std::exception&) {
            throw UsageError("--input-shape must be positive integers separated by commas, e.g. 1,32,32,3; got '" + text + "'");
        }
    }
    if (shape.empty() || shape.size() > 4)
        throw UsageError("--input-shape needs 1 to 4 dimensions, e.g. 1,32,32,3; got '" + text + "'");
    return shape;
}

// "1e10", "250000000": a positive whole number of multiply-adds.
int64_t parseMultiplyAdds(const std::string& text)
{
    try {
        size_t used = 0;
        const double number = std::stod(text, &used);
        if (used == text.size() && number >= 1 && number <= 9e18 && number == std::floor(number))
            return static_cast<int64_t>(number);
    } catch (const std::exception&) {
    }
    throw UsageError("--max-multiply-adds must be a positive whole number such as 1e10; got '" + text + "'");
}

ExecContext contextFrom(const Options& options)
{
    ExecContext context;
    context.threads = parseCount(options, "threads", 0, 1);
    if (options.values.count("max-memory"))
        context.memoryBudgetBytes = parseBytes(options.values.at("max-memory"));
    if (options.values.count("max-multiply-adds"))
        context.maxMultiplyAdds = parseMultiplyAdds(options.values.at("max-multiply-adds"));
    return context;
}

std::string fixed(double value, int digits)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
    return buffer;
}

json axisJson(const AxisExplanation& a)
{
    return {{"axis", a.axis}, {"rule", a.rule}, {"arithmetic", a.arithmetic}, {"input", a.input},
            {"output", a.output}, {"pad_before", a.padBefore}, {"pad_after", a.padAfter}};
}

// Human-readable shape table, shared by `shapes` and the demo's shapes.txt.
std::string shapeTable(const Pipeline& pipeline, const ChainShapes& chain)
{
    std::ostringstream out;
    out << "input  " << shapeToString(chain.input) << "\n";
    for (size_t i = 0; i < pipeline.layers.size(); ++i) {
        const Layer& layer = *pipeline.layers[i];
        out << (i + 1 < 10 ? " " : "") << i + 1 << ". " << layer.name() << " (" << layer.className() << ", "
            << layer.summary() << ")";
        if (i < chain.layers.size()) {
            out << "  →  " << shapeToString(chain.layers[i].output) << "\n";
            for (const AxisExplanation& a : chain.layers[i].axes)
                if (a.rule != "copied")
                    out << "      " << a.axis << ": " << a.arithmetic << "   [" << a.rule << "]\n";
        } else if (chain.failedLayer && *chain.failedLayer == i) {
            out << "  →  ERROR\n      " << chain.error << "\n";
        } else {
            out << "  →  (not computed: an earlier layer failed)\n";
        }
    }
    return out.str();
}

// The unsupported layer a node waits for (itself or the first one upstream), if any.
std::optional<size_t> unsupportedBlocker(const GraphShapes& shapes, size_t node)
{
    const NodeShape& s = shapes.nodes.at(node);
    if (s.status == NodeStatus::Unsupported)
        return node;
    if (s.status == NodeStatus::Blocked && s.blockedBy && shapes.nodes.at(*s.blockedBy).status == NodeStatus::Unsupported)
        return s.blockedBy;
    return std::nullopt;
}

std::vector<Shape> inputShapesFrom(const Options& options)
{
    std::vector<Shape> shapes;
    if (options.repeated.count("input-shape"))
        for (const std::string& text : options.repeated.at("input-shape"))
            shapes.push_back(parseShape(text));
    return shapes;
}

// "conv2d", "conv2d#1" → a file-name-safe stem part.
std::string nodeFileName(const ModelGraph& graph, size_t node)
{
    std::string name = graph.nodeName(node);
    std::replace(name.begin(), name.end(), '#', '_');
    return name;
}

std::vector<std::string> inboundNames(const ModelGraph& graph, size_t node)
{
    std::vector<std::string> names;
    for (size_t in : graph.nodes[node].inputs)
        names.push_back(graph.nodeName(in));
    return names;
}

const char* statusName(NodeStatus status)
{
    switch (status) {
    case NodeStatus::Ok: return "ok";
    case NodeStatus::Failed: return "failed";
    case NodeStatus::Unsupported: return "unsupported";
    case NodeStatus::Blocked: return "not computed";
    }
    return "";
}

// Human-readable shape table of a graph: a linear model reads as the pipeline table did.
std::string graphShapeTable(const ModelGraph& graph, const GraphShapes& shapes)
{
    std::ostringstream out;
    size_t number = 0;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        const GraphLayer& l = graph.layerOf(i);
        const NodeShape& s = shapes.nodes[i];
        if (l.isInput()) {
            out << "input  " << (graph.inputs.size() > 1 ? graph.nodeName(i) + "  " : std::string())
                << (s.shape ? shapeToString(s.shape->output) : "(" + s.error + ")") << "\n";
            continue;
        }
        ++number;
        out << (number < 10 ? " " : "") << number << ". " << graph.nodeName(i) << " (" << l.className;
        if (l.layer)
            out << ", " << l.layer->summary();
        out << ")";
        const std::vector<size_t>& inputs = graph.nodes[i].inputs;
        if (!(inputs.size() == 1 && inputs[0] + 1 == i)) {
            std::string names;
            for (const std::string& n : inboundNames(graph, i))
                names += (names.empty() ? "" : ", ") + n;
            out << " ← " << names;
        }
        if (s.shape) {
            out << "  →  " << shapeToString(s.shape->output) << "\n";
            for (const AxisExplanation& a : s.shape->axes)
                if (a.rule != "copied")
                    out << "      " << a.axis << ": " << a.arithmetic << "   [" << a.rule << "]\n";
        } else if (s.status == NodeStatus::Failed) {
            out << "  →  ERROR\n      " << s.error << "\n";
        } else if (s.status == NodeStatus::Unsupported) {
            out << "  →  UNSUPPORTED\n      " << s.error << "\n";
        } else {
            out << "  →  (" << s.error << ")\n";
        }
    }
    return out.str();
}

std::optional<size_t> firstFailed(const GraphShapes& shapes)
{
    for (size_t i = 0; i < shapes.nodes.size(); ++i)
        if (shapes.nodes[i].status == NodeStatus::Failed)
            return i;
    return std::nullopt;
}

int commandShapes(const Options& options)
{
    // Usage problems first (exit 2), then files (exit 1).
    const std::string path = modelPath(options);
    std::vector<Shape> inputs = inputShapesFrom(options);
    if (inputs.empty() && !options.values.count("input"))
        throw UsageError("give --input IN or --input-shape 1,32,32,3");
    const ModelGraph graph = loadModel(options, path);
    if (inputs.empty())
        for (const TensorPtr& t : loadInputs(options, graph))
            inputs.push_back(t->shape());
    const GraphShapes shapes = inferGraphShapes(graph, inputs);
    const std::optional<size_t> failed = firstFailed(shapes);
    if (options.has("json")) {
        json layers = json::array();
        json error;
        for (size_t i = 0; i < graph.nodes.size(); ++i) {
            const GraphLayer& l = graph.layerOf(i);
            if (l.isInput())
                continue;
            const NodeShape& s = shapes.nodes[i];
            json axes = json::array();
            if (s.shape)
                for (const auto& a : s.shape->axes)
                    axes.push_back(axisJson(a));
            json entry = {{"name", graph.nodeName(i)},
                          {"class_name", l.className},
                          {"summary", l.layer ? l.layer->summary() : std::string()},
                          {"inbound", inboundNames(graph, i)},
                          {"status", statusName(s.status)},
                          {"output_shape", s.shape ? json(s.shape->output) : json()},
                          {"axes", axes}};
            if (!s.error.empty())
                entry["error"] = s.error;
            if (failed && *failed == i)
                error = {{"layer_index", layers.size()}, {"name", graph.nodeName(i)}, {"message", s.error}};
            layers.push_back(std::move(entry));
        }
        json result = {{"input_shape", inputs.empty() ? json() : json(inputs.front())},
                       {"input_shapes", inputs},
                       {"layers", layers}};
        if (!error.is_null())
            result["error"] = error;
        std::cout << result.dump(1) << "\n";
    } else {
        std::cout << graphShapeTable(graph, shapes);
    }
    if (failed) {
        std::cerr << "error: " << shapes.nodes[*failed].error << "\n";
        return 1;
    }
    return 0;
}

// The parameter count of a layer for an input of `input`: its weight arrays (stored or the
// defaults); nullopt when unknown (input shape unknown, unsupported without inline weights).
std::optional<int64_t> parameterCount(const GraphLayer& l, const std::vector<Shape>& inputs)
{
    if (l.isInput())
        return 0;
    if (!l.layer) {
        if (!l.unsupported)
            return std::nullopt;
        const json weights = l.unsupported->object.value("weights", json());
        if (!weights.is_object())
            return std::nullopt;
        int64_t count = 0;
        for (auto it = weights.begin(); it != weights.end(); ++it)
            if (it.value().is_object() && it.value().contains("shape"))
                count += elementCount(it.value().at("shape").get<Shape>());
        return count;
    }
    if (inputs.size() != 1)
        return inputs.empty() ? std::nullopt : std::optional<int64_t>(0); // merges have no weights
    if (l.layer->generatedWeightCount(inputs.front()) > kMaxInlineKerasWeights)
        return std::nullopt;
    int64_t count = 0;
    for (const NamedArray& a : l.layer->kerasWeights(inputs.front()))
        count += static_cast<int64_t>(a.values.size());
    return count;
}

int commandInspect(const Options& options)
{
    std::string path;
    if (options.values.count(""))
        path = options.get("");
    else if (options.values.count("model") || options.values.count("pipeline"))
        path = modelPath(options);
    else
        throw UsageError("give the model file: layerscope inspect MODEL.json");
    const std::vector<Shape> given = inputShapesFrom(options);
    const ModelGraph graph = loadModel(options, path);
    const GraphShapes shapes = inferGraphShapes(graph, given);
    json layers = json::array();
    for (size_t li = 0; li < graph.layers.size(); ++li) {
        const GraphLayer& l = graph.layers[li];
        json calls = json::array();
        for (size_t n : graph.nodesOfLayer(li)) {
            const NodeShape& s = shapes.nodes[n];
            json call = {{"node", n},
                         {"inbound", inboundNames(graph, n)},
                         {"output_shape", s.shape ? json(s.shape->output) : json()},
                         {"status", statusName(s.status)}};
            // Call arguments stored in the file (SEMANTICS_MORE §11.1): LayerScope always
            // computes inference, so a call saved with training=True is flagged.
            if (!graph.nodes[n].kwargs.empty())
                call["kwargs"] = graph.nodes[n].kwargs;
            if (graph.nodes[n].kwargs.value("training", json()) == json(true))
                call["note"] = "saved with training=True: Keras >= 3.16 runs this call in training mode; "
                               "LayerScope computes inference";
            calls.push_back(std::move(call));
        }
        const std::vector<size_t> nodes = graph.nodesOfLayer(li);
        const std::optional<int64_t> params
            = parameterCount(l, nodes.empty() ? std::vector<Shape>{} : shapes.inputShapes(graph, nodes.front()));
        json entry = {{"name", l.name},
                      {"class_name", l.className},
                      {"inbound", calls.empty() ? json::array() : calls[0]["inbound"]},
                      {"output_shape", calls.empty() ? json() : calls[0]["output_shape"]},
                      {"params", params ? json(*params) : json()},
                      {"supported", l.supported()},
                      {"calls", calls}};
        if (!l.supported()) {
            entry["reason"] = l.unsupported ? l.unsupported->reason : std::string("no engine layer");
            // The layer's config as the file has it (shown, never decoded or run).
            if (l.unsupported && l.unsupported->object.is_object() && l.unsupported->object.contains("config"))
                entry["config"] = l.unsupported->object.at("config");
        }
        layers.push_back(std::move(entry));
    }
    auto names = [&](const std::vector<size_t>& nodes) {
        std::vector<std::string> result;
        for (size_t n : nodes)
            result.push_back(graph.nodeName(n));
        return result;
    };
    if (options.has("json")) {
        json nodes = json::array();
        for (size_t i = 0; i < graph.nodes.size(); ++i) {
            json entry = {{"index", i}, {"name", graph.nodeName(i)}, {"layer", graph.layerOf(i).name},
                          {"inbound", inboundNames(graph, i)}, {"status", statusName(shapes.nodes[i].status)},
                          {"output_shape", shapes.nodes[i].shape ? json(shapes.nodes[i].shape->output) : json()}};
            if (!shapes.nodes[i].error.empty())
                entry["error"] = shapes.nodes[i].error;
            nodes.push_back(std::move(entry));
        }
        std::cout << json{{"name", graph.name}, {"inputs", names(graph.inputs)}, {"outputs", names(graph.outputs)},
                          {"layers", layers}, {"nodes", nodes}}
                         .dump(1)
                  << "\n";
        return 0;
    }
    size_t unsupported = 0;
    for (const GraphLayer& l : graph.layers)
        unsupported += l.supported() ? 0 : 1;
    auto joined = [](const std::vector<std::string>& list) {
        std::string text;
        for (const std::string& s : list)
            text += (text.empty() ? "" : ", ") + s;
        return text.empty() ? std::string("—") : text;
    };
    std::cout << "model " << graph.name << ": " << graph.layers.size() << " layers, " << graph.nodes.size()
              << " nodes; inputs " << joined(names(graph.inputs)) << "; outputs " << joined(names(graph.outputs))
              << "; " << unsupported << " unsupported\n";
    for (size_t li = 0; li < graph.layers.size(); ++li) {
        const json& e = layers[li];
        std::cout << "  " << e["name"].get<std::string>() << " (" << e["class_name"].get<std::string>() << ")";
        std::vector<std::string> inbound = e["inbound"].get<std::vector<std::string>>();
        if (!inbound.empty())
            std::cout << " ← " << joined(inbound);
        std::cout << "  →  " << (e["output_shape"].is_null() ? std::string("?") : shapeToString(e["output_shape"].get<Shape>()))
                  << ", " << (e["params"].is_null() ? std::string("? params") : std::to_string(e["params"].get<int64_t>()) + " params");
        if (e["calls"].size() > 1)
            std::cout << ", called " << e["calls"].size() << " times";
        for (const json& call : e["calls"])
            if (call.contains("note"))
                std::cout << "\n      note: " << call["note"].get<std::string>();
        if (!e["supported"].get<bool>())
            std::cout << "\n      UNSUPPORTED: " << e["reason"].get<std::string>();
        std::cout << "\n";
    }
    return 0;
}

std::string layerFileStem(size_t index, const std::string& name)
{
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02zu_", index);
    std::string safe;
    for (char c : name)
        safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
    return prefix + safe;
}

std::vector<std::pair<std::string, std::string>> renderText(const RenderOptions& options, const std::string& what)
{
    return {{"Software", "LayerScope"},
            {"layerscope:tensor", what},
            {"layerscope:colormap", colormapName(options.colormap)},
            {"layerscope:normalization", normalizationName(options.normalization)}};
}

// Where runModel writes: --outputs-dir and --output of `run`; quiet drops the per-node lines on
// stdout and the notes (a batch prints one progress line per file instead).
struct RunTargets {
    std::optional<fs::path> outputsDir;
    std::optional<fs::path> output;
    bool quiet = false;
};

// One run of the model on its inputs, as `run` does for one input (and a batch for each file).
void runModel(const ModelGraph& graph, const std::vector<TensorPtr>& inputs, const ExecContext& context,
              const RunTargets& targets)
{
    // Every shape first: a layer error stops before anything is computed.
    std::vector<Shape> inputShapes;
    for (const TensorPtr& t : inputs)
        inputShapes.push_back(t->shape());
    const GraphShapes shapes = inferGraphShapes(graph, inputShapes);
    if (const std::optional<size_t> failed = firstFailed(shapes))
        throw Error(shapes.nodes[*failed].error);
    GraphRunRequest request;
    request.graph = &graph;
    request.inputs = inputs;
    const GraphRunResult result = runGraph(request, context);
    if (result.cancelled)
        throw CancelledError();
    if (result.firstException)
        std::rethrow_exception(result.firstException);
    // A model output behind an unsupported layer (Lambda, a custom class): what could run has run
    // (written below with --outputs-dir), then the run fails naming that layer.
    std::optional<size_t> blocker;
    for (size_t out : graph.outputs)
        if (!blocker)
            blocker = unsupportedBlocker(shapes, out);
    TensorPtr final;
    if (targets.output) {
        const size_t out = graph.outputs.at(0);
        final = result.outputs[out];
        if (!final && !blocker)
            throw Error("the model output " + graph.nodeName(out) + " was not computed: " + result.errors[out]);
    }
    for (size_t i = 0; i < graph.nodes.size() && !targets.quiet; ++i)
        if (!result.outputs[i] && (graph.layerOf(i).supported() || result.errors[i].rfind("not computed", 0) != 0))
            std::cerr << "note: " << graph.nodeName(i) << ": " << result.errors[i] << "\n";
    // Everything computed: only now touch the file system.
    if (targets.outputsDir) {
        const fs::path dir = *targets.outputsDir;
        fs::create_directories(dir);
        RenderOptions render;
        size_t written = 0;
        for (size_t i = 0; i < graph.nodes.size(); ++i) {
            if (!result.outputs[i])
                continue;
            const Tensor& output = *result.outputs[i];
            const GraphLayer& l = graph.layerOf(i);
            const std::string stem = layerFileStem(i, nodeFileName(graph, i));
            writeNpy(dir / (stem + ".npy"), output);
            RenderOptions options = render;
            if (l.layer && l.layer->makesSignedValues())
                options.colormap = Colormap::Diverging;
            writePng(dir / (stem + ".png"),
                     renderContactSheet(output, options, stem + " (" + l.className + ") — " + shapeToString(output.shape())),
                     renderText(options, graph.nodeName(i)));
            ++written;
        }
        if (!targets.quiet)
            std::cout << "wrote " << written << " tensors and contact sheets to " << dir.string() << "\n";
    }
    if (final) {
        writeNpy(*targets.output, *final);
        std::cout << "wrote " << targets.output->string() << " (" << shapeToString(final->shape()) << ", float32)\n";
    }
    for (size_t i = 0; i < graph.nodes.size() && !targets.quiet; ++i)
        if (!graph.layerOf(i).isInput())
            std::cout << graph.nodeName(i) << "  "
                      << (result.outputs[i] ? shapeToString(result.outputs[i]->shape()) : "(not computed)") << "\n";
    if (blocker)
        throw Error(unsupportedLayerMessage(graph.layerOf(*blocker)));
}

// run --input DIR_OR_GLOB: every file through runModel into OUT/<stem>/ (batch_run.h).
int commandRunBatch(const Options& options, const ModelGraph& graph, const ExecContext& context)
{
    if (!options.values.count("outputs-dir"))
        throw UsageError("--input " + options.get("input") + " names several files: give --outputs-dir DIR");
    if (options.values.count("output"))
        throw UsageError("--output takes one input; with a folder or pattern use --outputs-dir");
    if (graph.inputs.size() != 1)
        throw UsageError("a folder or pattern as --input needs a model with one input (this one has "
                         + std::to_string(graph.inputs.size()) + ")");
    const std::vector<fs::path> files = expandBatchInput(options.get("input"));
    BatchOptions batch;
    batch.outputsDir = options.get("outputs-dir");
    batch.skipExisting = options.has("skip-existing");
    batch.terminal = isatty(STDERR_FILENO);
    return runBatch(files, batch, [&](const fs::path& input, const fs::path& dir) {
        RunTargets targets;
        targets.outputsDir = dir;
        targets.quiet = true;
        runModel(graph, {std::make_shared<const Tensor>(loadInputFile(input))}, context, targets);
    }, std::cout, std::cerr);
}

int commandRun(const Options& options)
{
    const std::string path = modelPath(options);
    options.get("input");
    const ExecContext context = contextFrom(options);
    const ModelGraph graph = loadModel(options, path);
    if (options.repeated.at("input").size() == 1 && isBatchInput(options.get("input")))
        return commandRunBatch(options, graph, context);
    if (options.has("skip-existing"))
        throw UsageError("--skip-existing needs a folder or a pattern as --input");
    const std::vector<TensorPtr> inputs = loadInputs(options, graph);
    if (!options.values.count("output") && !options.values.count("outputs-dir"))
        std::cerr << "note: no --output or --outputs-dir given; printing shapes only\n";
    RunTargets targets;
    if (options.values.count("outputs-dir"))
        targets.outputsDir = options.get("outputs-dir");
    if (options.values.count("output"))
        targets.output = options.get("output");
    runModel(graph, inputs, context, targets);
    return 0;
}

Tensor benchInput(const Shape& shape)
{
    Tensor t = Tensor::uninitialized(shape);
    std::mt19937 generator(20261121u);
    for (int64_t i = 0; i < t.size(); ++i)
        t[i] = static_cast<float>(generator() >> 8) * (255.0f / 16777216.0f);
    return t;
}

int commandBench(const Options& options)
{
    const std::string path = modelPath(options);
    const std::vector<Shape> shapes = inputShapesFrom(options);
    if (shapes.empty())
        options.get("input-shape");
    const int repeat = parseCount(options, "repeat", 10, 1);
    ExecContext context = contextFrom(options);
    const ModelGraph graph = loadModel(options, path);
    if (shapes.size() != graph.inputs.size())
        throw Error("the model has " + std::to_string(graph.inputs.size()) + " input(s); give --input-shape once for each");
    std::vector<TensorPtr> inputs;
    for (const Shape& s : shapes)
        inputs.push_back(std::make_shared<const Tensor>(benchInput(s)));
    const GraphShapes inferred = inferGraphShapes(graph, shapes);
    if (const std::optional<size_t> failed = firstFailed(inferred))
        throw Error(inferred.nodes[*failed].error);
    // Warm-up: also produces each node's inputs.
    GraphRunRequest request;
    request.graph = &graph;
    request.inputs = inputs;
    const GraphRunResult warm = runGraph(request, context);
    if (warm.cancelled)
        throw CancelledError();
    if (warm.firstException)
        std::rethrow_exception(warm.firstException);
    json layers = json::array();
    double total = 0;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        const GraphLayer& l = graph.layerOf(i);
        if (l.isInput() || !warm.outputs[i])
            continue;
        std::vector<const Tensor*> in;
        for (size_t k : graph.nodes[i].inputs)
            in.push_back(warm.outputs[k].get());
        std::vector<double> times;
        for (int r = 0; r < repeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            const Tensor out = l.layer->forwardInputs(in, context);
            times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());
        const double median = times.size() % 2 ? times[times.size() / 2]
                                                : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
        total += median;
        layers.push_back({{"name", graph.nodeName(i)},
                          {"class_name", l.className},
                          {"output_shape", warm.outputs[i]->shape()},
                          {"median_ms", median},
                          {"min_ms", times.front()}});
    }
    if (options.has("json")) {
        std::cout << json{{"threads", context.effectiveThreads()}, {"layers", layers}, {"total_median_ms", total}}.dump(1) << "\n";
    } else {
        std::cout << "input " << shapeToString(shapes.front()) << ", " << context.effectiveThreads() << " threads, "
                  << repeat << " runs after a warm-up\n";
        for (const auto& l : layers)
            std::cout << "  " << l["name"].get<std::string>() << " (" << l["class_name"].get<std::string>() << ") → "
                      << shapeToString(l["output_shape"].get<Shape>()) << ": median "
                      << fixed(l["median_ms"].get<double>(), 3) << " ms, min " << fixed(l["min_ms"].get<double>(), 3) << " ms\n";
        std::cout << "total (sum of medians): " << fixed(total, 3) << " ms\n";
    }
    return 0;
}

int commandExportKeras(const Options& options)
{
    const std::string path = modelPath(options);
    const std::vector<Shape> shapes = inputShapesFrom(options);
    const ModelGraph graph = loadModel(options, path);
    std::string script;
    if (options.has("json")) {
        script = graphToKerasJsonText(graph);
    } else if (const std::optional<Pipeline> pipeline = pipelineFromGraph(graph)) {
        KerasCodeOptions code;
        if (!shapes.empty())
            code.inputShape = shapes.front();
        if (options.values.count("input")) {
            code.inputPath = options.get("input");
            code.inputShape = loadInputFile(code.inputPath).shape();
        }
        script = generateKerasCode(*pipeline, code);
    } else {
        GraphKerasCodeOptions code;
        code.inputShapes = shapes;
        if (options.repeated.count("input")) {
            code.inputPaths = options.repeated.at("input");
            code.inputShapes.clear();
            for (const TensorPtr& t : loadInputs(options, graph))
                code.inputShapes.push_back(t->shape());
        }
        script = generateGraphKerasCode(graph, code);
    }
    if (options.values.count("output")) {
        writeTextAtomically(options.get("output"), script);
        std::cout << "wrote " << options.get("output") << "\n";
    } else {
        std::cout << script;
    }
    return 0;
}

int commandSaveKeras(const Options& options)
{
    const std::string path = modelPath(options);
    const std::string output = options.get("output");
    const ModelGraph graph = loadModel(options, path);
    saveKerasFile(graph, output);
    std::cout << "wrote " << output << "\n";
    return 0;
}

int commandDemo(const Options& options)
{
    const fs::path image = options.values.count("image") ? fs::path(options.get("image")) : bundledSampleImage();
    const fs::path dir = options.values.count("output-dir") ? fs::path(options.get("output-dir")) : fs::path("layerscope-demo");
    return runHeadlessDemo(image, dir);
}

int dispatch(int argc, char** argv)
{
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kMainHelp;
        return 0;
    }
    if (command == "--version") {
        std::cout << versionText();
        return 0;
    }
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            std::cout << kHelp.at(command);
            return 0;
        }
    if (command == "inspect")
        return commandInspect(parseOptions(argc, argv, {"", "model", "pipeline", "weights", "input-shape", "max-memory"}, {"json"}));
    if (command == "run")
        return commandRun(parseOptions(argc, argv, {"model", "pipeline", "weights", "input", "output", "outputs-dir", "threads", "max-memory", "max-multiply-adds"}, {"skip-existing"}));
    if (command == "shapes")
        return commandShapes(parseOptions(argc, argv, {"model", "pipeline", "weights", "input", "input-shape", "max-memory", "threads"}, {"json"}));
    if (command == "bench")
        return commandBench(parseOptions(argc, argv, {"model", "pipeline", "weights", "input-shape", "repeat", "threads", "max-memory", "max-multiply-adds"}, {"json"}));
    if (command == "export-keras")
        return commandExportKeras(parseOptions(argc, argv, {"model", "pipeline", "weights", "input", "input-shape", "output", "max-memory"}, {"json"}));
    if (command == "save-keras")
        return commandSaveKeras(parseOptions(argc, argv, {"model", "pipeline", "weights", "output", "max-memory"}, {}));
    if (command == "demo")
        return commandDemo(parseOptions(argc, argv, {"image", "output-dir"}, {}));
    throw UsageError("unknown command '" + command + "'");
}

} // namespace

bool isCliInvocation(int argc, char** argv)
{
    if (argc < 2)
        return false;
    const std::string first = argv[1];
    return kHelp.count(first) || first == "--help" || first == "-h" || first == "help" || first == "--version";
}

int runCli(int argc, char** argv)
{
    return cli::runGuarded(argc > 1 ? argv[1] : "", [&] { return dispatch(argc, argv); });
}

const char* versionNumber()
{
    return LAYERSCOPE_VERSION;
}

std::string versionText()
{
    return std::string("LayerScope ") + LAYERSCOPE_VERSION + "\nchecked against Keras " + LAYERSCOPE_KERAS_VERSION
           + " / TensorFlow " + LAYERSCOPE_TENSORFLOW_VERSION + "\n";
}

fs::path bundledSampleImage()
{
    std::vector<fs::path> candidates;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.parent_path(); dir = dir.parent_path()) {
            candidates.push_back(dir / "images" / "chelsea.png");
            candidates.push_back(dir / "share" / "layerscope" / "images" / "chelsea.png");
        }
    }
#ifdef LAYERSCOPE_SOURCE_IMAGES_DIR
    candidates.push_back(fs::path(LAYERSCOPE_SOURCE_IMAGES_DIR) / "chelsea.png");
#endif
    candidates.push_back("images/chelsea.png");
    for (const auto& c : candidates)
        if (fs::exists(c, ec))
            return c;
    return "images/chelsea.png";
}

int runHeadlessDemo(const fs::path& imagePath, const fs::path& outputDir)
{
    try {
        const Tensor input = loadInputFile(imagePath);
        const Pipeline pipeline = defaultPipeline(input.dim(3));
        const ChainShapes chain = inferChain(pipeline, input.shape());
        ExecContext context;
        const auto outputs = runWholePipeline(pipeline, std::make_shared<const Tensor>(input), context);
        fs::create_directories(outputDir);
        std::vector<fs::path> written;
        RenderOptions photo;
        photo.normalization = Normalization::FixedRange;
        if (input.dim(3) >= 3) {
            written.push_back(outputDir / "00_input_rgb.png");
            writePng(written.back(), renderComposite(input, photo), renderText(photo, "input"));
        }
        RenderOptions maps;
        maps.colormap = Colormap::Gray;
        written.push_back(outputDir / "00_input.png");
        writePng(written.back(), renderContactSheet(input, maps, "00 input " + imagePath.filename().string() + " — " + shapeToString(input.shape())),
                 renderText(maps, "input"));
        for (size_t i = 0; i < outputs.size(); ++i) {
            const Layer& layer = *pipeline.layers[i];
            const bool signedValues = layer.makesSignedValues();
            RenderOptions options;
            options.colormap = signedValues ? Colormap::Diverging : Colormap::Viridis;
            const std::string stem = layerFileStem(i + 1, layer.name());
            written.push_back(outputDir / (stem + ".png"));
            writePng(written.back(),
                     renderContactSheet(*outputs[i], options,
                                        stem + "  " + layer.className() + " (" + layer.summary() + ") — "
                                            + shapeToString(outputs[i]->shape())),
                     renderText(options, layer.name()));
        }
        const fs::path shapes = outputDir / "shapes.txt";
        writeTextAtomically(shapes, shapeTable(pipeline, chain));
        savePipelineFile(pipeline, outputDir / "pipeline.json");
        std::cout << "LayerScope headless demo: no display available, rendered the default pipeline on "
                  << imagePath.string() << "\n";
        for (const auto& p : written)
            std::cout << "  " << p.string() << "\n";
        std::cout << "  " << shapes.string() << "\n  " << (outputDir / "pipeline.json").string() << "\n"
                  << "Open the folder " << fs::absolute(outputDir).string() << " to look at them.\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}

} // namespace layerscope
