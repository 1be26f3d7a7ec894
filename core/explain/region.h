#pragma once
// The boxes a receptive field is made of (see receptive_field.h). Apart from receptive_field.h so
// that Layer can declare its back mapping without including the pipeline.

#include "core/layout.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace layerscope {

struct Interval {
    int64_t first = 0, last = -1; // inclusive; first > last is empty
    int64_t size() const { return last >= first ? last - first + 1 : 0; }
    bool empty() const { return last < first; }
    bool operator==(const Interval&) const = default;
};

// The roles of a tensor's axes as a layer of `format` reads them: rank 4 (b, y, x, c) or
// (b, c, y, x); rank 3 (y, x, c) or (c, y, x); rank 2 (b, c); rank 1 (c). −1 when absent.
struct AxisRoles {
    int batch = -1, rows = -1, cols = -1, channels = -1;
};
AxisRoles axisRoles(size_t rank, DataFormat format);

// One layer's back mapping of an output region: clipped and unclipped boxes over the input's axes.
struct RegionMapping {
    std::vector<Interval> clipped, unclipped;
};

// The input window of one output index along a spatial axis.
struct AxisWindow {
    Interval clipped, unclipped;
};

} // namespace layerscope
