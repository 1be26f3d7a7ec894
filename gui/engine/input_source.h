#pragma once
// Builds the input tensor an InputSpec describes: loads the file through the engine's loaders
// (image_io.h / npy.h) or generates the synthetic pattern, then applies the colour mode and the
// value scale. Throws layerscope::Error (InputError) with a user-facing message.

#include "document/input_spec.h"

#include "core/tensor.h"

namespace layerscope::gui {

Tensor buildInputTensor(const InputSpec& spec);

} // namespace layerscope::gui
