#include "depthwise_conv2d.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "../streaming_copy.h"
#include "weighted_layer_support.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

// ---- the depthwise stage ---------------------------------------------------------------------

DepthwiseStage DepthwiseStage::fromConfig(const json& config)
{
    DepthwiseStage s;
    s.kernelSize = readPair(config, "kernel_size");
    s.strides = readPair(config, "strides", std::array<int64_t, 2>{1, 1});
    s.padding = parsePadding(readString(config, "padding", "valid"), /*convolution=*/true);
    s.depthMultiplier = readInt(config, "depth_multiplier", 1);
    s.dataFormat = parseDataFormat(config.value("data_format", json()));
    s.dilationRate = readPair(config, "dilation_rate", std::array<int64_t, 2>{1, 1});
    return s;
}

void DepthwiseStage::writeConfig(json& config) const
{
    config["kernel_size"] = {kernelSize[0], kernelSize[1]};
    config["strides"] = {strides[0], strides[1]};
    config["padding"] = paddingName(padding);
    config["depth_multiplier"] = depthMultiplier;
    config["data_format"] = dataFormatName(dataFormat);
    config["dilation_rate"] = {dilationRate[0], dilationRate[1]};
}

std::string DepthwiseStage::parameterError() const
{
    for (const auto& [value, key] : {std::pair{kernelSize, "kernel_size"}, std::pair{strides, "strides"},
                                     std::pair{dilationRate, "dilation_rate"}})
        if (std::string message = checkPositivePair(value, key); !message.empty())
            return message;
    if (depthMultiplier <= 0)
        return "Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received "
               "depth_multiplier="
             + std::to_string(depthMultiplier) + ".";
    return {};
}

std::array<WindowAxis, 2> DepthwiseStage::windows(const Shape& nhwc) const
{
    return {windowAxis("height", nhwc[1], kernelSize[0], strides[0], dilationRate[0], padding),
            windowAxis("width", nhwc[2], kernelSize[1], strides[1], dilationRate[1], padding)};
}

Conv2DGeometry DepthwiseStage::geometry(const Shape& nhwc) const
{
    const auto w = windows(nhwc);
    Conv2DGeometry g;
    g.kernelSize = kernelSize;
    g.strides = strides;
    g.dilation = dilationRate;
    g.padBefore = {w[0].padBefore, w[1].padBefore};
    return g;
}

