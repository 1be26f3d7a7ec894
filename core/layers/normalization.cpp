#include "normalization.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "rescaling.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

namespace {

constexpr float kEpsilon = 1e-7f; // keras.config.epsilon()

std::string axisTuple(const std::vector<int64_t>& axis)
{
    if (axis.size() == 1)
        return "(" + std::to_string(axis[0]) + ",)";
    return tupleString(axis);
}

} // namespace

std::unique_ptr<Normalization> Normalization::fromJson(const json& object)
{
    const json& config = object.at("config");
    NormalizationParams p;
    const json axis = config.contains("axis") ? config.at("axis") : json(-1);
    if (axis.is_null()) {
        p.axis.clear();
        p.axisIsNull = true;
    } else if (axis.is_number_integer()) {
        p.axis = {axis.get<int64_t>()};
    } else if (axis.is_array()) {
        p.axis.clear();
        for (const json& a : axis) {
            if (!a.is_number_integer())
                throw std::invalid_argument("`axis` must be an int, a tuple of ints or None. Received: axis=" + axis.dump());
            p.axis.push_back(a.get<int64_t>());
        }
    } else {
        throw std::invalid_argument("`axis` must be an int, a tuple of ints or None. Received: axis=" + axis.dump());
    }
    p.invert = readBool(config, "invert", false);
    const json mean = config.value("mean", json()), variance = config.value("variance", json());
    if (mean.is_null() != variance.is_null())
        throw std::invalid_argument("When setting values directly, both `mean` and `variance` must be set. Received: mean="
                                    + (mean.is_null() ? std::string("None") : mean.dump()) + " and variance="
                                    + (variance.is_null() ? std::string("None") : variance.dump()));
    if (!mean.is_null()) {
        p.mean = readNumericArray(mean, "mean");
        p.variance = readNumericArray(variance, "variance");
        p.meanJson = mean;
        p.varianceJson = variance;
        if (p.mean->shape != p.variance->shape)
            throw std::invalid_argument("When setting values directly, `mean` and `variance` must have the same shape. "
                                        "Received: mean shape " + shapeToTuple(p.mean->shape) + " and variance shape "
                                        + shapeToTuple(p.variance->shape));
        if (p.mean->shape.size() > p.axis.size())
            throw std::invalid_argument("The rank of `mean` must be less than or equal to the number of axes ("
                                        + std::to_string(p.axis.size()) + "). Received: mean shape "
                                        + shapeToTuple(p.mean->shape) + " for axis " + axisTuple(p.axis));
    }
    if (object.contains("weights") && !object.at("weights").is_null()) {
        const json& weights = object.at("weights");
        if (!weights.is_object())
            throw std::invalid_argument("\"weights\" must be an object with mean, variance and count");
        if (p.mean && (weights.contains("mean") || weights.contains("variance")))
            throw std::invalid_argument("weights.mean / weights.variance are given but the config sets mean and variance "
                                        "(Keras then has no weights)");
        if (weights.contains("mean") != weights.contains("variance"))
            throw std::invalid_argument("weights.mean and weights.variance must be given together");
        if (weights.contains("mean")) {
            p.weightMean = readStoredArray(weights.at("mean"), "mean");
            p.weightVariance = readStoredArray(weights.at("variance"), "variance");
            if (p.weightMean->shape != p.weightVariance->shape)
                throw std::invalid_argument("weights.mean has shape " + shapeToTuple(p.weightMean->shape)
                                            + " but weights.variance has shape " + shapeToTuple(p.weightVariance->shape));
        }
        if (weights.contains("count")) {
            const StoredArray count = readStoredArray(weights.at("count"), "count");
            if (count.data.size() != 1)
                throw std::invalid_argument("weights.count must be a scalar");
            p.count = count.data[0];
        }
    }
    return std::make_unique<Normalization>(readString(config, "name", kNameStem), std::move(p));
}

json Normalization::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"axis", m_params.axis},
            {"invert", m_params.invert},
            {"mean", m_params.mean ? m_params.meanJson : json(nullptr)},
            {"variance", m_params.variance ? m_params.varianceJson : json(nullptr)}};
}

json Normalization::extras() const
{
    if (!m_params.weightMean)
        return nullptr;
    return {{"weights",
             {{"mean", storedArrayJson(*m_params.weightMean)},
              {"variance", storedArrayJson(*m_params.weightVariance)},
              {"count", {{"shape", json::array()}, {"data", json{m_params.count}}}}}}};
}

std::string Normalization::summary() const
{
    const std::string source = m_params.mean ? "config statistics" : m_params.weightMean ? "adapted statistics" : "mean 0, variance 1";
    return std::string(m_params.invert ? "invert / " : "") + "axis " + (m_params.axis.empty() ? "None" : tupleString(m_params.axis))
         + " / " + source;
}

