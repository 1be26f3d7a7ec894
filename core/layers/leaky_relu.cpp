#include "leaky_relu.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

#include <stdexcept>

namespace layerscope {

using nlohmann::json;

std::unique_ptr<LeakyReLU> LeakyReLU::fromJson(const json& object)
{
    const json& config = object.at("config");
    LeakyReLUParams p;
    // Keras 3 takes tf.keras 2's `alpha` for negative_slope (negative_slope wins when both are given).
    const char* key = config.contains("negative_slope") ? "negative_slope" : "alpha";
    if (config.contains(key) && config.at(key).is_null())
        throw std::invalid_argument("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                                    "Expected a float. Received: negative_slope=None");
    p.negativeSlope = readNumber(config, key, 0.3);
    return std::make_unique<LeakyReLU>(readString(config, "name", kNameStem), p);
}

json LeakyReLU::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"negative_slope", m_params.negativeSlope}};
}

std::string LeakyReLU::summary() const
{
    return "slope " + pythonNumber(m_params.negativeSlope);
}

void LeakyReLU::checkInput(const Shape& /*input*/) const
{
    if (m_params.negativeSlope < 0)
        throw error("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. "
                    "Received: negative_slope=" + pythonNumber(m_params.negativeSlope));
}

Tensor LeakyReLU::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const float a = toFloat(m_params.negativeSlope);
    mapValues(input, output, context, [a](float x) { return x > 0.0f ? x : x * a; });
    return output;
}

LeakyReLU::CellValue LeakyReLU::explainValue(float x, const Shape& /*shape*/, const std::vector<int64_t>& /*index*/) const
{
    const float a = toFloat(m_params.negativeSlope);
    CellValue v;
    v.value = x > 0.0f ? x : x * a;
    v.formula = x > 0.0f ? "x = " + formatValue(x) + " > 0 → y = x = " + formatValue(v.value)
                         : "x = " + formatValue(x) + " ≤ 0 → y = negative_slope · x = " + formatValue(a) + " · "
                               + explain::term(x) + " = " + formatValue(v.value);
    return v;
}

std::vector<FieldSpec> LeakyReLU::editorFields()
{
    return {{"negative_slope", "Negative slope", FieldKind::Float, {}, 0, 0, 0, "y = slope · x for x ≤ 0 (≥ 0)", {}}};
}

json LeakyReLU::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    const std::string key = in.pick({"negative_slope", "alpha", "negative_slope"});
    config[key] = in.next() % 9 == 0 ? json(nullptr) : json(static_cast<double>(in.value()) / 8.0);
    return {{"class_name", kClassName}, {"config", config}};
}

} // namespace layerscope
