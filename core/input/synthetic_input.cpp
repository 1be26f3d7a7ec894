#include "synthetic_input.h"

#include "../errors.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace layerscope {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

Tensor syntheticTensor(const SyntheticInput& s)
{
    const Shape shape{s.batch, s.height, s.width, s.channels};
    if (elementCount(shape) > (int64_t{1} << 28))
        throw InputError("the synthetic input " + shapeToString(shape) + " is too large");
    Tensor t(shape);
    const float peak = s.scale == ValueScale::Range255 ? 255.0f : 1.0f;
    std::mt19937 rng(s.seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    const int64_t cell = std::max<int64_t>(1, std::min(s.height, s.width) / 8);
    int64_t i = 0;
    for (int64_t b = 0; b < s.batch; ++b)
        for (int64_t y = 0; y < s.height; ++y)
            for (int64_t x = 0; x < s.width; ++x)
                for (int64_t c = 0; c < s.channels; ++c, ++i) {
                    float v = 0.0f;
                    switch (s.kind) {
                    case SyntheticKind::Arange: v = static_cast<float>(i + 1); break;
                    case SyntheticKind::Zeros: v = 0.0f; break;
                    case SyntheticKind::Ones: v = 1.0f; break;
                    case SyntheticKind::Random: v = uniform(rng) * peak; break;
                    case SyntheticKind::Checkerboard: v = ((y / cell + x / cell) % 2) ? peak : 0.0f; break;
                    case SyntheticKind::Gradient: {
                        const float fx = s.width > 1 ? float(x) / float(s.width - 1) : 0.0f;
                        const float fy = s.height > 1 ? float(y) / float(s.height - 1) : 0.0f;
                        v = (c % 2 == 0 ? fx : fy) * peak;
                        break;
                    }
                    case SyntheticKind::ZonePlate: {
                        const double dy = double(y) - double(s.height - 1) / 2.0;
                        const double dx = double(x) - double(s.width - 1) / 2.0;
                        // Phase π·r²/D has local frequency r/D cycles per pixel: D = 2·(distance to
                        // the corner) makes it reach Nyquist exactly in the corners.
                        const double cy = double(s.height - 1) / 2.0, cx = double(s.width - 1) / 2.0;
                        const double d = std::max(2.0 * std::sqrt(cy * cy + cx * cx), 1.0);
                        v = static_cast<float>((0.5 + 0.5 * std::cos(kPi * (dx * dx + dy * dy) / d)) * peak);
                        break;
                    }
                    }
                    t[i] = v;
                }
    return t;
}

Tensor convertColorMode(Tensor in, ColorMode mode)
{
    if (mode == ColorMode::AsLoaded || in.rank() != 4)
        return in;
    const int64_t c = in.dim(3);
    const int64_t target = mode == ColorMode::Grayscale ? 1 : mode == ColorMode::Rgb ? 3 : 4;
    if (c == target || (c != 1 && c != 3 && c != 4))
        return in;
    Tensor out({in.dim(0), in.dim(1), in.dim(2), target});
    for (int64_t b = 0; b < in.dim(0); ++b)
        for (int64_t y = 0; y < in.dim(1); ++y)
            for (int64_t x = 0; x < in.dim(2); ++x) {
                float r, g, bl, a = 255.0f;
                if (c == 1) {
                    r = g = bl = in.at(b, y, x, 0);
                } else {
                    r = in.at(b, y, x, 0);
                    g = in.at(b, y, x, 1);
                    bl = in.at(b, y, x, 2);
                    if (c == 4)
                        a = in.at(b, y, x, 3);
                }
                if (target == 1) {
                    out.at(b, y, x, 0) = r * 299.0f / 1000.0f + g * 587.0f / 1000.0f + bl * 114.0f / 1000.0f;
                } else {
                    out.at(b, y, x, 0) = r;
                    out.at(b, y, x, 1) = g;
                    out.at(b, y, x, 2) = bl;
                    if (target == 4)
                        out.at(b, y, x, 3) = a;
                }
            }
    return out;
}

void applyValueScale(Tensor& image, ValueScale scale)
{
    if (scale != ValueScale::Range01)
        return;
    float* p = image.data();
    for (int64_t i = 0; i < image.size(); ++i)
        p[i] /= 255.0f;
}

} // namespace layerscope
