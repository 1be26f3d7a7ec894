#include "shifted_input.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace layerscope {

Tensor shiftedInput(const Tensor& image, int64_t dy, int64_t dx)
{
    if (image.rank() != 4)
        throw std::invalid_argument("shifting needs an NHWC image, not a tensor of shape " + shapeToString(image.shape()));
    const int64_t B = image.dim(0), H = image.dim(1), W = image.dim(2), C = image.dim(3);
    Tensor out(image.shape());
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < H; ++y) {
            const int64_t sy = std::clamp<int64_t>(y - dy, 0, H - 1);
            for (int64_t x = 0; x < W; ++x) {
                const int64_t sx = std::clamp<int64_t>(x - dx, 0, W - 1);
                std::memcpy(out.data() + ((b * H + y) * W + x) * C, image.data() + ((b * H + sy) * W + sx) * C,
                            static_cast<size_t>(C) * sizeof(float));
            }
        }
    return out;
}

} // namespace layerscope
