#include "conv2d_transpose.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "weighted_layer_support.h"

#include <Eigen/Core>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

// ---- configuration ---------------------------------------------------------------------------

std::unique_ptr<Conv2DTranspose> Conv2DTranspose::fromJson(const json& object)
{
    const json& config = object.at("config");
    // tf.keras 2.13+ writes `groups: 1` into every Conv2DTranspose config (11_ of the real models).
    // Keras 3 has no such argument; 1 means "no grouping", what Keras 3 computes, so it is read as
    // that, and only another value is refused in Keras's words.
    if (config.contains("groups") && !(config.at("groups").is_number_integer() && config.at("groups") == 1))
        throw std::invalid_argument("Unrecognized keyword arguments passed to Conv2DTranspose: {'groups': "
                                    + config.at("groups").dump() + "}");
    Conv2DTransposeParams p;
    p.filters = readInt(config, "filters");
    p.kernelSize = readPair(config, "kernel_size");
    p.strides = readPair(config, "strides", std::array<int64_t, 2>{1, 1});
    p.padding = parsePadding(readString(config, "padding", "valid"), /*convolution=*/true);
    p.outputPadding = readOptionalPair(config, "output_padding");
    p.dataFormat = parseDataFormat(config.value("data_format", json()));
    p.dilationRate = readPair(config, "dilation_rate", std::array<int64_t, 2>{1, 1});
    p.activation = readActivationConfig(config);
    p.useBias = readBool(config, "use_bias", true);
    p.kernel = readStoredWeight(object, "kernel", 4);
    p.bias = readStoredWeight(object, "bias", 1);
    if (p.bias.stored() && !p.kernel.stored())
        throw std::invalid_argument("weights.bias is given without weights.kernel");
    if (p.bias.stored() && !p.useBias)
        throw std::invalid_argument("weights.bias is given but use_bias is false");
    return std::make_unique<Conv2DTranspose>(readString(config, "name", "conv2d_transpose"), std::move(p));
}

json Conv2DTranspose::config() const
{
    const Conv2DTransposeParams& p = m_params;
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"filters", p.filters},
            {"kernel_size", {p.kernelSize[0], p.kernelSize[1]}},
            {"strides", {p.strides[0], p.strides[1]}},
            {"padding", paddingName(p.padding)},
            {"output_padding", p.outputPadding ? json{(*p.outputPadding)[0], (*p.outputPadding)[1]} : json()},
            {"data_format", dataFormatName(p.dataFormat)},
            {"dilation_rate", {p.dilationRate[0], p.dilationRate[1]}},
            {"activation", p.activation},
            {"use_bias", p.useBias},
            {"kernel_initializer", initializerJson("GlorotUniform")},
            {"bias_initializer", initializerJson("Zeros")},
            {"kernel_regularizer", nullptr},
            {"bias_regularizer", nullptr},
            {"activity_regularizer", nullptr},
            {"kernel_constraint", nullptr},
            {"bias_constraint", nullptr}};
}

json Conv2DTranspose::extras() const
{
    if (!m_params.kernel.stored())
        return nullptr;
    json weights = {{"kernel", weightEntryJson(m_params.kernel.shape, m_params.kernel.data)}};
    if (m_params.bias.stored())
        weights["bias"] = weightEntryJson(m_params.bias.shape, m_params.bias.data);
    return {{"weights", weights}};
}

