#include "separable_conv2d.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "dense.h"
#include "weighted_layer_support.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

std::unique_ptr<SeparableConv2D> SeparableConv2D::fromJson(const json& object)
{
    const json& config = object.at("config");
    SeparableConv2DParams p;
    p.filters = readInt(config, "filters");
    p.stage = DepthwiseStage::fromConfig(config);
    p.activation = readActivationConfig(config);
    p.useBias = readBool(config, "use_bias", true);
    p.depthwiseKernel = readStoredWeight(object, "depthwise_kernel", 4);
    p.pointwiseKernel = readStoredWeight(object, "pointwise_kernel", 4);
    p.bias = readStoredWeight(object, "bias", 1);
    if (p.depthwiseKernel.stored() != p.pointwiseKernel.stored())
        throw std::invalid_argument("weights must hold both depthwise_kernel and pointwise_kernel, or neither");
    if (p.bias.stored() && !p.depthwiseKernel.stored())
        throw std::invalid_argument("weights.bias is given without the kernels");
    if (p.bias.stored() && !p.useBias)
        throw std::invalid_argument("weights.bias is given but use_bias is false");
    return std::make_unique<SeparableConv2D>(readString(config, "name", "separable_conv2d"), std::move(p));
}

json SeparableConv2D::config() const
{
    const SeparableConv2DParams& p = m_params;
    json config = {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"filters", p.filters}};
    p.stage.writeConfig(config);
    config["activation"] = p.activation;
    config["use_bias"] = p.useBias;
    config["depthwise_initializer"] = initializerJson("GlorotUniform");
    config["pointwise_initializer"] = initializerJson("GlorotUniform");
    config["bias_initializer"] = initializerJson("Zeros");
    for (const char* key : {"depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
                            "activity_regularizer", "depthwise_constraint", "pointwise_constraint", "bias_constraint"})
        config[key] = nullptr;
    return config;
}

json SeparableConv2D::extras() const
{
    const SeparableConv2DParams& p = m_params;
    if (!p.depthwiseKernel.stored())
        return nullptr;
    json weights = {{"depthwise_kernel", weightEntryJson(p.depthwiseKernel.shape, p.depthwiseKernel.data)},
                    {"pointwise_kernel", weightEntryJson(p.pointwiseKernel.shape, p.pointwiseKernel.data)}};
    if (p.bias.stored())
        weights["bias"] = weightEntryJson(p.bias.shape, p.bias.data);
    return {{"weights", weights}};
}

std::string SeparableConv2D::summary() const
{
    std::string text = std::to_string(m_params.filters) + " × " + m_params.stage.summary();
    if (m_params.activation != "linear")
        text += " / " + m_params.activation;
    if (!m_params.useBias)
        text += " / no bias";
    return text;
}

std::vector<float> SeparableConv2D::resolvedDepthwiseKernel(int64_t C) const
{
    if (m_params.depthwiseKernel.stored())
        return m_params.depthwiseKernel.data;
    const DepthwiseStage& s = m_params.stage;
    return seededGlorot(name(), "depthwise_kernel", {s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}, true);
}

std::vector<float> SeparableConv2D::resolvedPointwiseKernel(int64_t C) const
{
    if (m_params.pointwiseKernel.stored())
        return m_params.pointwiseKernel.data;
    return seededGlorot(name(), "pointwise_kernel", {1, 1, C * m_params.stage.depthMultiplier, m_params.filters},
                        false);
}

std::vector<float> SeparableConv2D::resolvedBias() const
{
    if (m_params.useBias && m_params.bias.stored())
        return m_params.bias.data;
    return std::vector<float>(static_cast<size_t>(std::max<int64_t>(0, m_params.filters)), 0.0f);
}

