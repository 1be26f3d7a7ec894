#pragma once
// The window geometry AveragePooling2D and MaxPooling2D share (SEMANTICS.md §1.2–§1.5,
// SEMANTICS_MORE.md §12.2): the output size and SAME padding split per spatial axis, the Keras
// error for a window that does not fit, and the receptive-field rules. Only the reduction over a
// window differs between the two layers.

#include "../errors.h"
#include "../explain/axis_rule.h"
#include "../layer.h"
#include "../layout.h"

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>

namespace layerscope {

// The constructor arguments both pooling layers take, as Keras names them.
struct PoolingParams {
    std::array<int64_t, 2> poolSize{2, 2};
    std::optional<std::array<int64_t, 2>> strides; // None: the pool size
    Padding padding = Padding::Valid;
    DataFormat dataFormat = DataFormat::ChannelsLast;

    std::array<int64_t, 2> effectiveStrides() const { return strides.value_or(poolSize); }
    bool operator==(const PoolingParams&) const = default;
};
// From a Keras config; throws std::invalid_argument with Keras's message for a bad value.
PoolingParams readPoolingParams(const nlohmann::json& config);
// The Keras config; strides=None stays None, so a later pool size change keeps strides = pool
// size instead of freezing the old value (Keras writes the resolved value; both load the same).
nlohmann::json poolingConfigJson(const std::string& name, const PoolingParams& p);

struct PoolGeometry {
    std::array<int64_t, 2> pool{2, 2};
    std::array<int64_t, 2> strides{2, 2}; // effective (None already replaced by the pool size)
    Padding padding = Padding::Valid;
    DataFormat dataFormat = DataFormat::ChannelsLast;
};

// Rows and columns of a rank-4 input (in g.dataFormat) through the window; the output may be ≤ 0.
struct PoolAxes {
    WindowAxis rows, cols;
    Shape inNhwc, outNhwc;
};
PoolAxes poolAxes(const PoolGeometry& g, const Shape& input);

// The layer shape of a pooling layer: validates pool size and strides (Keras's standardize_tuple
// wording) and raises "Computed output size would be zero or negative ..." with the arithmetic.
// `input` must have rank 4 (the caller checks the InputSpec first).
LayerShape poolLayerShape(const std::string& className, const std::string& layerName, const PoolGeometry& g,
                          const Shape& input);

// [o·s − pad, o·s − pad + k − 1] along rows and columns.
std::array<AxisRule, 2> poolAxisRules(const PoolGeometry& g, const Shape& input);

// "window rows a…b = oy·s − pad + 0…k−1, columns …" for an explanation.
std::string poolWindowText(const PoolGeometry& g, const PoolAxes& axes, int64_t oy, int64_t ox);

} // namespace layerscope