std::string Conv2DTranspose::summary() const
{
    const Conv2DTransposeParams& p = m_params;
    auto pair = [](const std::array<int64_t, 2>& v) {
        return v[0] == v[1] ? std::to_string(v[0]) : std::to_string(v[0]) + "×" + std::to_string(v[1]);
    };
    std::string text = std::to_string(p.filters) + " × " + std::to_string(p.kernelSize[0]) + "×"
                     + std::to_string(p.kernelSize[1]) + " ᵀ / s" + pair(p.strides) + " / " + paddingName(p.padding);
    if (p.outputPadding)
        text += " / op" + pair(*p.outputPadding);
    if (p.dilationRate != std::array<int64_t, 2>{1, 1})
        text += " / d" + pair(p.dilationRate);
    if (p.activation != "linear")
        text += " / " + p.activation;
    if (!p.useBias)
        text += " / no bias";
    if (p.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

std::vector<float> Conv2DTranspose::resolvedKernel(int64_t C) const
{
    if (m_params.kernel.stored())
        return m_params.kernel.data;
    const Conv2DTransposeParams& p = m_params;
    return seededGlorot(name(), "kernel", {p.kernelSize[0], p.kernelSize[1], p.filters, C}, true);
}

std::vector<float> Conv2DTranspose::resolvedBias() const
{
    if (m_params.useBias && m_params.bias.stored())
        return m_params.bias.data;
    return std::vector<float>(static_cast<size_t>(std::max<int64_t>(0, m_params.filters)), 0.0f);
}

// ---- shape inference -------------------------------------------------------------------------

LayerShape Conv2DTranspose::inferShape(const Shape& input) const
{
    const Conv2DTransposeParams& p = m_params;
    for (const auto& [value, key] : {std::pair{p.kernelSize, "kernel_size"}, std::pair{p.strides, "strides"},
                                     std::pair{p.dilationRate, "dilation_rate"}})
        if (const std::string message = checkPositivePair(value, key); !message.empty())
            throw error(message);
    if (p.outputPadding)
        if (const std::string message = checkPositivePair(*p.outputPadding, "output_padding", /*allowZero=*/true);
            !message.empty())
            throw error(message);
    const std::optional<Activation> activation = activationFromName(p.activation);
    if (!activation)
        throw error(unknownActivationMessage(p.activation));
    if (p.filters <= 0)
        throw error("Invalid value for argument `filters`. Expected a strictly positive value. Received filters="
                    + std::to_string(p.filters) + ".");
    if (p.outputPadding)
        for (int i = 0; i < 2; ++i)
            if ((*p.outputPadding)[static_cast<size_t>(i)] >= p.strides[static_cast<size_t>(i)])
                throw error("`output_padding` must be strictly less than `strides` for all dimensions. At dimension "
                            + std::to_string(i) + ", `output_padding` is "
                            + std::to_string((*p.outputPadding)[static_cast<size_t>(i)]) + " but `strides` is "
                            + std::to_string(p.strides[static_cast<size_t>(i)]) + ". Received: output_padding="
                            + tupleString({(*p.outputPadding)[0], (*p.outputPadding)[1]})
                            + ", strides=" + tupleString({p.strides[0], p.strides[1]}));
    if (std::max(p.strides[0], p.strides[1]) > 1 && std::max(p.dilationRate[0], p.dilationRate[1]) > 1)
        throw error("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides="
                    + tupleString({p.strides[0], p.strides[1]}) + " and dilation_rate="
                    + tupleString({p.dilationRate[0], p.dilationRate[1]}));
    if (p.kernel.stored()
        && (p.kernel.shape[0] != p.kernelSize[0] || p.kernel.shape[1] != p.kernelSize[1]
            || p.kernel.shape[2] != p.filters))
        throw error("the stored kernel has shape " + shapeToTuple(p.kernel.shape) + ", but kernel_size="
                    + tupleString({p.kernelSize[0], p.kernelSize[1]}) + " and filters=" + std::to_string(p.filters)
                    + " need (" + std::to_string(p.kernelSize[0]) + ", " + std::to_string(p.kernelSize[1]) + ", "
                    + std::to_string(p.filters) + ", C_in)");
    if (p.useBias && p.bias.stored() && p.bias.shape[0] != p.filters)
        throw error("the stored bias has " + std::to_string(p.bias.shape[0]) + " values, but filters="
                    + std::to_string(p.filters) + " needs one per filter");
    if (input.size() < 4)
        throw error(minRankMessage(name(), input, 4));
    requireRank4(input);
    const bool nchw = p.dataFormat == DataFormat::ChannelsFirst;
    const Shape nhwc = nchw ? nchwToNhwc(input) : input;
    const int64_t C = nhwc[3];
    if (p.kernel.stored() && C != p.kernel.shape[3])
        throw error(channelAxisMessage(name(), input, nchw, p.kernel.shape[3],
                                       "the stored kernel has " + std::to_string(p.kernel.shape[3]) + " input channels"));
    std::array<TransposeAxis, 2> axes;
    for (size_t a = 0; a < 2; ++a) {
        const int64_t n = nhwc[1 + a], k = p.kernelSize[a], s = p.strides[a], d = p.dilationRate[a];
        const std::optional<int64_t> op = p.outputPadding ? std::optional<int64_t>((*p.outputPadding)[a]) : std::nullopt;
        axes[a] = transposeAxis(a == 0 ? "height" : "width", n, k, s, d, p.padding, op);
        const int64_t out = axes[a].output, ek = d * (k - 1) + 1;
        if (out <= 0)
            throw error("Computed output size would be zero or negative: " + axes[a].explanation.arithmetic
                        + ". Received `inputs shape=" + shapeToTuple(input) + "`.");
        // TF checks the output against its forward convolution (conv_grad_shape_utils.cc).
        const int64_t back = p.padding == Padding::Same ? out / s + (out % s != 0 ? 1 : 0) : (out - ek) / s + 1;
        if (back != n)
            throw error("TensorFlow cannot run this transposed convolution (Keras 3.15.1 with oneDNN: \"could not "
                        "create a primitive descriptor for the convolution forward propagation primitive\"; without "
                        "oneDNN: \"Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = "
                        + std::to_string(n) + ", computed = " + std::to_string(back) + " spatial_dim: "
                        + std::to_string(a + 1) + " input: " + std::to_string(out) + " filter: " + std::to_string(k)
                        + " output: " + std::to_string(n) + " stride: " + std::to_string(s) + " dilation: "
                        + std::to_string(d) + "\"): padding " + paddingName(p.padding) + " with effective kernel "
                        + std::to_string(ek) + " and output_padding "
                        + std::to_string((*p.outputPadding)[a]) + " gives " + std::to_string(out) + (a == 0 ? " rows" : " columns")
                        + ", whose forward '" + paddingName(p.padding) + "' convolution has ⌈" + std::to_string(out)
                        + " / " + std::to_string(s) + "⌉ = " + std::to_string(back) + ", not " + std::to_string(n));
    }
    const Shape preNhwc{nhwc[0], axes[0].output, axes[1].output, p.filters};
    const Shape pre = nchw ? nhwcToNchw(preNhwc) : preNhwc;
    if (const std::string message = activationShapeError(*activation, pre, nchw ? "width" : "filters");
        !message.empty())
        throw error(message);
    LayerShape result;
    result.output = pre;
    result.output.back() = activatedLastAxis(*activation, pre.back());
    result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), axes[0].explanation, axes[1].explanation,
                                setAxis("channels", C, p.filters, "filters")},
                               p.dataFormat);
    if (*activation == Activation::Glu) {
        AxisExplanation& last = result.axes.back();
        last.rule += "; glu halves axis −1";
        last.arithmetic += "; glu: " + std::to_string(last.output) + " / 2 = " + std::to_string(last.output / 2);
        last.output /= 2;
    }
    return result;
}

