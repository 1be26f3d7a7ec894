#include "activation_layer.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "elu.h"
#include "leaky_relu.h"
#include "relu.h"
#include "softmax.h"

#include <cmath>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

std::string activationNameFromJson(const json& activation)
{
    if (activation.is_null())
        return "linear";
    if (activation.is_string())
        return activation.get<std::string>();
    if (activation.is_object() && activation.contains("config") && activation.at("config").is_string())
        return activation.at("config").get<std::string>(); // serialized function object
    throw std::invalid_argument(unknownActivationMessage(activation.dump()));
}

std::shared_ptr<const Layer> activationLayerObject(const json& object)
{
    if (object.is_null())
        return nullptr;
    const std::string cls = object.value("class_name", "");
    if (!object.contains("config") || !object.at("config").is_object())
        throw std::invalid_argument(unknownActivationMessage(object.dump()));
    if (cls == ReLU::kClassName)
        return ReLU::fromJson(object);
    if (cls == LeakyReLU::kClassName)
        return LeakyReLU::fromJson(object);
    if (cls == ELU::kClassName)
        return ELU::fromJson(object);
    if (cls == Softmax::kClassName)
        return Softmax::fromJson(object);
    throw std::invalid_argument("activation " + cls
                                + " as a layer object is not supported (ReLU, LeakyReLU, ELU and Softmax are)");
}

ActivationLayer::ActivationLayer(std::string name, ActivationLayerParams params)
    : ElementwiseLayer(std::move(name))
{
    setParams(std::move(params));
}

void ActivationLayer::setParams(const ActivationLayerParams& params)
{
    m_params = params;
    m_inner = activationLayerObject(m_params.inner);
}

std::unique_ptr<ActivationLayer> ActivationLayer::fromJson(const json& object)
{
    const json& config = object.at("config");
    ActivationLayerParams p;
    const json activation = config.value("activation", json());
    if (activation.is_object() && activation.contains("config") && activation.at("config").is_object()) {
        p.inner = activation;
        p.activation = activation.value("class_name", "");
    } else {
        p.activation = activationNameFromJson(activation);
    }
    return std::make_unique<ActivationLayer>(readString(config, "name", kNameStem), std::move(p));
}

json ActivationLayer::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"activation", m_params.inner.is_null() ? json(m_params.activation) : m_params.inner}};
}

std::string ActivationLayer::summary() const
{
    return m_inner ? m_params.activation + " (" + m_inner->summary() + ")" : m_params.activation;
}

bool ActivationLayer::makesSignedValues() const
{
    if (m_inner)
        return m_inner->makesSignedValues();
    const std::optional<Activation> a = activationFromName(m_params.activation);
    return !a || !(*a == Activation::Relu || *a == Activation::Relu6 || *a == Activation::Sigmoid
                   || *a == Activation::HardSigmoid || *a == Activation::Softplus || *a == Activation::Softmax
                   || *a == Activation::Exponential || *a == Activation::Sparsemax || *a == Activation::SparseSigmoid
                   || *a == Activation::SparsePlus || *a == Activation::Squareplus);
}

LayerShape ActivationLayer::inferShape(const Shape& input) const
{
    if (m_inner)
        return m_inner->inferShape(input);
    const std::optional<Activation> a = activationFromName(m_params.activation);
    if (!a)
        throw error(unknownActivationMessage(m_params.activation));
    if (*a == Activation::Threshold)
        throw error(thresholdByNameMessage());
    LayerShape result = sameShape(input);
    if (*a == Activation::Glu) {
        const int64_t n = input.back();
        if (n % 2 != 0)
            throw error("axis size must be divisible by 2. Received: x.shape=" + shapeToTuple(input) + " with axis=-1");
        result.output.back() = n / 2;
        result.axes.back().output = n / 2;
        result.axes.back().rule = "glu: n / 2";
        result.axes.back().arithmetic = std::to_string(n) + " / 2 = " + std::to_string(n / 2);
    }
    return result;
}

Tensor ActivationLayer::forward(const Tensor& input, const ExecContext& context) const
{
    if (m_inner)
        return m_inner->forward(input, context);
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    return applyActivation(*activationFromName(m_params.activation), input, context);
}

ActivationLayer::CellValue ActivationLayer::explainValue(float x, const Shape& /*shape*/,
                                                         const std::vector<int64_t>& /*index*/) const
{
    const Activation a = *activationFromName(m_params.activation);
    CellValue v;
    v.value = x;
    applyElementwise(a, &v.value, 1);
    v.formula = activationName(a) + "(x) = " + activationName(a) + "(" + formatValue(x) + ") = " + formatValue(v.value)
              + " — " + activationFormula(a);
    return v;
}

using namespace explain;

