#include "elu.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

#include <cmath>

namespace layerscope {

using nlohmann::json;

std::unique_ptr<ELU> ELU::fromJson(const json& object)
{
    const json& config = object.at("config");
    ELUParams p;
    p.alpha = readNumber(config, "alpha", 1.0);
    return std::make_unique<ELU>(readString(config, "name", kNameStem), p);
}

json ELU::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"alpha", m_params.alpha}};
}

std::string ELU::summary() const
{
    return "α " + pythonNumber(m_params.alpha);
}

namespace {

struct EluFunction {
    float alpha;
    bool unit;
    float operator()(float x) const
    {
        const float r = x < 0.0f ? std::exp(x) - 1.0f : x;
        return unit || x > 0.0f ? r : alpha * r;
    }
};

} // namespace

Tensor ELU::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    mapValues(input, output, context, EluFunction{toFloat(m_params.alpha), m_params.alpha == 1.0});
    return output;
}

ELU::CellValue ELU::explainValue(float x, const Shape& /*shape*/, const std::vector<int64_t>& /*index*/) const
{
    const EluFunction f{toFloat(m_params.alpha), m_params.alpha == 1.0};
    CellValue v;
    v.value = f(x);
    if (x > 0.0f || (x == 0.0f))
        v.formula = "x = " + formatValue(x) + " ≥ 0 → y = x = " + formatValue(v.value);
    else
        v.formula = "x = " + formatValue(x) + " < 0 → y = α · (eˣ − 1) = " + formatValue(f.alpha) + " · ("
                  + formatValue(std::exp(x)) + " − 1) = " + formatValue(v.value);
    return v;
}

std::vector<FieldSpec> ELU::editorFields()
{
    return {{"alpha", "Alpha", FieldKind::Float, {}, 0, 0, 0, "y = α · (eˣ − 1) for x < 0", {}}};
}

json ELU::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    if (in.next() % 4)
        config["alpha"] = in.next() % 9 == 0 ? json("one") : json(static_cast<double>(in.value()) / 8.0);
    return {{"class_name", kClassName}, {"config", config}};
}

} // namespace layerscope