std::pair<BroadcastArray, BroadcastArray> Normalization::statistics(const Shape& input, bool materialize) const
{
    const int64_t n = static_cast<int64_t>(input.size());
    std::vector<bool> kept(input.size(), false);
    for (int64_t a : m_params.axis) {
        if (a < -n || a >= n)
            throw error("All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim="
                        + std::to_string(n) + ", while axis=" + axisTuple(m_params.axis));
        kept[static_cast<size_t>(a < 0 ? a + n : a)] = true;
    }
    Shape target(input.size(), 1), keptDims;
    for (size_t d = 0; d < input.size(); ++d)
        if (kept[d]) {
            target[d] = input[d];
            keptDims.push_back(input[d]);
        }
    std::vector<size_t> keptAxes;
    for (size_t d = 0; d < input.size(); ++d)
        if (kept[d])
            keptAxes.push_back(d);
    // A config array placed as Keras's build places it: its axes on the kept axes, right to left
    // (a scalar everywhere), then broadcast to the target shape.
    auto fromConfig = [&](const StoredArray& a) {
        Shape expanded(target.size(), 1);
        for (size_t i = 1; i <= a.shape.size(); ++i)
            expanded[keptAxes[keptAxes.size() - i]] = a.shape[a.shape.size() - i];
        for (size_t d = 0; d < target.size(); ++d)
            if (expanded[d] != 1 && expanded[d] != target[d])
                throw error(incompatibleShapesMessage(expanded, target, "BroadcastTo"));
        if (!materialize)
            return BroadcastArray{target, {}};
        BroadcastArray b{expanded, a.data}, full{target, {}};
        full.values.resize(static_cast<size_t>(elementCount(target)));
        std::vector<int64_t> index(target.size(), 0);
        for (size_t i = 0; i < full.values.size(); ++i) {
            full.values[i] = b.at(index);
            for (size_t d = target.size(); d-- > 0;) {
                if (++index[d] < target[d])
                    break;
                index[d] = 0;
            }
        }
        return full;
    };
    BroadcastArray mean, deviation;
    if (m_params.mean) {
        mean = fromConfig(*m_params.mean);
        deviation = fromConfig(*m_params.variance);
    } else if (m_params.weightMean) {
        if (m_params.weightMean->shape != keptDims)
            throw error("the stored mean and variance have shape " + shapeToTuple(m_params.weightMean->shape) + " but axis "
                        + axisTuple(m_params.axis) + " of an input of shape " + shapeToTuple(input) + " keeps "
                        + shapeToTuple(keptDims));
        mean = {target, m_params.weightMean->data};
        deviation = {target, m_params.weightVariance->data};
    } else if (!materialize) {
        return {};
    } else {
        mean = {target, std::vector<float>(static_cast<size_t>(elementCount(target)), 0.0f)};
        deviation = {target, std::vector<float>(static_cast<size_t>(elementCount(target)), 1.0f)};
    }
    for (float& v : deviation.values)
        v = std::max(std::sqrt(v), kEpsilon);
    return {std::move(mean), std::move(deviation)};
}

void Normalization::checkInput(const Shape& input) const
{
    // Shape checks only: the statistics arrays have the kept axes' sizes, which shape inference
    // of an absurd input must not allocate (found by fuzz_execute: 2^62 bytes).
    statistics(input, /*materialize=*/false);
}

Tensor Normalization::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    const auto [mean, deviation] = statistics(input.shape());
    Tensor output = Tensor::uninitialized(shape.output);
    if (m_params.invert)
        mapBroadcast(input, output, mean, deviation, context, [](float x, float m, float d) { return m + x * d; });
    else
        mapBroadcast(input, output, mean, deviation, context, [](float x, float m, float d) { return (x - m) / d; });
    return output;
}

Normalization::CellValue Normalization::explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const
{
    const auto [mean, deviation] = statistics(shape);
    const float m = mean.at(index), d = deviation.at(index);
    CellValue v;
    using explain::term;
    if (m_params.invert) {
        v.value = m + x * d;
        v.formula = "y = mean + x · max(sqrt(variance), 1e-07) = " + formatValue(m) + " + " + term(x) + " · " + formatValue(d)
                  + " = " + formatValue(v.value);
    } else {
        v.value = (x - m) / d;
        v.formula = "y = (x − mean) / max(sqrt(variance), 1e-07) = (" + formatValue(x) + " − " + term(m) + ") / "
                  + formatValue(d) + " = " + formatValue(v.value);
    }
    return v;
}

std::vector<NamedArray> Normalization::kerasWeights(const Shape& /*input*/) const
{
    if (!m_params.weightMean)
        return {};
    return {{"mean", m_params.weightMean->shape, m_params.weightMean->data},
            {"variance", m_params.weightVariance->shape, m_params.weightVariance->data},
            {"count", Shape{}, {static_cast<float>(m_params.count)}}};
}

std::vector<FieldSpec> Normalization::editorFields()
{
    return {{"invert", "Invert", FieldKind::Bool, {}, 0, 0, 0, "y = mean + x · std instead of (x − mean) / std", {}}};
}

json Normalization::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    const int kind = in.next() % 4;
    if (kind == 1)
        config["axis"] = static_cast<int64_t>(in.next() % 11) - 5;
    else if (kind == 2)
        config["axis"] = nullptr;
    else if (kind == 3)
        config["axis"] = json{1, static_cast<int64_t>(in.next() % 5) - 1};
    if (in.next() % 2) {
        json mean = json::array(), variance = json::array();
        const int n = in.next() % 5;
        for (int i = 0; i < n; ++i) {
            mean.push_back(static_cast<double>(static_cast<int8_t>(in.next())) / 8.0);
            variance.push_back(static_cast<double>(in.next()) / 8.0);
        }
        config["mean"] = mean;
        if (in.next() % 6)
            config["variance"] = variance;
    }
    config["invert"] = in.next() % 3 == 0;
    json layer = {{"class_name", kClassName}, {"config", config}};
    if (in.next() % 3 == 0) {
        const int64_t c = 1 + in.next() % 4;
        json data = json::array();
        for (int64_t i = 0; i < c; ++i)
            data.push_back(static_cast<double>(in.next()) / 16.0);
        layer["weights"] = {{"mean", {{"shape", json{c}}, {"data", data}}}, {"variance", {{"shape", json{c}}, {"data", data}}}};
    }
    return layer;
}

} // namespace layerscope
