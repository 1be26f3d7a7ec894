#include "conv2d.h"

#include "../config_parse.h"
#include "../weights/conv_weights.h"
#include "../weights/glorot.h"
#include "activation_layer.h"
#include "../weights/weight_entry.h"
#include "weighted_layer_support.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

namespace {

std::string shapeTuple(const Shape& shape)
{
    return tupleString(std::vector<int64_t>(shape.begin(), shape.end()));
}

void checkWeightLengths(const Shape& kernelShape, const std::vector<float>& kernel)
{
    if (kernelShape.size() != 4)
        throw std::invalid_argument("the kernel must have rank 4 (kh, kw, C_in / groups, filters), got shape "
                                    + shapeTuple(kernelShape));
    if (elementCount(kernelShape) != static_cast<int64_t>(kernel.size()))
        throw std::invalid_argument("the kernel has " + std::to_string(kernel.size())
                                    + " values but its shape " + shapeTuple(kernelShape) + " needs "
                                    + std::to_string(elementCount(kernelShape)));
}


} // namespace

// ---- configuration ---------------------------------------------------------------------------

std::unique_ptr<Conv2D> Conv2D::fromJson(const json& object)
{
    const json& config = object.at("config");
    Conv2DParams p;
    p.filters = readInt(config, "filters");
    p.kernelSize = readPair(config, "kernel_size");
    p.strides = readPair(config, "strides", std::array<int64_t, 2>{1, 1});
    p.padding = parsePadding(readString(config, "padding", "valid"), /*convolution=*/true);
    p.dataFormat = parseDataFormat(config.value("data_format", json()));
    p.dilationRate = readPair(config, "dilation_rate", std::array<int64_t, 2>{1, 1});
    p.groups = readInt(config, "groups", 1);
    const json activation = config.value("activation", json());
    if (activation.is_null())
        p.activation = "linear";
    else if (activation.is_string())
        p.activation = activation.get<std::string>();
    else if (activation.is_object() && activation.contains("config") && activation.at("config").is_string())
        p.activation = activation.at("config").get<std::string>(); // serialized function object
    else if (activation.is_object() && activation.contains("config") && activation.at("config").is_object()) {
        // A serialized activation layer (Keras 3.3 files): element-wise ones run after the
        // convolution; a Softmax over axis −1 is tf.nn.softmax like the "softmax" name.
        activationLayerObject(activation); // throws for a class it cannot run
        p.activationLayer = activation;
        p.activation = "linear";
        if (activation.value("class_name", "") == "Softmax") {
            const json axis = activation.at("config").value("axis", json(-1));
            if (axis != json(-1) && axis != json{-1})
                throw std::invalid_argument("a Softmax activation object over axis " + axis.dump()
                                            + " is not supported in Conv2D (axis -1 is)");
            p.activation = "softmax";
        }
    } else
        throw std::invalid_argument(unknownActivationMessage(activation.dump()));
    p.useBias = readBool(config, "use_bias", true);
    if (object.contains("weights") && !object.at("weights").is_null()) {
        const json& weights = object.at("weights");
        if (!weights.is_object())
            throw std::invalid_argument("\"weights\" must be an object with \"kernel\" and \"bias\"");
        if (weights.contains("kernel")) {
            WeightEntry kernel = readWeightEntry(weights.at("kernel"), "kernel");
            p.kernelShape = std::move(kernel.shape);
            p.kernel = std::move(kernel.data);
            checkWeightLengths(p.kernelShape, p.kernel);
        }
        if (weights.contains("bias") && !weights.at("bias").is_null()) {
            if (p.kernel.empty())
                throw std::invalid_argument("weights.bias is given without weights.kernel");
            if (!p.useBias)
                throw std::invalid_argument("weights.bias is given but use_bias is false");
            WeightEntry bias = readWeightEntry(weights.at("bias"), "bias");
            if (bias.shape.size() != 1)
                throw std::invalid_argument("weights.bias must have rank 1, got shape " + shapeTuple(bias.shape));
            p.bias = std::move(bias.data);
        }
    }
    return std::make_unique<Conv2D>(readString(config, "name", "conv2d"), std::move(p));
}

