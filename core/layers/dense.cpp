#include "dense.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "weighted_layer_support.h"

#include <Eigen/Core>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

// ---- configuration ---------------------------------------------------------------------------

std::unique_ptr<Dense> Dense::fromJson(const json& object)
{
    const json& config = object.at("config");
    DenseParams p;
    p.units = readInt(config, "units");
    p.activation = readActivationConfig(config);
    p.useBias = readBool(config, "use_bias", true);
    p.kernel = readStoredWeight(object, "kernel", 2);
    p.bias = readStoredWeight(object, "bias", 1);
    if (p.bias.stored() && !p.kernel.stored())
        throw std::invalid_argument("weights.bias is given without weights.kernel");
    if (p.bias.stored() && !p.useBias)
        throw std::invalid_argument("weights.bias is given but use_bias is false");
    return std::make_unique<Dense>(readString(config, "name", "dense"), std::move(p));
}

json Dense::config() const
{
    const DenseParams& p = m_params;
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"units", p.units},
            {"activation", p.activation},
            {"use_bias", p.useBias},
            {"kernel_initializer", initializerJson("GlorotUniform")},
            {"bias_initializer", initializerJson("Zeros")},
            {"kernel_regularizer", nullptr},
            {"bias_regularizer", nullptr},
            {"kernel_constraint", nullptr},
            {"bias_constraint", nullptr}};
}

json Dense::extras() const
{
    if (!m_params.kernel.stored())
        return nullptr;
    json weights = {{"kernel", weightEntryJson(m_params.kernel.shape, m_params.kernel.data)}};
    if (m_params.bias.stored())
        weights["bias"] = weightEntryJson(m_params.bias.shape, m_params.bias.data);
    return {{"weights", weights}};
}

std::string Dense::summary() const
{
    std::string text = std::to_string(m_params.units) + " units";
    if (m_params.activation != "linear")
        text += " / " + m_params.activation;
    if (!m_params.useBias)
        text += " / no bias";
    return text;
}

std::vector<float> Dense::resolvedKernel(int64_t inputChannels) const
{
    if (m_params.kernel.stored())
        return m_params.kernel.data;
    return seededGlorot(name(), "kernel", {inputChannels, m_params.units}, /*first=*/true);
}

std::vector<float> Dense::resolvedBias() const
{
    if (m_params.useBias && m_params.bias.stored())
        return m_params.bias.data;
    return std::vector<float>(static_cast<size_t>(std::max<int64_t>(m_params.units, 0)), 0.0f);
}

// ---- shape inference -------------------------------------------------------------------------

LayerShape Dense::inferShape(const Shape& input) const
{
    const DenseParams& p = m_params;
    if (p.units <= 0)
        throw error("Received an invalid value for `units`, expected a positive integer. Received: units="
                    + std::to_string(p.units));
    const std::optional<Activation> activation = activationFromName(p.activation);
    if (!activation)
        throw error(unknownActivationMessage(p.activation));
    if (p.kernel.stored() && p.kernel.shape[1] != p.units)
        throw error("the stored kernel has shape " + shapeToTuple(p.kernel.shape) + ", but units="
                    + std::to_string(p.units) + " needs (C_in, " + std::to_string(p.units) + ")");
    if (p.useBias && p.bias.stored() && p.bias.shape[0] != p.units)
        throw error("the stored bias has " + std::to_string(p.bias.shape[0]) + " values, but units="
                    + std::to_string(p.units) + " needs one per unit");
    if (input.size() < 2)
        throw error(minRankMessage(name(), input, 2));
    const int64_t C = input.back();
    if (p.kernel.stored() && p.kernel.shape[0] != C)
        throw error(channelAxisMessage(name(), input, false, p.kernel.shape[0],
                                       "the stored kernel has " + std::to_string(p.kernel.shape[0]) + " input rows"));
    Shape pre = input;
    pre.back() = p.units;
    if (const std::string message = activationShapeError(*activation, pre, "units"); !message.empty())
        throw error(message);

    LayerShape result;
    result.output = pre;
    result.output.back() = activatedLastAxis(*activation, p.units);
    static const char* names4[] = {"batch", "height", "width"};
    for (size_t a = 0; a + 1 < input.size(); ++a)
        result.axes.push_back(copiedAxis(input.size() == 4 ? names4[a] : (a == 0 ? "batch" : "axis " + std::to_string(a)),
                                         input[a]));
    AxisExplanation last = setAxis("units", C, p.units, "units");
    if (*activation == Activation::Glu) {
        last.rule += "; glu halves axis −1";
        last.arithmetic += "; glu: " + std::to_string(p.units) + " / 2 = " + std::to_string(p.units / 2);
        last.output = p.units / 2;
    }
    result.axes.push_back(last);
    return result;
}