std::string DepthwiseStage::summary() const
{
    auto pair = [](const std::array<int64_t, 2>& v) {
        return v[0] == v[1] ? std::to_string(v[0]) : std::to_string(v[0]) + "×" + std::to_string(v[1]);
    };
    std::string text = std::to_string(kernelSize[0]) + "×" + std::to_string(kernelSize[1]) + " / s" + pair(strides)
                     + " / " + paddingName(padding);
    if (depthMultiplier != 1)
        text += " / ×" + std::to_string(depthMultiplier);
    if (dilationRate != std::array<int64_t, 2>{1, 1})
        text += " / d" + pair(dilationRate);
    if (dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

// ---- kernel ----------------------------------------------------------------------------------

void depthwiseNhwc(const Tensor& input, Tensor& output, const float* kernel, const float* bias,
                   const Conv2DGeometry& g, int64_t M, Activation fused, const ExecContext& context)
{
    const int64_t H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OH = output.dim(1), OW = output.dim(2), Q = output.dim(3);
    const int64_t kh = g.kernelSize[0], kw = g.kernelSize[1], sh = g.strides[0], sw = g.strides[1];
    const int64_t dh = g.dilation[0], dw = g.dilation[1], top = g.padBefore[0], left = g.padBefore[1];
    const float* in = input.data();
    float* out = output.data();
    const bool rowActivation = actsAlongLastAxis(fused);
    const int64_t grain = std::max<int64_t>(1, 8192 / std::max<int64_t>(1, OW * Q * kh * kw));
    const bool inRegisters = depthwiseRowInRegistersApplies(C, M);
    // A large output with nothing applied after it is written past the caches.
    const bool streaming = inRegisters && fused == Activation::Linear && useStreaming(output);
    parallelChunks(output.dim(0) * OH, grain, context, [&](int64_t begin, int64_t end) {
        // With M > 1 each input row is first widened to C·M values per pixel (x[c] repeated M
        // times), so that every tap is one contiguous multiply-add over C·M, as for M = 1.
        std::unique_ptr<float[]> widened(M > 1 ? new float[static_cast<size_t>(W * Q)] : nullptr);
        for (int64_t r = begin; r < end; ++r) {
            const int64_t b = r / OH, oy = r % OH;
            float* orow = out + r * OW * Q;
            if (inRegisters) {
                depthwiseRowInRegisters(in, H, W, C, b, oy, OW, kernel, bias, g, orow, streaming);
                if (fused != Activation::Linear) {
                    if (rowActivation)
                        applyRowsInPlace(fused, orow, OW, Q);
                    else
                        applyElementwise(fused, orow, OW * Q);
                }
                continue;
            }
            for (int64_t ox = 0; ox < OW; ++ox) {
                if (bias)
                    std::memcpy(orow + ox * Q, bias, static_cast<size_t>(Q) * sizeof(float));
                else
                    std::memset(orow + ox * Q, 0, static_cast<size_t>(Q) * sizeof(float));
            }
            for (int64_t ky = 0; ky < kh; ++ky) {
                const int64_t iy = oy * sh - top + ky * dh;
                if (iy < 0 || iy >= H)
                    continue;
                const float* irow = in + (b * H + iy) * W * C;
                if (M > 1) {
                    float* w = widened.get();
                    for (int64_t i = 0; i < W * C; ++i)
                        for (int64_t m = 0; m < M; ++m)
                            w[i * M + m] = irow[i];
                    irow = w;
                }
                for (int64_t kx = 0; kx < kw; ++kx) {
                    // Output columns whose tap kx lands inside the image: ix = ox·sw + off ∈ [0, W).
                    const int64_t off = kx * dw - left;
                    const int64_t oxBegin = off < 0 ? (-off - 1) / sw + 1 : 0; // ⌈−off / sw⌉ without overflow
                    const int64_t oxEnd = W - 1 - off < 0 ? 0 : std::min(OW, (W - 1 - off) / sw + 1);
                    const float* k = kernel + (ky * kw + kx) * Q;
                    for (int64_t ox = oxBegin; ox < oxEnd; ++ox) {
                        const float* x = irow + (ox * sw + off) * Q;
                        float* o = orow + ox * Q;
#pragma omp simd
                        for (int64_t q = 0; q < Q; ++q)
                            o[q] += x[q] * k[q];
                    }
                }
            }
            if (rowActivation)
                applyRowsInPlace(fused, orow, OW, Q);
            else
                applyElementwise(fused, orow, OW * Q);
        }
    });
    if (streaming)
        streamingFence();
}

int64_t depthwiseScratchBytes(const Shape& in, int64_t M, const ExecContext& context)
{
    return M > 1 ? int64_t{context.effectiveThreads()} * in[2] * in[3] * M * static_cast<int64_t>(sizeof(float)) : 0;
}

double depthwiseDot(const Tensor& input, DataFormat format, const std::vector<float>& kernel, const DepthwiseStage& s,
                    const std::array<WindowAxis, 2>& windows, int64_t C, int64_t b, int64_t oy, int64_t ox, int64_t q,
                    std::vector<ContributingCell>* cells, int64_t* paddingTaps)
{
    using explain::inside;
    const explain::Dims d = explain::dimsOf(input.shape(), format);
    const explain::Reader read{input, format};
    const int64_t M = s.depthMultiplier, c = q / M, m = q % M;
    const int64_t kh = s.kernelSize[0], kw = s.kernelSize[1], dh = s.dilationRate[0], dw = s.dilationRate[1];
    const int64_t y0 = oy * s.strides[0] - windows[0].padBefore, x0 = ox * s.strides[1] - windows[1].padBefore;
    double sum = 0;
    for (int64_t ey = 0; ey < dh * (kh - 1) + 1; ++ey) {
        for (int64_t ex = 0; ex < dw * (kw - 1) + 1; ++ex) {
            const int64_t y = y0 + ey, x = x0 + ex;
            const bool tap = ey % dh == 0 && ex % dw == 0;
            const bool in = inside(y, d.H) && inside(x, d.W);
            const float value = in ? read(b, y, x, c) : 0.0f;
            float weight = 0;
            if (tap) {
                weight = kernel[static_cast<size_t>(((ey / dh * kw + ex / dw) * C + c) * M + m)];
                if (in)
                    sum += static_cast<double>(value) * weight;
                else if (paddingTaps)
                    ++*paddingTaps;
            }
            if (cells) {
                ContributingCell cell;
                cell.cell = {b, y, x, c};
                cell.value = value;
                cell.weight = weight;
                cell.padding = !in;
                cell.dilationGap = !tap;
                cell.windowY = tap ? ey / dh : ey;
                cell.windowX = tap ? ex / dw : ex;
                cells->push_back(cell);
            }
        }
    }
    return sum;
}

// ---- configuration ---------------------------------------------------------------------------

std::unique_ptr<DepthwiseConv2D> DepthwiseConv2D::fromJson(const json& object)
{
    const json& config = object.at("config");
    DepthwiseConv2DParams p;
    p.stage = DepthwiseStage::fromConfig(config);
    p.activation = readActivationConfig(config);
    p.useBias = readBool(config, "use_bias", true);
    p.kernel = readStoredWeight(object, "kernel", 4);
    if (!p.kernel.stored())
        p.kernel = readStoredWeight(object, "depthwise_kernel", 4); // tf.keras 2's name
    p.bias = readStoredWeight(object, "bias", 1);
    if (p.bias.stored() && !p.kernel.stored())
        throw std::invalid_argument("weights.bias is given without weights.kernel");
    if (p.bias.stored() && !p.useBias)
        throw std::invalid_argument("weights.bias is given but use_bias is false");
    return std::make_unique<DepthwiseConv2D>(readString(config, "name", "depthwise_conv2d"), std::move(p));
}

json DepthwiseConv2D::config() const
{
    const DepthwiseConv2DParams& p = m_params;
    json config = {{"name", name()}, {"trainable", true}, {"dtype", "float32"}};
    p.stage.writeConfig(config);
    config["activation"] = p.activation;
    config["use_bias"] = p.useBias;
    config["depthwise_initializer"] = initializerJson("GlorotUniform");
    config["bias_initializer"] = initializerJson("Zeros");
    config["depthwise_regularizer"] = nullptr;
    config["bias_regularizer"] = nullptr;
    config["activity_regularizer"] = nullptr;
    config["depthwise_constraint"] = nullptr;
    config["bias_constraint"] = nullptr;
    return config;
}

json DepthwiseConv2D::extras() const
{
    if (!m_params.kernel.stored())
        return nullptr;
    json weights = {{"kernel", weightEntryJson(m_params.kernel.shape, m_params.kernel.data)}};
    if (m_params.bias.stored())
        weights["bias"] = weightEntryJson(m_params.bias.shape, m_params.bias.data);
    return {{"weights", weights}};
}

std::string DepthwiseConv2D::summary() const
{
    std::string text = m_params.stage.summary();
    if (m_params.activation != "linear")
        text += " / " + m_params.activation;
    if (!m_params.useBias)
        text += " / no bias";
    return text;
}

std::vector<float> DepthwiseConv2D::resolvedKernel(int64_t C) const
{
    if (m_params.kernel.stored())
        return m_params.kernel.data;
    const DepthwiseStage& s = m_params.stage;
    return seededGlorot(name(), "kernel", {s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}, true);
}

std::vector<float> DepthwiseConv2D::resolvedBias(int64_t C) const
{
    if (m_params.useBias && m_params.bias.stored())
        return m_params.bias.data;
    return std::vector<float>(static_cast<size_t>(std::max<int64_t>(0, C * m_params.stage.depthMultiplier)), 0.0f);
}

// ---- shape inference -------------------------------------------------------------------------

LayerShape DepthwiseConv2D::inferShape(const Shape& input) const
{
    const DepthwiseConv2DParams& p = m_params;
    const DepthwiseStage& s = p.stage;
    if (const std::string message = s.parameterError(); !message.empty())
        throw error(message);
    const std::optional<Activation> activation = activationFromName(p.activation);
    if (!activation)
        throw error(unknownActivationMessage(p.activation));
    if (p.kernel.stored()
        && (p.kernel.shape[0] != s.kernelSize[0] || p.kernel.shape[1] != s.kernelSize[1]
            || p.kernel.shape[3] != s.depthMultiplier))
        throw error("the stored kernel has shape " + shapeToTuple(p.kernel.shape) + ", but kernel_size="
                    + tupleString({s.kernelSize[0], s.kernelSize[1]}) + " and depth_multiplier="
                    + std::to_string(s.depthMultiplier) + " need (" + std::to_string(s.kernelSize[0]) + ", "
                    + std::to_string(s.kernelSize[1]) + ", C_in, " + std::to_string(s.depthMultiplier) + ")");
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
    if (p.kernel.stored() && C != p.kernel.shape[2])
        throw error(channelAxisMessage(name(), input, nchw, p.kernel.shape[2],
                                       "the stored kernel has " + std::to_string(p.kernel.shape[2]) + " input channels"));
    const int64_t Q = C * s.depthMultiplier;
    if (p.useBias && p.bias.stored() && p.bias.shape[0] != Q)
        throw error("the stored bias has " + std::to_string(p.bias.shape[0]) + " values, but " + std::to_string(C)
                    + " input channels × depth_multiplier " + std::to_string(s.depthMultiplier) + " need "
                    + std::to_string(Q));
    const auto w = s.windows(nhwc);
    for (int axis = 0; axis < 2; ++axis)
        if (w[static_cast<size_t>(axis)].output <= 0)
            throw error(convUnderflowMessage(w[static_cast<size_t>(axis)], axis, s.kernelSize, s.dilationRate,
                                             s.strides, input, {s.kernelSize[0], s.kernelSize[1], C, Q}));
    const Shape preNhwc{nhwc[0], w[0].output, w[1].output, Q};
    const Shape pre = nchw ? nhwcToNchw(preNhwc) : preNhwc;
    if (const std::string message = activationShapeError(*activation, pre, nchw ? "width" : "channels");
        !message.empty())
        throw error(message);
    LayerShape result;
    result.output = pre;
    result.output.back() = activatedLastAxis(*activation, pre.back());
    AxisExplanation channels = scaledAxis("channels", C, s.depthMultiplier, "depth_multiplier");
    result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), w[0].explanation, w[1].explanation, channels},
                               s.dataFormat);
    if (*activation == Activation::Glu) {
        AxisExplanation& last = result.axes.back();
        last.rule += "; glu halves axis −1";
        last.arithmetic += "; glu: " + std::to_string(last.output) + " / 2 = " + std::to_string(last.output / 2);
        last.output /= 2;
    }
    return result;
}

