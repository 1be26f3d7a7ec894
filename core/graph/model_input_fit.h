#pragma once
// Fitting a loaded image to the input a model declares (its InputLayer's batch_shape), the way
// Keras's own preprocessing would prepare it, so that a trained model sees what it was trained
// on. The app offers this when an opened model's input differs from the image; the sentence
// returned says on screen what was done.
//
// - Size: tf.image.resize bilinear (what keras.utils.image_dataset_from_directory and the Resizing
//   layer do), optionally cropping the centre to the target aspect first (crop_to_aspect_ratio).
//   Computed by the engine's Resizing layer itself, so it is exactly Keras's resize.
// - Channels: 1 → 3 repeats the grey channel and 3/4 → 1 is ITU-R 601-2 luma
//   (0.299 R + 0.587 G + 0.114 B), which is what keras.utils.load_img's color_mode does through
//   PIL ("RGB" from "L" copies, "L" from "RGB" is that luma); 4 → 3 drops alpha.
// Values are left as they are (a model's own Rescaling/Normalization layers scale them).

#include "../exec_context.h"
#include "../tensor.h"
#include "graph.h"

#include <optional>
#include <string>

namespace layerscope {

enum class InputFit {
    Keep,            // the image as it is (shapes follow it; a Functional model may refuse it)
    Resize,          // resize to the model's height × width (aspect may change)
    CropAndResize,   // centre crop to the model's aspect, then resize
};

struct FittedInput {
    Tensor tensor;
    std::string description; // "resized 451×300 → 128×128 (bilinear, as tf.image.resize)"; "" when kept
};

// The height, width and channels the model's first input declares (nullopt where None or when
// the graph declares nothing usable: then only Keep applies).
struct DeclaredImageInput {
    std::optional<int64_t> height, width, channels;
    bool differsFrom(const Shape& nhwc) const;
};
DeclaredImageInput declaredImageInput(const ModelGraph& graph);

// `image`: rank 4 NHWC. Throws LayerError/std::invalid_argument with a sentence when the channels
// cannot be converted (e.g. 2 → 3), or the memory budget/cancellation of `context`.
FittedInput fitInputToModel(const Tensor& image, const DeclaredImageInput& declared, InputFit fit,
                            const ExecContext& context);

} // namespace layerscope
