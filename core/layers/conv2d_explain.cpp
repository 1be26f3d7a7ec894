// Conv2D's explanation capabilities: one output cell recomputed in double (explainCell), the
// receptive field (its groups and axis −1 activations widen the channels or the width) and the
// sliding window of shape what-if.
#include "conv2d.h"

#include "activation_layer.h"

#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace layerscope {

using namespace explain;

namespace {

struct ConvSetup {
    const Conv2DParams& p;
    Dims d;
    WindowAxis rows, cols;
    Conv2DWeights w;
    int64_t F = 0, Cg = 0, Fg = 0;
    Reader read;
};

// The dot product at conv position (b, oy, ox, f), in double; fills cells / channel sums when
// asked (for the explained position only).
double convDot(const ConvSetup& s, int64_t b, int64_t oy, int64_t ox, int64_t f,
               std::vector<ContributingCell>* cells, std::vector<ChannelPartialSum>* sums, bool gate,
               int64_t* paddingTaps)
{
    const Conv2DParams& p = s.p;
    const int64_t kh = p.kernelSize[0], kw = p.kernelSize[1];
    const int64_t dh = p.dilationRate[0], dw = p.dilationRate[1];
    const int64_t y0 = oy * p.strides[0] - s.rows.padBefore, x0 = ox * p.strides[1] - s.cols.padBefore;
    const int64_t g = f / s.Fg;
    double total = 0;
    for (int64_t ci = 0; ci < s.Cg; ++ci) {
        const int64_t channel = g * s.Cg + ci;
        ChannelPartialSum partial;
        partial.inputChannel = channel;
        partial.filter = f;
        // Walk the whole dilated extent so that the gaps can be listed too.
        for (int64_t ey = 0; ey < dh * (kh - 1) + 1; ++ey) {
            for (int64_t ex = 0; ex < dw * (kw - 1) + 1; ++ex) {
                const int64_t y = y0 + ey, x = x0 + ex;
                const bool tap = ey % dh == 0 && ex % dw == 0;
                const bool in = inside(y, s.d.H) && inside(x, s.d.W);
                if (!tap) {
                    if (cells) {
                        ContributingCell cell;
                        cell.cell = {b, y, x, channel};
                        cell.value = in ? s.read(b, y, x, channel) : 0.0f;
                        cell.weight = 0;
                        cell.padding = !in;
                        cell.dilationGap = true;
                        cell.gate = gate;
                        cell.windowY = ey;
                        cell.windowX = ex;
                        cells->push_back(cell);
                    }
                    continue;
                }
                const int64_t ky = ey / dh, kx = ex / dw;
                const float weight = s.w.kernel[static_cast<size_t>(((ky * kw + kx) * s.Cg + ci) * s.F + f)];
                const float value = in ? s.read(b, y, x, channel) : 0.0f;
                if (in) {
                    partial.sum += static_cast<double>(value) * static_cast<double>(weight);
                    ++partial.terms;
                } else if (paddingTaps) {
                    ++*paddingTaps;
                }
                if (cells) {
                    ContributingCell cell;
                    cell.cell = {b, y, x, channel};
                    cell.value = value;
                    cell.weight = weight;
                    cell.padding = !in;
                    cell.gate = gate;
                    cell.windowY = ky;
                    cell.windowX = kx;
                    cells->push_back(cell);
                }
            }
        }
        total += partial.sum;
        if (sums)
            sums->push_back(partial);
    }
    return total;
}

float convPreActivation(const ConvSetup& s, double dot, int64_t f)
{
    const double bias = s.p.useBias ? s.w.bias[static_cast<size_t>(f)] : 0.0;
    return static_cast<float>(dot + bias);
}

float applyOne(Activation activation, float v)
{
    applyElementwise(activation, &v, 1);
    return v;
}

std::string vectorText(const std::vector<float>& v)
{
    std::vector<std::string> terms;
    for (float x : v)
        terms.push_back(formatValue(x));
    return "[" + joinTerms(terms, ", ", 10) + "]";
}

} // namespace