Tensor DepthwiseConv2D::forward(const Tensor& input, const ExecContext& context) const
{
    inferShape(input.shape());
    const DepthwiseConv2DParams& p = m_params;
    const DepthwiseStage& s = p.stage;
    const bool nchw = s.dataFormat == DataFormat::ChannelsFirst;
    const Shape inNhwc = nchw ? nchwToNhwc(input.shape()) : input.shape();
    const Activation activation = *activationFromName(p.activation);
    const auto w = s.windows(inNhwc);
    const int64_t C = inNhwc[3], Q = C * s.depthMultiplier;
    const Shape preNhwc{inNhwc[0], w[0].output, w[1].output, Q};
    guard(context, preNhwc);
    if (!p.kernel.stored())
        guard(context, {s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}, 0, "the kernel");
    guardMultiplyAdds(context, className(), name(),
                      static_cast<double>(elementCount(preNhwc)) * static_cast<double>(s.kernelSize[0])
                          * static_cast<double>(s.kernelSize[1]),
                      shapeToString(preNhwc) + " outputs × " + std::to_string(s.kernelSize[0]) + "×"
                          + std::to_string(s.kernelSize[1]) + " taps");
    const bool fusable = !nchw && activation != Activation::Glu;
    const int64_t preBytes = elementCount(preNhwc) * static_cast<int64_t>(sizeof(float));
    guard(context, preNhwc,
          (nchw ? input.byteSize() + preBytes : 0) + (fusable ? 0 : activationScratchBytes(activation, preNhwc))
              + elementCount({s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}) * 4
              + depthwiseScratchBytes(inNhwc, s.depthMultiplier, context),
          "the output (with transposes and the kernel)");
    const std::vector<float> kernel = resolvedKernel(C);
    const std::vector<float> bias = resolvedBias(C);
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    Tensor out = Tensor::uninitialized(preNhwc);
    depthwiseNhwc(nchw ? converted : input, out, kernel.data(), p.useBias ? bias.data() : nullptr, s.geometry(inNhwc),
                  s.depthMultiplier, fusable ? activation : Activation::Linear, context);
    return fusable ? out : finishOutput(std::move(out), nchw, activation, context);
}

