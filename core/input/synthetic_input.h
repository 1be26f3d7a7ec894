#pragma once
// The app's input tensors that do not come straight from a file: synthetic patterns (for
// teaching: 1, 2, 3, ... shows where every value goes), and the conversions applied to a loaded
// image, colour mode (PIL's convert as keras.utils.load_img does it) and value scale (Keras's
// 0..255, or 0..1 after a Rescaling(1/255)). Pure functions of their arguments: the same
// description gives the same tensor, so a saved pipeline means the same numbers.

#include "../tensor.h"

#include <cstdint>

namespace layerscope {

enum class SyntheticKind { Arange, Zeros, Ones, Random, Checkerboard, Gradient, ZonePlate };
enum class ColorMode { AsLoaded, Rgb, Grayscale, Rgba };
enum class ValueScale { Range255, Range01 };

struct SyntheticInput {
    SyntheticKind kind = SyntheticKind::Arange;
    int64_t batch = 1, height = 3, width = 3, channels = 1;
    uint32_t seed = 42;                  // Random only
    ValueScale scale = ValueScale::Range255; // Random, Checkerboard, Gradient and ZonePlate peak at 255 or 1
};

// Throws InputError when the tensor would exceed 2^28 values.
//   Arange        1, 2, 3, ... in row-major NHWC order (scale does not apply)
//   Zeros, Ones   constant
//   Random        uniform [0, peak) from std::mt19937(seed), one draw per value in order
//   Checkerboard  cells of max(1, min(H, W) / 8), peak where (y/cell + x/cell) is odd
//   Gradient      even channels x / (W − 1), odd channels y / (H − 1), times peak
//   ZonePlate     concentric rings (0.5 + 0.5·cos(π·r² / D)) × peak, r the distance from the
//                 centre and D twice the centre-to-corner distance: the local frequency r / D
//                 cycles per pixel grows from 0 in the middle to Nyquist (0.5) in the corners,
//                 so any resampling that aliases draws false rings (the test pattern of aliasing)
Tensor syntheticTensor(const SyntheticInput& input);

// Converts between 1, 3 and 4 channels (other counts and ranks are returned unchanged). Grayscale
// is PIL's "L": R·299/1000 + G·587/1000 + B·114/1000; a missing alpha is 255. Takes the image by
// value so an unchanged one is moved through, never copied (a 4000×3000 photo is 144 MB).
Tensor convertColorMode(Tensor image, ColorMode mode);

// 8-bit values as the scale asks: Range01 divides by 255 in place, Range255 leaves them.
void applyValueScale(Tensor& image, ValueScale scale);

} // namespace layerscope
