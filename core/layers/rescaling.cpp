#include "rescaling.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

namespace {

void collect(const json& value, size_t depth, StoredArray& out, const std::string& key, const json& whole)
{
    if (value.is_number()) {
        if (depth != out.shape.size())
            throw std::invalid_argument("`" + key + "` is a ragged list: " + whole.dump());
        const double v = value.get<double>();
        if (!(std::abs(v) <= static_cast<double>(std::numeric_limits<float>::max())))
            throw std::invalid_argument("`" + key + "` holds " + value.dump() + ", beyond float32's range");
        out.data.push_back(static_cast<float>(v));
        return;
    }
    if (!value.is_array() || depth >= 4)
        throw std::invalid_argument("`" + key + "` must be a number or a list of numbers. Received: " + key + "="
                                    + whole.dump());
    if (out.data.empty() && out.shape.size() == depth)
        out.shape.push_back(static_cast<int64_t>(value.size()));
    if (depth >= out.shape.size() || out.shape[depth] != static_cast<int64_t>(value.size()))
        throw std::invalid_argument("`" + key + "` is a ragged list: " + whole.dump());
    for (const json& v : value)
        collect(v, depth + 1, out, key, whole);
}

} // namespace

StoredArray readNumericArray(const json& value, const std::string& key)
{
    const json& v = value.is_object() && value.value("class_name", "") == "__numpy__" && value.contains("config")
                        ? value.at("config").value("value", json())
                        : value;
    StoredArray a;
    collect(v, 0, a, key, value);
    if (a.data.empty())
        throw std::invalid_argument("`" + key + "` must not be empty. Received: " + key + "=" + value.dump());
    return a;
}

std::string incompatibleShapesMessage(const Shape& a, const Shape& b, const std::string& op)
{
    auto list = [](const Shape& s) {
        std::string t = "[";
        for (size_t i = 0; i < s.size(); ++i)
            t += (i ? "," : "") + std::to_string(s[i]);
        return t + "]";
    };
    return "Incompatible shapes: " + list(a) + " vs. " + list(b) + " [Op:" + op + "]";
}

static json plainJson(const json& value)
{
    if (value.is_object() && value.value("class_name", "") == "__numpy__" && value.contains("config"))
        return value.at("config").value("value", json());
    return value;
}

std::unique_ptr<Rescaling> Rescaling::fromJson(const json& object)
{
    const json& config = object.at("config");
    RescalingParams p;
    if (config.contains("scale")) {
        p.scale = readNumericArray(config.at("scale"), "scale");
        p.scaleJson = plainJson(config.at("scale"));
    }
    if (config.contains("offset") && !config.at("offset").is_null()) {
        p.offset = readNumericArray(config.at("offset"), "offset");
        p.offsetJson = plainJson(config.at("offset"));
    }
    return std::make_unique<Rescaling>(readString(config, "name", kNameStem), std::move(p));
}

json Rescaling::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"scale", m_params.scaleJson},
            {"offset", m_params.offsetJson}};
}

std::string Rescaling::summary() const
{
    auto text = [](const StoredArray& a) {
        return a.shape.empty() ? formatValue(a.data.front()) : "per-" + shapeToTuple(a.shape);
    };
    return "× " + text(m_params.scale) + " + " + text(m_params.offset);
}

void Rescaling::checkInput(const Shape& input) const
{
    if (!broadcastTo(input, m_params.scale.shape, {}))
        throw error(incompatibleShapesMessage(input, m_params.scale.shape, "Mul"));
    if (!broadcastTo(input, m_params.offset.shape, {}))
        throw error(incompatibleShapesMessage(input, m_params.offset.shape, "AddV2"));
}

Tensor Rescaling::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const BroadcastArray scale = *broadcastTo(input.shape(), m_params.scale.shape, m_params.scale.data);
    const BroadcastArray offset = *broadcastTo(input.shape(), m_params.offset.shape, m_params.offset.data);
    mapBroadcast(input, output, scale, offset, context, [](float x, float s, float o) { return x * s + o; });
    return output;
}

Rescaling::CellValue Rescaling::explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const
{
    const float s = broadcastTo(shape, m_params.scale.shape, m_params.scale.data)->at(index);
    const float o = broadcastTo(shape, m_params.offset.shape, m_params.offset.data)->at(index);
    CellValue v;
    v.value = x * s + o;
    v.formula = "y = x · scale + offset = " + formatValue(x) + " · " + explain::term(s) + " + " + explain::term(o) + " = "
              + formatValue(v.value);
    return v;
}

std::vector<FieldSpec> Rescaling::editorFields()
{
    return {{"scale", "Scale", FieldKind::Float, {}, 0, 0, 0, "Multiplier (e.g. 1/255 = 0.00392157)", {}},
            {"offset", "Offset", FieldKind::Float, {}, 0, 0, 0, "Added after scaling", {}}};
}

json Rescaling::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    auto value = [&]() -> json {
        switch (in.next() % 5) {
        case 0: return static_cast<double>(in.value()) / 255.0;
        case 1: {
            json list = json::array();
            const int n = in.next() % 5;
            for (int i = 0; i < n; ++i)
                list.push_back(static_cast<double>(static_cast<int8_t>(in.next())) / 8.0);
            return list;
        }
        case 2: return {{"class_name", "__numpy__"}, {"config", {{"value", json{1.0, 2.0, 3.0}}, {"dtype", "float64"}}}};
        case 3: return json{json{1.0}, json{1.0, 2.0}};
        default: return "x";
        }
    };
    config["scale"] = value();
    if (in.next() % 2)
        config["offset"] = value();
    return {{"class_name", kClassName}, {"config", config}};
}

} // namespace layerscope
