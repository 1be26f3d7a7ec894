#pragma once
// Reading untrusted bytes with a C library in a separate process, so that a crash inside it
// (HDF5 1.10 segfaults on some damaged files: a corrupt global heap read through a
// variable-length string) or a hang becomes an error message instead of taking the app or the CLI
// down. The reader is a fresh program (`layerscope-hdf5-reader`, cli/hdf5_reader_main.cpp),
// started with posix_spawn: forking the multi-threaded app without exec would give the child
// copies of locks other threads held (allocator pools, the OpenMP runtime), and it could block on
// one forever. The request goes to its standard input (an anonymous memory file); the answer comes
// back on its standard output as 'J' + CBOR or 'E' + an error message. Nothing else crosses.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>

#include <sys/types.h>
#include <string>

namespace layerscope {

// The reader program: $LAYERSCOPE_HDF5_READER, else `layerscope-hdf5-reader` beside the running
// executable (the build tree's bin/), else in ../libexec/layerscope from it (installed). Empty
// when none is there.
std::filesystem::path readerProgram();

// Runs the reader on `request` and returns its result. An error the reader reports comes back as
// a PipelineFormatError with its message; a reader that crashes, is killed, runs longer than
// `timeLimitSeconds` (a library stuck on a damaged file: it is killed then) or sends more than
// `maxResultBytes` gives a PipelineFormatError starting with `what`.
nlohmann::json runReaderProcess(const std::string& request, const std::string& what, int64_t maxResultBytes,
                                unsigned timeLimitSeconds);

// The two ends of the protocol, for a reader started another way (the fuzz target forks, being
// single-threaded). collectReaderAnswer reads `answerFd` (and closes it) until the reader `pid`
// closes it or the time limit kills it, reaps it and decodes the answer as runReaderProcess does;
// answerReaderRequest writes `work`'s result (or the message of what it threw) to `fd` and returns
// the exit status the reader should end with.
nlohmann::json collectReaderAnswer(int answerFd, pid_t pid, const std::string& what, int64_t maxResultBytes,
                                   unsigned timeLimitSeconds);
int answerReaderRequest(int fd, const std::function<nlohmann::json()>& work);

// The reader's side (`argc`: main's, which takes no arguments): reads the request from standard
// input, answers on standard output with `work`'s result (or the message of what it threw) and
// returns the exit status.
int serveReaderRequest(int argc, nlohmann::json (*work)(const std::string& request));

} // namespace layerscope
