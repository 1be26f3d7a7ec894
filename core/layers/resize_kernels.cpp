#include "resize_kernels.h"

#include "../streaming_copy.h"

#include "../parallel.h"

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
// Shared helpers.

namespace {

// Below this many channels a pixel's channel loop is too short to vectorise, so the kernels
// expand their per-x tables to one entry per float of the output row and loop over W·C instead.
constexpr int64_t kFlatChannelLimit = 8;

bool useFlatRows(int64_t channels, int64_t inRowFloats, int64_t outRowFloats)
{
    return channels < kFlatChannelLimit && inRowFloats < (int64_t{1} << 31)
        && outRowFloats < (int64_t{1} << 28);
}

// Enough output floats per chunk that the per-chunk overhead is negligible.
int64_t rowGrain(int64_t rowFloats)
{
    return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, rowFloats));
}

// TF CalculateResizeScale with align_corners=false.
float resizeScale(int64_t in, int64_t out)
{
    return static_cast<float>(in) / static_cast<float>(out);
}

// TF HalfPixelScaler, each operation rounded to float32 (no FMA: -ffp-contract=off).
float halfPixelSource(int64_t i, float scale)
{
    const float centre = static_cast<float>(i) + 0.5f;
    const float scaled = centre * scale;
    return scaled - 0.5f;
}

// dst[j] = top[j] + (bottom[j] − top[j])·f, the vertical bilinear step. The AVX form performs
// the same three IEEE operations per element, so the result is bit-identical to the scalar loop.
void lerpRows(const float* __restrict top, const float* __restrict bottom, float* __restrict dst,
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

void copyImages(const ImageView& input, Tensor& output, const ExecContext& context)
{
    const int64_t H = input.height, rowFloats = input.width * input.channels;
    float* out = output.data();
    parallelChunks(input.batch * H, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row)
            std::memcpy(out + row * rowFloats, input.row(row / H, row % H),
                        sizeof(float) * static_cast<size_t>(rowFloats));
    });
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Bilinear (§4.7.1).

namespace {

struct LerpTap {
    int64_t lo = 0, hi = 0;
    float frac = 0;
};

std::vector<LerpTap> lerpTaps(int64_t in, int64_t out)
{
    const float scale = resizeScale(in, out);
    std::vector<LerpTap> taps(static_cast<size_t>(out));
    for (int64_t i = 0; i < out; ++i) {
        const float src = halfPixelSource(i, scale);
        const float below = std::floor(src);
        LerpTap& t = taps[static_cast<size_t>(i)];
        t.lo = std::max<int64_t>(static_cast<int64_t>(below), 0);
        t.hi = std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), in - 1);
        t.frac = src - below; // from the unclamped floor, as TF does
    }
    return taps;
}

// The horizontal half of bilinear: one source row → one row of x-interpolated values
// (top = TL + (TR − TL)·fx for every output x and channel).
class HorizontalLerp {
public:
    HorizontalLerp(const std::vector<LerpTap>& taps, int64_t channels, int64_t inWidth)
        : m_taps(taps), m_channels(channels), m_outFloats(static_cast<int64_t>(taps.size()) * channels)
    {
        m_flat = useFlatRows(channels, inWidth * channels, m_outFloats);
        if (!m_flat)
            return;
        m_lo.resize(static_cast<size_t>(m_outFloats));
        m_hi.resize(static_cast<size_t>(m_outFloats));
        m_frac.resize(static_cast<size_t>(m_outFloats));
        for (size_t x = 0; x < taps.size(); ++x)
            for (int64_t c = 0; c < channels; ++c) {
                const size_t j = x * static_cast<size_t>(channels) + static_cast<size_t>(c);
                m_lo[j] = static_cast<int32_t>(taps[x].lo * channels + c);
                m_hi[j] = static_cast<int32_t>(taps[x].hi * channels + c);
                m_frac[j] = taps[x].frac;
            }
    }

    void run(const float* __restrict src, float* __restrict dst) const
    {
        // Few channels: fixed-size scalar pixels beat AVX2 gathers (measured for RGB and RGBA).
        if (m_channels == 3) {
            runPixels<3>(src, dst);
            return;
        }
        if (m_channels == 4) {
            runPixels<4>(src, dst);
            return;
        }
        if (m_flat) {
            const int32_t* lo = m_lo.data();
            const int32_t* hi = m_hi.data();
            const float* frac = m_frac.data();
            for (int64_t j = 0; j < m_outFloats; ++j) {
                const float left = src[lo[j]];
                const float right = src[hi[j]];
                dst[j] = left + (right - left) * frac[j];
            }
            return;
        }
        const int64_t C = m_channels;
        for (size_t x = 0; x < m_taps.size(); ++x) {
            const float* __restrict left = src + m_taps[x].lo * C;
            const float* __restrict right = src + m_taps[x].hi * C;
            const float f = m_taps[x].frac;
            float* __restrict d = dst + static_cast<int64_t>(x) * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c)
                d[c] = left[c] + (right[c] - left[c]) * f;
        }
    }