nlohmann::json Conv2D::config() const
{
    const Conv2DParams& p = m_params;
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"filters", p.filters},
            {"kernel_size", {p.kernelSize[0], p.kernelSize[1]}},
            {"strides", {p.strides[0], p.strides[1]}},
            {"padding", paddingName(p.padding)},
            {"data_format", dataFormatName(p.dataFormat)},
            {"dilation_rate", {p.dilationRate[0], p.dilationRate[1]}},
            {"groups", p.groups},
            {"activation", p.activationLayer.is_null() ? json(p.activation) : p.activationLayer},
            {"use_bias", p.useBias},
            {"kernel_initializer", initializerJson("GlorotUniform")},
            {"bias_initializer", initializerJson("Zeros")},
            {"kernel_regularizer", nullptr},
            {"bias_regularizer", nullptr},
            {"activity_regularizer", nullptr},
            {"kernel_constraint", nullptr},
            {"bias_constraint", nullptr}};
}

nlohmann::json Conv2D::extras() const
{
    if (!m_params.hasExplicitKernel())
        return nullptr;
    json weights = {{"kernel", weightEntryJson(m_params.kernelShape, m_params.kernel)}};
    if (!m_params.bias.empty())
        weights["bias"] = weightEntryJson({static_cast<int64_t>(m_params.bias.size())}, m_params.bias);
    return {{"weights", weights}};
}