// ---- kernel ----------------------------------------------------------------------------------

static int64_t blockRows(const Shape& in, const std::array<int64_t, 2>& k, int64_t F, int64_t maxScratchBytes)
{
    const int64_t rowBytes = std::max<int64_t>(1, in[2] * k[0] * k[1] * F * static_cast<int64_t>(sizeof(float)));
    return std::clamp<int64_t>(maxScratchBytes / rowBytes, 1, std::max<int64_t>(1, in[1]));
}

int64_t conv2dTransposeScratchBytes(const Shape& in, const std::array<int64_t, 2>& k, int64_t F, int64_t maxScratchBytes)
{
    return blockRows(in, k, F, maxScratchBytes) * in[2] * k[0] * k[1] * F * static_cast<int64_t>(sizeof(float));
}

void conv2dTransposeNhwc(const Tensor& input, Tensor& output, const float* kernel, const float* bias,
                         const std::array<int64_t, 2>& k, const std::array<int64_t, 2>& s,
                         const std::array<int64_t, 2>& d, const std::array<int64_t, 2>& crop,
                         const ExecContext& context, int64_t maxScratchBytes)
{
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using ConstMap = Eigen::Map<const RowMatrix>;
    using Map = Eigen::Map<RowMatrix>;
    const int64_t B = input.dim(0), H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OH = output.dim(1), OW = output.dim(2), F = output.dim(3);
    const int64_t taps = k[0] * k[1], width = taps * F; // columns of the GEMM result
    float* out = output.data();
    // The output starts as the bias; the blocks add their stamps onto it.
    parallelChunks(B * OH * OW, 4096, context, [&](int64_t begin, int64_t end) {
        for (int64_t q = begin; q < end; ++q) {
            if (bias)
                std::memcpy(out + q * F, bias, static_cast<size_t>(F) * sizeof(float));
            else
                std::memset(out + q * F, 0, static_cast<size_t>(F) * sizeof(float));
        }
    });
    const int64_t rows = blockRows(input.shape(), k, F, maxScratchBytes);
    std::unique_ptr<float[]> columns(new float[static_cast<size_t>(rows * W * width)]);
    // The kernel as a C × (kh·kw·F) row-major matrix: the GEMM then multiplies two row-major
    // operands (Eigen packs a transposed view more slowly).
    std::vector<float> transposed(static_cast<size_t>(width * C));
    for (int64_t j = 0; j < width; ++j)
        for (int64_t c = 0; c < C; ++c)
            transposed[static_cast<size_t>(c * width + j)] = kernel[j * C + c];
    const ConstMap weights(transposed.data(), C, width);
    Eigen::setNbThreads(context.effectiveThreads());
    for (int64_t b = 0; b < B; ++b) {
        for (int64_t i0 = 0; i0 < H; i0 += rows) {
            const int64_t i1 = std::min(H, i0 + rows), pixels = (i1 - i0) * W;
            const float* x = input.data() + (b * H + i0) * W * C;
            float* cols = columns.get();
            // The stamps of every input pixel of the block: pixels × C times C × (kh·kw·F).
            parallelChunks(pixels, std::max<int64_t>(16, 65536 / std::max<int64_t>(1, width + C)), context,
                           [&](int64_t p0, int64_t p1) {
                               Map result(cols + p0 * width, p1 - p0, width);
                               if (C == 0)
                                   result.setZero();
                               else
                                   result.noalias() = ConstMap(x + p0 * C, p1 - p0, C) * weights;
                           });
            // col2im as a gather: each output row collects the stamps that land in it.
            const int64_t oyBegin = std::max<int64_t>(0, i0 * s[0] - crop[0]);
            const int64_t oyEnd = std::min<int64_t>(OH, (i1 - 1) * s[0] + (k[0] - 1) * d[0] - crop[0] + 1);
            parallelChunks(oyEnd - oyBegin, 1, context, [&](int64_t r0, int64_t r1) {
                for (int64_t oy = oyBegin + r0; oy < oyBegin + r1; ++oy) {
                    float* orow = out + (b * OH + oy) * OW * F;
                    for (int64_t ky = 0; ky < k[0]; ++ky) {
                        const int64_t t = oy + crop[0] - ky * d[0];
                        if (t < 0 || t % s[0] != 0)
                            continue;
                        const int64_t iy = t / s[0];
                        if (iy < i0 || iy >= i1)
                            continue;
                        const float* crow = cols + (iy - i0) * W * width;
                        for (int64_t ix = 0; ix < W; ++ix) {
                            for (int64_t kx = 0; kx < k[1]; ++kx) {
                                const int64_t ox = ix * s[1] + kx * d[1] - crop[1];
                                if (ox < 0 || ox >= OW)
                                    continue;
                                float* o = orow + ox * F;
                                const float* stamp = crow + ix * width + (ky * k[1] + kx) * F;
#pragma omp simd
                                for (int64_t f = 0; f < F; ++f)
                                    o[f] += stamp[f];
                            }
                        }
                    }
                }
            });
        }
    }
}

