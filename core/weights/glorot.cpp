#include "glorot.h"

#include <cmath>
#include <random>
#include <stdexcept>

namespace layerscope {

double glorotLimit(const Shape& shape)
{
    // Keras compute_fans: rank 2 (in, out); rank 4 receptive field kh·kw times axes −2 and −1.
    const bool dense = shape.size() == 2;
    const double fanIn = static_cast<double>(dense ? shape[0] : shape[0] * shape[1] * shape[2]);
    const double fanOut = static_cast<double>(dense ? shape[1] : shape[0] * shape[1] * shape[3]);
    return fanIn + fanOut > 0 ? std::sqrt(6.0 / (fanIn + fanOut)) : 0.0;
}

std::vector<float> glorotUniform(const Shape& shape, uint32_t seed)
{
    if (shape.size() != 4 && shape.size() != 2)
        throw std::invalid_argument("glorotUniform needs a rank-4 HWIO or rank-2 shape, got " + shapeToTuple(shape));
    const double limit = glorotLimit(shape);
    std::mt19937 generator(seed);
    std::vector<float> values(static_cast<size_t>(elementCount(shape)));
    for (float& v : values) {
        const double u = static_cast<double>(generator() >> 8) * (1.0 / 16777216.0);
        v = static_cast<float>(-limit + 2.0 * limit * u);
    }
    return values;
}

uint32_t fnv1a32(const std::string& text)
{
    uint32_t hash = 2166136261u;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 16777619u;
    }
    return hash;
}

} // namespace layerscope
