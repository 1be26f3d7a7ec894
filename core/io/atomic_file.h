#pragma once
// Writing files so that a crash or an error never leaves a half-written file behind: the content
// goes to a temporary beside the target and is renamed over it only when complete.

#include <filesystem>
#include <functional>
#include <string>

namespace layerscope {

// Calls write(temporaryPath); on success renames it to `target`, otherwise removes it and rethrows.
void writeAtomically(const std::filesystem::path& target,
                     const std::function<void(const std::filesystem::path& temporary)>& write);
void writeTextAtomically(const std::filesystem::path& target, const std::string& content);
std::string readTextFile(const std::filesystem::path& path, size_t maxBytes = 256u << 20);

} // namespace layerscope
