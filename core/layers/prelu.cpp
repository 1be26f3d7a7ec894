#include "prelu.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

#include <algorithm>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

namespace {

// The value a Keras initializer object (or name) fills alpha with.
double constantInitializer(const json& init)
{
    std::string name;
    json config = json::object();
    if (init.is_null())
        return 0.0;
    if (init.is_string()) {
        name = init.get<std::string>();
    } else if (init.is_object() && init.contains("class_name") && init.at("class_name").is_string()) {
        name = init.at("class_name").get<std::string>();
        if (init.contains("config") && init.at("config").is_object())
            config = init.at("config");
    } else {
        throw std::invalid_argument("Could not interpret initializer identifier: " + init.dump());
    }
    if (name == "Zeros" || name == "zeros")
        return 0.0;
    if (name == "Ones" || name == "ones")
        return 1.0;
    if (name == "Constant" || name == "constant")
        return readNumber(config, "value", 0.0);
    throw std::invalid_argument("alpha_initializer " + name
                                + " is not supported: LayerScope fills alpha with a constant (Zeros, Ones or "
                                  "Constant); store the alpha weights instead");
}

json initializerJson(double value)
{
    if (value == 0.0)
        return {{"module", "keras.initializers"}, {"class_name", "Zeros"}, {"config", json::object()}, {"registered_name", nullptr}};
    if (value == 1.0)
        return {{"module", "keras.initializers"}, {"class_name", "Ones"}, {"config", json::object()}, {"registered_name", nullptr}};
    return {{"module", "keras.initializers"}, {"class_name", "Constant"}, {"config", {{"value", value}}}, {"registered_name", nullptr}};
}

} // namespace

std::unique_ptr<PReLU> PReLU::fromJson(const json& object)
{
    const json& config = object.at("config");
    PReLUParams p;
    const json shared = config.value("shared_axes", json());
    if (shared.is_number_integer()) {
        p.sharedAxes = {shared.get<int64_t>()};
    } else if (shared.is_array()) {
        for (const json& a : shared) {
            if (!a.is_number_integer())
                throw std::invalid_argument("`shared_axes` must be a list of integers. Received: shared_axes=" + shared.dump());
            p.sharedAxes.push_back(a.get<int64_t>());
        }
    } else if (!shared.is_null()) {
        throw std::invalid_argument("`shared_axes` must be a list of integers. Received: shared_axes=" + shared.dump());
    }
    p.alphaInit = constantInitializer(config.value("alpha_initializer", json()));
    if (object.contains("weights") && !object.at("weights").is_null()) {
        const json& weights = object.at("weights");
        if (!weights.is_object())
            throw std::invalid_argument("\"weights\" must be an object with \"alpha\"");
        if (weights.contains("alpha"))
            p.alpha = readStoredArray(weights.at("alpha"), "alpha");
    }
    return std::make_unique<PReLU>(readString(config, "name", kNameStem), std::move(p));
}

json PReLU::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"alpha_initializer", initializerJson(m_params.alphaInit)},
            {"alpha_regularizer", nullptr},
            {"alpha_constraint", nullptr},
            {"shared_axes", m_params.sharedAxes.empty() ? json(nullptr) : json(m_params.sharedAxes)}};
}

json PReLU::extras() const
{
    if (!m_params.alpha)
        return nullptr;
    return {{"weights", {{"alpha", storedArrayJson(*m_params.alpha)}}}};
}

std::string PReLU::summary() const
{
    std::string text = m_params.alpha ? "stored α" : "α " + pythonNumber(m_params.alphaInit);
    if (!m_params.sharedAxes.empty())
        text += " / shared " + tupleString(m_params.sharedAxes);
    return text;
}