LayerShape SeparableConv2D::inferShape(const Shape& input) const
{
    const SeparableConv2DParams& p = m_params;
    const DepthwiseStage& s = p.stage;
    if (const std::string message = s.parameterError(); !message.empty())
        throw error(message);
    const std::optional<Activation> activation = activationFromName(p.activation);
    if (!activation)
        throw error(unknownActivationMessage(p.activation));
    if (p.filters <= 0)
        throw error("Invalid value for argument `filters`. Expected a strictly positive value. Received filters="
                    + std::to_string(p.filters) + ".");
    if (p.depthwiseKernel.stored()
        && (p.depthwiseKernel.shape[0] != s.kernelSize[0] || p.depthwiseKernel.shape[1] != s.kernelSize[1]
            || p.depthwiseKernel.shape[3] != s.depthMultiplier))
        throw error("the stored depthwise_kernel has shape " + shapeToTuple(p.depthwiseKernel.shape)
                    + ", but kernel_size=" + tupleString({s.kernelSize[0], s.kernelSize[1]}) + " and depth_multiplier="
                    + std::to_string(s.depthMultiplier) + " need (" + std::to_string(s.kernelSize[0]) + ", "
                    + std::to_string(s.kernelSize[1]) + ", C_in, " + std::to_string(s.depthMultiplier) + ")");
    if (p.pointwiseKernel.stored()
        && (p.pointwiseKernel.shape[0] != 1 || p.pointwiseKernel.shape[1] != 1
            || p.pointwiseKernel.shape[3] != p.filters
            || (p.depthwiseKernel.stored()
                && p.pointwiseKernel.shape[2] != p.depthwiseKernel.shape[2] * s.depthMultiplier)))
        throw error("the stored pointwise_kernel has shape " + shapeToTuple(p.pointwiseKernel.shape)
                    + ", but filters=" + std::to_string(p.filters) + " and depth_multiplier="
                    + std::to_string(s.depthMultiplier) + " need (1, 1, C_in·" + std::to_string(s.depthMultiplier)
                    + ", " + std::to_string(p.filters) + ")");
    if (p.useBias && p.bias.stored() && p.bias.shape[0] != p.filters)
        throw error("the stored bias has " + std::to_string(p.bias.shape[0]) + " values, but filters="
                    + std::to_string(p.filters) + " needs one per filter");
    if (input.size() < 4)
        throw error(minRankMessage(name(), input, 4));
    requireRank4(input);
    const bool nchw = s.dataFormat == DataFormat::ChannelsFirst;
    const Shape nhwc = nchw ? nchwToNhwc(input) : input;
    const int64_t C = nhwc[3];
    int64_t channelProduct = 0;
    if (__builtin_mul_overflow(C, s.depthMultiplier, &channelProduct))
        throw std::overflow_error("channels: " + std::to_string(C) + " · depth_multiplier "
                                  + std::to_string(s.depthMultiplier) + " is too large to represent (beyond 2^63 − 1)");
    if (p.depthwiseKernel.stored() && C != p.depthwiseKernel.shape[2])
        throw error(channelAxisMessage(name(), input, nchw, p.depthwiseKernel.shape[2],
                                       "the stored depthwise_kernel has " + std::to_string(p.depthwiseKernel.shape[2])
                                           + " input channels"));
    const auto w = s.windows(nhwc);
    for (int axis = 0; axis < 2; ++axis)
        if (w[static_cast<size_t>(axis)].output <= 0)
            throw error(convUnderflowMessage(w[static_cast<size_t>(axis)], axis, s.kernelSize, s.dilationRate,
                                             s.strides, input, {s.kernelSize[0], s.kernelSize[1], C, p.filters}));
    const Shape preNhwc{nhwc[0], w[0].output, w[1].output, p.filters};
    const Shape pre = nchw ? nhwcToNchw(preNhwc) : preNhwc;
    if (const std::string message = activationShapeError(*activation, pre, nchw ? "width" : "filters");
        !message.empty())
        throw error(message);
    LayerShape result;
    result.output = pre;
    result.output.back() = activatedLastAxis(*activation, pre.back());
    result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), w[0].explanation, w[1].explanation,
                                setAxis("channels", C, p.filters, "filters")},
                               s.dataFormat);
    if (*activation == Activation::Glu) {
        AxisExplanation& last = result.axes.back();
        last.rule += "; glu halves axis −1";
        last.arithmetic += "; glu: " + std::to_string(last.output) + " / 2 = " + std::to_string(last.output / 2);
        last.output /= 2;
    }
    return result;
}

