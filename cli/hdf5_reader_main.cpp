// layerscope-hdf5-reader: the separate program that reads a model file's HDF5 for LayerScope
// (core/io/reader_process.h says why a process of its own). It reads one request from standard
// input, answers on standard output and ends; it is never started by hand.
#include "core/graph/hdf5_model_reading.h"
#include "core/io/reader_process.h"

#include <unistd.h>

namespace {

nlohmann::json readRequest(const std::string& request)
{
    return layerscope::readHdf5Request(layerscope::decodeHdf5ReadRequest(request));
}

} // namespace

int main(int argc, char**)
{
    const int status = layerscope::serveReaderRequest(argc, &readRequest);
    // The answer is written; the process's memory goes with it. _exit skips the exit-time work
    // (HDF5's own clean-up of a library a damaged file may have left inconsistent).
    ::_exit(status);
}
