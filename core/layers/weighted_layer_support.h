#pragma once
// What the weighted layers (Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D, Dense)
// share beside their math: reading the `activation` config entry, the Keras initializer objects
// their configs carry, the activation's shape rule and its application after the kernel, the
// explanation of the activation step, and the Keras "Computed output size would be zero or
// negative" message of a convolution. Internal to core/layers/.

#include "../explain/cell_explanation_types.h"
#include "../exec_context.h"
#include "../shape_math.h"
#include "../tensor.h"
#include "activations.h"

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <string>

namespace layerscope {

// The `activation` entry of a config: a name, null (linear) or a serialized function object.
// Throws std::invalid_argument with Keras's message for anything else.
std::string readActivationConfig(const nlohmann::json& config);
// {"module": "keras.initializers", "class_name": className, "config": {...}, "registered_name": null}
nlohmann::json initializerJson(const std::string& className);

// The activation's shape rule on the pre-activation output `pre` (axis −1 is `lastAxisName`):
// "" when fine, else Keras's message (threshold by name, glu on an odd axis −1).
std::string activationShapeError(Activation activation, const Shape& pre, const std::string& lastAxisName);
// Bytes the activation needs beside the output (a copy when it acts along axis −1).
int64_t activationScratchBytes(Activation activation, const Shape& pre);
// The NHWC (or any-rank, axis −1 last) pre-activation result → the layer's output: transposed to
// NCHW when `nchw`, then the activation (along axis −1 of the transposed tensor, as Keras).
Tensor finishOutput(Tensor pre, bool nchw, Activation activation, const ExecContext& context);

// The activation step of one explained value. `preAt(i)` is the pre-activation value at index i
// along axis −1 (only `position` is read for elementwise activations), `n` that axis's size,
// `position` the explained output's index along it (glu: its gate is position + n/2).
// Appends to `text`, fills e.activation and returns the activated value.
float explainActivation(CellExplanation& e, std::string& text, Activation activation, int64_t n, int64_t position,
                        const std::function<float(int64_t)>& preAt, const std::string& axisText);

// numpy's "[1 1]" of a pair (Keras prints dilation_rate as an array).
std::string numpyPair(const std::array<int64_t, 2>& v);
// Keras's VALID underflow message of a convolution, with the arithmetic of the failing `axis`
// (0 rows, 1 columns) after the colon.
std::string convUnderflowMessage(const WindowAxis& window, int axis, const std::array<int64_t, 2>& kernelSize,
                                 const std::array<int64_t, 2>& dilation, const std::array<int64_t, 2>& strides,
                                 const Shape& input, const Shape& kernelShape);
// Keras's InputSpec message when axis −1 (channels_last) or 1 (channels_first) does not match
// the stored weights' input channels; `why` is appended in parentheses.
std::string channelAxisMessage(const std::string& layerName, const Shape& input, bool nchw, int64_t expected,
                               const std::string& why);
// Keras's InputSpec min_ndim message.
std::string minRankMessage(const std::string& layerName, const Shape& input, int minRank);

} // namespace layerscope

#include "../explain/axis_rule.h"
#include "../layout.h"

namespace layerscope {

// The receptive-field rules of a sliding-window layer's rows and columns (a dilated kernel of
// `kernelSize`), widened along the width when a channels_first output's axis −1 activation
// (softmax & co., glu) mixes the columns.
std::array<AxisRule, 2> slidingRules(const Shape& input, DataFormat format, const std::array<int64_t, 2>& kernelSize,
                                     const std::array<int64_t, 2>& strides, const std::array<int64_t, 2>& dilation,
                                     Padding padding, Activation activation);
// The channels a channels_last output's axis −1 activation reads for output channels `c` of
// `n` (glu: also the gate half; softmax & co.: all).
Interval activationChannels(Interval c, int64_t n, DataFormat format, Activation activation);

} // namespace layerscope

namespace layerscope {

// Throws WorkBudgetError when `work` multiply-adds exceed context.maxMultiplyAdds (when set);
// `what` says how they were counted.
void guardMultiplyAdds(const ExecContext& context, const std::string& className, const std::string& layerName,
                       double work, const std::string& what);

} // namespace layerscope

#include "../fuzz_bytes.h"

namespace layerscope {

// A fuzz constructor's inline weight {"shape", "data"} for `shape`: values from the bytes,
// sometimes one too many (a length error the loader must reject), at most 4096.
nlohmann::json fuzzWeightJson(FuzzBytes& bytes, const Shape& shape);

} // namespace layerscope
