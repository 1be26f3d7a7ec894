#include "cli.h"

#include "core/codegen/keras_code.h"
#include "core/default_pipeline.h"
#include "core/io/atomic_file.h"
#include "core/io/image_io.h"
#include "core/io/npy.h"
#include "core/layer_registry.h"
#include "core/pipeline.h"
#include "core/pipeline_run.h"
#include "core/render/render.h"

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

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* kMainHelp = R"(LayerScope: see what every Keras image layer does.

Usage:
  layerscope                                open the app on the bundled sample (headless: demo)
  layerscope IMAGE_OR_NPY [PIPELINE.json]   open the app on these files
  layerscope run     --pipeline P.json --input IN [--output OUT.npy] [--outputs-dir DIR]
  layerscope shapes  --pipeline P.json (--input IN | --input-shape 1,32,32,3) [--json]
  layerscope bench   --pipeline P.json --input-shape 1,1024,1024,3 [--repeat N] [--threads T] [--json]
  layerscope demo    [--image IMG] [--output-dir DIR]
  layerscope export-keras --pipeline P.json [--input IN | --input-shape 1,32,32,3] [--output SCRIPT.py]
Common options: --threads T, --max-memory SIZE (e.g. 4G, 512M; default half of RAM), --help.
run and bench: --max-multiply-adds N (e.g. 1e10; refuse a layer needing more; default no limit).
Exit status: 0 success, 1 invalid pipeline/input/layer error, 2 usage error.
)";

const std::map<std::string, const char*> kHelp = {
    {"run", R"(Usage: layerscope run --pipeline P.json --input IN [--output OUT.npy] [--outputs-dir DIR]
Runs the pipeline on IN (.npy or an image: PNG, JPEG, BMP, TIFF, WebP) and writes the final output
as float32 .npy. --outputs-dir writes every layer's output as NN_name.npy plus a labelled
contact-sheet PNG NN_name.png. Files are written only when every layer succeeded.
Options: --threads T, --max-memory SIZE, --max-multiply-adds N (a Conv2D needing more multiply-adds
than N, e.g. 1e10, stops with an error instead of running for hours; default no limit).
)"},
    {"shapes", R"(Usage: layerscope shapes --pipeline P.json (--input IN | --input-shape 1,32,32,3) [--json]
Prints, per layer, its name, class, output shape and the arithmetic that produced every axis.
Stops at the first invalid layer with its Keras message (exit status 1).
)"},
    {"bench", R"(Usage: layerscope bench --pipeline P.json --input-shape 1,1024,1024,3 [--repeat N] [--threads T] [--json]
Times each layer alone (its input already computed) over N runs after one warm-up run and prints
the median and minimum milliseconds per layer and the total of the medians. The input is seeded
uniform noise in 0..255. --json prints {"threads", "layers": [{"name", "class_name",
"output_shape", "median_ms", "min_ms"}], "total_median_ms"}.
Options: --threads T, --max-memory SIZE, --max-multiply-adds N.
)"},
    {"export-keras", R"(Usage: layerscope export-keras --pipeline P.json [--input IN | --input-shape 1,32,32,3] [--output SCRIPT.py]
Writes a runnable Keras 3 Python script that builds the same Sequential model (Tile as a small layer
around keras.ops.tile), sets every Conv2D's weights to LayerScope's values, loads IN the same way
(keras.utils.load_img + img_to_array, or np.load), runs it, prints every layer's output shape with
its min / mean / max and saves the final output as keras_output.npy.
The input (or --input-shape, default 1,32,32,3) fixes the input channels and so the default
Conv2D weights. Without --output the script goes to stdout.
)"},
    {"demo", R"(Usage: layerscope demo [--image IMG] [--output-dir DIR]
Renders the default pipeline on IMG (default: the bundled sample) into DIR (default
./layerscope-demo): the input, one labelled contact sheet per layer, and shapes.txt.
)"},
};

struct Options {
    std::string command;
    std::map<std::string, std::string> values;
    std::vector<std::string> flags;
    bool has(const std::string& key) const { return values.count(key) || std::count(flags.begin(), flags.end(), key); }
    std::string get(const std::string& key) const
    {
        auto it = values.find(key);
        if (it == values.end())
            throw UsageError("missing required option --" + key);
        return it->second;
    }
};

