#pragma once
// Compare two outputs of equal shape (two pipelines, or two variants of one layer, on the same
// input): the element-wise difference a − b as a tensor for a heatmap, the largest |a − b| and
// where it is, and the mean |a − b|.
// NaN and infinities: positions where both values are NaN, or both the same infinity, count as
// equal (difference 0); a NaN on one side only is a mismatch, counted in nanMismatches, with a NaN
// difference, and is left out of max / mean (which are over the finite differences).

#include "core/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope {

struct TensorDifference {
    Tensor difference;                 // a − b, same shape as the inputs
    double maxAbs = 0;                 // max |a − b|
    int64_t maxIndex = -1;             // flat index of the max (−1 when the tensors are empty)
    std::vector<int64_t> maxPosition;  // the same as a per-axis index
    float aAtMax = 0, bAtMax = 0;
    double meanAbs = 0;                // mean |a − b| over the compared positions
    int64_t differing = 0;             // positions with a ≠ b
    int64_t nanMismatches = 0;         // NaN on one side only
    bool identical() const { return differing == 0; }
    std::string summary() const;       // "max |difference| 0.25 at (0, 3, 4, 1) (1.5 vs 1.25); mean 0.031; 12 of 48 differ"
};

// Throws std::invalid_argument naming both shapes when they differ.
TensorDifference tensorDifference(const Tensor& a, const Tensor& b);

} // namespace layerscope
