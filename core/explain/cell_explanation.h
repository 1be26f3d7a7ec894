#pragma once
// Value inspection: why one output cell of a layer has the value it has.
//
// explainCell(layer, input, cell) recomputes a single output value of `layer` on `input` from the
// input cells it depends on, and returns those cells (with their values and weights), the
// intermediate numbers (Conv2D's per-input-channel partial sums, bias and activation; a resize's
// per-axis taps and source coordinates; a crop or pad) and the arithmetic as text with the real
// numbers. It never runs the whole layer: the cost is the size of the cell's window (a resize
// builds its two per-axis tap tables, O(output height + width)).
//
// Each layer explains itself beside its math (Layer::explainOutputCell in core/layers/, with the
// formatting and indexing helpers of explain_support.h; the resize explainer shared by Resizing
// and UpSampling2D is core/layers/resize_explain.cpp). explainCell checks the shapes and the cell,
// dispatches, and fills in the layer's name, class and formats. The value types are in
// cell_explanation_types.h.
//
// The numbers are the engine's: resize taps come from resizeAxisTaps (the kernels' own tables),
// padding splits from windowAxis, activations from activations.h. Every layer but Conv2D is
// recomputed in its kernel's own evaluation order (AveragePooling2D's row-major float sum and one
// division, GlobalAveragePooling2D's double sum, the resize kernels' separable passes, including
// ScaleAndTranslate's rows-then-columns accumulation for lanczos and antialias) and equals the
// layer's output bit for bit (`exact` is true). Conv2D sums in double, not in the engine's GEMM
// order, and agrees within about 1e-5 relative (`exact` is false).
//
// Coordinates: a CellIndex names the semantic batch, row, column and channel of a cell, whatever
// the layer's data_format; tensorOffset turns it into a flat index of a tensor in a given layout.
// Tensors of rank < 4 use the trailing fields: rank 3 (H, W, C) → y, x, c (Resizing's single
// image); rank 2 (B, C) → b, c (GlobalAveragePooling2D without keepdims); rank 1 → c. Tile, which
// has no data_format, treats a rank-4 tensor's axes as (b, y, x, c) in storage order.
// Input cells may lie outside the image (SAME padding, Resizing's pad_to_aspect_ratio): their
// `padding` flag is set, their coordinates are negative or ≥ the size, and their value is what the
// kernel would see there (0 for a convolution's zero padding, fill_value for a pad; a pooling pad
// cell is not counted at all).


#include "core/explain/cell_explanation_types.h"
#include "core/layer.h"

namespace layerscope {

// Throws LayerError when `input` does not fit the layer (the layer's own shape error), and
// std::out_of_range when `outputCell` lies outside the layer's output. Dispatches to the layer's
// explainOutputCell (each layer explains itself beside its math, in core/layers/).
CellExplanation explainCell(const Layer& layer, const Tensor& input, const CellIndex& outputCell);
// The same for a layer called on several inputs (a merge); ContributingCell::input says which
// input each cell is in.
CellExplanation explainCellInputs(const Layer& layer, const std::vector<const Tensor*>& inputs,
                                  const CellIndex& outputCell);

} // namespace layerscope
