#include "batch_normalization.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

#include <cmath>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

namespace {

const char* const kWeightNames[] = {"gamma", "beta", "moving_mean", "moving_variance"};

json initializer(const char* name)
{
    return {{"module", "keras.initializers"}, {"class_name", name}, {"config", json::object()}, {"registered_name", nullptr}};
}

} // namespace

std::unique_ptr<BatchNormalization> BatchNormalization::fromJson(const json& object)
{
    const json& config = object.at("config");
    BatchNormalizationParams p;
    const json axis = config.value("axis", json(-1));
    if (axis.is_array() && axis.size() == 1 && axis[0].is_number_integer()) {
        p.axis = axis[0].get<int64_t>();
        p.axisAsList = true;
    } else if (axis.is_number_integer()) {
        p.axis = axis.get<int64_t>();
    } else if (axis.is_array()) {
        throw std::invalid_argument("int() argument must be a string, a bytes-like object or a real number, not 'list' "
                                    "(BatchNormalization takes one axis; Received: axis=" + axis.dump() + ")");
    } else {
        throw std::invalid_argument("`axis` must be an integer. Received: axis=" + axis.dump());
    }
    p.epsilon = readNumber(config, "epsilon", 1e-3);
    p.momentum = readNumber(config, "momentum", 0.99);
    p.center = readBool(config, "center", true);
    p.scale = readBool(config, "scale", true);
    if (object.contains("weights") && !object.at("weights").is_null()) {
        const json& weights = object.at("weights");
        if (!weights.is_object())
            throw std::invalid_argument("\"weights\" must be an object with gamma, beta, moving_mean, moving_variance");
        std::optional<StoredArray>* slots[] = {&p.gamma, &p.beta, &p.movingMean, &p.movingVariance};
        for (int i = 0; i < 4; ++i) {
            if (!weights.contains(kWeightNames[i]) || weights.at(kWeightNames[i]).is_null())
                continue;
            StoredArray a = readStoredArray(weights.at(kWeightNames[i]), kWeightNames[i]);
            if (a.shape.size() != 1)
                throw std::invalid_argument(std::string("weights.") + kWeightNames[i] + " must have rank 1, got shape "
                                            + shapeToTuple(a.shape));
            *slots[i] = std::move(a);
        }
    }
    return std::make_unique<BatchNormalization>(readString(config, "name", kNameStem), std::move(p));
}

json BatchNormalization::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"axis", m_params.axis},
            {"momentum", m_params.momentum},
            {"epsilon", m_params.epsilon},
            {"center", m_params.center},
            {"scale", m_params.scale},
            {"beta_initializer", initializer("Zeros")},
            {"gamma_initializer", initializer("Ones")},
            {"moving_mean_initializer", initializer("Zeros")},
            {"moving_variance_initializer", initializer("Ones")},
            {"beta_regularizer", nullptr},
            {"gamma_regularizer", nullptr},
            {"beta_constraint", nullptr},
            {"gamma_constraint", nullptr},
            {"synchronized", false}};
}

json BatchNormalization::extras() const
{
    json weights = json::object();
    const std::optional<StoredArray>* slots[] = {&m_params.gamma, &m_params.beta, &m_params.movingMean,
                                                 &m_params.movingVariance};
    for (int i = 0; i < 4; ++i)
        if (*slots[i])
            weights[kWeightNames[i]] = storedArrayJson(**slots[i]);
    if (weights.empty())
        return nullptr;
    return {{"weights", weights}};
}

std::string BatchNormalization::summary() const
{
    const bool stored = m_params.gamma || m_params.beta || m_params.movingMean || m_params.movingVariance;
    return "axis " + std::to_string(m_params.axis) + " / ε " + pythonNumber(m_params.epsilon)
         + (stored ? " / stored statistics" : " / initial statistics");
}

size_t BatchNormalization::channelAxis(size_t rank) const
{
    const int64_t n = static_cast<int64_t>(rank);
    if (m_params.axis < -n || m_params.axis >= n)
        throw error("tuple index out of range (axis=" + std::to_string(m_params.axis) + " for an input of rank "
                    + std::to_string(rank) + "; Keras's build reads input_shape[axis])");
    return static_cast<size_t>(m_params.axis < 0 ? m_params.axis + n : m_params.axis);
}

void BatchNormalization::checkInput(const Shape& input) const
{
    const size_t axis = channelAxis(input.size());
    const int64_t channels = input[axis];
    const std::optional<StoredArray>* slots[] = {&m_params.gamma, &m_params.beta, &m_params.movingMean,
                                                 &m_params.movingVariance};
    for (int i = 0; i < 4; ++i) {
        if (*slots[i] && (*slots[i])->shape[0] != channels)
            throw error("Input 0 of layer '" + name() + "' is incompatible with the layer: expected axis "
                        + std::to_string(m_params.axis) + " of input shape to have value "
                        + std::to_string((*slots[i])->shape[0]) + ", but received input with shape " + shapeToTuple(input)
                        + " (the stored " + kWeightNames[i] + " has " + std::to_string((*slots[i])->shape[0])
                        + " channels)");
    }
}

static std::vector<float> vectorOr(const std::optional<StoredArray>& stored, int64_t channels, float value)
{
    return stored ? stored->data : std::vector<float>(static_cast<size_t>(channels), value);
}