// ---- explanation -----------------------------------------------------------------------------

CellExplanation DepthwiseConv2D::explainOutputCell(const Tensor& input, const Shape& /*output*/,
                                                   const CellIndex& o) const
{
    using namespace explain;
    const DepthwiseConv2DParams& p = m_params;
    const DepthwiseStage& s = p.stage;
    const bool nchw = s.dataFormat == DataFormat::ChannelsFirst;
    const Dims d = dimsOf(input.shape(), s.dataFormat);
    const Shape nhwc{d.B, d.H, d.W, d.C};
    const auto w = s.windows(nhwc);
    const std::vector<float> kernel = resolvedKernel(d.C);
    const std::vector<float> bias = resolvedBias(d.C);
    const int64_t M = s.depthMultiplier, Q = d.C * M;
    const Activation activation = *activationFromName(p.activation);
    auto pre = [&](int64_t x, int64_t q) {
        const double dot = depthwiseDot(input, s.dataFormat, kernel, s, w, d.C, o.b, o.y, x, q, nullptr, nullptr);
        return static_cast<float>(dot + (p.useBias ? bias[static_cast<size_t>(q)] : 0.0f));
    };

    CellExplanation e;
    e.kind = ExplanationKind::Convolution;
    const int64_t ekh = s.dilationRate[0] * (s.kernelSize[0] - 1) + 1;
    const int64_t ekw = s.dilationRate[1] * (s.kernelSize[1] - 1) + 1;
    const int64_t y0 = o.y * s.strides[0] - w[0].padBefore, x0 = o.x * s.strides[1] - w[1].padBefore;
    e.window = {y0, y0 + ekh - 1, x0, x0 + ekw - 1};
    finishWindow(e, d.H, d.W);
    int64_t paddingTaps = 0;
    const double dot = depthwiseDot(input, s.dataFormat, kernel, s, w, d.C, o.b, o.y, o.x, o.c, &e.cells, &paddingTaps);
    const int64_t c = o.c / M;
    ChannelPartialSum partial;
    partial.inputChannel = c;
    partial.filter = o.c;
    partial.sum = dot;
    std::vector<std::string> products;
    for (const ContributingCell& cell : e.cells)
        if (!cell.dilationGap && !cell.padding) {
            products.push_back(term(cell.value) + "·" + term(cell.weight));
            ++partial.terms;
        }
    e.channelSums.push_back(partial);
    e.cellCount = s.kernelSize[0] * s.kernelSize[1];
    e.paddingCount = paddingTaps;
    std::string text = "channel " + std::to_string(o.c) + " = input channel " + std::to_string(c) + " × kernel "
                     + std::to_string(o.c % M) + ": Σ = "
                     + (products.empty() ? std::string("0") : joinTerms(products, " + ", 9)) + " = " + formatValue(dot);
    const float preValue = static_cast<float>(dot + (p.useBias ? bias[static_cast<size_t>(o.c)] : 0.0f));
    if (p.useBias) {
        e.bias = bias[static_cast<size_t>(o.c)];
        text += "; + bias " + term(*e.bias) + " = " + formatValue(preValue);
    }
    const int64_t OW = w[1].output;
    const int64_t n = nchw ? OW : Q, position = nchw ? o.x : o.c;
    e.value = explainActivation(
        e, text, activation, n, position,
        [&](int64_t i) { return i == position ? preValue : (nchw ? pre(i, o.c) : pre(o.x, i)); },
        nchw ? "the " + std::to_string(n) + " columns of this row (axis −1 of a channels_first output)"
             : "the " + std::to_string(n) + " channels at this pixel");
    e.exact = false;
    e.summary = text;
    if (paddingTaps > 0)
        e.details.push_back(std::to_string(paddingTaps) + " of the " + std::to_string(e.cellCount)
                            + " taps fall in the SAME zero padding and contribute 0 (" + w[0].explanation.arithmetic
                            + "; " + w[1].explanation.arithmetic + ")");
    if (s.dilationRate[0] > 1 || s.dilationRate[1] > 1)
        e.details.push_back("dilation " + tupleString({s.dilationRate[0], s.dilationRate[1]}) + ": effective kernel "
                            + std::to_string(ekh) + "×" + std::to_string(ekw) + "; the cells between taps are skipped");
    return e;
}

