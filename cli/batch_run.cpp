#include "batch_run.h"

#include "core/errors.h"

#include <algorithm>
#include <glob.h>
#include <map>
#include <ostream>
#include <set>

namespace layerscope {

namespace fs = std::filesystem;

namespace {

// What loadInputFile reads: .npy and the image formats OpenCV decodes for us.
bool isInputFile(const fs::path& path)
{
    static const std::set<std::string> extensions = {".npy", ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"};
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return extensions.count(ext) > 0;
}

// OUT/<stem>; two inputs with one stem (a.png, a.npy) keep their whole file names instead, so
// neither overwrites the other.
std::vector<std::string> folderNames(const std::vector<fs::path>& inputs)
{
    std::map<std::string, int> uses;
    for (const fs::path& p : inputs)
        ++uses[p.stem().string()];
    std::vector<std::string> names;
    for (const fs::path& p : inputs)
        names.push_back(uses[p.stem().string()] > 1 ? p.filename().string() : p.stem().string());
    return names;
}

} // namespace

bool isBatchInput(const std::string& input)
{
    std::error_code ec;
    if (fs::is_directory(input, ec))
        return true;
    return input.find_first_of("*?[") != std::string::npos && !fs::exists(input, ec);
}

std::vector<fs::path> expandBatchInput(const std::string& input)
{
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
        for (const fs::directory_entry& e : fs::directory_iterator(input))
            if (e.is_regular_file() && isInputFile(e.path()))
                files.push_back(e.path());
        std::sort(files.begin(), files.end());
        if (files.empty())
            throw Error("no image or .npy files in the folder " + input);
        return files;
    }
    glob_t matches{};
    const int status = glob(input.c_str(), 0, nullptr, &matches); // glob(3) sorts its matches
    if (status == 0)
        for (size_t i = 0; i < matches.gl_pathc; ++i)
            if (fs::is_regular_file(matches.gl_pathv[i], ec))
                files.emplace_back(matches.gl_pathv[i]);
    globfree(&matches);
    if (files.empty())
        throw Error("no files match " + input);
    return files;
}

int runBatch(const std::vector<fs::path>& inputs, const BatchOptions& options,
             const std::function<void(const fs::path&, const fs::path&)>& runOne, std::ostream& out,
             std::ostream& err)
{
    fs::create_directories(options.outputsDir);
    const std::vector<std::string> names = folderNames(inputs);
    std::vector<std::pair<fs::path, std::string>> failures;
    size_t done = 0, skipped = 0;
    const std::string total = std::to_string(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
        const std::string line = "[" + std::to_string(i + 1) + "/" + total + "] " + inputs[i].filename().string();
        // On a terminal the line is redrawn in place (\r, then erase to its end); in a log, one line each.
        if (options.terminal)
            err << "\r" << line << "\x1b[K" << std::flush;
        else
            err << line << "\n" << std::flush;
        const fs::path finished = options.outputsDir / names[i];
        const fs::path partial = options.outputsDir / (names[i] + ".partial");
        if (options.skipExisting && fs::is_directory(finished)) {
            ++skipped;
            continue;
        }
        try {
            fs::remove_all(partial); // left by an interrupted run: redo it from scratch
            runOne(inputs[i], partial);
            fs::remove_all(finished);
            fs::rename(partial, finished);
            ++done;
        } catch (const std::exception& e) {
            std::error_code ec;
            fs::remove_all(partial, ec);
            std::string message = e.what();
            std::replace(message.begin(), message.end(), '\n', ' ');
            failures.emplace_back(inputs[i], message);
        }
    }
    if (options.terminal && !inputs.empty())
        err << "\n";
    out << "wrote " << done << " of " << inputs.size() << " inputs to " << options.outputsDir.string();
    if (skipped)
        out << " (" << skipped << " skipped: already complete)";
    out << "\n";
    if (failures.empty())
        return 0;
    err << "error: " << failures.size() << " of " << inputs.size() << " inputs failed:\n";
    for (const auto& [path, message] : failures)
        err << "  " << path.string() << ": " << message << "\n";
    return 1;
}

} // namespace layerscope