Tensor Conv2DTranspose::forward(const Tensor& input, const ExecContext& context) const
{
    inferShape(input.shape());
    const Conv2DTransposeParams& p = m_params;
    const bool nchw = p.dataFormat == DataFormat::ChannelsFirst;
    const Shape inNhwc = nchw ? nchwToNhwc(input.shape()) : input.shape();
    const Activation activation = *activationFromName(p.activation);
    std::array<TransposeAxis, 2> axes;
    for (size_t a = 0; a < 2; ++a)
        axes[a] = transposeAxis(a == 0 ? "height" : "width", inNhwc[1 + a], p.kernelSize[a], p.strides[a],
                                p.dilationRate[a], p.padding,
                                p.outputPadding ? std::optional<int64_t>((*p.outputPadding)[a]) : std::nullopt);
    const int64_t C = inNhwc[3];
    const Shape preNhwc{inNhwc[0], axes[0].output, axes[1].output, p.filters};
    guard(context, preNhwc);
    const Shape kernelShape{p.kernelSize[0], p.kernelSize[1], p.filters, C};
    if (!p.kernel.stored())
        guard(context, kernelShape, 0, "the kernel");
    guardMultiplyAdds(context, className(), name(),
                      static_cast<double>(elementCount(inNhwc)) * static_cast<double>(elementCount(kernelShape))
                          / static_cast<double>(std::max<int64_t>(1, C)),
                      shapeToString(inNhwc) + " input values × " + std::to_string(p.kernelSize[0]) + "×"
                          + std::to_string(p.kernelSize[1]) + " taps × " + std::to_string(p.filters) + " filters");
    const int64_t preBytes = elementCount(preNhwc) * static_cast<int64_t>(sizeof(float));
    guard(context, preNhwc,
          conv2dTransposeScratchBytes(inNhwc, p.kernelSize, p.filters) + elementCount(kernelShape) * 4
              + (nchw ? input.byteSize() + preBytes : 0) + activationScratchBytes(activation, preNhwc),
          "the output (with the column scratch, kernel and transposes)");
    const std::vector<float> kernel = resolvedKernel(C);
    const std::vector<float> bias = resolvedBias();
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    Tensor out = Tensor::uninitialized(preNhwc);
    conv2dTransposeNhwc(nchw ? converted : input, out, kernel.data(), p.useBias ? bias.data() : nullptr,
                        p.kernelSize, p.strides, p.dilationRate, {axes[0].crop, axes[1].crop}, context);
    return finishOutput(std::move(out), nchw, activation, context);
}

