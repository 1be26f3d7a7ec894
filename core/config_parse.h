#pragma once
// Reading Keras layer configs. Type problems (a string where a tuple of ints belongs) are found
// here, at load time, with Keras's wording; value problems (a zero stride, a pool larger than the
// input) are left for shape inference so that a pipeline with a bad value still loads and the
// error can be shown on its layer.

#include "shape_math.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace layerscope {

// Throws std::invalid_argument with the message; the loader adds the layer name.
// An int becomes a pair; a list must have 2 integer elements (Keras standardize_tuple, without
// the positivity check, which inferShape does via checkPositivePair).
std::array<int64_t, 2> readPair(const nlohmann::json& config, const std::string& key,
                                std::optional<std::array<int64_t, 2>> fallback = std::nullopt);
// Null → nullopt (e.g. strides=None).
std::optional<std::array<int64_t, 2>> readOptionalPair(const nlohmann::json& config,
                                                       const std::string& key);
int64_t readInt(const nlohmann::json& config, const std::string& key,
                std::optional<int64_t> fallback = std::nullopt);
bool readBool(const nlohmann::json& config, const std::string& key, bool fallback);
double readNumber(const nlohmann::json& config, const std::string& key, double fallback);
std::string readString(const nlohmann::json& config, const std::string& key,
                       std::optional<std::string> fallback = std::nullopt);

// Keras standardize_tuple value check: returns "" when fine, else the Keras message, e.g.
// "The `strides` argument must be a tuple of 2 integers. Received strides=(1, 0), including
// values {0} that do not satisfy `value > 0`".
std::string checkPositivePair(const std::array<int64_t, 2>& value, const std::string& name,
                              bool allowZero = false);

// Python's repr of a JSON config value, as Keras prints an argument in its messages
// ("[1, 2, 3]", "'a'", "None", "1.5").
std::string pythonRepr(const nlohmann::json& value);

// Convolutions: "valid"/"same" in any case (Keras's standardize_padding lowercases). Pooling:
// exactly "valid"/"same": Keras 3.15 passes the string unchanged to compute_pooling_output_shape,
// which refuses "SAME" when the model is built (tests/keras: AveragePooling2D__uppercase_padding).
// Anything else throws std::invalid_argument with Keras's message.
Padding parsePadding(const std::string& text, bool convolution);

} // namespace layerscope
