// The resize kernels' shared parts (resize_kernels.h): interpolation names, the crop and pad
// geometry, the dispatch to the kernels (one file per TF kernel) and the per-axis taps.
#include "resize_kernels.h"

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

std::optional<Interpolation> parseInterpolation(const std::string& text)
{
    static const std::pair<const char*, Interpolation> names[] = {
        {"bilinear", Interpolation::Bilinear}, {"nearest", Interpolation::Nearest},
        {"lanczos3", Interpolation::Lanczos3}, {"lanczos5", Interpolation::Lanczos5},
        {"bicubic", Interpolation::Bicubic},   {"area", Interpolation::Area}};
    for (const auto& [name, value] : names)
        if (text == name)
            return value;
    return std::nullopt;
}

std::string interpolationName(Interpolation interpolation)
{
    switch (interpolation) {
    case Interpolation::Bilinear: return "bilinear";
    case Interpolation::Nearest: return "nearest";
    case Interpolation::Lanczos3: return "lanczos3";
    case Interpolation::Lanczos5: return "lanczos5";
    case Interpolation::Bicubic: return "bicubic";
    case Interpolation::Area: return "area";
    }
    return "bilinear";
}

std::string interpolationErrorMessage(const std::string& received)
{
    return "Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', "
           "'lanczos3', 'lanczos5', 'bicubic', 'area'). Received: interpolation="
         + received;
}

ImageView ImageView::of(const Tensor& nhwc)
{
    assert(nhwc.rank() == 4);
    ImageView view;
    view.data = nhwc.data();
    view.batch = nhwc.dim(0);
    view.height = nhwc.dim(1);
    view.width = nhwc.dim(2);
    view.channels = nhwc.dim(3);
    view.rowStride = view.width * view.channels;
    view.batchStride = view.height * view.rowStride;
    return view;
}

ImageView ImageView::cropped(int64_t top, int64_t left, int64_t h, int64_t w) const
{
    assert(top >= 0 && left >= 0 && top + h <= height && left + w <= width);
    ImageView view = *this;
    view.data = data + top * rowStride + left * channels;
    view.height = h;
    view.width = w;
    return view;
}

// ---------------------------------------------------------------------------------------------
// Crop and pad geometry (§4.4, §4.5). TF computes these with int32 products converted to float32
// and a float32 division, truncated back to int32; the float rounding is part of the result.

// trunc(f32(a·b) / f32(c)) for positive a, b, c. The product is formed in 128 bits (absurd target
// sizes such as 2^62 must not overflow) and converted to float32 with one rounding, as before; a
// quotient beyond 2^62 is clamped there (the callers only compare it with real sizes, and the
// memory guard refuses anything that large).
static int64_t truncatedRatio(int64_t a, int64_t b, int64_t c)
{
    const __int128 product = static_cast<__int128>(a) * static_cast<__int128>(b);
    const float quotient = static_cast<float>(product) / static_cast<float>(c);
    constexpr float kMax = static_cast<float>(int64_t{1} << 62);
    return quotient >= kMax ? int64_t{1} << 62 : static_cast<int64_t>(quotient);
}

static int64_t halfOf(int64_t difference)
{
    return static_cast<int64_t>(static_cast<float>(difference) / 2.0f);
}

AspectFit cropToAspectRatio(int64_t inHeight, int64_t inWidth, int64_t height, int64_t width)
{
    AspectFit fit;
    fit.kind = AspectFit::Kind::Crop;
    fit.height = std::max<int64_t>(std::min(inHeight, truncatedRatio(inWidth, height, width)), 1);
    fit.width = std::max<int64_t>(std::min(inWidth, truncatedRatio(inHeight, width, height)), 1);
    fit.top = halfOf(inHeight - fit.height);
    fit.left = halfOf(inWidth - fit.width);
    return fit;
}

AspectFit padToAspectRatio(int64_t inHeight, int64_t inWidth, int64_t height, int64_t width)
{
    AspectFit fit;
    fit.kind = AspectFit::Kind::Pad;
    fit.targetPadHeight = std::max(inHeight, truncatedRatio(inWidth, height, width));
    fit.targetPadWidth = std::max(inWidth, truncatedRatio(inHeight, width, height));
    const int64_t offHeight = halfOf(fit.targetPadHeight - inHeight);
    const int64_t offWidth = halfOf(fit.targetPadWidth - inWidth);
    // Keras concatenates the same number of fill rows above and below (or columns left and right),
    // so an odd difference loses one row or column; rows win if both were positive.
    if (offHeight > 0)
        fit.top = offHeight;
    else if (offWidth > 0)
        fit.left = offWidth;
    fit.height = inHeight + 2 * fit.top;
    fit.width = inWidth + 2 * fit.left;
    return fit;
}

