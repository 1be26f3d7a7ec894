#include "relu.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

#include <algorithm>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

std::unique_ptr<ReLU> ReLU::fromJson(const json& object)
{
    const json& config = object.at("config");
    ReLUParams p;
    if (config.contains("max_value") && !config.at("max_value").is_null())
        p.maxValue = readNumber(config, "max_value", 0.0);
    for (const char* key : {"negative_slope", "threshold"}) {
        if (config.contains(key) && config.at(key).is_null())
            throw std::invalid_argument(std::string(key) + " of a ReLU layer cannot be None or a negative value. Received: "
                                        + key + "=None");
    }
    p.negativeSlope = readNumber(config, "negative_slope", 0.0);
    p.threshold = readNumber(config, "threshold", 0.0);
    return std::make_unique<ReLU>(readString(config, "name", kNameStem), p);
}

json ReLU::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"max_value", m_params.maxValue ? json(*m_params.maxValue) : json(nullptr)},
            {"negative_slope", m_params.negativeSlope},
            {"threshold", m_params.threshold}};
}

std::string ReLU::summary() const
{
    std::string text = "max(x, 0)";
    if (m_params.maxValue)
        text = "clip(x, 0, " + pythonNumber(*m_params.maxValue) + ")";
    if (m_params.threshold != 0.0)
        text += " / threshold " + pythonNumber(m_params.threshold);
    if (m_params.negativeSlope != 0.0)
        text += " / slope " + pythonNumber(m_params.negativeSlope);
    return text;
}

void ReLU::checkInput(const Shape& /*input*/) const
{
    if (m_params.maxValue && *m_params.maxValue < 0)
        throw error("max_value of a ReLU layer cannot be a negative value. Received: max_value="
                    + pythonNumber(*m_params.maxValue));
    if (m_params.negativeSlope < 0)
        throw error("negative_slope of a ReLU layer cannot be None or a negative value. Received: negative_slope="
                    + pythonNumber(m_params.negativeSlope));
    if (m_params.threshold < 0)
        throw error("threshold of a ReLU layer cannot be None or a negative value. Received: threshold="
                    + pythonNumber(m_params.threshold));
}

namespace {

// The branch-free form of static_call for one value; the same function in the kernel and the
// explanation.
struct ReluFunction {
    float t, a, m;
    bool leaky, hasMax, relu6, thresholded;
    float operator()(float x) const
    {
        if (leaky)
            return x > 0.0f ? x : x * a;
        float pos = thresholded ? (x > t ? x : 0.0f) : relu6 ? std::min(std::max(x, 0.0f), 6.0f) : std::max(x, 0.0f);
        if (hasMax && !relu6)
            pos = std::min(std::max(pos, 0.0f), m);
        if (a != 0.0f)
            return pos - a * std::max(t - x, 0.0f);
        return pos;
    }
};

ReluFunction reluFunction(const ReLUParams& p)
{
    ReluFunction f;
    f.t = toFloat(p.threshold);
    f.a = toFloat(p.negativeSlope);
    f.m = p.maxValue ? toFloat(*p.maxValue) : 0.0f;
    f.hasMax = p.maxValue.has_value();
    f.leaky = f.a != 0.0f && !f.hasMax && f.t == 0.0f;
    f.thresholded = f.t != 0.0f;
    f.relu6 = !f.thresholded && f.hasMax && *p.maxValue == 6.0;
    return f;
}

} // namespace

float ReLU::apply(const ReLUParams& params, float x)
{
    return reluFunction(params)(x);
}

Tensor ReLU::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const ReluFunction f = reluFunction(m_params);
    // The common forms as branch-free loops; the general form through the same function the
    // explanation uses.
    if (!f.leaky && !f.thresholded && f.a == 0.0f && !f.hasMax)
        mapValues(input, output, context, [](float x) { return std::max(x, 0.0f); });
    else if (f.relu6 && f.a == 0.0f)
        mapValues(input, output, context, [](float x) { return std::min(std::max(x, 0.0f), 6.0f); });
    else if (f.leaky)
        mapValues(input, output, context, [a = f.a](float x) { return x > 0.0f ? x : x * a; });
    else
        mapValues(input, output, context, f);
    return output;
}

ReLU::CellValue ReLU::explainValue(float x, const Shape& /*shape*/, const std::vector<int64_t>& /*index*/) const
{
    using explain::term;
    const ReluFunction f = reluFunction(m_params);
    CellValue v;
    v.value = f(x);
    const std::string xs = formatValue(x);
    if (f.leaky) {
        v.formula = x > 0.0f ? "x = " + xs + " > 0 → y = x = " + formatValue(v.value)
                             : "x = " + xs + " ≤ 0 → y = negative_slope · x = " + formatValue(f.a) + " · " + term(x)
                                   + " = " + formatValue(v.value);
        return v;
    }
    const std::string limit = f.thresholded ? "threshold " + formatValue(f.t) : "0";
    if (f.thresholded ? x > f.t : x > 0.0f) {
        v.formula = "x = " + xs + " > " + limit;
        if (f.hasMax)
            v.formula += ", clipped to max_value " + formatValue(f.m);
        v.formula += " → y = " + formatValue(v.value);
    } else if (f.a != 0.0f) {
        v.formula = "x = " + xs + " ≤ " + limit + " → y = −negative_slope · (threshold − x) = −" + formatValue(f.a)
                  + " · (" + formatValue(f.t) + " − " + term(x) + ") = " + formatValue(v.value);
    } else {
        v.formula = "x = " + xs + " ≤ " + limit + " → y = " + formatValue(v.value);
    }
    return v;
}

std::vector<FieldSpec> ReLU::editorFields()
{
    return {{"max_value", "Max value", FieldKind::Float, {}, 0, 0, 0, "Upper clip (None: no clip)", {}},
            {"negative_slope", "Negative slope", FieldKind::Float, {}, 0, 0, 0, "Slope below the threshold, ≥ 0", {}},
            {"threshold", "Threshold", FieldKind::Float, {}, 0, 0, 0, "Values up to it are zeroed (or sloped), ≥ 0", {}}};
}

json ReLU::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    const auto number = [&](int64_t v) { return static_cast<double>(v) / 4.0; };
    if (in.next() % 2)
        config["max_value"] = in.next() % 5 == 0 ? json(nullptr) : json(number(in.value()));
    if (in.next() % 2)
        config["negative_slope"] = in.next() % 7 == 0 ? json(nullptr) : json(number(in.value()));
    if (in.next() % 2)
        config["threshold"] = in.next() % 7 == 0 ? json("x") : json(number(in.value()));
    return {{"class_name", kClassName}, {"config", config}};
}

} // namespace layerscope
