// libFuzzer target: the .npy reader, both entry points: parseNpy (bytes in memory) and readNpy (the
// file path the app uses, which reads the header first and then only the data). Any bytes must
// parse or throw InputError, never allocate more than the file could hold; both readers must agree
// bit for bit; a parsed tensor must round-trip through the writer; toImageBatch must accept it or
// throw InputError.
#include "core/errors.h"
#include "fuzz_support.h"
#include "core/io/npy.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace {

bool sameBits(const layerscope::Tensor& a, const layerscope::Tensor& b)
{
    return a.shape() == b.shape()
           && (a.size() == 0
               || std::memcmp(a.data(), b.data(), static_cast<size_t>(a.byteSize())) == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const std::string bytes(reinterpret_cast<const char*>(data), size);

    std::optional<Tensor> parsed;
    try {
        parsed = parseNpy(bytes);
    } catch (const InputError&) {
    }

    // The same bytes through the file reader.
    static const std::string path = fuzz::scratchFile("npy", ".npy");
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    std::optional<Tensor> read;
    try {
        read = readNpy(path);
    } catch (const InputError&) {
    }
    if (parsed.has_value() != read.has_value()) {
        std::fprintf(stderr, "parseNpy %s but readNpy %s\n", parsed ? "succeeded" : "failed",
                     read ? "succeeded" : "failed");
        std::abort();
    }
    if (!parsed)
        return 0;
    if (!sameBits(*parsed, *read)) {
        std::fprintf(stderr, "parseNpy and readNpy disagree\n");
        std::abort();
    }

    const Tensor again = parseNpy(npyBytes(*parsed)); // the writer's output always parses
    if (!sameBits(again, *parsed)) {
        std::fprintf(stderr, "npy write → read is not the identity\n");
        std::abort();
    }
    try {
        const Tensor batch = toImageBatch(*parsed);
        if (batch.rank() != 4 || batch.size() != parsed->size())
            std::abort();
    } catch (const InputError&) {
    }
    return 0;
}
