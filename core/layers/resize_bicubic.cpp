// TF ResizeBicubic (resize_kernels.h): the Keys coefficient table, the taps and the kernel.
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
// Bicubic (§4.7.3).

namespace {

constexpr int64_t kCubicTableSize = 1024;

// TF InitCoeffsTable(a = −0.5): entry 2j is the inner weight at t = j/1024, entry 2j + 1 the outer
// weight at t + 1; the polynomials are evaluated in double and stored as float.
const std::vector<float>& cubicTable()
{
    static const std::vector<float> table = [] {
        std::vector<float> t(static_cast<size_t>(2 * (kCubicTableSize + 1)));
        const double a = -0.5;
        for (int64_t i = 0; i <= kCubicTableSize; ++i) {
            float x = static_cast<float>(static_cast<double>(i) * 1.0 / kCubicTableSize);
            t[static_cast<size_t>(2 * i)] = static_cast<float>(((a + 2) * x - (a + 3)) * x * x + 1);
            x = static_cast<float>(static_cast<double>(x) + 1.0);
            t[static_cast<size_t>(2 * i + 1)] = static_cast<float>(((a * x - 5 * a) * x + 8 * a) * x - 4 * a);
        }
        return t;
    }();
    return table;
}

// Images of 3 or 4 channels: an output pixel's channels are one 4-lane vector, the sum of its
// four taps' input pixels (4-lane loads at index · C) times the taps' weights. Written with GCC's
// vector extension in the very expression of the general loop, ((v0·x0 + v1·x1) + v2·x2) + v3·x3,
// so that the compiler contracts it into the same products and fused multiply-adds (the tests'
// reference loops are bit-exact against it). The general flat loop gathers every float with its
// own offset and weight, four loads per multiply-add; this is about 4× fewer instructions on RGB.
bool horizontalCubicPixelsApply(int64_t C) { return C == 3 || C == 4; }

void horizontalCubicPixels(const float* v, const CubicTap* xs, int64_t OW, int64_t C, float* dst)
{
    using Lanes = float __attribute__((vector_size(16)));
    auto load = [&](int64_t index) {
        Lanes lanes;
        std::memcpy(&lanes, v + index * C, sizeof lanes);
        return lanes;
    };
    // With C = 3 the fourth lane spills into the next pixel, which that pixel's store then
    // overwrites; the last pixel is stored lane by lane so that nothing lands past the row.
    auto pixel = [&](int64_t x) {
        const CubicTap& t = xs[x];
        return ((load(t.index[0]) * t.weight[0] + load(t.index[1]) * t.weight[1]) + load(t.index[2]) * t.weight[2])
             + load(t.index[3]) * t.weight[3];
    };
    for (int64_t x = 0; x + 1 < OW; ++x) {
        const Lanes sum = pixel(x);
        std::memcpy(dst + x * C, &sum, sizeof sum);
    }
    if (OW > 0) {
        const Lanes last = pixel(OW - 1);
        std::memcpy(dst + (OW - 1) * C, &last, static_cast<size_t>(C) * sizeof(float));
    }
}

} // namespace

std::vector<CubicTap> resize_detail::cubicTaps(int64_t in, int64_t out)
{
    const std::vector<float>& table = cubicTable();
    const float scale = resizeScale(in, out);
    std::vector<CubicTap> taps(static_cast<size_t>(out));
    for (int64_t i = 0; i < out; ++i) {
        const float src = halfPixelSource(i, scale);
        const int64_t base = static_cast<int64_t>(std::floor(src));
        const float delta = src - static_cast<float>(base);
        const int64_t q = lrintf(delta * static_cast<float>(kCubicTableSize));
        const float raw[4] = {table[static_cast<size_t>(2 * q + 1)], table[static_cast<size_t>(2 * q)],
                              table[static_cast<size_t>(2 * (kCubicTableSize - q))],
                              table[static_cast<size_t>(2 * (kCubicTableSize - q) + 1)]};
        CubicTap& t = taps[static_cast<size_t>(i)];
        for (int k = 0; k < 4; ++k) {
            const int64_t wanted = base - 1 + k;
            // Outside taps read a clamped (valid) index with weight 0: renormalised, not replicated.
            t.index[static_cast<size_t>(k)] = std::clamp<int64_t>(wanted, 0, in - 1);
            t.weight[static_cast<size_t>(k)] = t.index[static_cast<size_t>(k)] == wanted ? raw[k] : 0.0f;
        }
        const float sum = ((t.weight[0] + t.weight[1]) + t.weight[2]) + t.weight[3];
        if (std::abs(sum) >= 1000.0f * std::numeric_limits<float>::min()) {
            const float inverse = 1.0f / sum;
            for (float& w : t.weight)
                w *= inverse;
        }
    }
    return taps;
}