// ---- explanation -----------------------------------------------------------------------------

namespace {

// The (input index, kernel index) pairs whose stamps reach output index o along one axis.
std::vector<std::pair<int64_t, int64_t>> axisTaps(int64_t o, int64_t n, int64_t k, int64_t s, int64_t d, int64_t crop)
{
    std::vector<std::pair<int64_t, int64_t>> taps;
    for (int64_t kk = 0; kk < k; ++kk) {
        const int64_t t = o + crop - kk * d;
        if (t >= 0 && t % s == 0 && t / s < n)
            taps.push_back({t / s, kk});
    }
    return taps;
}

} // namespace

CellExplanation Conv2DTranspose::explainOutputCell(const Tensor& input, const Shape& /*output*/,
                                                   const CellIndex& o) const
{
    using namespace explain;
    const Conv2DTransposeParams& p = m_params;
    const bool nchw = p.dataFormat == DataFormat::ChannelsFirst;
    const Dims d = dimsOf(input.shape(), p.dataFormat);
    const Reader read{input, p.dataFormat};
    const std::vector<float> kernel = resolvedKernel(d.C);
    const std::vector<float> bias = resolvedBias();
    const Activation activation = *activationFromName(p.activation);
    const int64_t F = p.filters, kw = p.kernelSize[1];
    std::array<TransposeAxis, 2> axes;
    for (size_t a = 0; a < 2; ++a)
        axes[a] = transposeAxis(a == 0 ? "height" : "width", a == 0 ? d.H : d.W, p.kernelSize[a], p.strides[a],
                                p.dilationRate[a], p.padding,
                                p.outputPadding ? std::optional<int64_t>((*p.outputPadding)[a]) : std::nullopt);
    auto weightAt = [&](int64_t ky, int64_t kx, int64_t f, int64_t c) {
        return kernel[static_cast<size_t>(((ky * kw + kx) * F + f) * d.C + c)];
    };
    auto dot = [&](int64_t x, int64_t f, CellExplanation* e) {
        const auto rowTaps = axisTaps(o.y, d.H, p.kernelSize[0], p.strides[0], p.dilationRate[0], axes[0].crop);
        const auto colTaps = axisTaps(x, d.W, p.kernelSize[1], p.strides[1], p.dilationRate[1], axes[1].crop);
        std::vector<ChannelPartialSum> sums(static_cast<size_t>(d.C));
        double total = 0;
        for (const auto& [iy, ky] : rowTaps)
            for (const auto& [ix, kx] : colTaps)
                for (int64_t c = 0; c < d.C; ++c) {
                    const float value = read(o.b, iy, ix, c), weight = weightAt(ky, kx, f, c);
                    const double product = static_cast<double>(value) * weight;
                    total += product;
                    if (!e)
                        continue;
                    ContributingCell cell;
                    cell.cell = {o.b, iy, ix, c};
                    cell.value = value;
                    cell.weight = weight;
                    cell.windowY = ky;
                    cell.windowX = kx;
                    e->cells.push_back(cell);
                    ChannelPartialSum& partial = sums[static_cast<size_t>(c)];
                    partial.inputChannel = c;
                    partial.filter = f;
                    partial.sum += product;
                    ++partial.terms;
                }
        if (e) {
            e->channelSums = sums;
            e->cellCount = static_cast<int64_t>(rowTaps.size() * colTaps.size()) * d.C;
        }
        return static_cast<float>(total + (p.useBias ? bias[static_cast<size_t>(f)] : 0.0f));
    };

    CellExplanation e;
    e.kind = ExplanationKind::Convolution;
    const float preValue = dot(o.x, o.c, &e);
    // The input rows / columns whose stamps could reach this cell.
    auto span = [&](int64_t out, size_t a) {
        const int64_t s = p.strides[a], ext = p.dilationRate[a] * (p.kernelSize[a] - 1);
        const int64_t hi = out + axes[a].crop, lo = hi - ext;
        return std::pair<int64_t, int64_t>{lo >= 0 ? (lo + s - 1) / s : -((-lo) / s), hi >= 0 ? hi / s : -((-hi + s - 1) / s)};
    };
    const auto [y0, y1] = span(o.y, 0);
    const auto [x0, x1] = span(o.x, 1);
    e.window = {y0, y1, x0, x1};
    finishWindow(e, d.H, d.W);
    std::vector<std::string> products;
    for (const ContributingCell& cell : e.cells)
        products.push_back(term(cell.value) + "·" + term(cell.weight));
    double sum = 0;
    for (const ChannelPartialSum& c : e.channelSums)
        sum += c.sum;
    std::string text;
    if (e.cells.empty())
        text = "no input cell's stamp reaches this output cell (stride " + tupleString({p.strides[0], p.strides[1]})
             + ", kernel " + tupleString({p.kernelSize[0], p.kernelSize[1]}) + "): Σ = 0";
    else
        text = "Σ over " + std::to_string(e.cells.size()) + " stamps (input cell × kernel weight) = "
             + joinTerms(products, " + ", 9) + " = " + formatValue(sum);
    if (p.useBias) {
        e.bias = bias[static_cast<size_t>(o.c)];
        text += "; + bias " + term(*e.bias) + " = " + formatValue(preValue);
    }
    const int64_t n = nchw ? axes[1].output : F, position = nchw ? o.x : o.c;
    e.value = explainActivation(
        e, text, activation, n, position,
        [&](int64_t i) { return i == position ? preValue : (nchw ? dot(i, o.c, nullptr) : dot(o.x, i, nullptr)); },
        nchw ? "the " + std::to_string(n) + " columns of this row (axis −1 of a channels_first output)"
             : "the " + std::to_string(n) + " filters at this pixel");
    e.exact = false;
    e.summary = text;
    e.details.push_back("input cell (iy, ix) stamps kernel tap (ky, kx) onto output (iy·" + std::to_string(p.strides[0])
                        + " + ky·" + std::to_string(p.dilationRate[0]) + " − " + std::to_string(axes[0].crop) + ", ix·"
                        + std::to_string(p.strides[1]) + " + kx·" + std::to_string(p.dilationRate[1]) + " − "
                        + std::to_string(axes[1].crop) + "); " + axes[0].explanation.arithmetic + "; "
                        + axes[1].explanation.arithmetic);
    for (const ChannelPartialSum& c : e.channelSums)
        if (c.terms > 0)
            e.details.push_back("channel " + std::to_string(c.inputChannel) + ": " + std::to_string(c.terms)
                                + " stamps, Σ = " + formatValue(c.sum));
    return e;
}