std::vector<float> BatchNormalization::gamma(int64_t c) const { return vectorOr(m_params.gamma, c, 1.0f); }
std::vector<float> BatchNormalization::beta(int64_t c) const { return vectorOr(m_params.beta, c, 0.0f); }
std::vector<float> BatchNormalization::movingMean(int64_t c) const { return vectorOr(m_params.movingMean, c, 0.0f); }
std::vector<float> BatchNormalization::movingVariance(int64_t c) const { return vectorOr(m_params.movingVariance, c, 1.0f); }

BatchNormAffine BatchNormalization::affine(int64_t channels) const
{
    const std::vector<float> g = gamma(channels), b = beta(channels), mean = movingMean(channels),
                             var = movingVariance(channels);
    const float eps = toFloat(m_params.epsilon);
    BatchNormAffine a;
    a.inv.resize(static_cast<size_t>(channels));
    a.shift.resize(static_cast<size_t>(channels));
    for (size_t c = 0; c < a.inv.size(); ++c) {
        float inv = 1.0f / std::sqrt(var[c] + eps);
        if (m_params.scale)
            inv = inv * g[c];
        a.inv[c] = inv;
        a.shift[c] = m_params.center ? b[c] - mean[c] * inv : -(mean[c] * inv);
    }
    return a;
}

Tensor BatchNormalization::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    const size_t rank = input.shape().size();
    const size_t axis = channelAxis(rank);
    BatchNormAffine a = affine(input.shape()[axis]);
    Tensor output = Tensor::uninitialized(shape.output);
    mapBroadcast(input, output, vectorOnAxis(rank, axis, std::move(a.inv)), vectorOnAxis(rank, axis, std::move(a.shift)),
                 context, [](float x, float inv, float shift) { return x * inv + shift; });
    return output;
}

BatchNormalization::CellValue BatchNormalization::explainValue(float x, const Shape& shape,
                                                               const std::vector<int64_t>& index) const
{
    const size_t axis = channelAxis(shape.size());
    const int64_t channels = shape[axis];
    const size_t c = static_cast<size_t>(index[axis]);
    const BatchNormAffine a = affine(channels);
    const float g = m_params.scale ? gamma(channels)[c] : 1.0f;
    const float b = m_params.center ? beta(channels)[c] : 0.0f;
    const float mean = movingMean(channels)[c], var = movingVariance(channels)[c];
    CellValue v;
    v.value = x * a.inv[c] + a.shift[c];
    using explain::term;
    v.formula = "channel " + std::to_string(c) + ": (x − mean) / sqrt(var + eps) · gamma + beta = (" + formatValue(x) + " − "
              + term(mean) + ") / sqrt(" + formatValue(var) + " + " + pythonNumber(m_params.epsilon) + ") · " + term(g)
              + " + " + term(b) + " = " + formatValue(v.value) + " (as TF: x · " + formatValue(a.inv[c]) + " + "
              + term(a.shift[c]) + ")";
    return v;
}

std::vector<NamedArray> BatchNormalization::kerasWeights(const Shape& input) const
{
    // Without stored weights Keras's initializers give the same vectors.
    if (!(m_params.gamma || m_params.beta || m_params.movingMean || m_params.movingVariance) || input.empty())
        return {};
    const int64_t c = input[channelAxis(input.size())];
    std::vector<NamedArray> arrays;
    if (m_params.scale)
        arrays.push_back({"gamma", Shape{c}, gamma(c)});
    if (m_params.center)
        arrays.push_back({"beta", Shape{c}, beta(c)});
    arrays.push_back({"moving_mean", Shape{c}, movingMean(c)});
    arrays.push_back({"moving_variance", Shape{c}, movingVariance(c)});
    return arrays;
}

std::vector<FieldSpec> BatchNormalization::editorFields()
{
    return {{"axis", "Axis", FieldKind::Int, {}, -4, 3, 0, "The channel axis (−1: last; 1 for channels_first)", {}},
            {"epsilon", "Epsilon", FieldKind::Float, {}, 0, 0, 0, "Added to the variance inside the square root", {}},
            {"center", "Center (beta)", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            {"scale", "Scale (gamma)", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            {"momentum", "Momentum", FieldKind::Float, {}, 0, 0, 0, "Training only", {}}};
}

json BatchNormalization::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    const int kind = in.next() % 4;
    if (kind == 1)
        config["axis"] = static_cast<int64_t>(in.next() % 11) - 5;
    else if (kind == 2)
        config["axis"] = json{static_cast<int64_t>(in.next() % 5) - 1};
    else if (kind == 3)
        config["axis"] = json{1, 2};
    config["epsilon"] = static_cast<double>(in.next()) / 64.0;
    config["center"] = in.next() % 2 == 0;
    config["scale"] = in.next() % 2 == 0;
    json layer = {{"class_name", kClassName}, {"config", config}};
    if (in.next() % 3 == 0) {
        const int64_t c = 1 + in.next() % 4;
        json weights = json::object();
        for (const char* w : kWeightNames) {
            if (in.next() % 4 == 0)
                continue;
            json data = json::array();
            for (int64_t i = 0; i < c + (in.next() % 8 == 0 ? 1 : 0); ++i)
                data.push_back(static_cast<double>(in.next()) / 32.0);
            weights[w] = {{"shape", json{c}}, {"data", data}};
        }
        layer["weights"] = weights;
    }
    return layer;
}

} // namespace layerscope