private:
    template <int C>
    void runPixels(const float* __restrict src, float* __restrict dst) const
    {
        for (size_t x = 0; x < m_taps.size(); ++x) {
            const float* left = src + m_taps[x].lo * C;
            const float* right = src + m_taps[x].hi * C;
            const float f = m_taps[x].frac;
            float* d = dst + static_cast<int64_t>(x) * C;
            for (int c = 0; c < C; ++c)
                d[c] = left[c] + (right[c] - left[c]) * f;
        }
    }

    const std::vector<LerpTap>& m_taps;
    int64_t m_channels;
    int64_t m_outFloats;
    bool m_flat = false;
    std::vector<int32_t> m_lo, m_hi;
    std::vector<float> m_frac;
};

} // namespace

void resizeBilinear(const ImageView& input, Tensor& output, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    if (OH == H && OW == W) {
        copyImages(input, output, context);
        return;
    }
    const std::vector<LerpTap> ys = lerpTaps(H, OH);
    const std::vector<LerpTap> xs = lerpTaps(W, OW);
    const HorizontalLerp horizontal(xs, C, W);
    const int64_t rowFloats = OW * C;
    const bool streaming = useStreaming(output);
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        // Two x-interpolated source rows; consecutive output rows mostly share them, so each
        // source row is x-interpolated about once per chunk.
        std::vector<float> cache(static_cast<size_t>(2 * rowFloats));
        int64_t keys[2] = {-1, -1};
        auto fetch = [&](int64_t b, int64_t y, int64_t keepY) -> const float* {
            const int64_t key = b * H + y, keep = b * H + keepY;
            for (int s = 0; s < 2; ++s)
                if (keys[s] == key)
                    return cache.data() + s * rowFloats;
            const int s = keys[0] == keep ? 1 : 0;
            keys[s] = key;
            float* slot = cache.data() + s * rowFloats;
            horizontal.run(input.row(b, y), slot);
            return slot;
        };
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH;
            const LerpTap& t = ys[static_cast<size_t>(row % OH)];
            const float* __restrict top = fetch(b, t.lo, t.hi);
            const float* __restrict bottom = fetch(b, t.hi, t.lo);
            lerpRows(top, bottom, out + row * rowFloats, rowFloats, t.frac, streaming);
        }
        if (streaming)
            streamingFence();
    });
}

// ---------------------------------------------------------------------------------------------
// Nearest (§4.7.2).

static std::vector<int64_t> nearestTaps(int64_t in, int64_t out)
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

struct CubicTap {
    std::array<int64_t, 4> index{};
    std::array<float, 4> weight{};
};

