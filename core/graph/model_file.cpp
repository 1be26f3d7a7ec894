#include "model_file.h"

#include "core/errors.h"
#include "core/graph/graph_json.h"
#include "core/io/atomic_file.h"

namespace layerscope {

ModelGraph loadModelFile(const std::filesystem::path& path)
{
    std::string text;
    try {
        text = readTextFile(path, 64u << 20);
    } catch (const PipelineFormatError&) {
        throw;
    } catch (const Error& e) {
        throw PipelineFormatError(e.what());
    }
    const std::string name = path.filename().string();
    if (text.rfind("PK\x03\x04", 0) == 0)
        throw PipelineFormatError(name + ": a zip archive (.keras); reading .keras files is not implemented yet "
                                         "(give its config.json)");
    if (text.rfind("\x89HDF\r\n\x1a\n", 0) == 0)
        throw PipelineFormatError(name + ": an HDF5 file (.h5); reading .h5 files is not implemented yet");
    try {
        return parseModelJson(text);
    } catch (const PipelineFormatError& e) {
        throw PipelineFormatError(name + ": " + e.what());
    }
}

} // namespace layerscope