Tensor SeparableConv2D::forward(const Tensor& input, const ExecContext& context) const
{
    inferShape(input.shape());
    const SeparableConv2DParams& p = m_params;
    const DepthwiseStage& s = p.stage;
    const bool nchw = s.dataFormat == DataFormat::ChannelsFirst;
    const Shape inNhwc = nchw ? nchwToNhwc(input.shape()) : input.shape();
    const Activation activation = *activationFromName(p.activation);
    const auto w = s.windows(inNhwc);
    const int64_t C = inNhwc[3], Q = C * s.depthMultiplier;
    const Shape depthNhwc{inNhwc[0], w[0].output, w[1].output, Q};
    const Shape preNhwc{inNhwc[0], w[0].output, w[1].output, p.filters};
    guard(context, preNhwc);
    guard(context, depthNhwc, 0, "the depthwise result");
    guard(context, {s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}, 0, "the depthwise kernel");
    guard(context, {Q, p.filters}, 0, "the pointwise kernel");
    const double pixels = static_cast<double>(elementCount(preNhwc) / std::max<int64_t>(1, p.filters));
    guardMultiplyAdds(context, className(), name(),
                      pixels * static_cast<double>(Q)
                          * (static_cast<double>(s.kernelSize[0]) * static_cast<double>(s.kernelSize[1])
                             + static_cast<double>(p.filters)),
                      shapeToString(depthNhwc) + " depthwise outputs × " + std::to_string(s.kernelSize[0]) + "×"
                          + std::to_string(s.kernelSize[1]) + " taps + their pointwise products with "
                          + std::to_string(p.filters) + " filters");
    const bool fusable = !nchw && activation != Activation::Glu;
    const int64_t preBytes = elementCount(preNhwc) * static_cast<int64_t>(sizeof(float));
    guard(context, preNhwc,
          elementCount(depthNhwc) * 4 + (nchw ? input.byteSize() + preBytes : 0)
              + (fusable ? 0 : activationScratchBytes(activation, preNhwc))
              + (elementCount({s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}) + Q * p.filters) * 4
              + depthwiseScratchBytes(inNhwc, s.depthMultiplier, context),
          "the output (with the depthwise result, transposes and kernels)");
    const std::vector<float> depthwise = resolvedDepthwiseKernel(C);
    const std::vector<float> pointwise = resolvedPointwiseKernel(C);
    const std::vector<float> bias = resolvedBias();
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    Tensor depth = Tensor::uninitialized(depthNhwc);
    depthwiseNhwc(nchw ? converted : input, depth, depthwise.data(), nullptr, s.geometry(inNhwc), s.depthMultiplier,
                  Activation::Linear, context);
    Tensor out = Tensor::uninitialized(preNhwc);
    denseRows(depth.data(), elementCount(preNhwc) / p.filters, Q, pointwise.data(), p.filters,
              p.useBias ? bias.data() : nullptr, out.data(), fusable ? activation : Activation::Linear, context);
    return fusable ? out : finishOutput(std::move(out), nchw, activation, context);
}

CellExplanation SeparableConv2D::explainOutputCell(const Tensor& input, const Shape& /*output*/,
                                                   const CellIndex& o) const
{
    using namespace explain;
    const SeparableConv2DParams& p = m_params;
    const DepthwiseStage& s = p.stage;
    const bool nchw = s.dataFormat == DataFormat::ChannelsFirst;
    const Dims d = dimsOf(input.shape(), s.dataFormat);
    const auto w = s.windows({d.B, d.H, d.W, d.C});
    const std::vector<float> dk = resolvedDepthwiseKernel(d.C);
    const std::vector<float> pk = resolvedPointwiseKernel(d.C);
    const std::vector<float> bias = resolvedBias();
    const int64_t M = s.depthMultiplier, Q = d.C * M, F = p.filters;
    const Activation activation = *activationFromName(p.activation);
    // The depthwise value q at column x, rounded to float32 as TF's first op returns it.
    auto depthAt = [&](int64_t x, int64_t q, std::vector<ContributingCell>* cells, int64_t* pad) {
        return static_cast<float>(depthwiseDot(input, s.dataFormat, dk, s, w, d.C, o.b, o.y, x, q, cells, pad));
    };
    auto pre = [&](int64_t x, int64_t f) {
        double sum = 0;
        for (int64_t q = 0; q < Q; ++q)
            sum += static_cast<double>(depthAt(x, q, nullptr, nullptr)) * pk[static_cast<size_t>(q * F + f)];
        return static_cast<float>(sum + (p.useBias ? bias[static_cast<size_t>(f)] : 0.0f));
    };

    CellExplanation e;
    e.kind = ExplanationKind::Convolution;
    const int64_t ekh = s.dilationRate[0] * (s.kernelSize[0] - 1) + 1;
    const int64_t ekw = s.dilationRate[1] * (s.kernelSize[1] - 1) + 1;
    const int64_t y0 = o.y * s.strides[0] - w[0].padBefore, x0 = o.x * s.strides[1] - w[1].padBefore;
    e.window = {y0, y0 + ekh - 1, x0, x0 + ekw - 1};
    finishWindow(e, d.H, d.W);
    double dot = 0;
    std::vector<std::string> terms;
    int64_t paddingTaps = 0;
    for (int64_t q = 0; q < Q; ++q) {
        std::vector<ContributingCell> cells;
        int64_t pad = 0;
        const float dq = depthAt(o.x, q, &cells, &pad);
        const float weight = pk[static_cast<size_t>(q * F + o.c)];
        // A cell's weight here is its depthwise weight times the pointwise weight of its stage
        // output (display; the sum is evaluated in the two stages).
        for (ContributingCell& cell : cells)
            cell.weight *= weight;
        if (q % M == 0) {
            e.cells.insert(e.cells.end(), cells.begin(), cells.end());
            paddingTaps += pad;
        } else {
            for (size_t i = 0; i < cells.size(); ++i)
                e.cells[e.cells.size() - cells.size() + i].weight += cells[i].weight;
        }
        ChannelPartialSum partial;
        partial.inputChannel = q / M;
        partial.filter = o.c;
        partial.sum = static_cast<double>(dq) * weight;
        e.channelSums.push_back(partial);
        dot += partial.sum;
        terms.push_back(term(dq) + "·" + term(weight));
        e.details.push_back("depthwise d[" + std::to_string(q) + "] (input channel " + std::to_string(q / M)
                            + ", kernel " + std::to_string(q % M) + ") = " + formatValue(dq));
    }
    e.cellCount = s.kernelSize[0] * s.kernelSize[1] * d.C;
    e.paddingCount = paddingTaps;
    std::string text = "pointwise Σ_q d[q]·PK[q, " + std::to_string(o.c) + "] = " + joinTerms(terms, " + ", 9) + " = "
                     + formatValue(dot);
    const float preValue = static_cast<float>(dot + (p.useBias ? bias[static_cast<size_t>(o.c)] : 0.0f));
    if (p.useBias) {
        e.bias = bias[static_cast<size_t>(o.c)];
        text += "; + bias " + term(*e.bias) + " = " + formatValue(preValue);
    }
    const int64_t n = nchw ? w[1].output : F, position = nchw ? o.x : o.c;
    e.value = explainActivation(
        e, text, activation, n, position,
        [&](int64_t i) { return i == position ? preValue : (nchw ? pre(i, o.c) : pre(o.x, i)); },
        nchw ? "the " + std::to_string(n) + " columns of this row (axis −1 of a channels_first output)"
             : "the " + std::to_string(n) + " filters at this pixel");
    e.exact = false;
    e.summary = text;
    return e;
}

