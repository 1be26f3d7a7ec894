#include "child_process.h"

#include "core/errors.h"

#include <csignal>
#include <cstring>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace layerscope {

namespace {

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

} // namespace

nlohmann::json runInChildProcess(const std::function<nlohmann::json()>& work, const std::string& what,
                                 int64_t maxResultBytes, unsigned timeLimitSeconds)
{
    int fds[2];
    if (::pipe(fds) != 0)
        throw PipelineFormatError(what + ": cannot create a pipe for the reader process: " + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw PipelineFormatError(what + ": cannot start the reader process: " + std::strerror(errno));
    }
    if (pid == 0) {
        // The child: compute, send 'J' + CBOR or 'E' + message, and leave without running the
        // parent's exit handlers or destructors.
        ::close(fds[0]);
        // A crash must simply end the child: not run a handler inherited from the parent (a crash
        // reporter, QtTest's stack printer), which could misreport it as the parent's.
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGALRM})
            std::signal(sig, SIG_DFL);
        // The time limit: SIGALRM's default action ends the child.
        ::alarm(timeLimitSeconds);
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
        const bool sent = writeAll(fds[1], message.data(), message.size());
        ::close(fds[1]);
        ::_exit(sent ? 0 : 3);
    }
    ::close(fds[1]);
    std::string received;
    bool tooLarge = false;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
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
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (tooLarge)
        throw PipelineFormatError(what + ": its weights exceed the memory budget (raise it with --max-memory)");
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
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

} // namespace layerscope
