#include "weighted_layer_support.h"

#include "../explain/explain_support.h"
#include "../layout.h"
#include "../parallel.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

std::string readActivationConfig(const json& config)
{
    const json activation = config.value("activation", json());
    if (activation.is_null())
        return "linear";
    if (activation.is_string())
        return activation.get<std::string>();
    if (activation.is_object() && activation.contains("config") && activation.at("config").is_string())
        return activation.at("config").get<std::string>(); // serialized function object
    throw std::invalid_argument(unknownActivationMessage(activation.dump()));
}

json initializerJson(const std::string& className)
{
    return {{"module", "keras.initializers"},
            {"class_name", className},
            {"config", className == "GlorotUniform" ? json{{"seed", nullptr}} : json::object()},
            {"registered_name", nullptr}};
}

std::string activationShapeError(Activation activation, const Shape& pre, const std::string& lastAxisName)
{
    if (activation == Activation::Threshold)
        return thresholdByNameMessage();
    if (activation == Activation::Glu && !pre.empty() && pre.back() % 2 != 0)
        return "axis size must be divisible by 2. Received: x.shape=" + shapeToTuple(pre)
             + " with axis=-1 (glu splits axis -1 of the layer's result, the " + lastAxisName
             + ", into two halves)";
    return {};
}

int64_t activationScratchBytes(Activation activation, const Shape& pre)
{
    return actsAlongLastAxis(activation) ? elementCount(pre) * static_cast<int64_t>(sizeof(float)) : 0;
}

Tensor finishOutput(Tensor pre, bool nchw, Activation activation, const ExecContext& context)
{
    Tensor t = nchw ? nhwcToNchw(pre) : std::move(pre);
    if (activation == Activation::Linear)
        return t;
    if (actsAlongLastAxis(activation))
        return applyActivation(activation, t, context);
    float* data = t.data();
    parallelChunks(t.size(), int64_t{1} << 15, context,
                   [&](int64_t begin, int64_t end) { applyElementwise(activation, data + begin, end - begin); });
    return t;
}

float explainActivation(CellExplanation& e, std::string& text, Activation activation, int64_t n, int64_t position,
                        const std::function<float(int64_t)>& preAt, const std::string& axisText)
{
    using explain::term;
    ActivationStep step;
    step.name = activationName(activation);
    step.position = position;
    const float pre = preAt(position);
    step.input = pre;
    float value = pre;
    if (actsAlongLastAxis(activation)) {
        step.alongAxis = true;
        step.vector.resize(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            step.vector[static_cast<size_t>(i)] = i == position ? pre : preAt(i);
        if (activation == Activation::Glu) {
            step.gateInput = step.vector[static_cast<size_t>(position + n / 2)];
            float sigma = step.gateInput;
            applyElementwise(Activation::Sigmoid, &sigma, 1);
            value = pre * sigma;
            text += "; glu over " + axisText + ": a·sigmoid(b) with a = z[" + std::to_string(position) + "] = "
                  + formatValue(pre) + " and the gate b = z[" + std::to_string(position + n / 2)
                  + "] = " + formatValue(step.gateInput) + " → " + formatValue(pre) + "·" + formatValue(sigma)
                  + " = " + formatValue(value);
        } else {
            std::vector<float> row = step.vector;
            applyRowsInPlace(activation, row.data(), 1, n);
            value = row[static_cast<size_t>(position)];
            text += "; " + step.name + " over " + axisText + " → " + formatValue(value);
        }
        std::vector<std::string> terms;
        for (float z : step.vector)
            terms.push_back(formatValue(z));
        e.details.push_back("z along axis −1 (before the activation) = [" + explain::joinTerms(terms, ", ", 10) + "]");
    } else {
        applyElementwise(activation, &value, 1);
        if (activation != Activation::Linear)
            text += "; " + step.name + " → " + formatValue(value);
    }
    step.output = value;
    e.activation = step;
    return value;
}

std::string numpyPair(const std::array<int64_t, 2>& v)
{
    return "[" + std::to_string(v[0]) + " " + std::to_string(v[1]) + "]";
}

std::string convUnderflowMessage(const WindowAxis& w, int axis, const std::array<int64_t, 2>& kernelSize,
                                 const std::array<int64_t, 2>& dilation, const std::array<int64_t, 2>& strides,
                                 const Shape& input, const Shape& kernelShape)
{
    const size_t a = static_cast<size_t>(axis);
    const int64_t k = kernelSize[a], d = dilation[a], ek = d * (k - 1) + 1;
    const std::string kernelText = d == 1 ? "kernel " + std::to_string(k) : "effective kernel " + std::to_string(ek);
    return "Computed output size would be zero or negative: " + w.explanation.arithmetic
         + (axis == 0 ? " rows (" : " columns (") + kernelText + " > input " + std::to_string(w.explanation.input)
         + ", padding valid). Received `inputs shape=" + shapeToTuple(input) + "`, `kernel shape="
         + shapeToTuple(kernelShape) + "`, `dilation_rate=" + numpyPair(dilation) + "`, `strides="
         + tupleString({strides[0], strides[1]}) + "`, `padding=valid`.";
}

std::string channelAxisMessage(const std::string& layerName, const Shape& input, bool nchw, int64_t expected,
                               const std::string& why)
{
    return "Input 0 of layer '" + layerName + "' is incompatible with the layer: expected axis " + (nchw ? "1" : "-1")
         + " of input shape to have value " + std::to_string(expected) + ", but received input with shape "
         + shapeToTuple(input) + (why.empty() ? "" : " (" + why + ")");
}

std::string minRankMessage(const std::string& layerName, const Shape& input, int minRank)
{
    return "Input 0 of layer '" + layerName + "' is incompatible with the layer: expected min_ndim="
         + std::to_string(minRank) + ", found ndim=" + std::to_string(input.size()) + ". Full shape received: "
         + shapeToTuple(input);
}

} // namespace layerscope

