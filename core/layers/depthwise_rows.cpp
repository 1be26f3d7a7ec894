// One output row of a depthwise convolution with depth_multiplier 1 and a channel count that is a
// multiple of 8, summed in registers: each output pixel's channels take all kh × kw taps into
// accumulators and are written once. The general loop of depthwiseNhwc adds one tap at a time
// into the output row, so a 3×3 kernel reads and writes every output value 9 times; on
// 512×512×64 that traffic made it 1.7× slower than ONNX Runtime. Hand-written with AVX2
// intrinsics because the summation order must stay the general loop's (bias, then the taps in
// ky, kx order), which a library's depthwise kernel does not promise.
#include "depthwise_conv2d.h"

#include "../streaming_copy.h"

#include <immintrin.h>

#include <algorithm>

namespace layerscope {

namespace {

// The kernel rows [kyBegin, kyEnd) whose input rows lie inside the image (padding rows add
// nothing): input row of kernel row ky at first + (ky − kyBegin) · rowStep.
struct TapRows {
    const float* first = nullptr;
    int64_t rowStep = 0, kyBegin = 0, kyEnd = 0;
};

// Channels [q0, q0 + 8·V) of the output pixel whose first tap column is ix0.
template <int V>
inline void pixelChannels(const TapRows& rows, int64_t W, int64_t C, const float* kernel, int64_t kw, int64_t dw,
                          int64_t ix0, int64_t q0, const float* bias, float* o, bool streaming)
{
    __m256 acc[V];
    for (int v = 0; v < V; ++v)
        acc[v] = bias ? _mm256_loadu_ps(bias + q0 + 8 * v) : _mm256_setzero_ps();
    const float* irow = rows.first;
    for (int64_t ky = rows.kyBegin; ky < rows.kyEnd; ++ky, irow += rows.rowStep) {
        const float* krow = kernel + ky * kw * C;
        for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t ix = ix0 + kx * dw;
            if (ix < 0 || ix >= W)
                continue;
            const float* x = irow + ix * C + q0;
            const float* k = krow + kx * C + q0;
            for (int v = 0; v < V; ++v)
                acc[v] = _mm256_fmadd_ps(_mm256_loadu_ps(x + 8 * v), _mm256_loadu_ps(k + 8 * v), acc[v]);
        }
    }
    for (int v = 0; v < V; ++v)
        storeEight(o + q0 + 8 * v, acc[v], streaming);
}

} // namespace

bool depthwiseRowInRegistersApplies(int64_t C, int64_t M) { return M == 1 && C % 8 == 0 && C > 0; }

void depthwiseRowInRegisters(const float* in, int64_t H, int64_t W, int64_t C, int64_t b, int64_t oy, int64_t OW,
                             const float* kernel, const float* bias, const Conv2DGeometry& g, float* orow,
                             bool streaming)
{
    const int64_t kw = g.kernelSize[1], dh = g.dilation[0];
    const int64_t iy0 = oy * g.strides[0] - g.padBefore[0]; // input row of kernel row 0
    TapRows rows;
    rows.kyBegin = iy0 >= 0 ? 0 : (-iy0 + dh - 1) / dh;                      // first ky with iy ≥ 0
    rows.kyEnd = iy0 >= H ? 0 : std::min(g.kernelSize[0], (H - 1 - iy0) / dh + 1); // past the last with iy < H
    rows.rowStep = dh * W * C;
    if (rows.kyBegin < rows.kyEnd)
        rows.first = in + (b * H + iy0 + rows.kyBegin * dh) * W * C;
    else
        rows.kyEnd = rows.kyBegin; // every kernel row in the padding: the bias alone
    // Aligned rows only for non-temporal stores (C·4 bytes per pixel is a multiple of 32).
    streaming = streaming && (reinterpret_cast<uintptr_t>(orow) & 31) == 0;
    const float* lowest = rows.kyEnd > rows.kyBegin ? rows.first + (rows.kyEnd - 1 - rows.kyBegin) * rows.rowStep : nullptr;
    for (int64_t ox = 0; ox < OW; ++ox) {
        const int64_t ix0 = ox * g.strides[1] - g.padBefore[1];
        float* o = orow + ox * C;
        // The lowest input row is the one no earlier output row has read (stride 1): fetch it
        // 8 pixels ahead, as its lines are otherwise first asked for by the multiply-adds.
        if (lowest) {
            const int64_t ahead = ix0 + (kw - 1) * g.dilation[1] + 8;
            if (ahead >= 0 && ahead < W) {
                const char* line = reinterpret_cast<const char*>(lowest + ahead * C);
                for (int64_t byte = 0; byte < C * 4; byte += 64)
                    _mm_prefetch(line + byte, _MM_HINT_T0);
            }
        }
        int64_t q0 = 0;
        for (; q0 + 32 <= C; q0 += 32)
            pixelChannels<4>(rows, W, C, kernel, kw, g.dilation[1], ix0, q0, bias, o, streaming);
        for (; q0 < C; q0 += 8)
            pixelChannels<1>(rows, W, C, kernel, kw, g.dilation[1], ix0, q0, bias, o, streaming);
    }
}

} // namespace layerscope