Options parseOptions(int argc, char** argv, const std::vector<std::string>& valued,
                     const std::vector<std::string>& boolean)
{
    Options options;
    options.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0)
            throw UsageError("unexpected argument '" + arg + "'");
        std::string key = arg.substr(2), value;
        const auto eq = key.find('=');
        const bool inlineValue = eq != std::string::npos;
        if (inlineValue) {
            value = key.substr(eq + 1);
            key = key.substr(0, eq);
        }
        if (std::count(boolean.begin(), boolean.end(), key)) {
            options.flags.push_back(key);
        } else if (std::count(valued.begin(), valued.end(), key)) {
            if (!inlineValue) {
                if (i + 1 >= argc)
                    throw UsageError("option --" + key + " needs a value");
                value = argv[++i];
            }
            options.values[key] = value;
        } else {
            throw UsageError("unknown option --" + key + " for '" + options.command + "'");
        }
    }
    return options;
}

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

int64_t parseBytes(const std::string& text)
{
    try {
        size_t used = 0;
        const double number = std::stod(text, &used);
        std::string unit = text.substr(used);
        std::transform(unit.begin(), unit.end(), unit.begin(), ::toupper);
        double factor = 1;
        if (unit == "K" || unit == "KB" || unit == "KIB") factor = 1024.0;
        else if (unit == "M" || unit == "MB" || unit == "MIB") factor = 1024.0 * 1024;
        else if (unit == "G" || unit == "GB" || unit == "GIB") factor = 1024.0 * 1024 * 1024;
        else if (!unit.empty() && unit != "B") throw std::invalid_argument(unit);
        if (number <= 0)
            throw std::invalid_argument(text);
        return static_cast<int64_t>(number * factor);
    } catch (const std::exception&) {
        throw UsageError("--max-memory must be a size such as 4G, 512M or 1000000; got '" + text + "'");
    }
}