CellExplanation ActivationLayer::explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const
{
    if (m_inner)
        return m_inner->explainOutputCell(input, output, cell);
    const Activation a = *activationFromName(m_params.activation);
    if (!actsAlongLastAxis(a))
        return ElementwiseLayer::explainOutputCell(input, output, cell);
    // Along axis −1: the whole vector at this position (for glu the value and its gate).
    const Shape& shape = input.shape();
    const size_t last = shape.size() - 1;
    std::vector<int64_t> index = axisIndex(cell, output.size(), DataFormat::ChannelsLast);
    const int64_t position = index[last];
    index[last] = 0;
    const int64_t n = shape[last];
    CellExplanation e;
    e.kind = ExplanationKind::AlongAxis;
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        index[last] = i;
        const CellIndex at = cellFromAxes(index);
        v[static_cast<size_t>(i)] = input[tensorOffset(shape, at)];
        if (a == Activation::Glu && i != position && i != position + n / 2)
            continue;
        if (static_cast<int64_t>(e.cells.size()) < kMaxListedCells) {
            ContributingCell c;
            c.cell = at;
            c.value = v[static_cast<size_t>(i)];
            c.windowY = 0;
            c.windowX = i;
            c.gate = a == Activation::Glu && i == position + n / 2;
            e.cells.push_back(c);
        }
    }
    e.cellCount = a == Activation::Glu ? 2 : n;
    CellWindow window{cell.y, cell.y, cell.x, cell.x};
    for (const ContributingCell& c : e.cells) {
        window.y0 = std::min(window.y0, c.cell.y);
        window.y1 = std::max(window.y1, c.cell.y);
        window.x0 = std::min(window.x0, c.cell.x);
        window.x1 = std::max(window.x1, c.cell.x);
    }
    e.window = e.clipped = window;
    e.exact = true;
    ActivationStep step;
    step.name = activationName(a);
    step.input = v[static_cast<size_t>(position)];
    step.alongAxis = true;
    step.vector = v;
    step.position = position;
    if (a == Activation::Glu) {
        const float x = v[static_cast<size_t>(position)], z = v[static_cast<size_t>(position + n / 2)];
        e.value = x * (1.0f / (1.0f + std::exp(-z)));
        step.gateInput = z;
        e.summary = "glu over axis −1: y = a · sigmoid(b) with a = x[" + std::to_string(position) + "] = " + formatValue(x)
                  + ", b = x[" + std::to_string(position + n / 2) + "] = " + formatValue(z) + " → " + formatValue(e.value);
    } else {
        applyRowsInPlace(a, v.data(), 1, n);
        e.value = v[static_cast<size_t>(position)];
        e.summary = activationName(a) + " over axis −1 (" + std::to_string(n) + " values) at index "
                  + std::to_string(position) + ": " + formatValue(step.input) + " → " + formatValue(e.value) + " — "
                  + activationFormula(a);
    }
    step.output = e.value;
    e.activation = step;
    return e;
}

RegionMapping ActivationLayer::mapOutputRegion(const Shape& input, const Shape& output,
                                               const std::vector<Interval>& clipped,
                                               const std::vector<Interval>& unclipped) const
{
    if (m_inner)
        return m_inner->mapOutputRegion(input, output, clipped, unclipped);
    RegionMapping m{clipped, unclipped};
    if (actsAlongLastAxis(*activationFromName(m_params.activation)))
        m.clipped.back() = m.unclipped.back() = wholeAxis(input.back());
    return m;
}

std::vector<AxisWindow> ActivationLayer::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    if (m_inner)
        return m_inner->outputAxisWindows(input, output, spatialAxis);
    // Axis −1 is never a spatial axis of these layers' tensors (channels for rank 4 and 3).
    return ElementwiseLayer::outputAxisWindows(input, output, spatialAxis);
}

std::vector<FieldSpec> ActivationLayer::editorFields()
{
    return {{"activation", "Activation", FieldKind::Enum, activationNames(), 0, 0, 0, "keras.activations name", {}}};
}

json ActivationLayer::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    const int kind = in.next() % 6;
    if (kind == 0)
        config["activation"] = nullptr;
    else if (kind == 1)
        config["activation"] = {{"module", "keras.activations"}, {"class_name", "function"}, {"config", in.pick({"relu", "gelu", "nope"})},
                                {"registered_name", nullptr}};
    else if (kind == 2)
        config["activation"] = {{"module", "keras.layers"}, {"class_name", in.pick({"LeakyReLU", "ReLU", "ELU", "Softmax", "Dense"})},
                                {"config", {{"name", "inner"}}}};
    else if (kind == 3)
        config["activation"] = in.next() % 2 ? json(7) : json::array();
    else
        config["activation"] = in.pick({"relu", "softmax", "glu", "gelu", "selu", "sparsemax", "threshold", "log_softmax", "nope", "hard_silu"});
    return {{"class_name", kClassName}, {"config", config}};
}

} // namespace layerscope
