#pragma once
// The input moved by whole pixels, for Compare's "shift the input" variants (how far a layer is
// from shift equivariance: Zhang, "Making Convolutional Networks Shift-Invariant Again", 2019).
// Same shape as the input: the content moves (dy, dx) pixels down and right (negative: up and
// left), and the rows and columns it uncovers repeat the nearest edge pixel, so no black border
// appears that every layer would answer as a strong edge.

#include "../tensor.h"

#include <cstdint>

namespace layerscope {

// `image`: rank 4 NHWC. Throws std::invalid_argument for another rank.
Tensor shiftedInput(const Tensor& image, int64_t dy, int64_t dx);

} // namespace layerscope