std::vector<CubicTap> cubicTaps(int64_t in, int64_t out)
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

} // namespace

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
    const bool flat = useFlatRows(C, inRow, rowFloats);
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
        std::vector<float> vertical(static_cast<size_t>(inRow));
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
            if (flat) {
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

// ---------------------------------------------------------------------------------------------
// Area (§4.7.4).

namespace {

struct AreaSpan {
    int64_t start = 0, end = 0;       // source cells [start, end), clamped when read
    float startScale = 0, endScale = 0; // weights of the first and the last cell
};

// TF ResizeAreaOp's cell weight for source cell v of the output cell [a, b).
float areaCellScale(int64_t v, float a, float b, float scale)
{
    const float lower = static_cast<float>(v), upper = static_cast<float>(v + 1);
    if (lower < a)
        return upper > b ? scale : upper - a;
    return upper > b ? b - lower : 1.0f;
}

std::vector<AreaSpan> areaSpans(int64_t in, int64_t out)
{
    const float scale = resizeScale(in, out);
    std::vector<AreaSpan> spans(static_cast<size_t>(out));
    for (int64_t o = 0; o < out; ++o) {
        const float a = static_cast<float>(o) * scale;
        const float b = static_cast<float>(o + 1) * scale;
        AreaSpan& s = spans[static_cast<size_t>(o)];
        s.start = static_cast<int64_t>(std::floor(a));
        s.end = static_cast<int64_t>(std::ceil(b));
        s.startScale = areaCellScale(s.start, a, b, scale);
        s.endScale = areaCellScale(s.end - 1, a, b, scale);
    }
    return spans;
}

} // namespace

float areaNormalisation(int64_t inHeight, int64_t outHeight, int64_t inWidth, int64_t outWidth)
{
    const float scaleH = resizeScale(inHeight, outHeight), scaleW = resizeScale(inWidth, outWidth);
    return static_cast<float>(1.0 / static_cast<double>(scaleH * scaleW));
}

namespace {

// TF's x-weighted sum of source row `p` for every output column: sums[x·C + c]. TF forms this
// inside its per-output-pixel loop, but it depends only on the source row and the output column.
void areaRowSums(const float* __restrict p, int64_t W, int64_t C, const std::vector<AreaSpan>& xs,
                 float* __restrict sums)
{
    for (size_t x = 0; x < xs.size(); ++x) {
        const AreaSpan& sx = xs[x];
        float* __restrict sum = sums + static_cast<int64_t>(x) * C;
        const int64_t first = std::clamp<int64_t>(sx.start, 0, W - 1) * C;
        const int64_t last = std::clamp<int64_t>(sx.end - 1, 0, W - 1) * C;
#pragma omp simd
        for (int64_t c = 0; c < C; ++c)
            sum[c] = p[first + c] * sx.startScale;
        if (sx.start + 1 == sx.end)
            continue;
        // Interior weights are exactly 1, so TF adds those cells unweighted.
        for (int64_t i = sx.start + 1; i < sx.end - 1; ++i) {
            const float* __restrict cell = p + std::clamp<int64_t>(i, 0, W - 1) * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c)
                sum[c] += cell[c];
        }
#pragma omp simd
        for (int64_t c = 0; c < C; ++c)
            sum[c] += p[last + c] * sx.endScale;
    }
}

// The row sums of the two source rows used last. Consecutive output rows share source rows (all
// of them when the height is upscaled, the boundary row when it is reduced), so each source row is
// summed about once instead of once per output row that covers it: an 8 → 16384 row upscale of a
// 49152-column row no longer redoes 49152 additions per output pixel.
class AreaRowSumCache {
public:
    AreaRowSumCache(int64_t rowFloats) : m_rows{std::vector<float>(static_cast<size_t>(rowFloats)),
                                                std::vector<float>(static_cast<size_t>(rowFloats))} {}

    const float* sums(const ImageView& input, int64_t b, int64_t y, const std::vector<AreaSpan>& xs)
    {
        for (int slot = 0; slot < 2; ++slot)
            if (m_key[slot] == std::pair{b, y}) {
                m_lastUsed = slot;
                return m_rows[slot].data();
            }
        const int slot = 1 - m_lastUsed;
        areaRowSums(input.row(b, y), input.width, input.channels, xs, m_rows[slot].data());
        m_key[slot] = {b, y};
        m_lastUsed = slot;
        return m_rows[slot].data();
    }

private:
    std::vector<float> m_rows[2];
    std::pair<int64_t, int64_t> m_key[2] = {{-1, -1}, {-1, -1}};
    int m_lastUsed = 1;
};

} // namespace

namespace {

// TF's order: per output pixel, Σ over source rows of (row weight × the row's x-weighted box sum).
void resizeAreaRowsFirst(const ImageView& input, Tensor& output, const std::vector<AreaSpan>& ys,
                         const std::vector<AreaSpan>& xs, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const float scaleH = resizeScale(H, OH);
    const float norm = areaNormalisation(H, OH, W, OW);
    const int64_t rowFloats = OW * C;
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        AreaRowSumCache cache(rowFloats);
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, y = row % OH;
            const AreaSpan& sy = ys[static_cast<size_t>(y)];
            const float a = static_cast<float>(y) * scaleH, bEdge = static_cast<float>(y + 1) * scaleH;
            float* __restrict total = out + row * rowFloats;
            std::fill(total, total + rowFloats, 0.0f);
            // For each output pixel TF adds (row sum × row weight) over the source rows in order,
            // then scales once: the same operations in the same order per element.
            for (int64_t i = sy.start; i < sy.end; ++i) {
                const float* __restrict sums = cache.sums(input, b, std::clamp<int64_t>(i, 0, H - 1), xs);
                const float wy = areaCellScale(i, a, bEdge, scaleH);
#pragma omp simd
                for (int64_t k = 0; k < rowFloats; ++k)
                    total[k] += sums[k] * wy;
            }
#pragma omp simd
            for (int64_t k = 0; k < rowFloats; ++k)
                total[k] = total[k] * norm;
        }
    });
}

