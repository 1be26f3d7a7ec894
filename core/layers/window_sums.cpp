#include "window_sums.h"

#include <algorithm>

namespace layerscope {

int64_t WindowGeometry::firstCell(int64_t o) const
{
    return std::max<int64_t>(o * stride - padBefore, 0);
}

int64_t WindowGeometry::endCell(int64_t o) const
{
    return std::min<int64_t>(o * stride - padBefore + window, positions);
}

void windowSumsAlongAxis(const float* src, int64_t laneStride, int64_t laneBegin, int64_t laneEnd,
                         float* dst, int64_t dstLaneStride, const WindowGeometry& g, float* prefix,
                         float* suffix)
{
    const int64_t lanes = laneEnd - laneBegin;
    const int64_t n = g.positions;
    // Offset of p inside its block; padBefore < window always (TF's SAME split), so p + padBefore
    // is never negative.
    const auto offsetInBlock = [&](int64_t p) { return (p + g.padBefore) % g.window; };

    for (int64_t p = 0; p < n; ++p) {
        const float* in = src + p * laneStride + laneBegin;
        float* out = prefix + p * lanes;
        if (p == 0 || offsetInBlock(p) == 0) {
            std::copy(in, in + lanes, out);
        } else {
            const float* previous = out - lanes;
#pragma omp simd
            for (int64_t l = 0; l < lanes; ++l)
                out[l] = previous[l] + in[l];
        }
    }
    for (int64_t p = n - 1; p >= 0; --p) {
        const float* in = src + p * laneStride + laneBegin;
        float* out = suffix + p * lanes;
        if (p == n - 1 || offsetInBlock(p + 1) == 0) {
            std::copy(in, in + lanes, out);
        } else {
            const float* next = out + lanes;
#pragma omp simd
            for (int64_t l = 0; l < lanes; ++l)
                out[l] = in[l] + next[l];
        }
    }

    for (int64_t o = 0; o < g.outputs; ++o) {
        const int64_t first = g.firstCell(o), last = g.endCell(o) - 1;
        float* out = dst + o * dstLaneStride + laneBegin;
        const int64_t blockStart = first - offsetInBlock(first);
        if (last < first) { // cannot happen for shapes inference accepts; an empty sum is 0
            std::fill(out, out + lanes, 0.0f);
        } else if (last - offsetInBlock(last) != blockStart) {
            // Tail of one block plus head of the next.
            const float* tail = suffix + first * lanes;
            const float* head = prefix + last * lanes;
#pragma omp simd
            for (int64_t l = 0; l < lanes; ++l)
                out[l] = tail[l] + head[l];
        } else if (first == std::max<int64_t>(blockStart, 0)) {
            // One block from its (clipped) start: a prefix.
            std::copy(prefix + last * lanes, prefix + (last + 1) * lanes, out);
        } else {
            // One block to its (clipped) end: a suffix.
            std::copy(suffix + first * lanes, suffix + (first + 1) * lanes, out);
        }
    }
}

} // namespace layerscope
