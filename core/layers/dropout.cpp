#include "dropout.h"

#include "../config_parse.h"
#include "../streaming_copy.h"

#include <cstring>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

InferenceIdentityParams InferenceIdentityLayer::paramsFromJson(Kind kind, const json& config)
{
    InferenceIdentityParams p;
    const char* key = kind == Kind::GaussianNoise ? "stddev" : "rate";
    if (!config.contains(key) || config.at(key).is_null())
        throw std::invalid_argument(std::string(kind == Kind::Dropout            ? "Dropout"
                                                : kind == Kind::SpatialDropout2D ? "SpatialDropout2D"
                                                : kind == Kind::GaussianNoise    ? "GaussianNoise"
                                                                                 : "GaussianDropout")
                                    + ".__init__() missing 1 required positional argument: '" + key + "'");
    p.amount = readNumber(config, key, 0.0);
    if (config.contains("seed") && !config.at("seed").is_null()) {
        if (!config.at("seed").is_number_integer())
            throw std::invalid_argument("`seed` must be an integer or None. Received: seed=" + config.at("seed").dump());
        p.seed = config.at("seed").get<int64_t>();
    }
    if (kind == Kind::Dropout) {
        p.noiseShape = config.value("noise_shape", json());
        if (!p.noiseShape.is_null()) {
            if (!p.noiseShape.is_array())
                throw std::invalid_argument("Invalid value received for argument `noise_shape`. Expected a tuple or list "
                                            "of integers. Received: noise_shape=" + p.noiseShape.dump());
            for (const json& d : p.noiseShape)
                if (!d.is_null() && !d.is_number_integer())
                    throw std::invalid_argument("Invalid value received for argument `noise_shape`. Expected a tuple or "
                                                "list of integers. Received: noise_shape=" + p.noiseShape.dump());
        }
    }
    if (kind == Kind::SpatialDropout2D)
        p.dataFormat = parseDataFormat(config.value("data_format", json()));
    return p;
}

json InferenceIdentityLayer::config() const
{
    const json seed = m_params.seed ? json(*m_params.seed) : json(nullptr);
    switch (m_kind) {
    case Kind::Dropout:
        return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"rate", m_params.amount},
                {"seed", seed}, {"noise_shape", m_params.noiseShape}};
    case Kind::SpatialDropout2D:
        // Its __init__ takes only rate, data_format, seed, name and dtype (no **kwargs).
        return {{"rate", m_params.amount}, {"seed", seed}, {"name", name()}, {"dtype", "float32"},
                {"data_format", dataFormatName(m_params.dataFormat)}};
    case Kind::GaussianNoise:
        return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"stddev", m_params.amount}, {"seed", seed}};
    case Kind::GaussianDropout:
        break;
    }
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"rate", m_params.amount}, {"seed", seed}};
}

std::string InferenceIdentityLayer::summary() const
{
    return (m_kind == Kind::GaussianNoise ? "σ " : "rate ") + pythonNumber(m_params.amount) + " / identity at inference";
}

void InferenceIdentityLayer::checkInput(const Shape& input) const
{
    const bool noise = m_kind == Kind::GaussianNoise;
    if (!(m_params.amount >= 0.0 && m_params.amount <= 1.0))
        throw error(std::string("Invalid value received for argument `") + (noise ? "stddev" : "rate")
                    + "`. Expected a float value between 0 and 1. Received: " + (noise ? "stddev=" : "rate=")
                    + pythonNumber(m_params.amount));
    if (m_kind == Kind::Dropout && m_params.noiseShape.is_array()) {
        for (size_t i = 0; i < m_params.noiseShape.size(); ++i) {
            const json& d = m_params.noiseShape[i];
            if (d.is_number_integer() && d.get<int64_t>() <= 0)
                throw error("Invalid value received for argument `noise_shape`. Expected all dimensions to be positive "
                            "integers or None. Received negative or zero value at index " + std::to_string(i) + ": "
                            + d.dump());
        }
    }
    if (m_kind == Kind::SpatialDropout2D)
        requireRank4(input);
}

Tensor InferenceIdentityLayer::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const float* in = input.data();
    float* out = output.data();
    parallelChunks(input.size(), /*grain=*/1 << 16, context, [&](int64_t begin, int64_t end) {
        std::memcpy(out + begin, in + begin, static_cast<size_t>(end - begin) * sizeof(float));
    });
    return output;
}

InferenceIdentityLayer::CellValue InferenceIdentityLayer::explainValue(float x, const Shape& /*shape*/,
                                                                       const std::vector<int64_t>& /*index*/) const
{
    return {x, className() + " is the identity at inference (training=False): y = x = " + formatValue(x), true};
}

static std::vector<FieldSpec> rateFields()
{
    return {{"rate", "Rate", FieldKind::Float, {}, 0, 0, 0, "Fraction dropped in training (0..1); no effect at inference", {}}};
}

std::vector<FieldSpec> Dropout::editorFields() { return rateFields(); }
std::vector<FieldSpec> GaussianDropout::editorFields() { return rateFields(); }
std::vector<FieldSpec> SpatialDropout2D::editorFields()
{
    std::vector<FieldSpec> fields = rateFields();
    fields.push_back(dataFormatField());
    return fields;
}
std::vector<FieldSpec> GaussianNoise::editorFields()
{
    return {{"stddev", "Stddev", FieldKind::Float, {}, 0, 0, 0, "Noise added in training (0..1); no effect at inference", {}}};
}

json InferenceIdentityLayer::fuzzConfig(Kind kind, FuzzBytes& in, const std::string& name)
{
    static const char* const names[] = {"Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout"};
    json config = {{"name", name}};
    const char* key = kind == Kind::GaussianNoise ? "stddev" : "rate";
    if (in.next() % 8)
        config[key] = in.next() % 9 == 0 ? json("half") : json(static_cast<double>(in.value()) / 64.0);
    if (in.next() % 4 == 0)
        config["seed"] = in.next() % 3 ? json(in.value()) : json(1.5);
    if (kind == Kind::Dropout && in.next() % 3 == 0)
        config["noise_shape"] = json{nullptr, in.value(), 1};
    if (kind == Kind::SpatialDropout2D)
        config["data_format"] = in.dataFormat();
    return {{"class_name", names[static_cast<int>(kind)]}, {"config", config}};
}

} // namespace layerscope