RegionMapping DepthwiseConv2D::mapOutputRegion(const Shape& input, const Shape& output,
                                               const std::vector<Interval>& clipped,
                                               const std::vector<Interval>& unclipped) const
{
    const DepthwiseStage& s = m_params.stage;
    const Activation activation = *activationFromName(m_params.activation);
    const int64_t C = explain::dimsOf(input, s.dataFormat).C, M = s.depthMultiplier;
    auto channels = [&](Interval q) {
        q = activationChannels(q, C * M, s.dataFormat, activation);
        return q.empty() ? q : Interval{q.first / M, q.last / M};
    };
    return mapSpatialRegion(input, output, s.dataFormat,
                            slidingRules(input, s.dataFormat, s.kernelSize, s.strides, s.dilationRate, s.padding, activation),
                            clipped, unclipped, channels);
}

std::vector<AxisWindow> DepthwiseConv2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    const DepthwiseStage& s = m_params.stage;
    const auto rules = slidingRules(input, s.dataFormat, s.kernelSize, s.strides, s.dilationRate, s.padding,
                                    *activationFromName(m_params.activation));
    return spatialWindows(output, s.dataFormat, rules[static_cast<size_t>(spatialAxis)], spatialAxis);
}

std::optional<WindowConfig> DepthwiseConv2D::slidingWindow(const Shape& input, int spatialAxis) const
{
    const size_t a = static_cast<size_t>(spatialAxis);
    const DepthwiseStage& s = m_params.stage;
    const Shape nhwc = s.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    return WindowConfig{nhwc[1 + a], s.kernelSize[a], s.strides[a], s.dilationRate[a], s.padding, true};
}