// ---- kernel ----------------------------------------------------------------------------------

void denseRows(const float* a, int64_t rows, int64_t depth, const float* b, int64_t n, const float* bias, float* c,
               Activation fused, const ExecContext& context, const float* packed)
{
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using ConstMap = Eigen::Map<const RowMatrix>;
    using Map = Eigen::Map<RowMatrix>;
    // Blocks of about 64 KiB of A and C each, at least 16 rows: small enough to stay in L2 for the
    // epilogue, large enough for Eigen's packing to pay off.
    const int64_t rowBytes = std::max<int64_t>(1, (depth + n) * static_cast<int64_t>(sizeof(float)));
    const int64_t block = std::clamp<int64_t>((int64_t{1} << 17) / rowBytes, 16, 4096);
    Eigen::setNbThreads(context.effectiveThreads());
    const ConstMap weights(b, depth, n);
    const bool rowActivation = actsAlongLastAxis(fused);
    // The bias and the activation of `count` finished rows at `out`.
    const auto finishRows = [&](float* out, int64_t count) {
        if (bias) {
            for (int64_t r = 0; r < count; ++r) {
                float* row = out + r * n;
#pragma omp simd
                for (int64_t j = 0; j < n; ++j)
                    row[j] += bias[j];
            }
        }
        if (rowActivation)
            applyRowsInPlace(fused, out, count, n);
        else
            applyElementwise(fused, out, count * n);
    };
    if (denseFewRowsApplies(rows, depth, n)) {
        denseFewRows(a, rows, depth, b, n, c, context, packed);
        finishRows(c, rows);
        return;
    }
    parallelChunks(rows, block, context, [&](int64_t begin, int64_t end) {
        for (int64_t r0 = begin; r0 < end; r0 += block) {
            const int64_t r1 = std::min(end, r0 + block), count = r1 - r0;
            float* out = c + r0 * n;
            Map result(out, count, n);
            if (depth == 0)
                result.setZero();
            else
                result.noalias() = ConstMap(a + r0 * depth, count, depth) * weights;
            finishRows(out, count);
        }
    });
}

Tensor Dense::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const DenseParams& p = m_params;
    const Activation activation = *activationFromName(p.activation);
    const int64_t C = input.shape().back();
    Shape pre = input.shape();
    pre.back() = p.units;
    guard(context, pre);
    if (!p.kernel.stored())
        guard(context, {C, p.units}, 0, "the kernel");
    const bool fusable = activation != Activation::Glu;
    guard(context, pre,
          elementCount({C, p.units}) * static_cast<int64_t>(sizeof(float))
              + (fusable ? 0 : activationScratchBytes(activation, pre)),
          "the output (with the kernel)");
    // The stored kernel is used in place: a copy of a 4096 × 1000 kernel costs more than the GEMM
    // of a small batch.
    std::shared_ptr<const std::vector<float>> drawn;
    if (!p.kernel.stored())
        drawn = sharedSeededGlorot(name(), "kernel", {C, p.units}, /*first=*/true);
    const float* kernel = drawn ? drawn->data() : p.kernel.data.data();
    const std::vector<float> bias = resolvedBias();
    Tensor out = Tensor::uninitialized(pre);
    const int64_t rows = C > 0 ? input.size() / C : elementCount(pre) / p.units;
    std::shared_ptr<const std::vector<float>> panels;
    if (denseFewRowsApplies(rows, C, p.units)) {
        guard(context, {C, p.units}, 0, "the packed kernel");
        panels = m_packed.panels(kernel, drawn, C, p.units);
    }
    denseRows(input.data(), rows, C, kernel, p.units, p.useBias ? bias.data() : nullptr, out.data(),
              fusable ? activation : Activation::Linear, context, panels ? panels->data() : nullptr);
    return fusable ? out : finishOutput(std::move(out), false, activation, context);
}

