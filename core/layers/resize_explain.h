#pragma once
// What Resizing and UpSampling2D (other than nearest) share beyond the kernels: the explanation of
// one output cell of a resize (Layer::explainOutputCell) and its per-axis receptive-field rules
// (Layer::mapOutputRegion), both from resizeAxisTaps, the kernels' own tap tables.

#include "../explain/axis_rule.h"
#include "../explain/cell_explanation_types.h"
#include "resize_kernels.h"

#include <array>
#include <cstdint>

namespace layerscope {

// Output cell `cell` of resizing `input` (read in `format`), cropped or padded by `fit` (pad cells
// hold `fill`), to outHeight × outWidth, recomputed in the kernel's evaluation order.
CellExplanation explainResize(const Tensor& input, const CellIndex& cell, DataFormat format,
                              Interpolation interpolation, bool antialias, const AspectFit& fit, float fill,
                              int64_t outHeight, int64_t outWidth);

// The rows and columns rules of the same resize of an inHeight × inWidth input: the union of the
// taps with a non-zero weight, shifted by the crop offset or the pad.
std::array<AxisRule, 2> resizeAxisRules(int64_t inHeight, int64_t inWidth, Interpolation interpolation,
                                        bool antialias, const AspectFit& fit, int64_t outHeight, int64_t outWidth);

} // namespace layerscope
