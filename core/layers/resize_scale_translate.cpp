// TF ScaleAndTranslate (resize_kernels.h): lanczos and the antialiased kernels.
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
// ScaleAndTranslate (§4.7.5).

float samplingKernelValue(SamplingKernel kernel, float x)
{
    x = std::abs(x);
    switch (kernel) {
    case SamplingKernel::Lanczos3:
    case SamplingKernel::Lanczos5: {
        constexpr float kPi = 3.14159265359f;
        const float radius = kernel == SamplingKernel::Lanczos3 ? 3.0f : 5.0f;
        if (x > radius)
            return 0.0f;
        if (x <= 1e-3) // the sin(x)/x limit
            return 1.0f;
        return radius * std::sin(kPi * x) * std::sin(kPi * x / radius) / (kPi * kPi * x * x);
    }
    case SamplingKernel::Triangle:
        return x < 1.0f ? 1.0f - x : 0.0f;
    case SamplingKernel::KeysCubic:
        if (x >= 2.0f)
            return 0.0f;
        if (x >= 1.0f)
            return ((-0.5f * x + 2.5f) * x - 4.0f) * x + 2.0f;
        return ((1.5f * x - 2.5f) * x) * x + 1.0f;
    }
    return 0.0f;
}

namespace {

float kernelRadius(SamplingKernel kernel)
{
    switch (kernel) {
    case SamplingKernel::Lanczos3: return 3.0f;
    case SamplingKernel::Lanczos5: return 5.0f;
    case SamplingKernel::Triangle: return 1.0f;
    case SamplingKernel::KeysCubic: return 2.0f;
    }
    return 1.0f;
}

} // namespace

int64_t resize_detail::spanSizeFor(SamplingKernel kernel, int64_t outSize, int64_t inSize, bool antialias)
{
    const float scale = static_cast<float>(outSize) / static_cast<float>(inSize);
    const float inverse = static_cast<float>(1.0 / static_cast<double>(scale));
    const float kernelScale = antialias ? std::max(inverse, 1.0f) : 1.0f;
    return std::min<int64_t>(2 * static_cast<int64_t>(std::ceil(kernelRadius(kernel) * kernelScale)) + 1, inSize);
}

Spans resize_detail::computeSpans(SamplingKernel kernel, int64_t outSize, int64_t inSize, bool antialias)
{
    const float scale = static_cast<float>(outSize) / static_cast<float>(inSize);
    const float inverse = static_cast<float>(1.0 / static_cast<double>(scale));
    const float inverseTranslate = -inverse * 0.0f;
    const float kernelScale = antialias ? std::max(inverse, 1.0f) : 1.0f;
    const float oneOverKernelScale = 1.0f / kernelScale;
    const float reach = kernelRadius(kernel) * kernelScale;
    Spans spans;
    spans.spanSize = spanSizeFor(kernel, outSize, inSize, antialias);
    spans.inverse = inverse;
    spans.kernelScale = kernelScale;
    spans.starts.assign(static_cast<size_t>(outSize), 0);
    spans.counts.assign(static_cast<size_t>(outSize), 0);
    spans.weights.assign(static_cast<size_t>(outSize * spans.spanSize), 0.0f);
    std::vector<float> raw;
    for (int64_t x = 0; x < outSize; ++x) {
        const float centre = static_cast<float>(x) + 0.5f;
        const float scaled = centre * inverse;
        const float sample = scaled + inverseTranslate;
        int64_t start = 0;
        if (!(sample < 0 || sample > static_cast<float>(inSize))) {
            start = static_cast<int64_t>(std::ceil((sample - reach) - 0.5f));
            int64_t end = static_cast<int64_t>(std::floor((sample + reach) - 0.5f));
            start = std::clamp<int64_t>(start, 0, inSize - 1);
            end = std::clamp<int64_t>(end, 0, inSize - 1) + 1;
            raw.clear();
            float total = 0.0f;
            for (int64_t source = start; source < end; ++source) {
                const float position = (static_cast<float>(source) + 0.5f) - sample;
                const float w = samplingKernelValue(kernel, std::abs(position * oneOverKernelScale));
                total += w;
                raw.push_back(w);
            }
            if (std::abs(total) >= 1000.0f * std::numeric_limits<float>::min()) {
                const float inverseTotal = 1.0f / total;
                float* w = spans.weights.data() + x * spans.spanSize;
                for (size_t k = 0; k < raw.size() && static_cast<int64_t>(k) < spans.spanSize; ++k)
                    w[k] = raw[k] * inverseTotal;
            }
        }
        spans.starts[static_cast<size_t>(x)] = start;
        spans.counts[static_cast<size_t>(x)] = std::min(start + spans.spanSize, inSize) - start;
    }
    return spans;
}

void scaleAndTranslate(const ImageView& input, Tensor& output, SamplingKernel kernel,
                       bool antialias, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const Spans rowSpans = computeSpans(kernel, OH, H, antialias);
    const Spans colSpans = computeSpans(kernel, OW, W, antialias);
    const int64_t inRow = W * C, rowFloats = OW * C;
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        // One row of TF's (out_h × in_w) intermediate at a time: the same values, less memory.
        std::vector<float> intermediate(static_cast<size_t>(inRow));
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, y = row % OH;
            float* __restrict mid = intermediate.data();
            std::fill(mid, mid + inRow, 0.0f);
            const float* wy = rowSpans.weights.data() + y * rowSpans.spanSize;
            const int64_t startY = rowSpans.starts[static_cast<size_t>(y)];
            for (int64_t k = 0; k < rowSpans.counts[static_cast<size_t>(y)]; ++k) {
                const float* __restrict src = input.row(b, startY + k);
                const float w = wy[k];
#pragma omp simd
                for (int64_t j = 0; j < inRow; ++j)
                    mid[j] += w * src[j];
            }
            float* dst = out + row * rowFloats;
            for (int64_t x = 0; x < OW; ++x) {
                float* __restrict d = dst + x * C;
                std::fill(d, d + C, 0.0f);
                const float* wx = colSpans.weights.data() + x * colSpans.spanSize;
                const float* __restrict p = mid + colSpans.starts[static_cast<size_t>(x)] * C;
                for (int64_t k = 0; k < colSpans.counts[static_cast<size_t>(x)]; ++k, p += C) {
                    const float w = wx[k];
#pragma omp simd
                    for (int64_t c = 0; c < C; ++c)
                        d[c] += w * p[c];
                }
            }
        }
    });
}

} // namespace layerscope
