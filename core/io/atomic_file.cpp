// Atomic file writes: the content is produced in a uniquely named temporary in the target's own
// directory (so the final rename never crosses a file system and is atomic on POSIX), then renamed
// over the target. No fsync: the guarantee is "never a half-written file after an error or a
// crash of this process", not durability across power loss.

#include "atomic_file.h"

#include "../errors.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include <unistd.h>

namespace layerscope {

namespace fs = std::filesystem;

namespace {

// ".name.tmp-<pid>-<counter>-<random>": the pid and a process-wide counter keep concurrent writers
// (threads or processes) from sharing a temporary; the random part covers pid reuse after a crash
// left a stale temporary behind.
fs::path temporaryPathFor(const fs::path& target)
{
    static std::atomic<uint64_t> counter{0};
    thread_local std::mt19937_64 random(
        std::random_device{}()
        ^ static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::ostringstream name;
    name << '.' << target.filename().string() << ".tmp-" << ::getpid() << '-' << counter++ << '-'
         << std::hex << (random() & 0xffffffu);
    return target.parent_path() / name.str();
}

} // namespace

void writeAtomically(const fs::path& target, const std::function<void(const fs::path&)>& write)
{
    const fs::path temporary = temporaryPathFor(target);
    try {
        write(temporary);
        std::error_code ec;
        fs::rename(temporary, target, ec);
        if (ec)
            throw Error("cannot write '" + target.string() + "': " + ec.message());
    } catch (...) {
        std::error_code ignored; // the original exception matters more than a failed cleanup
        fs::remove(temporary, ignored);
        throw;
    }
}

void writeTextAtomically(const fs::path& target, const std::string& content)
{
    writeAtomically(target, [&](const fs::path& temporary) {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error("cannot write '" + target.string() + "': cannot create '"
                             + temporary.string() + "'");
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        if (!out)
            throw Error("cannot write '" + target.string() + "' (disk full?)");
    });
}

std::string readTextFile(const fs::path& path, size_t maxBytes)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw InputError("cannot read '" + path.string() + "': it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read '" + path.string() + "': no such file or not readable");
    // Read through the stream rather than trusting file_size(): pipes and /proc files report 0,
    // and the cap must hold even if the file grows while being read.
    std::string content;
    char buffer[65536];
    while (in) {
        in.read(buffer, sizeof buffer);
        const auto got = static_cast<size_t>(in.gcount());
        if (content.size() + got > maxBytes)
            throw InputError("cannot read '" + path.string() + "': larger than the limit of "
                             + std::to_string(maxBytes) + " bytes");
        content.append(buffer, got);
    }
    if (in.bad())
        throw InputError("cannot read '" + path.string() + "': read error");
    return content;
}

} // namespace layerscope