Tensor padImages(const ImageView& input, const AspectFit& fit, float fill)
{
    const int64_t C = input.channels;
    const int64_t PH = input.height + 2 * fit.top, PW = input.width + 2 * fit.left;
    Tensor padded = Tensor::uninitialized({input.batch, PH, PW, C});
    float* out = padded.data();
    for (int64_t b = 0; b < input.batch; ++b) {
        for (int64_t y = 0; y < PH; ++y) {
            float* dst = out + (b * PH + y) * PW * C;
            const int64_t sy = y - fit.top;
            if (sy < 0 || sy >= input.height) {
                std::fill(dst, dst + PW * C, fill);
                continue;
            }
            std::fill(dst, dst + fit.left * C, fill);
            std::memcpy(dst + fit.left * C, input.row(b, sy), sizeof(float) * static_cast<size_t>(input.width * C));
            std::fill(dst + (fit.left + input.width) * C, dst + PW * C, fill);
        }
    }
    return padded;
}

// ---------------------------------------------------------------------------------------------
// Dispatch (§4.6).

ResizeMethod resizeMethod(Interpolation interpolation, bool antialias)
{
    switch (interpolation) {
    case Interpolation::Bilinear: return antialias ? ResizeMethod::ScaleAndTranslate : ResizeMethod::Bilinear;
    case Interpolation::Bicubic: return antialias ? ResizeMethod::ScaleAndTranslate : ResizeMethod::Bicubic;
    case Interpolation::Nearest: return ResizeMethod::Nearest; // antialias is ignored by TF
    case Interpolation::Area: return ResizeMethod::Area;       // always a box filter
    case Interpolation::Lanczos3:
    case Interpolation::Lanczos5: return ResizeMethod::ScaleAndTranslate;
    }
    return ResizeMethod::Bilinear;
}

SamplingKernel samplingKernelFor(Interpolation interpolation)
{
    switch (interpolation) {
    case Interpolation::Bilinear: return SamplingKernel::Triangle;
    case Interpolation::Bicubic: return SamplingKernel::KeysCubic;
    case Interpolation::Lanczos5: return SamplingKernel::Lanczos5;
    default: return SamplingKernel::Lanczos3;
    }
}

bool copiesWhenSameSize(ResizeMethod method)
{
    return method == ResizeMethod::Bilinear || method == ResizeMethod::Bicubic || method == ResizeMethod::Area;
}

void resizeImages(const ImageView& input, Tensor& output, Interpolation interpolation,
                  bool antialias, const ExecContext& context)
{
    switch (resizeMethod(interpolation, antialias)) {
    case ResizeMethod::Bilinear: return resizeBilinear(input, output, context);
    case ResizeMethod::Bicubic: return resizeBicubic(input, output, context);
    case ResizeMethod::Nearest: return resizeNearest(input, output, context);
    case ResizeMethod::Area: return resizeArea(input, output, context);
    case ResizeMethod::ScaleAndTranslate:
        return scaleAndTranslate(input, output, samplingKernelFor(interpolation), antialias, context);
    }
}

// ---------------------------------------------------------------------------------------------
// Per-axis taps for explanations, converted from the kernels' own tables.

