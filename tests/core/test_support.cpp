#include "test_support.h"

#include <cmath>
#include <random>
#include <sstream>

namespace layerscope::test {

std::string compareTensors(const Tensor& actual, const Tensor& expected, double atol, double rtol)
{
    if (actual.shape() != expected.shape())
        return "shape " + shapeToString(actual.shape()) + " != expected " + shapeToString(expected.shape());
    int64_t firstBad = -1, worst = -1, badCount = 0;
    double worstExcess = 0;
    for (int64_t i = 0; i < actual.size(); ++i) {
        const double a = actual[i], e = expected[i];
        bool ok;
        if (std::isnan(e))
            ok = std::isnan(a);
        else if (std::isinf(e))
            ok = a == e;
        else
            ok = std::abs(a - e) <= atol + rtol * std::abs(e);
        if (!ok) {
            ++badCount;
            if (firstBad < 0)
                firstBad = i;
            const double excess = std::isfinite(a) ? std::abs(a - e) : INFINITY;
            if (worst < 0 || excess > worstExcess) {
                worst = i;
                worstExcess = excess;
            }
        }
    }
    if (badCount == 0)
        return {};
    std::ostringstream out;
    out.precision(9);
    out << badCount << " of " << actual.size() << " values differ; first at flat index " << firstBad
        << ": " << actual[firstBad] << " vs expected " << expected[firstBad] << "; largest at "
        << worst << ": " << actual[worst] << " vs " << expected[worst] << " (|diff| " << worstExcess << ")";
    return out.str();
}

Tensor randomTensor(const Shape& shape, uint32_t seed, float low, float high)
{
    std::mt19937 generator(seed);
    Tensor t(shape);
    for (int64_t i = 0; i < t.size(); ++i)
        t[i] = low + (high - low) * static_cast<float>(generator() >> 8) * (1.0f / 16777216.0f);
    return t;
}

Tensor arangeTensor(const Shape& shape, float start)
{
    Tensor t(shape);
    for (int64_t i = 0; i < t.size(); ++i)
        t[i] = start + static_cast<float>(i);
    return t;
}

} // namespace layerscope::test
