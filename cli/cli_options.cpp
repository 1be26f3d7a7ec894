#include "cli_options.h"

#include "core/errors.h"
#include "core/graph/model_file.h"
#include "core/io/image_io.h"

#include <algorithm>
#include <iostream>

namespace layerscope::cli {

bool Options::has(const std::string& key) const
{
    return values.count(key) || std::count(flags.begin(), flags.end(), key);
}

std::string Options::get(const std::string& key) const
{
    auto it = values.find(key);
    if (it == values.end())
        throw UsageError("missing required option --" + key);
    return it->second;
}

Options parseOptions(int argc, char** argv, const std::vector<std::string>& valued,
                     const std::vector<std::string>& boolean)
{
    Options options;
    options.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) {
            // One positional argument where a command takes it (inspect MODEL).
            if (std::count(valued.begin(), valued.end(), "") && !options.values.count("")) {
                options.values[""] = arg;
                continue;
            }
            throw UsageError("unexpected argument '" + arg + "'");
        }
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
            options.repeated[key].push_back(value);
        } else {
            throw UsageError("unknown option --" + key + " for '" + options.command + "'");
        }
    }
    return options;
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

std::string modelPath(const Options& options)
{
    if (options.values.count("model"))
        return options.get("model");
    if (options.values.count("pipeline"))
        return options.get("pipeline");
    throw UsageError("missing required option --model");
}

ModelGraph loadModel(const Options& options, const std::string& path)
{
    ModelFileOptions file;
    if (options.values.count("max-memory"))
        file.memoryBudgetBytes = parseBytes(options.values.at("max-memory"));
    if (options.values.count("weights"))
        file.weightsPath = options.get("weights");
    return loadModelFile(path, file);
}

std::vector<TensorPtr> loadInputs(const Options& options, const ModelGraph& graph)
{
    std::vector<TensorPtr> inputs;
    for (const std::string& path : options.repeated.at("input"))
        inputs.push_back(std::make_shared<const Tensor>(loadInputFile(path)));
    if (inputs.size() != graph.inputs.size()) {
        std::string names;
        for (size_t n : graph.inputs)
            names += (names.empty() ? "" : ", ") + graph.layerOf(n).name;
        throw Error("the model has " + std::to_string(graph.inputs.size()) + " input(s) (" + names + "); give --input "
                    + "once for each, in this order (" + std::to_string(inputs.size()) + " given)");
    }
    return inputs;
}

int runGuarded(const std::string& command, const std::function<int()>& body)
{
    try {
        return body();
    } catch (const UsageError& e) {
        std::cerr << "error: " << e.what() << "\n(run 'layerscope " << command << " --help')\n";
        return 2;
    } catch (const std::exception& e) {
        std::string message = e.what();
        std::replace(message.begin(), message.end(), '\n', ' ');
        std::cerr << "error: " << message << "\n";
        return 1;
    }
}

} // namespace layerscope::cli
