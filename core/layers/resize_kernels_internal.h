#pragma once
// Internal to the resize kernels (resize_kernels.cpp and one file per TF kernel): the helpers they
// share and the per-axis tables each kernel builds, which resizeAxisTaps converts for the
// explanations. Inline helpers stay inline so that every kernel compiles them as before.

#include "resize_kernels.h"

#include "../parallel.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace layerscope::resize_detail {

// ---------------------------------------------------------------------------------------------
// Shared helpers.

// Below this many channels a pixel's channel loop is too short to vectorise, so the kernels
// expand their per-x tables to one entry per float of the output row and loop over W·C instead.
inline constexpr int64_t kFlatChannelLimit = 8;

inline bool useFlatRows(int64_t channels, int64_t inRowFloats, int64_t outRowFloats)
{
    return channels < kFlatChannelLimit && inRowFloats < (int64_t{1} << 31)
        && outRowFloats < (int64_t{1} << 28);
}

// Enough output floats per chunk that the per-chunk overhead is negligible.
inline int64_t rowGrain(int64_t rowFloats)
{
    return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, rowFloats));
}

// TF CalculateResizeScale with align_corners=false.
inline float resizeScale(int64_t in, int64_t out)
{
    return static_cast<float>(in) / static_cast<float>(out);
}

// TF HalfPixelScaler, each operation rounded to float32 (no FMA: -ffp-contract=off).
inline float halfPixelSource(int64_t i, float scale)
{
    const float centre = static_cast<float>(i) + 0.5f;
    const float scaled = centre * scale;
    return scaled - 0.5f;
}

// dst[j] = top[j] + (bottom[j] − top[j])·f, the vertical bilinear step. The AVX form performs
// the same three IEEE operations per element, so the result is bit-identical to the scalar loop.
inline void lerpRows(const float* __restrict top, const float* __restrict bottom, float* __restrict dst,
                     int64_t n, float f, bool streaming)
{
    int64_t j = 0;
#if defined(__AVX__)
    if (streaming) {
        for (; j < n && (reinterpret_cast<uintptr_t>(dst + j) & 31) != 0; ++j)
            dst[j] = top[j] + (bottom[j] - top[j]) * f;
        const __m256 vf = _mm256_set1_ps(f);
        for (; j + 8 <= n; j += 8) {
            const __m256 t = _mm256_loadu_ps(top + j), b = _mm256_loadu_ps(bottom + j);
            _mm256_stream_ps(dst + j, _mm256_add_ps(t, _mm256_mul_ps(_mm256_sub_ps(b, t), vf)));
        }
    }
#else
    (void)streaming;
#endif
#pragma omp simd
    for (int64_t k = j; k < n; ++k)
        dst[k] = top[k] + (bottom[k] - top[k]) * f;
}

inline void copyImages(const ImageView& input, Tensor& output, const ExecContext& context)
{
    const int64_t H = input.height, rowFloats = input.width * input.channels;
    float* out = output.data();
    parallelChunks(input.batch * H, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row)
            std::memcpy(out + row * rowFloats, input.row(row / H, row % H),
                        sizeof(float) * static_cast<size_t>(rowFloats));
    });
}

// ---------------------------------------------------------------------------------------------
// Per-axis tables, each defined in its kernel's file.

struct LerpTap {
    int64_t lo = 0, hi = 0;
    float frac = 0;
};

struct CubicTap {
    std::array<int64_t, 4> index{};
    std::array<float, 4> weight{};
};

struct AreaSpan {
    int64_t start = 0, end = 0;       // source cells [start, end), clamped when read
    float startScale = 0, endScale = 0; // weights of the first and the last cell
};

// TF ComputeSpansCore: every output index owns spanSize weights starting at starts[i]; weights
// past the real taps are 0 but are still applied (up to the image edge), as in TF's gather loops.
struct Spans {
    int64_t spanSize = 0;
    float inverse = 1, kernelScale = 1; // the per-axis inverse scale and kernel stretch
    std::vector<int64_t> starts;
    std::vector<int64_t> counts; // min(start + spanSize, in) − start: the taps TF's gather reads
    std::vector<float> weights;  // spanSize per output index
};

std::vector<LerpTap> lerpTaps(int64_t in, int64_t out);             // resize_bilinear.cpp
std::vector<int64_t> nearestTaps(int64_t in, int64_t out);          // resize_nearest.cpp
std::vector<CubicTap> cubicTaps(int64_t in, int64_t out);           // resize_bicubic.cpp
float areaCellScale(int64_t v, float a, float b, float scale);      // resize_area.cpp
std::vector<AreaSpan> areaSpans(int64_t in, int64_t out);           // resize_area.cpp
int64_t spanSizeFor(SamplingKernel kernel, int64_t outSize, int64_t inSize, bool antialias); // resize_scale_translate.cpp
Spans computeSpans(SamplingKernel kernel, int64_t outSize, int64_t inSize, bool antialias);  // resize_scale_translate.cpp

} // namespace layerscope::resize_detail
