#pragma once
// `layerscope run --input DIR_OR_GLOB --outputs-dir OUT`: the same single-input run over many files,
// each into its own folder OUT/<stem>/. Kept apart from cli.cpp so the per-file bookkeeping
// (expanding the input, progress, resumable folders, the failure list) stays out of the engine path.

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace layerscope {

// True when --input names a directory, or a pattern with * ? [ that is not itself an existing file
// (quoted on the command line, so the program expands it and the list never hits ARG_MAX).
bool isBatchInput(const std::string& input);

// The files of a directory (images and .npy, by extension, sorted by name) or the regular files a
// glob(3) pattern matches (sorted). Throws Error when there are none.
std::vector<std::filesystem::path> expandBatchInput(const std::string& input);

struct BatchOptions {
    std::filesystem::path outputsDir;
    bool skipExisting = false; // an OUT/<stem>/ folder is complete (it is renamed into place last)
    bool terminal = false;     // one progress line redrawn in place, else one plain line per file
};

// For every input: runOne(input, OUT/<stem>.partial) writes that file's outputs; the folder is then
// renamed to OUT/<stem>, so an interrupted file leaves only a .partial that the next run redoes.
// A file whose runOne throws is reported and skipped. Returns 0, or 1 when any file failed (listed
// at the end on `err`).
int runBatch(const std::vector<std::filesystem::path>& inputs, const BatchOptions& options,
             const std::function<void(const std::filesystem::path& input, const std::filesystem::path& dir)>& runOne,
             std::ostream& out, std::ostream& err);

} // namespace layerscope
