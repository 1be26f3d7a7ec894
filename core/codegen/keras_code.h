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
// "name=\"conv\", filters=8, ...": a layer's Keras config as constructor keyword arguments
// (trainable, dtype, initializers, regularizers and constraints left out).
std::string kerasKeywordArguments(const nlohmann::json& config);
// A list of floats as a Python list literal, 8 to a line, every float32 exactly.
std::string pythonFloatList(const nlohmann::json& data);
// Beyond this many generated weight values a script does not inline them.
constexpr long double kMaxInlineKerasWeights = 16.0L * 1024 * 1024;

} // namespace layerscope
