// Whole models (issue 13): LayerScope's full graph run (every node's output kept) beside
// TensorFlow's own model(x, training=False), both on 2 threads and the same input, as a markdown
// table with the ratio and the largest difference of the outputs. For reference only, the same
// Keras call traced as a tf.function (no eager per-layer dispatch) is shown beside it. Where
// LayerScope is slower than model(x) (or for every model with --profile-all), the layer classes
// and nodes its time went to follow the table. The exact command, from the checkout, after
// configuring with -DLAYERSCOPE_BUILD_BENCH=ON and `ninja -C build layerscope_bench_models`:
//
//   nice -n 19 build/bin/layerscope_bench_models --models /work/shared/real_models \
//       --tf /work/keras-venv/bin/python
//
//   layerscope_bench_models [--models DIR] [--tf PYTHON] [--threads 2] [--repeat 11]
//                           [--work DIR] [--profile-all] [MODEL_FILE ...]
//
// --models DIR takes DIR/index.json's non-hostile models and builds a MobileNetV2 and a ResNet50
// (bench/tf_models.py prepare, so it needs --tf); MODEL_FILE adds whole-model files. Missing,
// unloadable and unsupported models are rows with their error, never left out. --work holds the
// inputs and outputs both sides exchange (.npy) and the built models (never in the repository).
// The last line says how busy other processes kept the machine meanwhile (machine_load.h).

#include "machine_load.h"
#include "model_timing.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace layerscope;
using namespace layerscope::bench;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Row {
    ModelToTime model;
    std::string listError;            // from the listing (a missing file, no architecture)
    ModelTiming layerscope;
    json tensorflow = json::object(); // tf_results.json's entry
};

std::string shellQuoted(const std::string& text)
{
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

void runPython(const std::string& python, const std::string& arguments)
{
    const std::string command = shellQuoted(python) + " " + shellQuoted(LAYERSCOPE_BENCH_DIR "/tf_models.py") + " " + arguments;
    if (std::system(command.c_str()) != 0)
        throw std::runtime_error("failed: " + command);
}

json readJson(const fs::path& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    return json::parse(in);
}

std::string shapeText(const std::vector<Shape>& shapes)
{
    std::string out;
    for (const Shape& s : shapes) {
        out += out.empty() ? "" : ", ";
        for (size_t i = 0; i < s.size(); ++i)
            out += (i ? "×" : "") + std::to_string(s[i]);
    }
    return out;
}

std::string number(double value, const char* format)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

// A cell of the table holds no '|' or newline.
std::string cell(std::string text, size_t limit = 240)
{
    std::replace(text.begin(), text.end(), '|', '/');
    std::replace(text.begin(), text.end(), '\n', ' ');
    if (text.size() <= limit)
        return text;
    while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80)
        --limit; // not inside a UTF-8 character
    return text.substr(0, limit) + "…";
}

std::optional<double> ratioOf(const Row& row)
{
    if (!row.layerscope.error.empty() || !row.tensorflow.contains("ms"))
        return std::nullopt;
    return row.layerscope.medianMs / row.tensorflow["ms"].get<double>();
}

void printTable(const std::vector<Row>& rows, bool withTensorflow)
{
    std::printf("| model | input | LayerScope ms | TensorFlow ms | ratio | max abs diff | TF tf.function ms | errors and notes |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (const Row& row : rows) {
        const json& tf = row.tensorflow;
        std::string errors;
        const std::string lsError = row.listError.empty() ? row.layerscope.error : row.listError;
        if (!lsError.empty())
            errors += "LayerScope: " + lsError;
        if (tf.contains("error"))
            errors += std::string(errors.empty() ? "" : "; ") + "TensorFlow: " + tf["error"].get<std::string>();
        // A file Keras 3's load_model refuses is timed as tests/keras/real_models.py repairs it.
        if (tf.contains("how") && tf["how"] != "load_model")
            errors += std::string(errors.empty() ? "" : "; ") + "Keras: " + tf["how"].get<std::string>();
        if (tf.contains("diff_error"))
            errors += std::string(errors.empty() ? "" : "; ") + "outputs differ: " + tf["diff_error"].get<std::string>();
        std::string input = shapeText(row.layerscope.inputShapes);
        if (input.empty() && tf.contains("input_shape"))
            input = shapeText({tf["input_shape"].get<Shape>()});
        const std::optional<double> ratio = ratioOf(row);
        std::printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", cell(row.model.name).c_str(), input.c_str(),
                    lsError.empty() ? number(row.layerscope.medianMs, "%.2f").c_str() : "error",
                    !withTensorflow ? "—" : tf.contains("ms") ? number(tf["ms"].get<double>(), "%.2f").c_str() : "error",
                    ratio ? number(*ratio, "%.2f×").c_str() : "—",
                    tf.contains("max_abs_diff") ? number(tf["max_abs_diff"].get<double>(), "%.2g").c_str() : "—",
                    tf.contains("graph_ms") ? number(tf["graph_ms"].get<double>(), "%.2f").c_str() : "—",
                    cell(errors).c_str());
    }
}

