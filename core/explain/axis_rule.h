#pragma once
// The receptive-field arithmetic the layers' mapOutputRegion and outputAxisWindows share
// (receptive_field.h lists each layer's rule): how one spatial axis maps output indices back to
// input indices, built once per layer and axis so that a per-index query (step-through) costs O(1)
// and a range query O(range), and the generic mapping of a layer with a data_format whose batch
// is copied, rows and columns follow two AxisRules and channels a layer-given map.

#include "core/explain/region.h"
#include "core/layers/resize_kernels.h"
#include "core/shape_math.h"

#include <array>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace layerscope {

struct AxisRule {
    enum class Kind { Window, Repeat, Resize, Whole };
    Kind kind = Kind::Whole;
    int64_t inSize = 0;
    int64_t stride = 1, padBefore = 0, extent = 1; // Window: [o·s − pad, o·s − pad + extent − 1]
    int64_t factor = 1;                            // Repeat: ⌊o / factor⌋
    std::vector<AxisTaps> taps;                    // Resize (empty: same-size copy)
    int64_t offset = 0;                            // Resize: + crop offset / − pad
    // Conv2D with an axis −1 activation along this axis (channels_first width): the activated
    // index o reads conv indices [o, o + widen], or the whole conv axis.
    int64_t widen = 0;
    bool widenToAll = false;
    int64_t convSize = 0;

    // The input interval (clipped, unclipped) of the output interval (clipped o, unclipped u).
    std::pair<Interval, Interval> apply(Interval o, Interval u) const;
};

// A sliding window of k taps d apart, stride s, over n inputs with `padding`.
AxisRule windowRule(int64_t n, int64_t k, int64_t s, int64_t d, Padding padding, const char* name);
// A resize of n (after crop / pad) to m along an axis of inSize inputs, shifted by `offset`.
AxisRule resizeRule(int64_t inSize, Interpolation mode, bool antialias, int64_t n, int64_t m, int64_t offset,
                    bool sameSizeCopy);

Interval wholeAxis(int64_t n);

// The back mapping of a layer with a data_format: batch copied, channels through `channels` (null:
// copied), rows and columns through `rules`. An output without spatial axes (global pooling
// without keepdims) maps as one output index.
RegionMapping mapSpatialRegion(const Shape& input, const Shape& output, DataFormat format,
                               const std::array<AxisRule, 2>& rules, const std::vector<Interval>& clipped,
                               const std::vector<Interval>& unclipped,
                               const std::function<Interval(Interval)>& channels = {});
// Every output index's input window along spatial axis 0 / 1 by `rule`.
std::vector<AxisWindow> spatialWindows(const Shape& output, DataFormat format, const AxisRule& rule,
                                       int spatialAxis);

} // namespace layerscope