CellExplanation Conv2D::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& o) const
{
    const Conv2DParams& p = m_params;
    const bool nchw = p.dataFormat == DataFormat::ChannelsFirst;
    const Dims d = dimsOf(input.shape(), p.dataFormat);
    ConvSetup s{p,
                d,
                windowAxis("height", d.H, p.kernelSize[0], p.strides[0], p.dilationRate[0], p.padding),
                windowAxis("width", d.W, p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding),
                resolvedWeights(d.C),
                p.filters,
                d.C / p.groups,
                p.filters / p.groups,
                Reader{input, p.dataFormat}};
    const Activation activation = *activationFromName(p.activation);
    const int64_t OW = s.cols.output;

    // The conv position of the explained value, and for glu the gate's (axis −1 halved: filters
    // for channels_last, width for channels_first).
    int64_t ox = o.x, f = o.c, gateX = o.x, gateF = o.c;
    if (activation == Activation::Glu) {
        if (nchw)
            gateX = o.x + OW / 2;
        else
            gateF = o.c + s.F / 2;
    }

    CellExplanation e;
    e.kind = ExplanationKind::Convolution;
    const int64_t ekh = p.dilationRate[0] * (p.kernelSize[0] - 1) + 1;
    const int64_t ekw = p.dilationRate[1] * (p.kernelSize[1] - 1) + 1;
    const int64_t y0 = o.y * p.strides[0] - s.rows.padBefore, x0 = ox * p.strides[1] - s.cols.padBefore;
    e.window = {y0, y0 + ekh - 1, x0, x0 + ekw - 1};
    finishWindow(e, d.H, d.W);
    int64_t paddingTaps = 0;
    const double dot = convDot(s, o.b, o.y, ox, f, &e.cells, &e.channelSums, false, &paddingTaps);
    const int64_t taps = p.kernelSize[0] * p.kernelSize[1] * s.Cg;
    e.cellCount = taps;
    e.paddingCount = paddingTaps;
    const float pre = convPreActivation(s, dot, f);
    if (p.useBias)
        e.bias = s.w.bias[static_cast<size_t>(f)];

    // Σ over input channels, then bias.
    std::vector<std::string> partialTerms;
    for (const ChannelPartialSum& c : e.channelSums)
        partialTerms.push_back(term(c.sum));
    std::string text = "Σ = " + joinTerms(partialTerms);
    if (e.channelSums.size() > 1)
        text += " = " + formatValue(dot);
    if (e.bias)
        text += "; + bias " + term(*e.bias) + " = " + formatValue(pre);

    ActivationStep step;
    step.name = activationName(activation);
    step.input = pre;
    float value = pre;
    if (actsAlongLastAxis(activation)) {
        step.alongAxis = true;
        // The whole vector along axis −1 of the conv output at this position.
        const int64_t n = nchw ? OW : s.F;
        step.vector.resize(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
            const int64_t xi = nchw ? i : ox, fi = nchw ? f : i;
            step.vector[static_cast<size_t>(i)] =
                (xi == ox && fi == f) ? pre : convPreActivation(s, convDot(s, o.b, o.y, xi, fi, nullptr, nullptr, false, nullptr), fi);
        }
        step.position = nchw ? ox : f;
        const std::string axisText = nchw ? "the " + std::to_string(n) + " columns of this row (axis −1 of a "
                                                "channels_first output is the width)"
                                          : "the " + std::to_string(n) + " filters at this pixel";
        if (activation == Activation::Glu) {
            const int64_t gatePosition = nchw ? gateX : gateF;
            step.gateInput = step.vector[static_cast<size_t>(gatePosition)];
            const float sigma = applyOne(Activation::Sigmoid, step.gateInput);
            value = pre * sigma;
            // The gate's own terms, flagged, so that its window can be shown too.
            convDot(s, o.b, o.y, gateX, gateF, &e.cells, nullptr, true, nullptr);
            text += "; glu over " + axisText + ": a·sigmoid(b) with a = z[" + std::to_string(step.position)
                  + "] = " + formatValue(pre) + " and the gate b = z[" + std::to_string(gatePosition) + "] = "
                  + formatValue(step.gateInput) + " → " + formatValue(pre) + "·" + formatValue(sigma) + " = "
                  + formatValue(value);
        } else {
            std::vector<float> row = step.vector;
            applyRowsInPlace(activation, row.data(), 1, n);
            value = row[static_cast<size_t>(step.position)];
            const float maximum = *std::max_element(step.vector.begin(), step.vector.end());
            double expSum = 0;
            for (float z : step.vector)
                expSum += std::exp(static_cast<double>(z - maximum));
            const std::string z = formatValue(pre), m = formatValue(maximum);
            if (activation == Activation::Softmax) {
                text += "; softmax over " + axisText + ": exp(z − max) / Σ exp(z − max) = exp(" + z + " − " + m
                      + ") / " + formatValue(expSum) + " = " + formatValue(value);
            } else if (activation == Activation::LogSoftmax) {
                text += "; log_softmax over " + axisText + ": z − max − log Σ exp(z − max) = " + z + " − " + m
                      + " − log " + formatValue(expSum) + " = " + formatValue(value);
            } else {
                // τ as the engine's sparsemax computes it (Keras's formula, activations.h).
                std::vector<float> scratch;
                const SparsemaxThreshold t = sparsemaxThreshold(step.vector.data(), static_cast<int64_t>(step.vector.size()), scratch);
                text += "; sparsemax over " + axisText + ": τ = (Σ of the running sums over the " + std::to_string(t.support)
                      + " support entries − 1) / " + std::to_string(t.support) + " = (" + formatValue(t.supportSum) + " − 1) / "
                      + std::to_string(t.support) + " = " + formatValue(t.tau) + "; max(z − τ, 0) = max("
                      + z + " − " + formatValue(t.tau) + ", 0) = " + formatValue(value);
            }
        }
        e.details.push_back("z along axis −1 (before the activation) = " + vectorText(step.vector));
    } else {
        value = applyOne(activation, pre);
        if (activation != Activation::Linear)
            text += "; " + step.name + " → " + formatValue(value);
    }
    if (!p.activationLayer.is_null() && !actsAlongLastAxis(activation)) {
        // An element-wise activation layer object: its value and formula for this one number.
        const std::shared_ptr<const Layer> layer = activationLayerObject(p.activationLayer);
        const CellExplanation inner = layer->explainOutputCell(Tensor({1}, {pre}), Shape{1}, CellIndex{});
        value = inner.value;
        step.name = layer->className();
        text += "; " + step.name + ": " + inner.summary;
    }
    step.output = value;
    e.activation = step;
    e.value = value;
    e.exact = false;
    e.summary = text;

    // One line per input channel: the dot product written out.
    for (const ChannelPartialSum& c : e.channelSums) {
        std::vector<std::string> products;
        for (const ContributingCell& cell : e.cells)
            if (!cell.gate && !cell.dilationGap && !cell.padding && cell.cell.c == c.inputChannel)
                products.push_back(term(cell.value) + "·" + term(cell.weight));
        e.details.push_back("channel " + std::to_string(c.inputChannel) + ": "
                            + (products.empty() ? std::string("0 (every tap is padding)") : joinTerms(products, " + ", 9))
                            + " = " + formatValue(c.sum));
    }
    if (p.groups > 1)
        e.details.push_back("groups " + std::to_string(p.groups) + ": filter " + std::to_string(f)
                            + " belongs to group " + std::to_string(f / s.Fg) + " and sees input channels "
                            + std::to_string((f / s.Fg) * s.Cg) + "…" + std::to_string((f / s.Fg + 1) * s.Cg - 1));
    if (paddingTaps > 0)
        e.details.push_back(std::to_string(paddingTaps) + " of the " + std::to_string(taps)
                            + " taps fall in the SAME zero padding and contribute 0 (" + s.rows.explanation.arithmetic
                            + "; " + s.cols.explanation.arithmetic + ")");
    if (p.dilationRate[0] > 1 || p.dilationRate[1] > 1)
        e.details.push_back("dilation " + tupleString({p.dilationRate[0], p.dilationRate[1]}) + ": taps every "
                            + std::to_string(p.dilationRate[0]) + " rows and " + std::to_string(p.dilationRate[1])
                            + " columns, effective kernel " + std::to_string(ekh) + "×" + std::to_string(ekw)
                            + "; the cells between taps are skipped");
    return e;
}

