// TF ResizeBilinear (resize_kernels.h): the per-axis lerp tables and the separable kernel.
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
// Bilinear (§4.7.1).

namespace {

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

std::vector<LerpTap> resize_detail::lerpTaps(int64_t in, int64_t out)
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

} // namespace layerscope