RegionMapping SeparableConv2D::mapOutputRegion(const Shape& input, const Shape& output,
                                               const std::vector<Interval>& clipped,
                                               const std::vector<Interval>& unclipped) const
{
    const DepthwiseStage& s = m_params.stage;
    const Activation activation = *activationFromName(m_params.activation);
    const int64_t C = explain::dimsOf(input, s.dataFormat).C;
    auto channels = [&](Interval f) { return f.empty() ? f : wholeAxis(C); };
    return mapSpatialRegion(input, output, s.dataFormat,
                            slidingRules(input, s.dataFormat, s.kernelSize, s.strides, s.dilationRate, s.padding, activation),
                            clipped, unclipped, channels);
}

std::vector<AxisWindow> SeparableConv2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    const DepthwiseStage& s = m_params.stage;
    const auto rules = slidingRules(input, s.dataFormat, s.kernelSize, s.strides, s.dilationRate, s.padding,
                                    *activationFromName(m_params.activation));
    return spatialWindows(output, s.dataFormat, rules[static_cast<size_t>(spatialAxis)], spatialAxis);
}

std::optional<WindowConfig> SeparableConv2D::slidingWindow(const Shape& input, int spatialAxis) const
{
    const size_t a = static_cast<size_t>(spatialAxis);
    const DepthwiseStage& s = m_params.stage;
    const Shape nhwc = s.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    return WindowConfig{nhwc[1 + a], s.kernelSize[a], s.strides[a], s.dilationRate[a], s.padding, true};
}

