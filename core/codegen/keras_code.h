#pragma once
// "Take it back to Keras": a runnable Python script for Keras 3 that builds the same Sequential
// model (Tile as a small layer around keras.ops.tile), sets every Conv2D's weights to
// LayerScope's values (explicit or the deterministic defaults), loads the same input the same
// way (keras.utils.load_img + img_to_array, or np.load), runs it and prints every layer's output
// shape with its minimum, mean and maximum, and saves the final output as keras_output.npy.
// Generated from each layer's Keras config, so it says exactly what the pipeline file says.

#include "../pipeline.h"

#include <string>

namespace layerscope {

struct KerasCodeOptions {
    std::string inputPath;      // image or .npy the script loads (may be replaced on its command line)
    Shape inputShape{1, 32, 32, 3}; // NHWC (or the first layer's layout); gives the image colour mode
                                    // (1 grayscale, 3 rgb, 4 rgba) and each Conv2D's input channels
};

std::string generateKerasCode(const Pipeline& pipeline, const KerasCodeOptions& options);

// A JSON value as a Python literal (null → None, true → True, floats round-trip exactly).
std::string pythonLiteral(const nlohmann::json& value);

} // namespace layerscope
