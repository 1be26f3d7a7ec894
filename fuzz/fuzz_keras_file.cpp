// libFuzzer target: opening a model file from bytes (core/graph/model_file.h): the container
// sniffing, the .keras zip reader (libzip, member limits), the HDF5 weights readers (both
// layouts) and the graph built from the result. Any input must either load or throw
// PipelineFormatError, within a 64 MiB budget; a loaded graph must infer shapes.
//
// HDF5 is read isolated, as the app and the CLI read it (io/reader_process.h), since Debian's
// HDF5 1.10 crashes on some damaged files: here in a forked child speaking the reader's protocol
// (forkedHdf5Reader below), with a time limit below libFuzzer's timeout. Set
// LAYERSCOPE_FUZZ_HDF5_IN_PROCESS=1 to fuzz the HDF5 readers in-process instead (libFuzzer then
// sees their coverage, and HDF5's own crashes).
// Seeds: fuzz/corpus/fuzz_keras_file plus the small files of ../shared/real_models (scripts/fuzz.sh).
#include "core/errors.h"
#include "core/graph/graph_shapes.h"
#include "core/graph/hdf5_model_reading.h"
#include "core/graph/model_file.h"
#include "core/io/reader_process.h"

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace {

// The HDF5 reading in a forked child, speaking the reader program's protocol. The app starts a
// fresh program instead (core/io/reader_process.h: a fork of its many threads could block on a
// lock another thread held); this target runs on one thread, where a fork is safe, and forking is
// ~300 times cheaper than starting the instrumented reader program (4,500 against 14 executions a
// second). A crash of HDF5 stays in the child, as in the app.
nlohmann::json forkedHdf5Reader(const layerscope::Hdf5ReadRequest& request, int64_t maxResultBytes)
{
    using namespace layerscope;
    int fds[2];
    if (::pipe(fds) != 0)
        throw PipelineFormatError(request.name + ": cannot create a pipe");
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw PipelineFormatError(request.name + ": cannot fork");
    }
    if (pid == 0) {
        ::close(fds[0]);
        // A crash ends the child (libFuzzer's handlers would report it as the parent's).
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP})
            std::signal(sig, SIG_DFL);
        ::_exit(answerReaderRequest(fds[1], [&] { return readHdf5Request(request); }));
    }
    ::close(fds[1]);
    return collectReaderAnswer(fds[0], pid, request.name, maxResultBytes, 4);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    static const bool inProcess = [] {
        const char* value = std::getenv("LAYERSCOPE_FUZZ_HDF5_IN_PROCESS");
        return value && std::string(value) == "1";
    }();
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    ModelFileOptions options;
    options.memoryBudgetBytes = 64 << 20;
    options.isolateHdf5 = !inProcess;
    options.hdf5TimeLimitSeconds = 4; // within libFuzzer's 10 s timeout
    options.hdf5Reader = &forkedHdf5Reader;
    ModelGraph graph;
    try {
        graph = loadModelBytes(bytes, "fuzz.keras", options);
    } catch (const PipelineFormatError&) {
        return 0;
    }
    std::vector<Shape> shapes;
    for (size_t input : graph.inputs) {
        Shape s = graph.layerOf(input).declaredShape;
        if (s.empty() || s.size() > 4)
            s = {1, 5, 4, 3};
        for (int64_t& d : s)
            if (d < 1 || d > 64)
                d = 1;
        shapes.push_back(s);
    }
    const GraphShapes inferred = inferGraphShapes(graph, shapes);
    for (size_t i = 0; i < graph.nodes.size(); ++i)
        if ((inferred.nodes[i].status == NodeStatus::Ok) != inferred.nodes[i].shape.has_value())
            std::abort();
    return 0;
}