void resizeBicubic(const ImageView& input, Tensor& output, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    if (OH == H && OW == W) {
        copyImages(input, output, context);
        return;
    }
    const std::vector<CubicTap> ys = cubicTaps(H, OH);
    const std::vector<CubicTap> xs = cubicTaps(W, OW);
    const int64_t inRow = W * C, rowFloats = OW * C;
    const bool pixelVectors = horizontalCubicPixelsApply(C);
    const bool flat = !pixelVectors && useFlatRows(C, inRow, rowFloats);
    // Flat tables: per output float the four offsets into the vertical row and their weights.
    std::vector<int32_t> offsets;
    std::vector<float> weights;
    if (flat) {
        offsets.resize(static_cast<size_t>(4 * rowFloats));
        weights.resize(static_cast<size_t>(4 * rowFloats));
        for (int64_t x = 0; x < OW; ++x)
            for (int64_t c = 0; c < C; ++c)
                for (size_t k = 0; k < 4; ++k) {
                    const size_t j = static_cast<size_t>(x * C + c);
                    offsets[k * static_cast<size_t>(rowFloats) + j] =
                        static_cast<int32_t>(xs[static_cast<size_t>(x)].index[k] * C + c);
                    weights[k * static_cast<size_t>(rowFloats) + j] = xs[static_cast<size_t>(x)].weight[k];
                }
    }
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        // One float more than a row: a pixel's 4-lane load at the last column reads one past it.
        std::vector<float> vertical(static_cast<size_t>(inRow + 1), 0.0f);
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH;
            const CubicTap& t = ys[static_cast<size_t>(row % OH)];
            const float* __restrict p0 = input.row(b, t.index[0]);
            const float* __restrict p1 = input.row(b, t.index[1]);
            const float* __restrict p2 = input.row(b, t.index[2]);
            const float* __restrict p3 = input.row(b, t.index[3]);
            const float w0 = t.weight[0], w1 = t.weight[1], w2 = t.weight[2], w3 = t.weight[3];
            float* __restrict v = vertical.data();
#pragma omp simd
            for (int64_t j = 0; j < inRow; ++j)
                v[j] = ((p0[j] * w0 + p1[j] * w1) + p2[j] * w2) + p3[j] * w3;
            float* __restrict dst = out + row * rowFloats;
            if (pixelVectors) {
                horizontalCubicPixels(v, xs.data(), OW, C, dst);
            } else if (flat) {
                const size_t n = static_cast<size_t>(rowFloats);
                const int32_t *o0 = offsets.data(), *o1 = o0 + n, *o2 = o1 + n, *o3 = o2 + n;
                const float *x0 = weights.data(), *x1 = x0 + n, *x2 = x1 + n, *x3 = x2 + n;
                for (int64_t j = 0; j < rowFloats; ++j)
                    dst[j] = ((v[o0[j]] * x0[j] + v[o1[j]] * x1[j]) + v[o2[j]] * x2[j]) + v[o3[j]] * x3[j];
            } else {
                for (int64_t x = 0; x < OW; ++x) {
                    const CubicTap& tx = xs[static_cast<size_t>(x)];
                    const float* __restrict v0 = v + tx.index[0] * C;
                    const float* __restrict v1 = v + tx.index[1] * C;
                    const float* __restrict v2 = v + tx.index[2] * C;
                    const float* __restrict v3 = v + tx.index[3] * C;
                    const float x0 = tx.weight[0], x1 = tx.weight[1], x2 = tx.weight[2], x3 = tx.weight[3];
                    float* __restrict d = dst + x * C;
#pragma omp simd
                    for (int64_t c = 0; c < C; ++c)
                        d[c] = ((v0[c] * x0 + v1[c] * x1) + v2[c] * x2) + v3[c] * x3;
                }
            }
        }
    });
}

} // namespace layerscope