std::vector<FieldSpec> SeparableConv2D::editorFields()
{
    return {{"filters", "Filters", FieldKind::Int, {}, 0, 4096, 0, "Number of output channels", {}},
            {"kernel_size", "Kernel size", FieldKind::IntPair, {}, 0, 64, 0, "(height, width) of the depthwise stage", {}},
            {"strides", "Strides", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
            {"padding", "Padding", FieldKind::Enum, paddingChoices(), 0, 0, 0,
             "same pads with zeros, the extra row/column at the bottom/right", {}},
            {"depth_multiplier", "Depth multiplier", FieldKind::Int, {}, 0, 256, 0,
             "Depthwise kernels per input channel", {}},
            {"dilation_rate", "Dilation", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
            {"activation", "Activation", FieldKind::Enum, activationNames(), 0, 0, 0, {}, {}},
            {"use_bias", "Use bias", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            dataFormatField()};
}

json SeparableConv2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    const int64_t filters = in.value(), kh = in.value(), kw = in.value();
    const int64_t multiplier = static_cast<int64_t>(in.next() % 4) - (in.next() % 8 == 0 ? 1 : 0);
    const bool useBias = in.next() % 2 == 0;
    json layer = {{"class_name", kClassName},
                  {"config", {{"name", name}, {"filters", filters}, {"kernel_size", {kh, kw}},
                              {"strides", {in.value(), in.value()}},
                              {"dilation_rate", {1 + in.next() % 3, 1 + in.next() % 3}},
                              {"padding", in.pick({"valid", "same"})}, {"depth_multiplier", multiplier},
                              {"data_format", format},
                              {"activation", in.pick({"linear", "relu", "softmax", "glu", "sparsemax", "threshold", "nope"})},
                              {"use_bias", useBias}}}};
    if (in.next() % 3 == 0 && kh >= 0 && kw >= 0 && kh <= 5 && kw <= 5 && multiplier >= 0 && filters >= 0
        && filters <= 8) {
        const int64_t C = 1 + in.next() % 4;
        json weights = {{"depthwise_kernel", fuzzWeightJson(in, {kh, kw, C, multiplier})},
                        {"pointwise_kernel", fuzzWeightJson(in, {1, 1, C * multiplier, filters})}};
        if (useBias)
            weights["bias"] = fuzzWeightJson(in, {filters});
        layer["weights"] = weights;
    }
    return layer;
}

long double SeparableConv2D::generatedWeightCount(const Shape& input) const
{
    if (m_params.depthwiseKernel.stored())
        return 0;
    if (input.size() != 4)
        return std::numeric_limits<long double>::infinity();
    const DepthwiseStage& s = m_params.stage;
    const long double Q = static_cast<long double>(explain::dimsOf(input, s.dataFormat).C) * s.depthMultiplier;
    return Q * s.kernelSize[0] * s.kernelSize[1] + Q * m_params.filters;
}

std::vector<NamedArray> SeparableConv2D::kerasWeights(const Shape& input) const
{
    const DepthwiseStage& s = m_params.stage;
    const int64_t C = m_params.depthwiseKernel.stored() ? m_params.depthwiseKernel.shape[2]
                                                        : (input.size() == 4 ? explain::dimsOf(input, s.dataFormat).C : 0);
    std::vector<NamedArray> arrays{
        {"depthwise_kernel", Shape{s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}, resolvedDepthwiseKernel(C)},
        {"pointwise_kernel", Shape{1, 1, C * s.depthMultiplier, m_params.filters}, resolvedPointwiseKernel(C)}};
    if (m_params.useBias)
        arrays.push_back({"bias", Shape{m_params.filters}, resolvedBias()});
    return arrays;
}

void SeparableConv2D::refitStoredWeights(json& edited, const Shape& input) const
{
    if (!edited.contains("weights") || !m_params.depthwiseKernel.stored())
        return;
    std::unique_ptr<SeparableConv2D> fresh;
    try {
        json bare = edited;
        bare.erase("weights");
        fresh = fromJson(bare);
    } catch (const std::exception&) {
        return; // the edit itself is malformed: the loader reports it
    }
    const SeparableConv2DParams& p = fresh->params();
    const DepthwiseStage& s = p.stage;
    const int64_t C = input.size() == 4 ? explain::dimsOf(input, s.dataFormat).C : m_params.depthwiseKernel.shape[2];
    const Shape depthwiseShape{s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier};
    const Shape pointwiseShape{1, 1, C * s.depthMultiplier, p.filters};
    if (!storableWeights({depthwiseShape, pointwiseShape})) {
        edited.erase("weights");
        return;
    }
    const WeightEntry depthwise =
        refitWeight(m_params.depthwiseKernel, depthwiseShape, fresh->resolvedDepthwiseKernel(C));
    const WeightEntry pointwise =
        refitWeight(m_params.pointwiseKernel, pointwiseShape, fresh->resolvedPointwiseKernel(C));
    json weights = {{"depthwise_kernel", weightEntryJson(depthwise.shape, depthwise.data)},
                    {"pointwise_kernel", weightEntryJson(pointwise.shape, pointwise.data)}};
    if (p.useBias && m_params.bias.stored()) {
        const WeightEntry bias = refitWeight(m_params.bias, {p.filters}, fresh->resolvedBias());
        weights["bias"] = weightEntryJson(bias.shape, bias.data);
    }
    edited["weights"] = weights;
}

} // namespace layerscope