// Rows and columns slide the dilated kernel; with an axis −1 activation over the width
// (channels_first), softmax & co. read the whole conv row and glu also the gate half.
static std::array<AxisRule, 2> convRules(const Conv2DParams& p, const Shape& input)
{
    const Dims d = dimsOf(input, p.dataFormat);
    std::array<AxisRule, 2> rules{
        windowRule(d.H, p.kernelSize[0], p.strides[0], p.dilationRate[0], p.padding, "height"),
        windowRule(d.W, p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding, "width")};
    const Activation activation = *activationFromName(p.activation);
    if (p.dataFormat == DataFormat::ChannelsFirst && actsAlongLastAxis(activation)) {
        const int64_t OW = windowAxis("width", d.W, p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding).output;
        rules[1].convSize = OW;
        if (activation == Activation::Glu)
            rules[1].widen = OW / 2;
        else
            rules[1].widenToAll = true;
    }
    return rules;
}

RegionMapping Conv2D::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                      const std::vector<Interval>& unclipped) const
{
    // Channels: a filter reads its group's input channels; an axis −1 activation over the filters
    // (channels_last) reads more filters than it writes.
    const Conv2DParams& p = m_params;
    const Activation activation = *activationFromName(p.activation);
    const int64_t F = p.filters, C = dimsOf(input, p.dataFormat).C;
    const int64_t Fg = F / p.groups, Cg = C / p.groups;
    auto channels = [&](Interval filters) {
        if (p.dataFormat == DataFormat::ChannelsLast && actsAlongLastAxis(activation))
            filters = activation == Activation::Glu ? Interval{filters.first, filters.last + F / 2} : wholeAxis(F);
        return filters.empty() ? filters : Interval{(filters.first / Fg) * Cg, (filters.last / Fg + 1) * Cg - 1};
    };
    return mapSpatialRegion(input, output, p.dataFormat, convRules(p, input), clipped, unclipped, channels);
}

std::vector<AxisWindow> Conv2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, convRules(m_params, input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

std::optional<WindowConfig> Conv2D::slidingWindow(const Shape& input, int spatialAxis) const
{
    const size_t a = static_cast<size_t>(spatialAxis);
    const Conv2DParams& p = m_params;
    const Shape nhwc = p.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    return WindowConfig{nhwc[1 + a], p.kernelSize[a], p.strides[a], p.dilationRate[a], p.padding, true};
}

} // namespace layerscope