// The transposed order, Σ over source columns of (column weight × the column's y-weighted box
// sum): the same weights and cells, rounded in another order. Only for shapes where TF's order
// costs orders of magnitude more, such as a tall single column spread into a wide single row
// (1048576×1 → 1×1048576: every source row summed for every output column).
void resizeAreaColumnsFirst(const ImageView& input, Tensor& output, const std::vector<AreaSpan>& ys,
                            const std::vector<AreaSpan>& xs, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const float scaleH = resizeScale(H, OH);
    const float norm = areaNormalisation(H, OH, W, OW);
    const int64_t rowFloats = OW * C, inRowFloats = W * C;
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        std::vector<float> columnSums(static_cast<size_t>(inRowFloats));
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, y = row % OH;
            const AreaSpan& sy = ys[static_cast<size_t>(y)];
            const float a = static_cast<float>(y) * scaleH, bEdge = static_cast<float>(y + 1) * scaleH;
            float* __restrict sums = columnSums.data();
            std::fill(sums, sums + inRowFloats, 0.0f);
            for (int64_t i = sy.start; i < sy.end; ++i) {
                const float* __restrict p = input.row(b, std::clamp<int64_t>(i, 0, H - 1));
                const float wy = areaCellScale(i, a, bEdge, scaleH);
#pragma omp simd
                for (int64_t k = 0; k < inRowFloats; ++k)
                    sums[k] += p[k] * wy;
            }
            areaRowSums(sums, W, C, xs, out + row * rowFloats);
            float* __restrict total = out + row * rowFloats;
#pragma omp simd
            for (int64_t k = 0; k < rowFloats; ++k)
                total[k] = total[k] * norm;
        }
    });
}

double spanCells(const std::vector<AreaSpan>& spans)
{
    double cells = 0;
    for (const AreaSpan& s : spans)
        cells += static_cast<double>(s.end - s.start);
    return cells;
}

AreaOrder chooseAreaOrder(const std::vector<AreaSpan>& ys, const std::vector<AreaSpan>& xs, int64_t H, int64_t W)
{
    const int64_t OH = static_cast<int64_t>(ys.size()), OW = static_cast<int64_t>(xs.size());
    const double rowCells = spanCells(ys), columnCells = spanCells(xs);
    // Additions per channel: rows first sums each source row's boxes about once and then mixes
    // rows per output pixel; columns first mixes rows per source column and then sums boxes.
    const double rowsFirst = std::min(rowCells, static_cast<double>(H + OH)) * columnCells
                           + rowCells * static_cast<double>(OW);
    const double columnsFirst = rowCells * static_cast<double>(W) + static_cast<double>(OH) * columnCells;
    return rowsFirst > 8 * columnsFirst && rowsFirst > double(1 << 24) ? AreaOrder::ColumnsFirst
                                                                       : AreaOrder::RowsFirst;
}

} // namespace

AreaOrder chooseAreaOrder(int64_t H, int64_t W, int64_t OH, int64_t OW)
{
    return chooseAreaOrder(areaSpans(H, OH), areaSpans(W, OW), H, W);
}

void resizeArea(const ImageView& input, Tensor& output, const ExecContext& context, AreaOrder order)
{
    const int64_t H = input.height, W = input.width;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    if (OH == H && OW == W) {
        copyImages(input, output, context);
        return;
    }
    const std::vector<AreaSpan> ys = areaSpans(H, OH);
    const std::vector<AreaSpan> xs = areaSpans(W, OW);
    if (order == AreaOrder::Auto)
        order = chooseAreaOrder(ys, xs, H, W);
    if (order == AreaOrder::ColumnsFirst)
        resizeAreaColumnsFirst(input, output, ys, xs, context);
    else
        resizeAreaRowsFirst(input, output, ys, xs, context);
}

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

// TF ComputeSpansCore: every output index owns spanSize weights starting at starts[i]; weights
// past the real taps are 0 but are still applied (up to the image edge), as in TF's gather loops.
struct Spans {
    int64_t spanSize = 0;
    float inverse = 1, kernelScale = 1; // the per-axis inverse scale and kernel stretch
    std::vector<int64_t> starts;
    std::vector<int64_t> counts; // min(start + spanSize, in) − start: the taps TF's gather reads
    std::vector<float> weights;  // spanSize per output index
};

int64_t spanSizeFor(SamplingKernel kernel, int64_t outSize, int64_t inSize, bool antialias)
{
    const float scale = static_cast<float>(outSize) / static_cast<float>(inSize);
    const float inverse = static_cast<float>(1.0 / static_cast<double>(scale));
    const float kernelScale = antialias ? std::max(inverse, 1.0f) : 1.0f;
    return std::min<int64_t>(2 * static_cast<int64_t>(std::ceil(kernelRadius(kernel) * kernelScale)) + 1, inSize);
}

Spans computeSpans(SamplingKernel kernel, int64_t outSize, int64_t inSize, bool antialias)
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

} // namespace

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
