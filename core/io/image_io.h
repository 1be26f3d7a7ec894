#pragma once
// Image files through OpenCV (PNG, JPEG, BMP, TIFF, WebP; 8/16-bit; gray, RGB, RGBA; EXIF
// orientation applied) as a 1×H×W×C float32 tensor in 0..255, RGB order, like
// keras.utils.load_img + img_to_array. 16-bit images are scaled to 0..255.

#include "../tensor.h"

#include <filesystem>

namespace layerscope {

bool isNpyPath(const std::filesystem::path& path);
Tensor loadImage(const std::filesystem::path& path);
// .npy (through toImageBatch) or an image, by extension; InputError on any failure.
Tensor loadInputFile(const std::filesystem::path& path);

} // namespace layerscope
