#pragma once
// What every layer's cell explainer (Layer::explainOutputCell, in core/layers/) shares: number and
// term formatting, semantic (b, y, x, c) indexing of tensors in either layout, and the window
// bookkeeping. Internal to the explainers (namespace explain); the public types are in
// cell_explanation_types.h.

#include "core/explain/cell_explanation_types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope::explain {

// An index with U+2212 for minus (padding cells and clamped taps lie at negative indices).
std::string intText(int64_t v);
// A term inside a sum: negatives in parentheses, "3.12 + (−0.4)".
std::string term(double value);
// "a + b + c", or the first few and the last of a long list: "a + b + … + z".
std::string joinTerms(const std::vector<std::string>& terms, const std::string& separator = " + ",
                      size_t limit = 12);
// "1 row", "3 rows".
std::string plural(int64_t n, const std::string& word, const std::string& many = "");

// Semantic (b, y, x, c) ↔ per-axis index of a tensor of rank 1..4 in storage order.
std::vector<int64_t> axisIndex(const CellIndex& cell, size_t rank, DataFormat format);
CellIndex cellFromAxes(const std::vector<int64_t>& index);

// Reads an input tensor through semantic NHWC coordinates (rank 3 is one image, batch 0).
struct Reader {
    const Tensor& tensor;
    DataFormat format;
    float operator()(int64_t b, int64_t y, int64_t x, int64_t c) const
    {
        return tensor[tensorOffset(tensor.shape(), CellIndex{b, y, x, c}, format)];
    }
};

// Semantic NHWC sizes of a rank-4 (or rank-3 single image) tensor.
struct Dims {
    int64_t B = 1, H = 1, W = 1, C = 1;
};
Dims dimsOf(const Shape& shape, DataFormat format);

inline bool inside(int64_t v, int64_t n) { return v >= 0 && v < n; }

// Sets e.clipped to the part of e.window inside an H × W image.
void finishWindow(CellExplanation& e, int64_t H, int64_t W);

} // namespace layerscope::explain