// ---- explanation -----------------------------------------------------------------------------

CellExplanation Dense::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& o) const
{
    using namespace explain;
    const DenseParams& p = m_params;
    const Shape& inShape = input.shape();
    const int64_t C = inShape.back();
    const std::vector<float> kernel = resolvedKernel(C);
    const std::vector<float> bias = resolvedBias();
    const Activation activation = *activationFromName(p.activation);
    auto inputAt = [&](int64_t i) { return input[tensorOffset(inShape, CellIndex{o.b, o.y, o.x, i})]; };
    auto preAt = [&](int64_t j) {
        double sum = 0;
        for (int64_t i = 0; i < C; ++i)
            sum += static_cast<double>(inputAt(i)) * kernel[static_cast<size_t>(i * p.units + j)];
        return static_cast<float>(sum + (p.useBias ? bias[static_cast<size_t>(j)] : 0.0f));
    };

    CellExplanation e;
    e.kind = ExplanationKind::Convolution;
    e.window = {o.y, o.y, o.x, o.x};
    finishWindow(e, inShape.size() >= 3 ? inShape[inShape.size() - 3] : 1, inShape.size() >= 3 ? inShape[inShape.size() - 2] : 1);
    if (inShape.size() < 3)
        e.window = e.clipped = {0, 0, 0, 0};
    ChannelPartialSum partial;
    partial.filter = o.c;
    std::vector<std::string> products;
    for (int64_t i = 0; i < C; ++i) {
        ContributingCell cell;
        cell.cell = {o.b, o.y, o.x, i};
        cell.value = inputAt(i);
        cell.weight = kernel[static_cast<size_t>(i * p.units + o.c)];
        cell.windowY = 0;
        cell.windowX = 0;
        e.cells.push_back(cell);
        partial.sum += static_cast<double>(cell.value) * cell.weight;
        ++partial.terms;
        products.push_back(term(cell.value) + "·" + term(cell.weight));
    }
    e.channelSums.push_back(partial);
    e.cellCount = C;
    std::string text = "Σ_i x[i]·K[i, " + std::to_string(o.c) + "] = " + joinTerms(products, " + ", 9) + " = "
                     + formatValue(partial.sum);
    const float pre = preAt(o.c);
    if (p.useBias) {
        e.bias = bias[static_cast<size_t>(o.c)];
        text += "; + bias " + term(*e.bias) + " = " + formatValue(pre);
    }
    e.value = explainActivation(e, text, activation, p.units, o.c, preAt, "the " + std::to_string(p.units) + " units");
    e.exact = false;
    e.summary = text;
    e.details.push_back("Dense acts on axis −1 only: every unit reads all " + std::to_string(C)
                        + " values along it at the same leading index");
    return e;
}

RegionMapping Dense::mapOutputRegion(const Shape& input, const Shape& /*output*/, const std::vector<Interval>& clipped,
                                     const std::vector<Interval>& unclipped) const
{
    RegionMapping m;
    m.clipped = clipped;
    m.unclipped = unclipped;
    m.clipped.back() = m.unclipped.back() = clipped.back().empty() ? Interval{} : Interval{0, input.back() - 1};
    return m;
}

std::vector<AxisWindow> Dense::outputAxisWindows(const Shape& /*input*/, const Shape& output, int spatialAxis) const
{
    if (output.size() < 3)
        throw std::invalid_argument("Dense on a rank-2 input has no rows or columns");
    const size_t axis = output.size() - 3 + static_cast<size_t>(spatialAxis);
    std::vector<AxisWindow> windows;
    for (int64_t o = 0; o < output[axis]; ++o)
        windows.push_back({Interval{o, o}, Interval{o, o}});
    return windows;
}