Shape PReLU::alphaShape(const Shape& input) const
{
    Shape shape(input.begin() + 1, input.end());
    const int64_t n = static_cast<int64_t>(shape.size());
    for (int64_t axis : m_params.sharedAxes) {
        // Python's param_shape[axis − 1] = 1 (valid for −n ≤ axis − 1 < n).
        if (axis > n || axis < 1 - n)
            throw error("list assignment index out of range (shared_axes=" + tupleString(m_params.sharedAxes)
                        + " on an input of shape " + shapeToTuple(input) + ": alpha has shape input_shape[1:] = "
                        + shapeToTuple(Shape(input.begin() + 1, input.end())) + ")");
        const int64_t i = axis - 1;
        shape[static_cast<size_t>(i < 0 ? i + n : i)] = 1;
    }
    return shape;
}

void PReLU::checkInput(const Shape& input) const
{
    const Shape shape = alphaShape(input);
    if (m_params.alpha && m_params.alpha->shape != shape)
        throw error("the stored alpha has shape " + shapeToTuple(m_params.alpha->shape) + " but an input of shape "
                    + shapeToTuple(input) + " with shared_axes="
                    + (m_params.sharedAxes.empty() ? std::string("None") : tupleString(m_params.sharedAxes))
                    + " needs alpha of shape " + shapeToTuple(shape));
}

BroadcastArray PReLU::alphaFor(const Shape& input) const
{
    Shape shape = alphaShape(input);
    std::vector<float> values = m_params.alpha ? m_params.alpha->data
                                               : std::vector<float>(static_cast<size_t>(elementCount(shape)),
                                                                    toFloat(m_params.alphaInit));
    BroadcastArray a;
    a.shape = Shape{1};
    a.shape.insert(a.shape.end(), shape.begin(), shape.end());
    a.values = std::move(values);
    return a;
}

namespace {

inline float prelu(float x, float alpha)
{
    return std::max(x, 0.0f) + (-alpha) * std::max(-x, 0.0f);
}

} // namespace

Tensor PReLU::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const BroadcastArray alpha = alphaFor(input.shape());
    const BroadcastArray none{Shape(input.shape().size(), 1), {0.0f}};
    mapBroadcast(input, output, alpha, none, context, [](float x, float a, float) { return prelu(x, a); });
    return output;
}

PReLU::CellValue PReLU::explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const
{
    const float a = alphaFor(shape).at(index);
    CellValue v;
    v.value = prelu(x, a);
    v.formula = x > 0.0f ? "x = " + formatValue(x) + " > 0 → y = x = " + formatValue(v.value)
                         : "x = " + formatValue(x) + " ≤ 0 → y = α · x = " + formatValue(a) + " · " + explain::term(x)
                               + " = " + formatValue(v.value);
    return v;
}

std::vector<NamedArray> PReLU::kerasWeights(const Shape& /*input*/) const
{
    // Without stored weights Keras's own alpha_initializer makes the same constant.
    if (!m_params.alpha)
        return {};
    return {{"alpha", m_params.alpha->shape, m_params.alpha->data}};
}

std::vector<FieldSpec> PReLU::editorFields()
{
    return {{"shared_axes", "Shared axes", FieldKind::IntList, {}, 1, 3, 2,
             "1-based axes sharing one alpha, e.g. [1, 2] for one alpha per channel (empty: None)", {}}};
}

json PReLU::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    const int kind = in.next() % 4;
    if (kind == 1)
        config["shared_axes"] = json{1, 2};
    else if (kind == 2)
        config["shared_axes"] = static_cast<int64_t>(in.next() % 6) - 1;
    else if (kind == 3)
        config["shared_axes"] = json{in.value()};
    if (in.next() % 5 == 0)
        config["alpha_initializer"] = in.pick({"zeros", "ones", "glorot_uniform"});
    json layer = {{"class_name", kClassName}, {"config", config}};
    if (in.next() % 3 == 0) {
        const int64_t c = 1 + in.next() % 4;
        json data = json::array();
        for (int64_t i = 0; i < c + (in.next() % 4 == 0 ? 1 : 0); ++i)
            data.push_back(static_cast<double>(static_cast<int8_t>(in.next())) / 16.0);
        layer["weights"] = {{"alpha", {{"shape", json{1, 1, c}}, {"data", data}}}};
    }
    return layer;
}

} // namespace layerscope