// Rows and columns: the input indices whose stamps reach each output index, as per-index tap
// lists (the generic rule kind that receptive fields already use for resizes).
static std::array<AxisRule, 2> transposeRules(const Conv2DTransposeParams& p, const Shape& input)
{
    const explain::Dims d = explain::dimsOf(input, p.dataFormat);
    std::array<AxisRule, 2> rules;
    for (size_t a = 0; a < 2; ++a) {
        const int64_t n = a == 0 ? d.H : d.W;
        const TransposeAxis t = transposeAxis("", n, p.kernelSize[a], p.strides[a], p.dilationRate[a], p.padding,
                                              p.outputPadding ? std::optional<int64_t>((*p.outputPadding)[a]) : std::nullopt);
        AxisRule& r = rules[a];
        r.kind = AxisRule::Kind::Resize;
        r.inSize = n;
        r.taps.resize(static_cast<size_t>(t.output));
        for (int64_t o = 0; o < t.output; ++o) {
            AxisTaps& taps = r.taps[static_cast<size_t>(o)];
            for (const auto& [i, kk] : axisTaps(o, n, p.kernelSize[a], p.strides[a], p.dilationRate[a], t.crop)) {
                taps.indices.push_back(i);
                taps.requested.push_back(i);
                taps.weights.push_back(1.0f);
            }
        }
        if (a == 1 && p.dataFormat == DataFormat::ChannelsFirst) {
            const Activation activation = *activationFromName(p.activation);
            if (actsAlongLastAxis(activation)) {
                r.convSize = t.output;
                if (activation == Activation::Glu)
                    r.widen = t.output / 2;
                else
                    r.widenToAll = true;
            }
        }
    }
    return rules;
}

