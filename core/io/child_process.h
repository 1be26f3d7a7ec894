#pragma once
// Running a parser of untrusted bytes in a forked child process, so that a crash inside a C
// library (HDF5 1.10 segfaults on some damaged files: a corrupt global heap read through a
// variable-length string) becomes an error message instead of taking the app or the CLI down.
// The child computes a JSON value and sends it back as CBOR through a pipe; nothing else crosses.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace layerscope {

// Runs `work` in a child process and returns its result. An exception thrown by `work` comes
// back as a PipelineFormatError with the same message; a child that crashes, is killed, runs
// longer than `timeLimitSeconds` (a library stuck on a damaged file: defensive) or sends
// more than `maxResultBytes` gives a PipelineFormatError starting with `what`.
nlohmann::json runInChildProcess(const std::function<nlohmann::json()>& work, const std::string& what,
                                 int64_t maxResultBytes, unsigned timeLimitSeconds);

} // namespace layerscope
