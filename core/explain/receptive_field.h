#pragma once
// Receptive fields: which cells of every earlier tensor an output region depends on.
//
// A region is a box over a tensor's axes in storage order, one inclusive Interval per axis, so
// batch and channels travel along with rows and columns (a grouped convolution narrows the
// channels; a glu or softmax over the filters widens them to all). Each layer maps a region of its
// output back to its input in its own files (Layer::mapOutputRegion, in core/layers/, most through
// the per-axis rules of axis_rule.h); mapRegionBack dispatches to it:
//   AveragePooling2D, Conv2D   [o0·s − pad, o1·s − pad + ek − 1], ek = d·(k − 1) + 1
//   UpSampling2D nearest       [⌊o0 / size⌋, ⌊o1 / size⌋]
//   Resizing, UpSampling2D     the union of the taps with a non-zero weight (resizeAxisTaps, the
//                              kernels' own tables), shifted by the crop offset or the pad
//   Tile                       o mod n; a region that wraps or is at least n long covers the axis
//   GlobalAveragePooling2D     the whole map
// Two extents are carried: `clipped`, the cells that exist (what an overlay highlights), and
// `unclipped`, the same arithmetic without clipping to the tensor (the theoretical receptive field,
// reaching into SAME padding, drawn hatched). For windowed and copied axes the unclipped extent is
// propagated as such from layer to layer, so a border cell of two 3×3 SAME convolutions reports a
// clipped 4×4 and an unclipped 5×5 region of the input. Resize, tile and global pooling axes start
// their unclipped extent afresh from the clipped one (their arithmetic is not linear).

#include "core/explain/region.h"
#include "core/layout.h"
#include "core/pipeline.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

struct TensorRegion {
    Shape shape;
    DataFormat format = DataFormat::ChannelsLast; // how this tensor's axes are read (see receptiveField)
    std::vector<Interval> clipped;   // one per axis, inside the tensor
    std::vector<Interval> unclipped; // one per axis, may extend past the edges (padding)

    bool spatial() const { return axisRoles(shape.size(), format).rows >= 0; }
    // The spatial part (empty Intervals for a tensor without spatial axes).
    Interval rows() const;
    Interval cols() const;
    Interval rowsUnclipped() const;
    Interval colsUnclipped() const;
};

// One layer's back mapping of an output region (clipped and unclipped boxes over the output's
// axes) to its input. Throws LayerError when the input shape does not fit the layer and
// std::invalid_argument for a box of the wrong rank.
RegionMapping mapRegionBack(const Layer& layer, const Shape& inputShape, const std::vector<Interval>& outputClipped,
                            const std::vector<Interval>& outputUnclipped);

// The same for a layer called on several inputs: one mapping per input.
std::vector<RegionMapping> mapRegionBackInputs(const Layer& layer, const std::vector<Shape>& inputShapes,
                                               const std::vector<Interval>& outputClipped,
                                               const std::vector<Interval>& outputUnclipped);
// The input window of every output index along one spatial axis (0 = rows, 1 = columns) of a
// layer, built once (a resize's taps are tabulated once): for step-through, O(1) per cell after.
std::vector<AxisWindow> spatialAxisWindows(const Layer& layer, const Shape& inputShape, int spatialAxis);

struct ReceptiveField {
    // tensors[0] is the pipeline input, tensors[i + 1] the output of layer i, up to the selected
    // layer's output (which holds the selected region itself).
    std::vector<TensorRegion> tensors;
    // The region of the pipeline input in input pixels: clipped (cells that exist) and unclipped.
    int64_t height = 0, width = 0;
    int64_t extentHeight = 0, extentWidth = 0;
    std::string text; // e.g. "5×5 input pixels (rows 3…7, columns 10…14)"
};

// The dependency region of rows [y0, y1] × cols [x0, x1] (inclusive, all channels, one batch item)
// of layer `layerIndex`'s output, traced back to the pipeline input. The region is clipped to the
// output. For an output without spatial axes (GlobalAveragePooling2D without keepdims) the rows
// and columns are ignored. A tensor's `format` is the data_format of the layer that produced it
// (Tile keeps its input's; the pipeline input takes the first layer's). Throws
// std::invalid_argument when the chain fails before `layerIndex` or the index is past the end.
ReceptiveField receptiveField(const Pipeline& pipeline, const Shape& inputShape, size_t layerIndex,
                              Interval rows, Interval cols, int64_t batch = 0);

// The data_format a layer reads and writes its tensors in; nullopt for layers without one (Tile).
// Layer::dataFormat, kept as a free function for its callers.
std::optional<DataFormat> layerDataFormat(const Layer& layer);

} // namespace layerscope
