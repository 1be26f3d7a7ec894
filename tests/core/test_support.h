#pragma once
// Helpers shared by the core tests: tolerance comparison with a readable failure message, and
// deterministic test data. Reference results in tests always come from an independent plain loop
// or from the goldens, never from the code under test.

#include "core/tensor.h"

#include <cstdint>
#include <string>

namespace layerscope::test {

// "" when |a − e| ≤ atol + rtol·|e| everywhere (and shapes agree), else a description of the
// first and the largest mismatch.
std::string compareTensors(const Tensor& actual, const Tensor& expected, double atol, double rtol);

// Values from a fixed-seed generator, uniform in [low, high).
Tensor randomTensor(const Shape& shape, uint32_t seed, float low = -1.0f, float high = 1.0f);
// 1, 2, 3, ... in row-major order (the documentation's examples).
Tensor arangeTensor(const Shape& shape, float start = 1.0f);

} // namespace layerscope::test
