#include "reader_process.h"

#include "core/errors.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace layerscope {

namespace {

constexpr const char* kReaderName = "layerscope-hdf5-reader";

bool writeAll(int fd, const char* data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    void close()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
    int release()
    {
        const int kept = fd;
        fd = -1;
        return kept;
    }
};

// The request as an anonymous in-memory file the reader gets as its standard input: no temporary
// file on disk, and no writer thread feeding a pipe while the answer is read from another.
int requestFile(const std::string& request, const std::string& what)
{
    const int fd = ::memfd_create("layerscope-request", MFD_CLOEXEC);
    if (fd < 0)
        throw PipelineFormatError(what + ": cannot create the request for the reader process: " + std::strerror(errno));
    if (!writeAll(fd, request.data(), request.size()) || ::lseek(fd, 0, SEEK_SET) != 0) {
        const int error = errno;
        ::close(fd);
        throw PipelineFormatError(what + ": cannot write the request for the reader process: " + std::strerror(error));
    }
    return fd;
}

} // namespace

std::filesystem::path readerProgram()
{
    namespace fs = std::filesystem;
    if (const char* configured = std::getenv("LAYERSCOPE_HDF5_READER"); configured && *configured)
        return fs::path(configured);
    std::error_code error;
    const fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (error)
        return {};
    for (const fs::path& candidate : {self.parent_path() / kReaderName,
                                      self.parent_path() / ".." / "libexec" / "layerscope" / kReaderName})
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate.lexically_normal();
    return {};
}

nlohmann::json runReaderProcess(const std::string& request, const std::string& what, int64_t maxResultBytes,
                                unsigned timeLimitSeconds)
{
    const std::filesystem::path program = readerProgram();
    if (program.empty())
        throw PipelineFormatError(what + ": the HDF5 reader (" + kReaderName
                                  + ") is not installed beside LayerScope; set LAYERSCOPE_HDF5_READER to its path");
    Fd input{requestFile(request, what)};
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0)
        throw PipelineFormatError(what + ": cannot create a pipe for the reader process: " + std::strerror(errno));
    Fd output{pipeFds[0]};
    Fd childEnd{pipeFds[1]};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, input.fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, childEnd.fd, STDOUT_FILENO);
    // The reader starts with default signal actions and nothing blocked, whatever this process
    // (a test harness, the app) installed: a crash ends it.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGPIPE, SIGTERM})
        sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    const std::string programText = program.string();
    char* const argv[] = {const_cast<char*>(programText.c_str()), nullptr};
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, programText.c_str(), &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0)
        throw PipelineFormatError(what + ": cannot start the HDF5 reader " + programText + ": " + std::strerror(spawned));
    childEnd.close();
    input.close();
    return collectReaderAnswer(output.release(), pid, what, maxResultBytes, timeLimitSeconds);
}

nlohmann::json collectReaderAnswer(int answerFd, pid_t pid, const std::string& what, int64_t maxResultBytes,
                                   unsigned timeLimitSeconds)
{
    Fd output{answerFd};
    // Read the answer until the reader closes its end, or until the time limit: then it is killed.
    std::string received;
    bool tooLarge = false;
    bool timedOut = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeLimitSeconds);
    char buffer[1 << 16];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd ready{output.fd, POLLIN, 0};
        const int polled = left.count() > 0 ? ::poll(&ready, 1, static_cast<int>(std::min<int64_t>(left.count(), 1 << 30))) : 0;
        if (polled < 0 && errno == EINTR)
            continue;
        if (polled == 0) {
            timedOut = true;
            ::kill(pid, SIGKILL);
            break;
        }
        const ssize_t n = ::read(output.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (static_cast<int64_t>(received.size()) + n > maxResultBytes + 1) {
            tooLarge = true;
            ::kill(pid, SIGKILL);
            break;
        }
        received.append(buffer, static_cast<size_t>(n));
    }
    output.close();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (tooLarge)
        throw PipelineFormatError(what + ": its weights exceed the memory budget (raise it with --max-memory)");
    if (timedOut)
        throw PipelineFormatError(what + ": the HDF5 library did not finish reading it within " + std::to_string(timeLimitSeconds)
                                  + " s: the file is damaged or crafted; nothing of it was used");
    if (WIFSIGNALED(status))
        throw PipelineFormatError(what + ": the HDF5 library crashed reading it (signal " + std::to_string(WTERMSIG(status))
                                  + "): the file is damaged or crafted; nothing of it was used");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || received.empty())
        throw PipelineFormatError(what + ": the reader process failed (exit status "
                                  + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    if (received[0] == 'E')
        throw PipelineFormatError(received.substr(1));
    try {
        return nlohmann::json::from_cbor(received.begin() + 1, received.end());
    } catch (const nlohmann::json::exception& e) {
        throw PipelineFormatError(what + ": the reader process sent a malformed result: " + e.what());
    }
}

int serveReaderRequest(int argc, nlohmann::json (*work)(const std::string& request))
{
    if (argc != 1 || ::isatty(STDIN_FILENO)) {
        static const char usage[] = "layerscope-hdf5-reader: started by LayerScope to read HDF5 files; not for direct use\n";
        (void)!::write(STDERR_FILENO, usage, sizeof usage - 1);
        return 2;
    }
    std::string request;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        request.append(buffer, static_cast<size_t>(n));
    }
    return answerReaderRequest(STDOUT_FILENO, [&] { return work(request); });
}

int answerReaderRequest(int fd, const std::function<nlohmann::json()>& work)
{
    std::string message;
    try {
        const std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(work());
        message.reserve(cbor.size() + 1);
        message += 'J';
        message.append(reinterpret_cast<const char*>(cbor.data()), cbor.size());
    } catch (const std::exception& e) {
        message = std::string("E") + e.what();
    } catch (...) {
        message = "Eunknown error";
    }
    return writeAll(fd, message.data(), message.size()) ? 0 : 3;
}

} // namespace layerscope
