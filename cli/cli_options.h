#pragma once
// The command line's option parsing and model / input loading, shared by the subcommands of
// cli.cpp and those that need Qt and so live in the GUI build (animate, figure: gui/figures/), so
// that every subcommand reads --model, --input and --max-memory the same way.

#include "core/graph/graph.h"
#include "core/graph/graph_run.h"
#include "core/tensor.h"

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace layerscope::cli {

// A mistake in the command line itself: exit status 2 and a pointer to --help.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    std::string command;
    std::map<std::string, std::string> values;
    std::map<std::string, std::vector<std::string>> repeated; // every value of an option given several times
    std::vector<std::string> flags;
    bool has(const std::string& key) const;
    // The value of --key; throws UsageError when it was not given.
    std::string get(const std::string& key) const;
};

// argv[1] is the command; `valued` lists the options taking a value ("" allows one positional
// argument), `boolean` the flags. Throws UsageError for anything else.
Options parseOptions(int argc, char** argv, const std::vector<std::string>& valued,
                     const std::vector<std::string>& boolean);
// "4G", "512M", "1000000" → bytes.
int64_t parseBytes(const std::string& text);
// --key as an integer >= minimum, `fallback` when absent.
int parseCount(const Options& options, const std::string& key, int fallback, int minimum);
// --model, or its old name --pipeline.
std::string modelPath(const Options& options);
// The model of --model (with --weights for a JSON model), read within --max-memory.
ModelGraph loadModel(const Options& options, const std::string& path);
// One tensor per --input, checked against the model's number of inputs.
std::vector<TensorPtr> loadInputs(const Options& options, const ModelGraph& graph);

// Runs a subcommand body the way runCli does: UsageError → "error: …" and exit 2, any other
// exception → one line "error: …" and exit 1.
int runGuarded(const std::string& command, const std::function<int()>& body);

} // namespace layerscope::cli
