// TF ResizeNearestNeighbor and UpSampling2D's nearest repeat (resize_kernels.h).
#include "resize_kernels_internal.h"

#include "../parallel.h"
#include "../streaming_copy.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace layerscope {

using namespace resize_detail;

// ---------------------------------------------------------------------------------------------
// Nearest (§4.7.2).

std::vector<int64_t> resize_detail::nearestTaps(int64_t in, int64_t out)
{
    const float scale = resizeScale(in, out);
    std::vector<int64_t> taps(static_cast<size_t>(out));
    for (int64_t i = 0; i < out; ++i) {
        const float centre = static_cast<float>(i) + 0.5f;
        const float position = centre * scale; // no −0.5: TF floors the half-pixel position
        const int64_t index = std::min<int64_t>(static_cast<int64_t>(std::floor(position)), in - 1);
        taps[static_cast<size_t>(i)] = std::max<int64_t>(index, 0);
    }
    return taps;
}

void resizeNearest(const ImageView& input, Tensor& output, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const std::vector<int64_t> ys = nearestTaps(H, OH);
    const std::vector<int64_t> xs = nearestTaps(W, OW);
    const int64_t rowFloats = OW * C;
    const bool flat = useFlatRows(C, W * C, rowFloats);
    std::vector<int32_t> offsets;
    if (flat) {
        offsets.resize(static_cast<size_t>(rowFloats));
        for (int64_t x = 0; x < OW; ++x)
            for (int64_t c = 0; c < C; ++c)
                offsets[static_cast<size_t>(x * C + c)] = static_cast<int32_t>(xs[static_cast<size_t>(x)] * C + c);
    }
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, y = row % OH;
            float* __restrict dst = out + row * rowFloats;
            // Upsampling repeats source rows: copying the previous output row is cheaper.
            if (row > begin && y > 0 && ys[static_cast<size_t>(y)] == ys[static_cast<size_t>(y - 1)]) {
                std::memcpy(dst, dst - rowFloats, sizeof(float) * static_cast<size_t>(rowFloats));
                continue;
            }
            const float* __restrict src = input.row(b, ys[static_cast<size_t>(y)]);
            if (flat) {
                const int32_t* o = offsets.data();
                for (int64_t j = 0; j < rowFloats; ++j)
                    dst[j] = src[o[j]];
            } else {
                for (int64_t x = 0; x < OW; ++x)
                    std::memcpy(dst + x * C, src + xs[static_cast<size_t>(x)] * C, sizeof(float) * static_cast<size_t>(C));
            }
        }
    });
}

void repeatNearest(const Tensor& input, Tensor& output, std::array<int64_t, 2> size,
                   const ExecContext& context)
{
    const int64_t H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OW = W * size[1];
    const int64_t inRow = W * C, outRow = OW * C;
    const bool streaming = useStreaming(output);
    const float* in = input.data();
    float* out = output.data();
    parallelChunks(input.dim(0) * H, rowGrain(outRow * size[0]), context, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            const float* __restrict src = in + row * inRow;
            float* __restrict first = out + row * size[0] * outRow;
            if (C == 1) {
                for (int64_t x = 0; x < W; ++x)
                    for (int64_t k = 0; k < size[1]; ++k)
                        first[x * size[1] + k] = src[x];
            } else {
                for (int64_t x = 0; x < W; ++x)
                    for (int64_t k = 0; k < size[1]; ++k)
                        std::memcpy(first + (x * size[1] + k) * C, src + x * C, sizeof(float) * static_cast<size_t>(C));
            }
            for (int64_t r = 1; r < size[0]; ++r)
                copyFloats(first + r * outRow, first, outRow, streaming);
        }
        if (streaming)
            streamingFence();
    });
}

} // namespace layerscope
