#pragma once
// The deterministic inputs and weights the Keras-checked literals of test_conv_transpose,
// test_depthwise_separable and test_dense were computed from (the same formulas ran in numpy):
//   input  x[i] = ((3i mod 11) − 5) / 4,  weights w[i] = ((5i mod 13) − 6) / 8,
//   bias   b[i] = ((i mod 3) − 1) / 2,    i the row-major flat index.
// All are small dyadic fractions, so sums of their products are exact in float32.

#include "core/tensor.h"

#include <vector>

namespace layerscope::test {

inline std::vector<float> patternValues(int64_t count, int64_t multiplier, int64_t modulus, int64_t offset, float scale)
{
    std::vector<float> v(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        v[static_cast<size_t>(i)] = static_cast<float>((i * multiplier) % modulus - offset) / scale;
    return v;
}
inline Tensor patternInput(const Shape& shape) { return Tensor(shape, patternValues(elementCount(shape), 3, 11, 5, 4.0f)); }
inline std::vector<float> patternWeights(const Shape& shape) { return patternValues(elementCount(shape), 5, 13, 6, 8.0f); }
inline std::vector<float> patternBias(int64_t n) { return patternValues(n, 1, 3, 1, 2.0f); }

// NHWC ↔ NCHW by plain loops (independent of core/layout).
inline Tensor nhwcToNchwLoop(const Tensor& t)
{
    Tensor out({t.dim(0), t.dim(3), t.dim(1), t.dim(2)});
    for (int64_t b = 0; b < t.dim(0); ++b)
        for (int64_t y = 0; y < t.dim(1); ++y)
            for (int64_t x = 0; x < t.dim(2); ++x)
                for (int64_t c = 0; c < t.dim(3); ++c)
                    out[((b * t.dim(3) + c) * t.dim(1) + y) * t.dim(2) + x] = t.at(b, y, x, c);
    return out;
}

} // namespace layerscope::test