// ---- registry entry ------------------------------------------------------------------------

std::vector<FieldSpec> Dense::editorFields()
{
    return {{"units", "Units", FieldKind::Int, {}, 0, 65536, 0, "Size of the output's last axis", {}},
            {"activation", "Activation", FieldKind::Enum, activationNames(), 0, 0, 0, {}, {}},
            {"use_bias", "Use bias", FieldKind::Bool, {}, 0, 0, 0, {}, {}}};
}

json Dense::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const int64_t units = in.value();
    const bool useBias = in.next() % 2 == 0;
    json layer = {{"class_name", kClassName},
                  {"config", {{"name", name}, {"units", units},
                              {"activation", in.pick({"linear", "relu", "softmax", "glu", "tanh", "sparsemax", "threshold", "nope"})},
                              {"use_bias", useBias}}}};
    if (in.next() % 3 == 0 && units >= 0 && units <= 16) {
        const int64_t inChannels = 1 + in.next() % 4;
        json weights = {{"kernel", fuzzWeightJson(in, {inChannels, units})}};
        if (useBias)
            weights["bias"] = fuzzWeightJson(in, {units});
        layer["weights"] = weights;
    }
    return layer;
}

// ---- Keras code ------------------------------------------------------------------------------

long double Dense::generatedWeightCount(const Shape& input) const
{
    if (m_params.kernel.stored())
        return 0;
    if (input.empty())
        return std::numeric_limits<long double>::infinity();
    return static_cast<long double>(input.back()) * m_params.units;
}

std::vector<NamedArray> Dense::kerasWeights(const Shape& input) const
{
    const int64_t C = m_params.kernel.stored() ? m_params.kernel.shape[0] : (input.empty() ? 0 : input.back());
    std::vector<NamedArray> arrays{{"kernel", Shape{C, m_params.units}, resolvedKernel(C)}};
    if (m_params.useBias)
        arrays.push_back({"bias", Shape{m_params.units}, resolvedBias()});
    return arrays;
}

void Dense::refitStoredWeights(json& edited, const Shape& input) const
{
    if (!edited.contains("weights") || !m_params.kernel.stored())
        return;
    const json& c = edited["config"];
    const json unitsValue = c.value("units", json());
    const int64_t units = unitsValue.is_number_integer() ? unitsValue.get<int64_t>() : m_params.units;
    const json biasValue = c.value("use_bias", json(true));
    const bool useBias = biasValue.is_boolean() ? biasValue.get<bool>() : true;
    const int64_t oldUnits = m_params.kernel.shape[1];
    const int64_t C = input.size() >= 2 ? input.back() : m_params.kernel.shape[0];
    constexpr int64_t kMaxStoredWeights = int64_t{1} << 22;
    if (units <= 0 || C <= 0 || C * units > kMaxStoredWeights) {
        edited.erase("weights");
        return;
    }
    const std::vector<float> fresh = seededGlorot(c.value("name", std::string()), "kernel", {C, units}, true);
    std::vector<float> kernel(static_cast<size_t>(C * units), 0.0f);
    for (int64_t i = 0; i < C; ++i)
        for (int64_t j = 0; j < units; ++j) {
            const size_t at = static_cast<size_t>(i * units + j);
            kernel[at] = i < m_params.kernel.shape[0] && j < oldUnits
                             ? m_params.kernel.data[static_cast<size_t>(i * oldUnits + j)]
                             : (j >= oldUnits ? fresh[at] : 0.0f);
        }
    json weights = {{"kernel", weightEntryJson({C, units}, kernel)}};
    if (useBias && m_params.bias.stored()) {
        std::vector<float> bias(static_cast<size_t>(units), 0.0f);
        for (int64_t j = 0; j < std::min(units, m_params.bias.shape[0]); ++j)
            bias[static_cast<size_t>(j)] = m_params.bias.data[static_cast<size_t>(j)];
        weights["bias"] = weightEntryJson({units}, bias);
    }
    edited["weights"] = weights;
}

} // namespace layerscope
