#pragma once
// Helpers shared by the fuzz targets.
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace layerscope::fuzz {

// A per-process scratch file for targets whose API takes a path. On tmpfs (/dev/shm) when there
// is one: writing a file per input to a disk-backed /tmp costs more than the parsing under test.
// LAYERSCOPE_FUZZ_TMPDIR overrides the directory.
inline std::string scratchFile(const std::string& stem, const std::string& extension)
{
    std::string dir = "/tmp";
    struct stat info {};
    if (const char* env = std::getenv("LAYERSCOPE_FUZZ_TMPDIR"); env && *env)
        dir = env;
    else if (stat("/dev/shm", &info) == 0 && S_ISDIR(info.st_mode) && access("/dev/shm", W_OK) == 0)
        dir = "/dev/shm";
    return dir + "/layerscope_fuzz_" + stem + "_" + std::to_string(getpid()) + extension;
}

} // namespace layerscope::fuzz