// Where LayerScope's time went: the layer classes by their share of the summed node medians, then
// the slowest nodes.
void printProfile(const Row& row)
{
    const std::vector<NodeTime>& nodes = row.layerscope.nodes;
    double total = 0;
    std::map<std::string, std::pair<double, int>> byClass;
    for (const NodeTime& n : nodes) {
        total += n.medianMs;
        byClass[n.className].first += n.medianMs;
        ++byClass[n.className].second;
    }
    std::vector<std::pair<std::string, std::pair<double, int>>> classes(byClass.begin(), byClass.end());
    std::sort(classes.begin(), classes.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    std::printf("\n%s: run %.2f ms, nodes sum %.2f ms (the rest is graph-run overhead)\n\n", row.model.name.c_str(),
                row.layerscope.medianMs, total);
    std::printf("| layer class | nodes | ms | share |\n|---|---:|---:|---:|\n");
    for (const auto& [name, timeAndCount] : classes)
        std::printf("| %s | %d | %.2f | %.0f%% |\n", name.c_str(), timeAndCount.second, timeAndCount.first,
                    100.0 * timeAndCount.first / total);
    std::vector<NodeTime> slowest = nodes;
    std::sort(slowest.begin(), slowest.end(), [](const NodeTime& a, const NodeTime& b) { return a.medianMs > b.medianMs; });
    slowest.resize(std::min<size_t>(slowest.size(), 6));
    std::printf("\nslowest nodes:");
    for (const NodeTime& n : slowest)
        std::printf(" %s (%s) %.2f ms;", n.node.c_str(), n.className.c_str(), n.medianMs);
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv)
{
    std::string modelsDir, python;
    fs::path work = LAYERSCOPE_BENCH_WORK;
    int threads = 2, repeat = 11;
    bool profileAll = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--models" && i + 1 < argc)
            modelsDir = argv[++i];
        else if (arg == "--tf" && i + 1 < argc)
            python = argv[++i];
        else if (arg == "--threads" && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (arg == "--repeat" && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--work" && i + 1 < argc)
            work = argv[++i];
        else if (arg == "--profile-all")
            profileAll = true;
        else if (!arg.starts_with("--"))
            files.push_back(arg);
        else {
            std::fprintf(stderr, "usage: layerscope_bench_models [--models DIR --tf PYTHON] [--threads T] [--repeat N] "
                                 "[--work DIR] [--profile-all] [MODEL_FILE ...]\n");
            return 2;
        }
    }
    if (!modelsDir.empty() && python.empty()) {
        std::fprintf(stderr, "--models lists and builds the models with bench/tf_models.py: give --tf PYTHON\n");
        return 2;
    }
    try {
        const OtherProcessesLoad otherLoad;
        fs::create_directories(work);
        json listing = json::array();
        if (!modelsDir.empty()) {
            runPython(python, "prepare " + shellQuoted(modelsDir) + " " + shellQuoted(work.string()));
            listing = readJson(work / "models.json");
        }
        for (const std::string& file : files)
            listing.push_back({{"name", fs::path(file).filename().string()}, {"file", fs::absolute(file).string()},
                               {"model", fs::absolute(file).string()}, {"weights", nullptr}});
        std::ofstream(work / "models.json") << listing.dump(1);

        ExecContext context;
        context.threads = threads;
        std::vector<Row> rows;
        for (size_t k = 0; k < listing.size(); ++k) {
            const json& entry = listing[k];
            Row row;
            row.model = {entry["name"].get<std::string>(), entry["model"].get<std::string>(),
                         entry["weights"].is_string() ? entry["weights"].get<std::string>() : ""};
            const fs::path dir = work / ((k < 10 ? "0" : "") + std::to_string(k)); // tf_models.py: f"{index:02d}"
            fs::remove_all(dir); // no stale input or output of an earlier run for tf_models.py
            if (entry.contains("error"))
                row.listError = entry["error"].get<std::string>();
            else
                row.layerscope = timeModel(row.model, context, repeat, dir);
            std::fprintf(stderr, "[layerscope] %s: %s\n", row.model.name.c_str(),
                         row.layerscope.error.empty() ? number(row.layerscope.medianMs, "%.2f ms").c_str()
                                                      : row.layerscope.error.c_str());
            rows.push_back(std::move(row));
        }
        if (!python.empty()) {
            runPython(python, "time " + shellQuoted(work.string()) + " --threads " + std::to_string(threads) + " --repeat "
                                  + std::to_string(repeat));
            const json results = readJson(work / "tf_results.json");
            for (size_t k = 0; k < rows.size() && k < results["models"].size(); ++k)
                rows[k].tensorflow = results["models"][k];
            std::printf("TensorFlow %s, Keras %s; ", results["tensorflow"].get<std::string>().c_str(),
                        results["keras"].get<std::string>().c_str());
        }
        std::printf("%d threads, median of %d runs after a warm-up; LayerScope keeps every node's output\n\n", threads,
                    repeat);
        printTable(rows, !python.empty());
        if (const double busy = otherLoad.coresBusy(); busy >= 0)
            std::printf("\nOther processes kept %.2f cores busy on average during this run%s\n", busy,
                        busy > 0.1 ? " (more than a quiet machine: the times above are disturbed; run it again)" : "");
        for (const Row& row : rows)
            if (row.layerscope.error.empty() && row.listError.empty() && (profileAll || ratioOf(row).value_or(0) > 1.0))
                printProfile(row);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "layerscope_bench_models: %s\n", e.what());
        return 1;
    }
    return 0;
}