// ---- registry entry ------------------------------------------------------------------------

std::vector<FieldSpec> DepthwiseConv2D::editorFields()
{
    return {{"kernel_size", "Kernel size", FieldKind::IntPair, {}, 0, 64, 0, "(height, width)", {}},
            {"strides", "Strides", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
            {"padding", "Padding", FieldKind::Enum, paddingChoices(), 0, 0, 0,
             "same pads with zeros, the extra row/column at the bottom/right", {}},
            {"depth_multiplier", "Depth multiplier", FieldKind::Int, {}, 0, 256, 0,
             "Kernels per input channel: output channel c·M + m", {}},
            {"dilation_rate", "Dilation", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
            {"activation", "Activation", FieldKind::Enum, activationNames(), 0, 0, 0, {}, {}},
            {"use_bias", "Use bias", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            dataFormatField()};
}

json DepthwiseConv2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    const int64_t kh = in.value(), kw = in.value();
    const int64_t multiplier = static_cast<int64_t>(in.next() % 4) - (in.next() % 8 == 0 ? 1 : 0);
    const bool useBias = in.next() % 2 == 0;
    json layer = {{"class_name", kClassName},
                  {"config", {{"name", name}, {"kernel_size", {kh, kw}}, {"strides", {in.value(), in.value()}},
                              {"dilation_rate", {1 + in.next() % 3, 1 + in.next() % 3}},
                              {"padding", in.pick({"valid", "same"})}, {"depth_multiplier", multiplier},
                              {"data_format", format},
                              {"activation", in.pick({"linear", "relu", "softmax", "glu", "sparsemax", "threshold", "nope"})},
                              {"use_bias", useBias}}}};
    if (in.next() % 3 == 0 && kh >= 0 && kw >= 0 && kh <= 5 && kw <= 5 && multiplier >= 0) {
        const int64_t C = 1 + in.next() % 4;
        json weights = {{"kernel", fuzzWeightJson(in, {kh, kw, C, multiplier})}};
        if (useBias)
            weights["bias"] = fuzzWeightJson(in, {C * multiplier});
        layer["weights"] = weights;
    }
    return layer;
}

// ---- Keras code ------------------------------------------------------------------------------

long double DepthwiseConv2D::generatedWeightCount(const Shape& input) const
{
    if (m_params.kernel.stored())
        return 0;
    if (input.size() != 4)
        return std::numeric_limits<long double>::infinity();
    const DepthwiseStage& s = m_params.stage;
    return static_cast<long double>(s.kernelSize[0]) * s.kernelSize[1]
         * static_cast<long double>(explain::dimsOf(input, s.dataFormat).C) * s.depthMultiplier;
}

std::vector<NamedArray> DepthwiseConv2D::kerasWeights(const Shape& input) const
{
    const DepthwiseStage& s = m_params.stage;
    const int64_t C = m_params.kernel.stored() ? m_params.kernel.shape[2]
                                               : (input.size() == 4 ? explain::dimsOf(input, s.dataFormat).C : 0);
    std::vector<NamedArray> arrays{
        {"kernel", Shape{s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier}, resolvedKernel(C)}};
    if (m_params.useBias)
        arrays.push_back({"bias", Shape{C * s.depthMultiplier}, resolvedBias(C)});
    return arrays;
}

void DepthwiseConv2D::refitStoredWeights(json& edited, const Shape& input) const
{
    if (!edited.contains("weights") || !m_params.kernel.stored())
        return;
    std::unique_ptr<DepthwiseConv2D> fresh;
    try {
        json bare = edited;
        bare.erase("weights");
        fresh = fromJson(bare);
    } catch (const std::exception&) {
        return; // the edit itself is malformed: the loader reports it
    }
    const DepthwiseStage& s = fresh->params().stage;
    const int64_t C = input.size() == 4 ? explain::dimsOf(input, s.dataFormat).C : m_params.kernel.shape[2];
    const Shape kernelShape{s.kernelSize[0], s.kernelSize[1], C, s.depthMultiplier};
    if (!storableWeights({kernelShape})) {
        edited.erase("weights");
        return;
    }
    const WeightEntry kernel = refitWeight(m_params.kernel, kernelShape, fresh->resolvedKernel(C));
    json weights = {{"kernel", weightEntryJson(kernel.shape, kernel.data)}};
    if (fresh->params().useBias && m_params.bias.stored()) {
        const WeightEntry bias = refitWeight(m_params.bias, {C * s.depthMultiplier}, fresh->resolvedBias(C));
        weights["bias"] = weightEntryJson(bias.shape, bias.data);
    }
    edited["weights"] = weights;
}

} // namespace layerscope
