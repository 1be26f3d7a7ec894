#pragma once
// channels_first support. TF runs pooling, resizing and upsampling on NCHW input by transposing
// to NHWC, running the NHWC kernel and transposing back, so doing the same is numerically exact.

#include "shape_math.h"
#include "tensor.h"

#include <nlohmann/json.hpp>

#include <string>

namespace layerscope {

enum class DataFormat { ChannelsLast, ChannelsFirst };

std::string dataFormatName(DataFormat format);
// Keras standardize_data_format: lowercases; throws std::invalid_argument with Keras's message.
DataFormat parseDataFormat(const nlohmann::json& value);

// NCHW → NHWC and back (rank 4).
Tensor nchwToNhwc(const Tensor& input);
Tensor nhwcToNchw(const Tensor& input);
Shape nchwToNhwc(const Shape& shape);
Shape nhwcToNchw(const Shape& shape);

// For channels_first, reorders per-axis explanations given in NHWC order into NCHW order.
std::vector<AxisExplanation> axesInFormat(std::vector<AxisExplanation> nhwcAxes, DataFormat format);

} // namespace layerscope
