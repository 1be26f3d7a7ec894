#pragma once
// The pipeline the app opens with and the headless demo renders: chosen so that every layer's
// effect is visible on a photo. Conv2D 3×3 with four named filters on the luminance (identity,
// box blur, Sobel x, Sobel y), AveragePooling2D 2×2, UpSampling2D ×2 bilinear, Resizing to a
// fixed size with bicubic, Tile 1×2×2×1.

#include "pipeline.h"

namespace layerscope {

Pipeline defaultPipeline(int64_t inputChannels = 3);

} // namespace layerscope