namespace layerscope {

std::array<AxisRule, 2> slidingRules(const Shape& input, DataFormat format, const std::array<int64_t, 2>& k,
                                     const std::array<int64_t, 2>& s, const std::array<int64_t, 2>& d,
                                     Padding padding, Activation activation)
{
    const explain::Dims dims = explain::dimsOf(input, format);
    std::array<AxisRule, 2> rules{windowRule(dims.H, k[0], s[0], d[0], padding, "height"),
                                  windowRule(dims.W, k[1], s[1], d[1], padding, "width")};
    if (format == DataFormat::ChannelsFirst && actsAlongLastAxis(activation)) {
        const int64_t OW = windowAxis("width", dims.W, k[1], s[1], d[1], padding).output;
        rules[1].convSize = OW;
        if (activation == Activation::Glu)
            rules[1].widen = OW / 2;
        else
            rules[1].widenToAll = true;
    }
    return rules;
}

Interval activationChannels(Interval c, int64_t n, DataFormat format, Activation activation)
{
    if (c.empty() || format != DataFormat::ChannelsLast || !actsAlongLastAxis(activation))
        return c;
    return activation == Activation::Glu ? Interval{c.first, c.last + n / 2} : wholeAxis(n);
}

} // namespace layerscope

#include "../errors.h"

#include <cstdio>

namespace layerscope {

void guardMultiplyAdds(const ExecContext& context, const std::string& className, const std::string& layerName,
                       double work, const std::string& what)
{
    if (context.maxMultiplyAdds <= 0 || work <= static_cast<double>(context.maxMultiplyAdds))
        return;
    char amount[64], limit[64];
    std::snprintf(amount, sizeof amount, "%.3g", work);
    std::snprintf(limit, sizeof limit, "%.3g", static_cast<double>(context.maxMultiplyAdds));
    throw WorkBudgetError(className, layerName,
                          what + " = " + amount + " multiply-adds, more than this run's limit of " + limit);
}

} // namespace layerscope

namespace layerscope {

nlohmann::json fuzzWeightJson(FuzzBytes& in, const Shape& shape)
{
    int64_t count = 1;
    for (int64_t d : shape)
        count *= d;
    count = std::min<int64_t>(count + (in.next() % 4 == 0 ? 1 : 0), 4096);
    nlohmann::json values = nlohmann::json::array();
    for (int64_t i = 0; i < count; ++i)
        values.push_back(static_cast<double>(static_cast<int8_t>(in.next())) / 16.0);
    return {{"shape", shape}, {"data", values}};
}

} // namespace layerscope
