#pragma once
// What Flatten, Reshape and Permute share: row-major index arithmetic over tensors of any rank
// (1..4), the back mapping of an output box to the bounding box of the input cells it touches, and
// step-through windows derived from that mapping. These layers see axis 0 as the batch axis (as
// Keras does), whatever the rank.

#include "../explain/region.h"
#include "../explain/cell_explanation_types.h"
#include "../tensor.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace layerscope {

// Row-major index of `flat` in `dims`, and back.
std::vector<int64_t> unravelIndex(int64_t flat, const Shape& dims);
int64_t ravelIndex(const std::vector<int64_t>& index, const Shape& dims);
// The semantic cell of a storage index of a tensor read in `format` (the inverse of axisIndex).
CellIndex cellFromStorage(const std::vector<int64_t>& index, DataFormat format);
// "(0, 3, 2, 1)".
std::string indexText(const std::vector<int64_t>& index);

// Per-axis bounding box of the cells of a row-major flat range [first, last] over `dims`.
std::vector<Interval> flatRangeBox(int64_t first, int64_t last, const Shape& dims);

// The back mapping of a layer whose output cell at storage index o reads one input cell:
// `runSource` maps a contiguous run of output flat offsets (within one batch item, batch excluded)
// to the bounding box of the input cells it reads (input axes 1.., batch excluded). The output box
// is cut into such runs; the result is their union with the batch interval copied.
RegionMapping mapRunsBack(const Shape& input, const Shape& output, const std::vector<Interval>& box,
                          const std::function<std::vector<Interval>(int64_t first, int64_t last)>& runSource);

// Step-through windows from a layer's region mapping: per index of the output's rows (spatial
// axis 0) or columns (1) axis as `format` reads it, the input's rows / columns interval of the
// slab at that index; one whole-map window when the output has no such axis.
std::vector<AxisWindow> slabWindows(const Shape& input, const Shape& output, DataFormat format, int spatialAxis,
                                    const std::function<RegionMapping(const std::vector<Interval>&)>& mapBack);

} // namespace layerscope