std::vector<AxisTaps> resizeAxisTaps(Interpolation interpolation, bool antialias, int64_t inSize,
                                     int64_t outSize)
{
    std::vector<AxisTaps> result(static_cast<size_t>(std::max<int64_t>(outSize, 0)));
    if (inSize <= 0 || outSize <= 0)
        return result;
    const float scale = resizeScale(inSize, outSize);
    switch (resizeMethod(interpolation, antialias)) {
    case ResizeMethod::Bilinear: {
        const std::vector<LerpTap> taps = lerpTaps(inSize, outSize);
        for (int64_t i = 0; i < outSize; ++i) {
            const LerpTap& t = taps[static_cast<size_t>(i)];
            AxisTaps& a = result[static_cast<size_t>(i)];
            a.scale = scale;
            a.source = halfPixelSource(i, scale);
            a.fraction = t.frac;
            a.indices = {t.lo, t.hi};
            const int64_t below = static_cast<int64_t>(std::floor(a.source));
            a.requested = {below, static_cast<int64_t>(std::ceil(a.source))};
            a.weights = {1.0f - t.frac, t.frac};
        }
        break;
    }
    case ResizeMethod::Nearest: {
        const std::vector<int64_t> taps = nearestTaps(inSize, outSize);
        for (int64_t i = 0; i < outSize; ++i) {
            AxisTaps& a = result[static_cast<size_t>(i)];
            a.scale = scale;
            a.source = (static_cast<float>(i) + 0.5f) * scale;
            a.indices = {taps[static_cast<size_t>(i)]};
            a.requested = {static_cast<int64_t>(std::floor(a.source))};
            a.weights = {1.0f};
        }
        break;
    }
    case ResizeMethod::Bicubic: {
        const std::vector<CubicTap> taps = cubicTaps(inSize, outSize);
        for (int64_t i = 0; i < outSize; ++i) {
            const CubicTap& t = taps[static_cast<size_t>(i)];
            AxisTaps& a = result[static_cast<size_t>(i)];
            a.scale = scale;
            a.source = halfPixelSource(i, scale);
            const int64_t base = static_cast<int64_t>(std::floor(a.source));
            a.indices.assign(t.index.begin(), t.index.end());
            a.requested = {base - 1, base, base + 1, base + 2};
            a.weights.assign(t.weight.begin(), t.weight.end());
        }
        break;
    }
    case ResizeMethod::Area: {
        const std::vector<AreaSpan> spans = areaSpans(inSize, outSize);
        for (int64_t i = 0; i < outSize; ++i) {
            const AreaSpan& span = spans[static_cast<size_t>(i)];
            AxisTaps& a = result[static_cast<size_t>(i)];
            a.scale = scale;
            a.source = static_cast<float>(i) * scale;
            a.sourceEnd = static_cast<float>(i + 1) * scale;
            for (int64_t v = span.start; v < span.end; ++v) {
                a.indices.push_back(std::clamp<int64_t>(v, 0, inSize - 1));
                a.requested.push_back(v);
                a.weights.push_back(areaCellScale(v, a.source, a.sourceEnd, scale));
            }
        }
        break;
    }
    case ResizeMethod::ScaleAndTranslate: {
        const SamplingKernel kernel = samplingKernelFor(interpolation);
        const Spans spans = computeSpans(kernel, outSize, inSize, antialias);
        for (int64_t i = 0; i < outSize; ++i) {
            AxisTaps& a = result[static_cast<size_t>(i)];
            a.scale = spans.inverse;
            a.kernelScale = spans.kernelScale;
            a.source = (static_cast<float>(i) + 0.5f) * spans.inverse;
            const int64_t start = spans.starts[static_cast<size_t>(i)];
            const float* w = spans.weights.data() + i * spans.spanSize;
            for (int64_t k = 0; k < spans.counts[static_cast<size_t>(i)]; ++k) {
                a.indices.push_back(start + k);
                a.requested.push_back(start + k);
                a.weights.push_back(w[k]);
            }
        }
        break;
    }
    }
    return result;
}

int64_t resizeScratchBytes(const ImageView& input, int64_t outHeight, int64_t outWidth,
                           Interpolation interpolation, bool antialias, int threads)
{
    // In long double, saturated on return: the sizes may be absurd (a target height of 2^62) and
    // the memory guard must get a large number, not a wrapped one.
    using Bytes = long double;
    const auto saturate = [](Bytes bytes) {
        return bytes >= 9e18L ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(bytes);
    };
    const Bytes C = static_cast<Bytes>(input.channels), inRow = static_cast<Bytes>(input.width) * C,
                outRow = static_cast<Bytes>(outWidth) * C;
    const Bytes flat = outRow < static_cast<Bytes>(int64_t{1} << 28)
                               && useFlatRows(input.channels, input.width * input.channels,
                                              static_cast<int64_t>(outRow))
                           ? outRow : 0;
    const Bytes axes = static_cast<Bytes>(outHeight) + static_cast<Bytes>(outWidth);
    const Bytes f = sizeof(float);
    const Bytes perThread = threads;
    switch (interpolation) {
    case Interpolation::Bilinear:
        if (!antialias)
            return saturate(axes * 24 + flat * 12 + perThread * 2 * outRow * f);
        break;
    case Interpolation::Bicubic:
        if (!antialias)
            return saturate(axes * 48 + flat * 32 + perThread * inRow * f);
        break;
    case Interpolation::Nearest:
        return saturate(axes * 8 + flat * 4);
    case Interpolation::Area:
        return saturate(axes * 24 + perThread * std::max(2 * outRow, inRow) * f);
    case Interpolation::Lanczos3:
    case Interpolation::Lanczos5:
        break;
    }
    const SamplingKernel kernel = interpolation == Interpolation::Bilinear ? SamplingKernel::Triangle
                                : interpolation == Interpolation::Bicubic ? SamplingKernel::KeysCubic
                                : interpolation == Interpolation::Lanczos3 ? SamplingKernel::Lanczos3
                                                                           : SamplingKernel::Lanczos5;
    const Bytes spanRows = static_cast<Bytes>(spanSizeFor(kernel, outHeight, input.height, antialias));
    const Bytes spanCols = static_cast<Bytes>(spanSizeFor(kernel, outWidth, input.width, antialias));
    return saturate((static_cast<Bytes>(outHeight) * spanRows + static_cast<Bytes>(outWidth) * spanCols) * f
                    + axes * 16 + perThread * inRow * f);
}

} // namespace layerscope
