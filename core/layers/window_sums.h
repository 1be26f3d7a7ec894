#pragma once
// Sums of sliding windows along one axis in time independent of the window length, for average
// pooling with windows far larger than their stride (a 500×500 SAME pool over a 1000×1000 map
// would otherwise add every window cell for every output: quadratic in the map size).
//
// Why not a summed-area table or a running sum: both subtract, so one 1e30 elsewhere in the row
// swamps every later window and an Inf turns later windows into NaN. Instead the axis is cut into
// blocks as long as the window, aligned with the window starts (block m starts at m·window −
// padBefore). A window then covers the tail of one block and the head of the next, so its sum is
// suffix[first] + prefix[last], both built only from the window's own cells: no cancellation,
// and NaN/Inf propagate as in a direct sum. (The van Herk / Gil-Werman trick used for running
// max filters, applied to sums; no library offers it for float sums with TF's SAME clipping.)

#include <cstdint>

namespace layerscope {

struct WindowGeometry {
    int64_t positions = 0; // length of the axis
    int64_t window = 1;    // window length before clipping
    int64_t stride = 1;
    int64_t padBefore = 0; // window o covers [o·stride − padBefore, + window) ∩ [0, positions)
    int64_t outputs = 0;

    int64_t firstCell(int64_t o) const;       // clipped, inclusive
    int64_t endCell(int64_t o) const;         // clipped, exclusive
};

// Element (p, lane) of the source lives at src[p · laneStride + lane]; lanes [laneBegin, laneEnd)
// are summed independently. dst gets element (o, lane) at dst[o · laneStride' + lane] with
// laneStride' = dstLaneStride. prefix and suffix are scratch of positions × (laneEnd − laneBegin)
// floats each.
void windowSumsAlongAxis(const float* src, int64_t laneStride, int64_t laneBegin, int64_t laneEnd,
                         float* dst, int64_t dstLaneStride, const WindowGeometry& geometry,
                         float* prefix, float* suffix);

} // namespace layerscope