int parseCount(const Options& options, const std::string& key, int fallback, int minimum)
{
    if (!options.values.count(key))
        return fallback;
    try {
        size_t used = 0;
        const int v = std::stoi(options.values.at(key), &used);
        if (used == options.values.at(key).size() && v >= minimum)
            return v;
    } catch (const std::exception&) {
    }
    throw UsageError("--" + key + " must be an integer >= " + std::to_string(minimum));
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

int commandShapes(const Options& options)
{
    // Usage problems first (exit 2), then files (exit 1).
    const std::string pipelinePath = options.get("pipeline");
    Shape input;
    if (options.values.count("input-shape"))
        input = parseShape(options.get("input-shape"));
    else if (!options.values.count("input"))
        throw UsageError("give --input IN or --input-shape 1,32,32,3");
    const Pipeline pipeline = loadPipelineFile(pipelinePath);
    if (input.empty())
        input = loadInputFile(options.get("input")).shape();
    const ChainShapes chain = inferChain(pipeline, input);
    if (options.has("json")) {
        json layers = json::array();
        for (size_t i = 0; i < chain.layers.size(); ++i) {
            json axes = json::array();
            for (const auto& a : chain.layers[i].axes)
                axes.push_back(axisJson(a));
            layers.push_back({{"name", pipeline.layers[i]->name()},
                              {"class_name", pipeline.layers[i]->className()},
                              {"summary", pipeline.layers[i]->summary()},
                              {"output_shape", chain.layers[i].output},
                              {"axes", axes}});
        }
        json result = {{"input_shape", input}, {"layers", layers}};
        if (!chain.ok())
            result["error"] = {{"layer_index", *chain.failedLayer},
                               {"name", pipeline.layers[*chain.failedLayer]->name()},
                               {"message", chain.error}};
        std::cout << result.dump(1) << "\n";
    } else {
        std::cout << shapeTable(pipeline, chain);
    }
    if (!chain.ok()) {
        std::cerr << "error: " << chain.error << "\n";
        return 1;
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

int commandRun(const Options& options)
{
    const std::string pipelinePath = options.get("pipeline");
    const std::string inputPath = options.get("input");
    const ExecContext context = contextFrom(options);
    const Pipeline pipeline = loadPipelineFile(pipelinePath);
    const auto input = std::make_shared<const Tensor>(loadInputFile(inputPath));
    if (!options.values.count("output") && !options.values.count("outputs-dir"))
        std::cerr << "note: no --output or --outputs-dir given; printing shapes only\n";
    const std::vector<std::shared_ptr<const Tensor>> computed = runWholePipeline(pipeline, input, context);
    std::vector<std::reference_wrapper<const Tensor>> outputs;
    for (const auto& output : computed)
        outputs.emplace_back(*output);
    const Tensor& final = outputs.empty() ? *input : outputs.back().get();
    // Everything computed: only now touch the file system.
    if (options.values.count("outputs-dir")) {
        const fs::path dir = options.get("outputs-dir");
        fs::create_directories(dir);
        RenderOptions render;
        writeNpy(dir / "00_input.npy", *input);
        writePng(dir / "00_input.png", renderContactSheet(*input, render, "00 input — " + shapeToString(input->shape())),
                 renderText(render, "input"));
        for (size_t i = 0; i < outputs.size(); ++i) {
            const std::string stem = layerFileStem(i + 1, pipeline.layers[i]->name());
            const Tensor& output = outputs[i];
            writeNpy(dir / (stem + ".npy"), output);
            writePng(dir / (stem + ".png"),
                     renderContactSheet(output, render,
                                        stem + " (" + pipeline.layers[i]->className() + ") — "
                                            + shapeToString(output.shape())),
                     renderText(render, pipeline.layers[i]->name()));
        }
        std::cout << "wrote " << outputs.size() + 1 << " tensors and contact sheets to " << dir.string() << "\n";
    }
    if (options.values.count("output")) {
        writeNpy(options.get("output"), final);
        std::cout << "wrote " << options.get("output") << " (" << shapeToString(final.shape()) << ", float32)\n";
    }
    for (size_t i = 0; i < outputs.size(); ++i)
        std::cout << pipeline.layers[i]->name() << "  " << shapeToString(outputs[i].get().shape()) << "\n";
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
    const std::string pipelinePath = options.get("pipeline");
    const Shape shape = parseShape(options.get("input-shape"));
    const int repeat = parseCount(options, "repeat", 10, 1);
    ExecContext context = contextFrom(options);
    const Pipeline pipeline = loadPipelineFile(pipelinePath);
    const Tensor input = benchInput(shape);
    // Warm-up: also produces each layer's input.
    const std::vector<Tensor> outputs = runPipeline(pipeline, input, context);
    json layers = json::array();
    double total = 0;
    for (size_t i = 0; i < pipeline.layers.size(); ++i) {
        const Tensor& in = i == 0 ? input : outputs[i - 1];
        std::vector<double> times;
        for (int r = 0; r < repeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            const Tensor out = pipeline.layers[i]->forward(in, context);
            times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());
        const double median = times.size() % 2 ? times[times.size() / 2]
                                                : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
        total += median;
        layers.push_back({{"name", pipeline.layers[i]->name()},
                          {"class_name", pipeline.layers[i]->className()},
                          {"output_shape", outputs[i].shape()},
                          {"median_ms", median},
                          {"min_ms", times.front()}});
    }
    if (options.has("json")) {
        std::cout << json{{"threads", context.effectiveThreads()}, {"layers", layers}, {"total_median_ms", total}}.dump(1) << "\n";
    } else {
        std::cout << "input " << shapeToString(shape) << ", " << context.effectiveThreads() << " threads, "
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
    const std::string pipelinePath = options.get("pipeline");
    KerasCodeOptions code;
    if (options.values.count("input-shape"))
        code.inputShape = parseShape(options.get("input-shape"));
    const Pipeline pipeline = loadPipelineFile(pipelinePath);
    if (options.values.count("input")) {
        code.inputPath = options.get("input");
        code.inputShape = loadInputFile(code.inputPath).shape();
    }
    const std::string script = generateKerasCode(pipeline, code);
    if (options.values.count("output")) {
        writeTextAtomically(options.get("output"), script);
        std::cout << "wrote " << options.get("output") << "\n";
    } else {
        std::cout << script;
    }
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
        std::cout << "layerscope 0.1.0\n";
        return 0;
    }
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            std::cout << kHelp.at(command);
            return 0;
        }
    if (command == "run")
        return commandRun(parseOptions(argc, argv, {"pipeline", "input", "output", "outputs-dir", "threads", "max-memory", "max-multiply-adds"}, {}));
    if (command == "shapes")
        return commandShapes(parseOptions(argc, argv, {"pipeline", "input", "input-shape", "max-memory", "threads"}, {"json"}));
    if (command == "bench")
        return commandBench(parseOptions(argc, argv, {"pipeline", "input-shape", "repeat", "threads", "max-memory", "max-multiply-adds"}, {"json"}));
    if (command == "export-keras")
        return commandExportKeras(parseOptions(argc, argv, {"pipeline", "input", "input-shape", "output"}, {}));
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
    try {
        return dispatch(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "error: " << e.what() << "\n(run 'layerscope " << (argc > 1 ? argv[1] : "") << " --help')\n";
        return 2;
    } catch (const std::exception& e) {
        std::string message = e.what();
        std::replace(message.begin(), message.end(), '\n', ' ');
        std::cerr << "error: " << message << "\n";
        return 1;
    }
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
        const std::vector<Tensor> outputs = runPipeline(pipeline, input, context);
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
                     renderContactSheet(outputs[i], options,
                                        stem + "  " + layer.className() + " (" + layer.summary() + ") — "
                                            + shapeToString(outputs[i].shape())),
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
