// libFuzzer target: image loading through the app's own path (loadInputFile → loadImage: header
// sniffing and pixel limit, OpenCV decode, EXIF, bit depth and channel conversion). Any bytes must
// load as a 1×H×W×C tensor (C in 1, 3, 4) within the pixel limit or throw InputError.
// (loadImage ignores the extension: the decoder is chosen from the content, as OpenCV does.)
#include "core/errors.h"
#include "fuzz_support.h"
#include "core/io/image_io.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    // A per-process temporary file (loadImage takes a path, as the app does).
    static const std::string path = fuzz::scratchFile("image", ".png");
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    } else {
        std::abort();
    }
    try {
        const Tensor image = loadInputFile(path);
        const int64_t channels = image.dim(3);
        if (image.rank() != 4 || image.dim(0) != 1 || image.dim(1) < 1 || image.dim(2) < 1
            || (channels != 1 && channels != 3 && channels != 4)
            || image.dim(1) * image.dim(2) > (int64_t{1} << 28))
            std::abort();
    } catch (const InputError&) {
    }
    return 0;
}