RegionMapping Conv2DTranspose::mapOutputRegion(const Shape& input, const Shape& output,
                                               const std::vector<Interval>& clipped,
                                               const std::vector<Interval>& unclipped) const
{
    const int64_t C = explain::dimsOf(input, m_params.dataFormat).C;
    auto channels = [&](Interval f) { return f.empty() ? f : wholeAxis(C); };
    return mapSpatialRegion(input, output, m_params.dataFormat, transposeRules(m_params, input), clipped, unclipped,
                            channels);
}

std::vector<AxisWindow> Conv2DTranspose::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, transposeRules(m_params, input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

// ---- registry entry ------------------------------------------------------------------------

std::vector<FieldSpec> Conv2DTranspose::editorFields()
{
    return {{"filters", "Filters", FieldKind::Int, {}, 0, 4096, 0, "Number of output channels", {}},
            {"kernel_size", "Kernel size", FieldKind::IntPair, {}, 0, 64, 0, "(height, width)", {}},
            {"strides", "Strides", FieldKind::IntPair, {}, 0, 64, 0, "The upsampling factor", {}},
            {"padding", "Padding", FieldKind::Enum, paddingChoices(), 0, 0, 0,
             "valid: (n − 1)·s + max(k, s); same: n·s", {}},
            {"output_padding", "Output padding", FieldKind::OptionalIntPair, {}, 0, 63, 0,
             "Extra rows/columns at the bottom/right; each must be less than the stride", "None"},
            {"dilation_rate", "Dilation", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
            {"activation", "Activation", FieldKind::Enum, activationNames(), 0, 0, 0, {}, {}},
            {"use_bias", "Use bias", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            dataFormatField()};
}

json Conv2DTranspose::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    const int64_t filters = in.value(), kh = in.value(), kw = in.value();
    const bool useBias = in.next() % 2 == 0;
    json config = {{"name", name}, {"filters", filters}, {"kernel_size", {kh, kw}},
                   {"strides", {in.value(), in.value()}}, {"dilation_rate", {1 + in.next() % 3, 1 + in.next() % 3}},
                   {"padding", in.pick({"valid", "same"})}, {"data_format", format},
                   {"activation", in.pick({"linear", "relu", "softmax", "glu", "gelu", "threshold", "nope"})},
                   {"use_bias", useBias}};
    const uint8_t op = in.next();
    if (op % 3 == 1)
        config["output_padding"] = {op % 4, (op / 4) % 4};
    if (op % 17 == 0)
        config["groups"] = 1; // a tf.keras 2 config: rejected
    json layer = {{"class_name", kClassName}, {"config", config}};
    if (in.next() % 3 == 0 && kh >= 0 && kw >= 0 && filters >= 0 && kh <= 5 && kw <= 5 && filters <= 8) {
        const int64_t C = 1 + in.next() % 4;
        json weights = {{"kernel", fuzzWeightJson(in, {kh, kw, filters, C})}};
        if (useBias)
            weights["bias"] = fuzzWeightJson(in, {filters});
        layer["weights"] = weights;
    }
    return layer;
}

// ---- Keras code ------------------------------------------------------------------------------

long double Conv2DTranspose::generatedWeightCount(const Shape& input) const
{
    if (m_params.kernel.stored())
        return 0;
    if (input.size() != 4)
        return std::numeric_limits<long double>::infinity();
    return static_cast<long double>(m_params.kernelSize[0]) * m_params.kernelSize[1] * m_params.filters
         * static_cast<long double>(explain::dimsOf(input, m_params.dataFormat).C);
}

std::vector<NamedArray> Conv2DTranspose::kerasWeights(const Shape& input) const
{
    const Conv2DTransposeParams& p = m_params;
    const int64_t C = p.kernel.stored() ? p.kernel.shape[3]
                                        : (input.size() == 4 ? explain::dimsOf(input, p.dataFormat).C : 0);
    std::vector<NamedArray> arrays{{"kernel", Shape{p.kernelSize[0], p.kernelSize[1], p.filters, C}, resolvedKernel(C)}};
    if (p.useBias)
        arrays.push_back({"bias", Shape{p.filters}, resolvedBias()});
    return arrays;
}

void Conv2DTranspose::refitStoredWeights(json& edited, const Shape& input) const
{
    if (!edited.contains("weights") || !m_params.kernel.stored())
        return;
    std::unique_ptr<Conv2DTranspose> fresh;
    try {
        json bare = edited;
        bare.erase("weights");
        fresh = fromJson(bare);
    } catch (const std::exception&) {
        return; // the edit itself is malformed: the loader reports it
    }
    const Conv2DTransposeParams& p = fresh->params();
    const int64_t C = input.size() == 4 ? explain::dimsOf(input, p.dataFormat).C : m_params.kernel.shape[3];
    const Shape kernelShape{p.kernelSize[0], p.kernelSize[1], p.filters, C};
    if (!storableWeights({kernelShape})) {
        edited.erase("weights");
        return;
    }
    const WeightEntry kernel = refitWeight(m_params.kernel, kernelShape, fresh->resolvedKernel(C));
    json weights = {{"kernel", weightEntryJson(kernel.shape, kernel.data)}};
    if (p.useBias && m_params.bias.stored()) {
        const WeightEntry bias = refitWeight(m_params.bias, {p.filters}, fresh->resolvedBias());
        weights["bias"] = weightEntryJson(bias.shape, bias.data);
    }
    edited["weights"] = weights;
}

} // namespace layerscope