std::string Conv2D::summary() const
{
    const Conv2DParams& p = m_params;
    auto pair = [](const std::array<int64_t, 2>& v) {
        return v[0] == v[1] ? std::to_string(v[0]) : std::to_string(v[0]) + "×" + std::to_string(v[1]);
    };
    std::string text = std::to_string(p.filters) + " × " + std::to_string(p.kernelSize[0]) + "×"
                     + std::to_string(p.kernelSize[1]) + " / s" + pair(p.strides) + " / "
                     + paddingName(p.padding);
    if (p.dilationRate != std::array<int64_t, 2>{1, 1})
        text += " / d" + pair(p.dilationRate);
    if (p.groups != 1)
        text += " / g" + std::to_string(p.groups);
    if (!p.activationLayer.is_null())
        text += " / " + p.activationLayer.value("class_name", std::string("activation"));
    else if (p.activation != "linear")
        text += " / " + p.activation;
    if (!p.useBias)
        text += " / no bias";
    if (p.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

// ---- weights ---------------------------------------------------------------------------------

void Conv2D::setWeights(Shape kernelShape, std::vector<float> kernel, std::vector<float> bias)
{
    checkWeightLengths(kernelShape, kernel);
    if (!bias.empty() && kernelShape[3] != static_cast<int64_t>(bias.size()))
        throw std::invalid_argument("the bias has " + std::to_string(bias.size())
                                    + " values but the kernel has " + std::to_string(kernelShape[3])
                                    + " filters");
    m_params.kernelShape = std::move(kernelShape);
    m_params.kernel = std::move(kernel);
    m_params.bias = std::move(bias);
}

void Conv2D::clearWeights()
{
    m_params.kernelShape.clear();
    m_params.kernel.clear();
    m_params.bias.clear();
}

std::vector<float> Conv2D::glorotUniform(const std::string& name, const Shape& shape)
{
    return layerscope::glorotUniform(shape, fnv1a32(name));
}

Conv2DWeights Conv2D::resolvedWeights(int64_t inputChannels) const
{
    Conv2DWeights w;
    const int64_t F = m_params.filters;
    if (m_params.hasExplicitKernel()) {
        w.kernelShape = m_params.kernelShape;
        w.kernel = m_params.kernel;
    } else {
        const int64_t groups = std::max<int64_t>(1, m_params.groups);
        w.kernelShape = {m_params.kernelSize[0], m_params.kernelSize[1], inputChannels / groups, F};
        w.kernel = glorotUniform(name(), w.kernelShape);
    }
    if (m_params.useBias && !m_params.bias.empty())
        w.bias = m_params.bias;
    else
        w.bias.assign(static_cast<size_t>(std::max<int64_t>(F, 0)), 0.0f);
    return w;
}

// ---- shape inference -------------------------------------------------------------------------

LayerShape Conv2D::inferShape(const Shape& input) const
{
    const Conv2DParams& p = m_params;
    // Construction-time checks, in Keras's order (SEMANTICS.md §6.6).
    for (const auto& [value, key] : {std::pair{p.kernelSize, "kernel_size"}, std::pair{p.strides, "strides"},
                                     std::pair{p.dilationRate, "dilation_rate"}})
        if (auto message = checkPositivePair(value, key); !message.empty())
            throw error(message);
    const std::optional<Activation> activation = activationFromName(p.activation);
    if (!activation)
        throw error(unknownActivationMessage(p.activation));
    if (p.filters <= 0)
        throw error("Invalid value for argument `filters`. Expected a strictly positive value. Received filters="
                    + std::to_string(p.filters) + ".");
    if (p.groups <= 0)
        throw error("The number of groups must be a positive integer. Received: groups="
                    + std::to_string(p.groups) + ".");
    if (p.filters % p.groups != 0)
        throw error("The number of filters must be evenly divisible by the number of groups. Received: groups="
                    + std::to_string(p.groups) + ", filters=" + std::to_string(p.filters) + ".");
    if (std::max(p.strides[0], p.strides[1]) > 1 && std::max(p.dilationRate[0], p.dilationRate[1]) > 1)
        throw error("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides="
                    + tupleString({p.strides[0], p.strides[1]}) + " and dilation_rate="
                    + tupleString({p.dilationRate[0], p.dilationRate[1]})
                    + " (a dilated convolution must use stride 1)");

    // Stored weights must fit the config (Keras fails when assigning them).
    if (p.hasExplicitKernel()) {
        if (p.kernelShape.size() != 4 || elementCount(p.kernelShape) != static_cast<int64_t>(p.kernel.size()))
            throw error("the stored kernel of shape " + shapeTuple(p.kernelShape) + " holds "
                        + std::to_string(p.kernel.size()) + " values; it must be rank 4 with one value per element");
        if (p.kernelShape[0] != p.kernelSize[0] || p.kernelShape[1] != p.kernelSize[1]
            || p.kernelShape[3] != p.filters)
            throw error("the stored kernel has shape " + shapeTuple(p.kernelShape) + ", but kernel_size="
                        + tupleString({p.kernelSize[0], p.kernelSize[1]}) + " and filters="
                        + std::to_string(p.filters) + " need (" + std::to_string(p.kernelSize[0]) + ", "
                        + std::to_string(p.kernelSize[1]) + ", C_in / groups, " + std::to_string(p.filters) + ")");
    }
    if (p.useBias && !p.bias.empty() && static_cast<int64_t>(p.bias.size()) != p.filters)
        throw error("the stored bias has " + std::to_string(p.bias.size()) + " values, but filters="
                    + std::to_string(p.filters) + " needs one per filter");

    // InputSpec(min_ndim=4), then the channel axis pinned by the stored kernel.
    if (input.size() != 4) {
        const std::string expected = input.size() < 4 ? "min_ndim=4" : "ndim=4";
        throw error("Input 0 of layer '" + name() + "' is incompatible with the layer: expected "
                    + expected + ", found ndim=" + std::to_string(input.size())
                    + ". Full shape received: " + shapeToTuple(input));
    }
    const bool nchw = p.dataFormat == DataFormat::ChannelsFirst;
    const Shape nhwc = nchw ? nchwToNhwc(input) : input;
    const int64_t C = nhwc[3];
    if (p.hasExplicitKernel() && C != p.kernelShape[2] * p.groups)
        throw error("Input 0 of layer '" + name() + "' is incompatible with the layer: expected axis "
                    + (nchw ? "1" : "-1") + " of input shape to have value "
                    + std::to_string(p.kernelShape[2] * p.groups) + ", but received input with shape "
                    + shapeToTuple(input) + " (the stored kernel has " + std::to_string(p.kernelShape[2])
                    + " input channel" + (p.kernelShape[2] == 1 ? "" : "s") + " per group × "
                    + std::to_string(p.groups) + " group" + (p.groups == 1 ? "" : "s") + ")");

    // Build-time checks.
    if (C % p.groups != 0)
        throw error("The number of input channels must be evenly divisible by the number of groups. Received groups="
                    + std::to_string(p.groups) + ", but the input has " + std::to_string(C)
                    + " channels (full input shape is " + shapeToTuple(input) + ").");
    const WindowAxis rows = windowAxis("height", nhwc[1], p.kernelSize[0], p.strides[0], p.dilationRate[0], p.padding);
    const WindowAxis cols = windowAxis("width", nhwc[2], p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding);
    for (int axis = 0; axis < 2; ++axis) {
        const WindowAxis& w = axis == 0 ? rows : cols;
        if (w.output > 0)
            continue;
        throw error(convUnderflowMessage(w, axis, p.kernelSize, p.dilationRate, p.strides, input,
                                         {p.kernelSize[0], p.kernelSize[1], C, p.filters}));
    }

    // Call-time: the activation.
    const Shape convNhwc{nhwc[0], rows.output, cols.output, p.filters};
    const Shape conv = nchw ? nhwcToNchw(convNhwc) : convNhwc;
    if (*activation == Activation::Threshold)
        throw error(thresholdByNameMessage());
    if (*activation == Activation::Glu && conv.back() % 2 != 0)
        throw error("axis size must be divisible by 2. Received: x.shape=" + shapeToTuple(conv)
                    + " with axis=-1 (glu splits axis -1 of the convolution output, the "
                    + (nchw ? "width" : "filters") + ", into two halves)");

    LayerShape result;
    result.output = conv;
    result.output.back() = activatedLastAxis(*activation, conv.back());
    std::vector<AxisExplanation> axes{copiedAxis("batch", nhwc[0]), rows.explanation, cols.explanation,
                                      setAxis("channels", C, p.filters, "filters")};
    result.axes = axesInFormat(std::move(axes), p.dataFormat);
    // An element-wise activation layer object: its own checks (a negative slope).
    if (!p.activationLayer.is_null() && !actsAlongLastAxis(*activation)) {
        try {
            activationLayerObject(p.activationLayer)->inferShape(result.output);
        } catch (const LayerError& e) {
            throw error(std::string("activation ") + e.what());
        }
    }
    if (*activation == Activation::Glu) {
        AxisExplanation& last = result.axes.back();
        last.rule += "; glu halves axis −1";
        last.arithmetic += "; glu: " + std::to_string(last.output) + " / 2 = " + std::to_string(last.output / 2);
        last.output /= 2;
    }
    return result;
}

// Large outputs are written once, front to back; transparent huge pages cut the page faults of a
// fresh 256 MiB output from 65536 to 128 (the system default is THP on madvise only).
static void adviseHugePages(Tensor& tensor)
{
    constexpr uintptr_t kPage = 4096;
    if (tensor.byteSize() < (int64_t{8} << 20))
        return;
    const auto start = reinterpret_cast<uintptr_t>(tensor.data());
    const uintptr_t begin = (start + kPage - 1) & ~(kPage - 1);
    const uintptr_t end = (start + static_cast<uintptr_t>(tensor.byteSize())) & ~(kPage - 1);
    if (end > begin)
        madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

void Conv2D::guardWork(const ExecContext& context, const Shape& in, const Shape& out) const
{
    if (context.maxMultiplyAdds <= 0)
        return;
    const auto& p = m_params;
    const int64_t channelsPerGroup = in[3] / std::max<int64_t>(1, p.groups);
    // In double: the factors are each memory-bounded but their product need not fit in int64.
    const double pixels = static_cast<double>(out[0]) * static_cast<double>(out[1]) * static_cast<double>(out[2]);
    const double work = pixels * static_cast<double>(p.kernelSize[0]) * static_cast<double>(p.kernelSize[1])
                      * static_cast<double>(channelsPerGroup) * static_cast<double>(p.filters);
    if (work <= static_cast<double>(context.maxMultiplyAdds))
        return;
    char amount[64], limit[64];
    std::snprintf(amount, sizeof amount, "%.3g", work);
    std::snprintf(limit, sizeof limit, "%.3g", static_cast<double>(context.maxMultiplyAdds));
    throw WorkBudgetError(className(), name(),
                          shapeToString(out) + " output: " + std::to_string(out[0] * out[1] * out[2])
                              + " pixels × " + std::to_string(p.kernelSize[0]) + "×"
                              + std::to_string(p.kernelSize[1]) + " kernel × "
                              + std::to_string(channelsPerGroup) + " input channels per group × "
                              + std::to_string(p.filters) + " filters = " + amount
                              + " multiply-adds, more than this run's limit of " + limit);
}

Tensor Conv2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const Conv2DParams& p = m_params;
    const bool nchw = p.dataFormat == DataFormat::ChannelsFirst;
    const Shape inNhwc = nchw ? nchwToNhwc(input.shape()) : input.shape();
    const Activation activation = *activationFromName(p.activation);

    Conv2DGeometry geometry;
    geometry.kernelSize = p.kernelSize;
    geometry.strides = p.strides;
    geometry.dilation = p.dilationRate;
    geometry.groups = p.groups;
    const WindowAxis rows = windowAxis("height", inNhwc[1], p.kernelSize[0], p.strides[0], p.dilationRate[0], p.padding);
    const WindowAxis cols = windowAxis("width", inNhwc[2], p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding);
    geometry.padBefore = {rows.padBefore, cols.padBefore};
    const Shape convNhwc{inNhwc[0], rows.output, cols.output, p.filters};

    // channels_first: TF's math on the transposed tensors; an axis −1 activation then acts on the
    // width, so it runs after the transpose back instead of fused into the GEMM blocks.
    const bool fusable = nchw ? !actsAlongLastAxis(activation) : activation != Activation::Glu;
    // The output and the kernel on their own first: with absurd parameters (filters or a 'same'
    // kernel_size of 2^40) their element counts can be beyond 2^62, and every size below is only
    // safe to compute once these are known to fit the budget.
    guard(context, convNhwc);
    guardWork(context, inNhwc, convNhwc);
    if (!p.hasExplicitKernel())
        guard(context, {p.kernelSize[0], p.kernelSize[1], inNhwc[3] / std::max<int64_t>(1, p.groups), p.filters},
              0, "the kernel");
    const int64_t convBytes = elementCount(convNhwc) * static_cast<int64_t>(sizeof(float));
    int64_t extra = conv2dScratchBytes(inNhwc, convNhwc, geometry, context);
    if (nchw)
        extra += input.byteSize() + convBytes;
    if (!fusable)
        extra += convBytes;
    guard(context, convNhwc, extra, "the output (with im2col scratch)");

    const Conv2DWeights weights = resolvedWeights(inNhwc[3]);
    const float* bias = p.useBias && !p.bias.empty() ? weights.bias.data() : nullptr;
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    Tensor conv = Tensor::uninitialized(convNhwc);
    adviseHugePages(conv);
    conv2dNhwc(nchw ? converted : input, conv, weights.kernel.data(), bias, geometry,
               fusable ? activation : Activation::Linear, context);
    Tensor result = nchw ? nhwcToNchw(conv) : std::move(conv);
    if (!fusable)
        result = applyActivation(activation, result, context);
    if (!p.activationLayer.is_null() && !actsAlongLastAxis(activation))
        result = activationLayerObject(p.activationLayer)->forward(result, context);
    return result;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Conv2D::editorFields()
{
    return {{"filters", "Filters", FieldKind::Int, {}, 0, 4096, 0, "Number of output channels", {}},
            {"kernel_size", "Kernel size", FieldKind::IntPair, {}, 0, 64, 0, "(height, width)", {}},
            {"strides", "Strides", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
            {"padding", "Padding", FieldKind::Enum, paddingChoices(), 0, 0, 0,
             "same pads with zeros, the extra row/column at the bottom/right", {}},
            {"dilation_rate", "Dilation", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
            {"groups", "Groups", FieldKind::Int, {}, 0, 4096, 0, {}, {}},
            {"activation", "Activation", FieldKind::Enum, activationNames(), 0, 0, 0, {}, {}},
            {"use_bias", "Use bias", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            dataFormatField()};
}

json Conv2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    const int64_t filters = in.value();
    const int64_t kh = in.value();
    const int64_t kw = in.value();
    const int64_t groups = 1 + in.next() % 3;
    const bool useBias = in.next() % 2 == 0;
    json layer = {{"class_name", kClassName},
                  {"config", {{"name", name}, {"filters", filters}, {"kernel_size", {kh, kw}},
                              {"strides", {in.value(), in.value()}}, {"dilation_rate", {1 + in.next() % 3, 1 + in.next() % 3}},
                              {"padding", in.pick({"valid", "same"})}, {"groups", groups}, {"data_format", format},
                              {"activation", in.pick({"linear", "relu", "softmax", "glu", "gelu", "selu", "sparsemax", "threshold", "nope"})},
                              {"use_bias", useBias}}}};
    // Inline weights of a plausible (small) shape, or of a wrong one.
    if (in.next() % 3 == 0 && kh >= 0 && kw >= 0 && filters >= 0 && kh <= 5 && kw <= 5 && filters <= 8) {
        const int64_t inChannels = 1 + in.next() % 4;
        json weights = {{"kernel", fuzzWeightJson(in, {kh, kw, inChannels, filters})}};
        if (useBias)
            weights["bias"] = fuzzWeightJson(in, {filters});
        layer["weights"] = weights;
    }
    return layer;
}

// ---- Keras code ------------------------------------------------------------------------------

static int64_t inputChannelsOf(const Shape& input, DataFormat format)
{
    return input.size() == 4 ? (format == DataFormat::ChannelsFirst ? input[1] : input[3]) : 0;
}

long double Conv2D::generatedWeightCount(const Shape& input) const
{
    if (m_params.hasExplicitKernel())
        return 0;
    if (input.empty())
        return std::numeric_limits<long double>::infinity();
    return static_cast<long double>(m_params.kernelSize[0]) * m_params.kernelSize[1]
         * static_cast<long double>(inputChannelsOf(input, m_params.dataFormat)) * m_params.filters;
}

std::vector<NamedArray> Conv2D::kerasWeights(const Shape& input) const
{
    Conv2DWeights w = resolvedWeights(inputChannelsOf(input, m_params.dataFormat));
    std::vector<NamedArray> arrays{{"kernel", w.kernelShape, std::move(w.kernel)}};
    if (m_params.useBias) {
        w.bias.resize(static_cast<size_t>(m_params.filters), 0.0f);
        arrays.push_back({"bias", Shape{m_params.filters}, std::move(w.bias)});
    }
    return arrays;
}

void Conv2D::refitStoredWeights(nlohmann::json& edited, const Shape& input) const
{
    if (!edited.contains("weights"))
        return;
    const ConvWeights w = ConvWeights::fromJson(edited["weights"]);
    if (!w.valid())
        return;
    const nlohmann::json& c = edited["config"];
    auto pair = [](const nlohmann::json& v, std::array<int, 2> fallback) -> std::array<int, 2> {
        if (v.is_number_integer())
            return {v.get<int>(), v.get<int>()};
        if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer())
            return {v[0].get<int>(), v[1].get<int>()};
        return fallback;
    };
    auto integer = [&](const char* key, int fallback) {
        const nlohmann::json v = c.value(key, nlohmann::json());
        return v.is_number_integer() ? v.get<int>() : fallback;
    };
    const std::array<int, 2> ks = pair(c.value("kernel_size", nlohmann::json()), {w.kh, w.kw});
    const int filters = integer("filters", w.filters);
    const int groups = std::max(1, integer("groups", 1));
    const nlohmann::json bias = c.value("use_bias", nlohmann::json(true));
    const bool useBias = bias.is_boolean() ? bias.get<bool>() : true;
    const bool nchw = c.value("data_format", std::string("channels_last")) == "channels_first";
    int cin = input.size() == 4 ? static_cast<int>(input[nchw ? 1 : 3]) / groups : w.cin;
    if (cin <= 0)
        cin = w.cin;
    // Weights of a huge layer (typed by mistake, or meant to hit the memory guard) are not built
    // in an editor: the layer falls back to the engine's default weights.
    constexpr int64_t kMaxStoredWeights = int64_t{1} << 22;
    const int64_t count = int64_t{ks[0]} * ks[1] * cin * filters;
    if (ks[0] <= 0 || ks[1] <= 0 || filters <= 0 || count > kMaxStoredWeights) {
        edited.erase("weights");
        return;
    }
    ConvWeights fitted = w.resized(ks[0], ks[1], cin, filters, useBias);
    if (filters > w.filters) {
        // Added filters get what a new layer's filters get, not zeros: 60 all-black channels
        // after 4 → 64 explain nothing.
        const std::vector<float> fresh =
            glorotUniform(c.value("name", std::string()), Shape{fitted.kh, fitted.kw, fitted.cin, fitted.filters});
        for (int ky = 0; ky < fitted.kh; ++ky)
            for (int kx = 0; kx < fitted.kw; ++kx)
                for (int ci = 0; ci < fitted.cin; ++ci)
                    for (int f = w.filters; f < fitted.filters; ++f)
                        fitted.at(ky, kx, ci, f) = fresh[fitted.index(ky, kx, ci, f)];
    }
    edited["weights"] = fitted.toJson();
}

} // namespace layerscope
