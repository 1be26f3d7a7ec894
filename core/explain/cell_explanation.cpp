#include "cell_explanation.h"

#include "core/layers/activations.h"
#include "core/layers/average_pooling2d.h"
#include "core/layers/conv2d.h"
#include "core/layers/global_average_pooling2d.h"
#include "core/layers/resizing.h"
#include "core/layers/tile.h"
#include "core/layers/up_sampling2d.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>

namespace layerscope {

// ---- formatting ------------------------------------------------------------------------------

std::string formatValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "∞" : "−∞";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    std::string text = buffer;
    if (!text.empty() && text[0] == '-')
        text = "−" + text.substr(1);
    return text;
}

namespace {

// An index with U+2212 for minus (padding cells and clamped taps lie at negative indices).
std::string intText(int64_t v)
{
    return v < 0 ? "−" + std::to_string(-v) : std::to_string(v);
}

// A term inside a sum: negatives in parentheses, "3.12 + (−0.4)".
std::string term(double value)
{
    const std::string text = formatValue(value);
    return value < 0 || std::signbit(value) ? "(" + text + ")" : text;
}

// "a + b + c", or the first few and the last of a long list: "a + b + … + z".
std::string joinTerms(const std::vector<std::string>& terms, const std::string& separator = " + ",
                      size_t limit = 12)
{
    std::string text;
    if (terms.size() <= limit) {
        for (size_t i = 0; i < terms.size(); ++i)
            text += (i ? separator : "") + terms[i];
        return text;
    }
    for (size_t i = 0; i + 1 < limit; ++i)
        text += (i ? separator : "") + terms[i];
    return text + separator + "…" + separator + terms.back();
}

std::string plural(int64_t n, const std::string& word, const std::string& many = "")
{
    return std::to_string(n) + " " + (n == 1 ? word : (many.empty() ? word + "s" : many));
}

// Semantic (b, y, x, c) ↔ per-axis index of a tensor of rank 1..4 in storage order.
std::vector<int64_t> axisIndex(const CellIndex& cell, size_t rank, DataFormat format)
{
    const bool nchw = format == DataFormat::ChannelsFirst;
    switch (rank) {
    case 4: return nchw ? std::vector<int64_t>{cell.b, cell.c, cell.y, cell.x}
                        : std::vector<int64_t>{cell.b, cell.y, cell.x, cell.c};
    case 3: return nchw ? std::vector<int64_t>{cell.c, cell.y, cell.x} : std::vector<int64_t>{cell.y, cell.x, cell.c};
    case 2: return {cell.b, cell.c};
    case 1: return {cell.c};
    default: throw std::out_of_range("cannot index a tensor of rank " + std::to_string(rank));
    }
}

CellIndex cellFromAxes(const std::vector<int64_t>& index)
{
    CellIndex cell;
    switch (index.size()) {
    case 4: cell = {index[0], index[1], index[2], index[3]}; break;
    case 3: cell = {0, index[0], index[1], index[2]}; break;
    case 2: cell.b = index[0]; cell.c = index[1]; break;
    case 1: cell.c = index[0]; break;
    default: break;
    }
    return cell;
}

// Reads an input tensor through semantic NHWC coordinates (rank 3 is one image, batch 0).
struct Reader {
    const Tensor& tensor;
    DataFormat format;
    float operator()(int64_t b, int64_t y, int64_t x, int64_t c) const
    {
        return tensor[tensorOffset(tensor.shape(), CellIndex{b, y, x, c}, format)];
    }
};

// Semantic NHWC sizes of a rank-4 (or rank-3 single image) tensor.
struct Dims {
    int64_t B = 1, H = 1, W = 1, C = 1;
};
Dims dimsOf(const Shape& shape, DataFormat format)
{
    const bool nchw = format == DataFormat::ChannelsFirst;
    if (shape.size() == 3)
        return nchw ? Dims{1, shape[1], shape[2], shape[0]} : Dims{1, shape[0], shape[1], shape[2]};
    return nchw ? Dims{shape[0], shape[2], shape[3], shape[1]} : Dims{shape[0], shape[1], shape[2], shape[3]};
}

bool inside(int64_t v, int64_t n) { return v >= 0 && v < n; }

void finishWindow(CellExplanation& e, int64_t H, int64_t W)
{
    e.clipped = {std::max<int64_t>(e.window.y0, 0), std::min(e.window.y1, H - 1),
                 std::max<int64_t>(e.window.x0, 0), std::min(e.window.x1, W - 1)};
}

// ---- AveragePooling2D ------------------------------------------------------------------------

CellExplanation explainAveragePooling(const AveragePooling2D& layer, const Tensor& input, const CellIndex& o)
{
    const AveragePooling2DParams& p = layer.params();
    const Dims d = dimsOf(input.shape(), p.dataFormat);
    const auto strides = p.effectiveStrides();
    const WindowAxis rows = windowAxis("height", d.H, p.poolSize[0], strides[0], 1, p.padding);
    const WindowAxis cols = windowAxis("width", d.W, p.poolSize[1], strides[1], 1, p.padding);
    const Reader read{input, p.dataFormat};

    CellExplanation e;
    e.kind = ExplanationKind::AveragePooling;
    e.window = {o.y * strides[0] - rows.padBefore, o.y * strides[0] - rows.padBefore + p.poolSize[0] - 1,
                o.x * strides[1] - cols.padBefore, o.x * strides[1] - cols.padBefore + p.poolSize[1] - 1};
    finishWindow(e, d.H, d.W);
    // Row-major over the window, skipping the padding: the order of TF's SpatialAvgPool sum.
    float sum = 0.0f;
    int64_t count = 0;
    std::vector<std::string> terms;
    for (int64_t i = 0; i < p.poolSize[0]; ++i) {
        for (int64_t j = 0; j < p.poolSize[1]; ++j) {
            ContributingCell cell;
            cell.cell = {o.b, e.window.y0 + i, e.window.x0 + j, o.c};
            cell.windowY = i;
            cell.windowX = j;
            if (inside(cell.cell.y, d.H) && inside(cell.cell.x, d.W)) {
                cell.value = read(o.b, cell.cell.y, cell.cell.x, o.c);
                sum += cell.value;
                ++count;
                terms.push_back(term(cell.value));
            } else {
                cell.padding = true;
                cell.weight = 0;
                ++e.paddingCount;
            }
            e.cells.push_back(cell);
        }
    }
    e.cellCount = count;
    e.value = sum / static_cast<float>(count);
    // Very large windows are summed by the engine in another order (block sums, see
    // average_pooling2d.h): the same cells, possibly a different last digit.
    const Shape inNhwc{d.B, d.H, d.W, d.C};
    const Shape outNhwc{d.B, rows.output, cols.output, d.C};
    e.exact = chooseAvgPoolMethod(inNhwc, outNhwc, p.poolSize) == AvgPoolMethod::DirectSum;
    const int64_t windowCells = p.poolSize[0] * p.poolSize[1];
    e.summary = (count == 1 ? terms[0] : "(" + joinTerms(terms) + ")") + " / " + std::to_string(count)
              + " = " + formatValue(e.value);
    if (e.paddingCount > 0)
        e.summary += " — " + std::to_string(e.paddingCount) + " of the " + std::to_string(windowCells)
                   + " window cells are padding and are not counted (Keras 'same')";
    if (terms.size() > 12)
        e.details.push_back("sum of the " + std::to_string(count) + " cells = " + formatValue(sum));
    e.details.push_back("window rows " + intText(e.window.y0) + "…" + intText(e.window.y1)
                        + " = " + std::to_string(o.y) + "·" + std::to_string(strides[0]) + " − "
                        + std::to_string(rows.padBefore) + " + 0…" + std::to_string(p.poolSize[0] - 1)
                        + ", columns " + intText(e.window.x0) + "…" + intText(e.window.x1)
                        + " = " + std::to_string(o.x) + "·" + std::to_string(strides[1]) + " − "
                        + std::to_string(cols.padBefore) + " + 0…" + std::to_string(p.poolSize[1] - 1));
    if (p.padding == Padding::Same)
        e.details.push_back("SAME padding: " + rows.explanation.arithmetic + "; " + cols.explanation.arithmetic
                            + "; padding is excluded from the average (TF divides by the real pixel count)");
    if (!e.exact)
        e.details.push_back("this window is large, so LayerScope sums it by rows of block sums instead of cell "
                            "by cell (time independent of the window size): the same cells, added in another "
                            "order, which can change the last digit");
    return e;
}

// ---- GlobalAveragePooling2D ------------------------------------------------------------------

CellExplanation explainGlobalAveragePooling(const GlobalAveragePooling2D& layer, const Tensor& input,
                                            const CellIndex& o)
{
    const DataFormat format = layer.params().dataFormat;
    const Dims d = dimsOf(input.shape(), format);
    const Reader read{input, format};
    CellExplanation e;
    e.kind = ExplanationKind::GlobalAveragePooling;
    e.window = {0, d.H - 1, 0, d.W - 1};
    e.clipped = e.window;
    e.cellCount = d.H * d.W;
    // Double accumulation over the pixels in row-major order, divided in double: the engine's sum.
    double sum = 0;
    std::vector<float> firstValues;
    float lastValue = 0;
    for (int64_t y = 0; y < d.H; ++y) {
        for (int64_t x = 0; x < d.W; ++x) {
            const float v = read(o.b, y, x, o.c);
            sum += v;
            lastValue = v;
            if (static_cast<int64_t>(e.cells.size()) < kMaxListedCells) {
                ContributingCell cell;
                cell.cell = {o.b, y, x, o.c};
                cell.value = v;
                cell.weight = 1;
                cell.windowY = y;
                cell.windowX = x;
                e.cells.push_back(cell);
            }
            if (firstValues.size() < 3)
                firstValues.push_back(v);
        }
    }
    const int64_t n = d.H * d.W;
    e.value = static_cast<float>(sum / static_cast<double>(n));
    e.exact = true;
    std::vector<std::string> terms;
    for (float v : firstValues)
        terms.push_back(term(v));
    std::string list = joinTerms(terms);
    if (n > 4)
        list += " + … + " + term(lastValue);
    else if (n == 4)
        list += " + " + term(lastValue);
    e.summary = "mean of the " + std::to_string(d.H) + "×" + std::to_string(d.W) + " = " + std::to_string(n)
              + " values of channel " + std::to_string(o.c) + ": (" + list + ") / " + std::to_string(n)
              + " = " + formatValue(sum) + " / " + std::to_string(n) + " = " + formatValue(e.value);
    e.details.push_back("the whole map: rows 0…" + std::to_string(d.H - 1) + ", columns 0…"
                        + std::to_string(d.W - 1) + "; summed in double, rounded once to float32");
    return e;
}

// ---- Conv2D ----------------------------------------------------------------------------------

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

CellExplanation explainConvolution(const Conv2D& layer, const Tensor& input, const CellIndex& o)
{
    const Conv2DParams& p = layer.params();
    const bool nchw = p.dataFormat == DataFormat::ChannelsFirst;
    const Dims d = dimsOf(input.shape(), p.dataFormat);
    ConvSetup s{p,
                d,
                windowAxis("height", d.H, p.kernelSize[0], p.strides[0], p.dilationRate[0], p.padding),
                windowAxis("width", d.W, p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding),
                layer.resolvedWeights(d.C),
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
                // τ as the engine's sparsemax computes it (sorted, in double), for the text.
                std::vector<double> sorted(step.vector.begin(), step.vector.end());
                std::sort(sorted.begin(), sorted.end(), std::greater<double>());
                double cumulative = 0, tauSum = 0;
                int64_t k = 0;
                for (size_t j = 0; j < sorted.size(); ++j) {
                    cumulative += sorted[j];
                    if (1.0 + static_cast<double>(j + 1) * sorted[j] > cumulative) {
                        k = static_cast<int64_t>(j) + 1;
                        tauSum = cumulative;
                    }
                }
                const double tau = (tauSum - 1.0) / static_cast<double>(k);
                text += "; sparsemax over " + axisText + ": τ = (sum of the " + std::to_string(k)
                      + " largest − 1) / " + std::to_string(k) + " = " + formatValue(tau) + "; max(z − τ, 0) = max("
                      + z + " − " + formatValue(tau) + ", 0) = " + formatValue(value);
            }
        }
        e.details.push_back("z along axis −1 (before the activation) = " + vectorText(step.vector));
    } else {
        value = applyOne(activation, pre);
        if (activation != Activation::Linear)
            text += "; " + step.name + " → " + formatValue(value);
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

// ---- UpSampling2D nearest --------------------------------------------------------------------

CellExplanation explainRepeat(const UpSampling2D& layer, const Tensor& input, const CellIndex& o)
{
    const UpSampling2DParams& p = layer.params();
    const Reader read{input, p.dataFormat};
    CellExplanation e;
    e.kind = ExplanationKind::Repeat;
    const int64_t y = o.y / p.size[0], x = o.x / p.size[1];
    e.window = e.clipped = {y, y, x, x};
    ContributingCell cell;
    cell.cell = {o.b, y, x, o.c};
    cell.value = read(o.b, y, x, o.c);
    cell.windowY = cell.windowX = 0;
    e.cells.push_back(cell);
    e.cellCount = 1;
    e.value = cell.value;
    e.exact = true;
    e.summary = "nearest upsampling repeats each cell: row ⌊" + std::to_string(o.y) + " / " + std::to_string(p.size[0])
              + "⌋ = " + std::to_string(y) + ", column ⌊" + std::to_string(o.x) + " / " + std::to_string(p.size[1])
              + "⌋ = " + std::to_string(x) + " → x" + cellText(cell.cell) + " = " + formatValue(e.value);
    return e;
}

// ---- Resizing and UpSampling2D (other interpolations) ----------------------------------------

std::string indexList(const AxisTaps& t)
{
    std::vector<std::string> parts;
    for (size_t k = 0; k < t.indices.size(); ++k)
        parts.push_back(intText(t.requested[k]) + " × " + formatValue(t.weights[k]));
    return joinTerms(parts, ", ", 12);
}

std::string axisText(const ResizeDetail& r, const ResizeAxis& a, const char* index, const char* unit)
{
    const AxisTaps& t = a.taps;
    const std::string ratio = std::to_string(a.inSize) + "/" + std::to_string(a.outSize);
    const std::string i = std::to_string(a.outputIndex);
    const std::string head = a.axis + ": ";
    switch (r.method) {
    case ResizeMethod::Bilinear: {
        std::string text = head + "src = (" + index + " + 0.5)·(in/out) − 0.5 = (" + i + " + 0.5)·(" + ratio + ") − 0.5 = "
                         + formatValue(t.source) + " → " + unit + " " + std::to_string(t.indices[0]) + " and "
                         + std::to_string(t.indices[1]) + ", fraction " + formatValue(t.fraction) + " (weights "
                         + formatValue(t.weights[0]) + ", " + formatValue(t.weights[1]) + ")";
        if (t.requested[0] != t.indices[0] || t.requested[1] != t.indices[1])
            text += "; the edge clamps (⌊src⌋ = " + intText(t.requested[0]) + ")";
        return text;
    }
    case ResizeMethod::Nearest:
        return head + "⌊(" + index + " + 0.5)·(in/out)⌋ = ⌊(" + i + " + 0.5)·(" + ratio + ")⌋ = ⌊"
             + formatValue(t.source) + "⌋ → " + unit + " " + std::to_string(t.indices[0])
             + " (the half-pixel position floored, no −0.5)";
    case ResizeMethod::Bicubic: {
        std::string text = head + "src = (" + index + " + 0.5)·(in/out) − 0.5 = (" + i + " + 0.5)·(" + ratio + ") − 0.5 = "
                         + formatValue(t.source) + " → taps " + indexList(t) + " (Keys a = −0.5, 1024-step table)";
        bool outside = false;
        for (size_t k = 0; k < t.indices.size(); ++k)
            outside = outside || t.requested[k] != t.indices[k];
        if (outside)
            text += "; taps outside the image get weight 0 and the others are renormalised to sum 1";
        return text;
    }
    case ResizeMethod::Area:
        return head + "box [" + index + "·s, (" + index + " + 1)·s) with s = " + ratio + " = " + formatValue(t.scale)
             + ": [" + formatValue(t.source) + ", " + formatValue(t.sourceEnd) + ") covers " + unit + " "
             + indexList(t) + " (fractional coverage)";
    case ResizeMethod::ScaleAndTranslate: {
        std::string text = head + "s = (" + index + " + 0.5)·(in/out) = (" + i + " + 0.5)·(" + ratio + ") = "
                         + formatValue(t.source) + "; tap j weighs K((j + 0.5 − s)";
        text += t.kernelScale != 1.0f ? " / " + formatValue(t.kernelScale) + ")" : ")";
        text += ", normalised: " + indexList(t);
        if (t.kernelScale != 1.0f)
            text += " (antialias stretches the kernel ×" + formatValue(t.kernelScale) + ")";
        return text;
    }
    }
    return head;
}

std::string fitDescription(const AspectFit& fit, int64_t H, int64_t W, float fill)
{
    if (fit.kind == AspectFit::Kind::Crop)
        return "crop_to_aspect_ratio: the centred crop, rows " + std::to_string(fit.top) + "…"
             + std::to_string(fit.top + fit.height - 1) + " and columns " + std::to_string(fit.left) + "…"
             + std::to_string(fit.left + fit.width - 1) + " of the " + std::to_string(H) + "×" + std::to_string(W)
             + " input, is resized";
    if (fit.top > 0)
        return "pad_to_aspect_ratio: " + plural(fit.top, "row") + " of fill_value " + formatValue(fill)
             + " above and below → " + std::to_string(fit.height) + "×" + std::to_string(fit.width)
             + " is resized; padded row r is input row r − " + std::to_string(fit.top)
             + ", and a pad cell's value is the fill value";
    if (fit.left > 0)
        return "pad_to_aspect_ratio: " + plural(fit.left, "column") + " of fill_value " + formatValue(fill)
             + " left and right → " + std::to_string(fit.height) + "×" + std::to_string(fit.width)
             + " is resized; padded column c is input column c − " + std::to_string(fit.left)
             + ", and a pad cell's value is the fill value";
    return "pad_to_aspect_ratio: the aspect ratio already matches, nothing is padded";
}

CellExplanation explainResize(const Tensor& input, const CellIndex& o, DataFormat format, Interpolation interpolation,
                              bool antialias, const AspectFit& fit, float fill, int64_t outH, int64_t outW)
{
    const Dims d = dimsOf(input.shape(), format);
    const Reader read{input, format};
    ResizeDetail r;
    r.interpolation = interpolation;
    r.method = resizeMethod(interpolation, antialias);
    r.antialias = antialias;
    r.fit = fit;
    r.fillValue = fill;
    const int64_t inH = fit.kind == AspectFit::Kind::None ? d.H : fit.height;
    const int64_t inW = fit.kind == AspectFit::Kind::None ? d.W : fit.width;
    const int64_t offY = fit.kind == AspectFit::Kind::Crop ? fit.top : fit.kind == AspectFit::Kind::Pad ? -fit.top : 0;
    const int64_t offX = fit.kind == AspectFit::Kind::Crop ? fit.left : fit.kind == AspectFit::Kind::Pad ? -fit.left : 0;
    r.sameSizeCopy = copiesWhenSameSize(r.method) && inH == outH && inW == outW;
    r.rows = {"rows", inH, outH, o.y, resizeAxisTaps(interpolation, antialias, inH, outH)[static_cast<size_t>(o.y)], {}};
    r.cols = {"columns", inW, outW, o.x, resizeAxisTaps(interpolation, antialias, inW, outW)[static_cast<size_t>(o.x)], {}};
    r.rows.text = axisText(r, r.rows, "y", "rows");
    r.cols.text = axisText(r, r.cols, "x", "columns");

    // A value of the (cropped or padded) image the kernel resizes, and the input cell behind it.
    auto sample = [&](int64_t py, int64_t px) {
        const int64_t y = py + offY, x = px + offX;
        return inside(y, d.H) && inside(x, d.W) ? read(o.b, y, x, o.c) : fill;
    };

    CellExplanation e;
    e.kind = ExplanationKind::Resize;
    auto addCell = [&](int64_t requestedY, int64_t requestedX, int64_t readY, int64_t readX, float weight,
                       int64_t tapY, int64_t tapX) {
        ContributingCell cell;
        cell.cell = {o.b, requestedY + offY, requestedX + offX, o.c};
        cell.value = sample(readY, readX);
        cell.weight = weight;
        cell.padding = !inside(requestedY, inH) || !inside(requestedX, inW) || !inside(cell.cell.y, d.H)
                    || !inside(cell.cell.x, d.W);
        cell.windowY = tapY;
        cell.windowX = tapX;
        e.paddingCount += cell.padding ? 1 : 0;
        e.cells.push_back(cell);
    };

    const AxisTaps& ty = r.rows.taps;
    const AxisTaps& tx = r.cols.taps;
    std::string arithmetic;
    if (r.sameSizeCopy) {
        addCell(o.y, o.x, o.y, o.x, 1.0f, 0, 0);
        e.value = e.cells[0].value;
        arithmetic = "same size: " + interpolationName(interpolation) + " copies the image (TF's shortcut) → "
                   + formatValue(e.value);
    } else {
        for (size_t i = 0; i < ty.indices.size(); ++i)
            for (size_t j = 0; j < tx.indices.size(); ++j)
                addCell(ty.requested[i], tx.requested[j], ty.indices[i], tx.indices[j], ty.weights[i] * tx.weights[j],
                        static_cast<int64_t>(i), static_cast<int64_t>(j));
        auto p = [&](size_t i, size_t j) { return sample(ty.indices[i], tx.indices[j]); };
        switch (r.method) {
        case ResizeMethod::Bilinear: {
            const float tl = p(0, 0), tr = p(0, 1), bl = p(1, 0), br = p(1, 1);
            const float fx = tx.fraction, fy = ty.fraction;
            const float top = tl + (tr - tl) * fx;
            const float bottom = bl + (br - bl) * fx;
            e.value = top + (bottom - top) * fy;
            arithmetic = "top = " + formatValue(tl) + " + (" + formatValue(tr) + " − " + term(tl) + ")·" + formatValue(fx)
                       + " = " + formatValue(top) + "; bottom = " + formatValue(bl) + " + (" + formatValue(br) + " − "
                       + term(bl) + ")·" + formatValue(fx) + " = " + formatValue(bottom) + "; out = top + (bottom − top)·"
                       + formatValue(fy) + " = " + formatValue(e.value);
            break;
        }
        case ResizeMethod::Nearest:
            e.value = p(0, 0);
            arithmetic = "nearest copies x" + cellText(e.cells[0].cell) + " = " + formatValue(e.value);
            break;
        case ResizeMethod::Bicubic: {
            // Vertical pass first, then horizontal, each ((a + b) + c) + d as TF's kernel.
            float v[4];
            std::vector<std::string> columns, outer;
            for (size_t j = 0; j < 4; ++j) {
                v[j] = ((p(0, j) * ty.weights[0] + p(1, j) * ty.weights[1]) + p(2, j) * ty.weights[2])
                     + p(3, j) * ty.weights[3];
                std::vector<std::string> products;
                for (size_t i = 0; i < 4; ++i)
                    products.push_back(term(p(i, j)) + "·" + term(ty.weights[i]));
                e.details.push_back("column tap " + intText(tx.requested[j]) + ": v" + std::to_string(j) + " = "
                                    + joinTerms(products) + " = " + formatValue(v[j]));
                outer.push_back(term(v[j]) + "·" + term(tx.weights[j]));
            }
            e.value = ((v[0] * tx.weights[0] + v[1] * tx.weights[1]) + v[2] * tx.weights[2]) + v[3] * tx.weights[3];
            arithmetic = "rows first (v = Σ p·w_row per column tap), then out = Σ v·w_col = " + joinTerms(outer)
                       + " = " + formatValue(e.value);
            break;
        }
        case ResizeMethod::Area: {
            // Per source row: the first cell weighted, interior cells (weight exactly 1), the last
            // weighted; total += row · w_row; then × f32(1 / (scale_h · scale_w)).
            float total = 0.0f;
            std::vector<std::string> rowTerms;
            for (size_t i = 0; i < ty.indices.size(); ++i) {
                float rowSum = p(i, 0) * tx.weights[0];
                std::vector<std::string> cells{term(p(i, 0)) + "·" + term(tx.weights[0])};
                for (size_t j = 1; j < tx.indices.size(); ++j) {
                    rowSum += p(i, j) * tx.weights[j];
                    cells.push_back(term(p(i, j)) + "·" + term(tx.weights[j]));
                }
                total += rowSum * ty.weights[i];
                e.details.push_back("row " + intText(ty.requested[i]) + ": " + joinTerms(cells) + " = "
                                    + formatValue(rowSum) + ", × row weight " + formatValue(ty.weights[i]));
                rowTerms.push_back(term(rowSum) + "·" + term(ty.weights[i]));
            }
            const float norm = areaNormalisation(inH, outH, inW, outW);
            e.value = total * norm;
            arithmetic = "Σ row sum·row weight = " + joinTerms(rowTerms) + " = " + formatValue(total)
                       + "; × 1/(scale_h·scale_w) = × " + formatValue(norm) + " = " + formatValue(e.value);
            break;
        }
        case ResizeMethod::ScaleAndTranslate: {
            // Rows first into the intermediate column values, then the columns; acc += w·p from 0.
            float out = 0.0f;
            std::vector<std::string> outer;
            for (size_t j = 0; j < tx.indices.size(); ++j) {
                float mid = 0.0f;
                for (size_t i = 0; i < ty.indices.size(); ++i)
                    mid += ty.weights[i] * p(i, j);
                out += tx.weights[j] * mid;
                outer.push_back(term(tx.weights[j]) + "·" + term(mid));
            }
            e.value = out;
            arithmetic = "rows first (m = Σ w_row·p per column tap), then out = Σ w_col·m = " + joinTerms(outer, " + ", 8)
                       + " = " + formatValue(e.value);
            break;
        }
        }
    }
    e.cellCount = static_cast<int64_t>(e.cells.size());
    // An area resize with an extreme aspect change is summed columns first by the engine
    // (resize_kernels.h): the same weighted cells in another order.
    e.exact = r.method != ResizeMethod::Area || r.sameSizeCopy
           || chooseAreaOrder(inH, inW, outH, outW) == AreaOrder::RowsFirst;
    if (!e.exact)
        e.details.push_back("for this extreme change of aspect LayerScope sums each source column's rows first, "
                            "then across columns (TF's order would cost orders of magnitude more): the same "
                            "weighted cells, which can change the last digit");
    int64_t y0 = e.cells[0].cell.y, y1 = y0, x0 = e.cells[0].cell.x, x1 = x0;
    for (const ContributingCell& c : e.cells) {
        y0 = std::min(y0, c.cell.y);
        y1 = std::max(y1, c.cell.y);
        x0 = std::min(x0, c.cell.x);
        x1 = std::max(x1, c.cell.x);
    }
    e.window = {y0, y1, x0, x1};
    finishWindow(e, d.H, d.W);
    const std::string method = interpolationName(interpolation) + (antialias ? " (antialias)" : "");
    e.summary = method + ": " + arithmetic;
    bool padCell = false;
    for (const ContributingCell& c : e.cells)
        padCell = padCell || (c.padding && fit.kind == AspectFit::Kind::Pad && c.weight != 0.0f);
    if (padCell)
        e.summary += " (pad cells have the fill value " + formatValue(fill) + ")";
    std::vector<std::string> lines{r.rows.text, r.cols.text};
    if (fit.kind != AspectFit::Kind::None)
        lines.insert(lines.begin(), fitDescription(fit, d.H, d.W, fill));
    e.details.insert(e.details.begin(), lines.begin(), lines.end());
    e.resize = std::move(r);
    return e;
}

// ---- Tile ------------------------------------------------------------------------------------

CellExplanation explainTile(const Tile& layer, const Tensor& input, const Shape& outShape, const CellIndex& o)
{
    const Shape& inShape = input.shape();
    const size_t rank = outShape.size();
    // keras.ops.tile's alignment: multiples left-padded with 1s, the input with size-1 axes.
    std::vector<int64_t> multiples = layer.params().multiples;
    while (multiples.size() < rank)
        multiples.insert(multiples.begin(), 1);
    Shape aligned = inShape;
    while (aligned.size() < rank)
        aligned.insert(aligned.begin(), 1);
    const std::vector<int64_t> outIndex = axisIndex(o, rank, DataFormat::ChannelsLast);
    std::vector<int64_t> source(rank);
    std::vector<std::string> steps;
    static const char* names4[] = {"b", "y", "x", "c"};
    for (size_t a = 0; a < rank; ++a) {
        source[a] = outIndex[a] % aligned[a];
        if (multiples[a] > 1) {
            const std::string name = rank == 4 ? names4[a] : "axis " + std::to_string(a);
            steps.push_back(name + " " + std::to_string(outIndex[a]) + " mod " + std::to_string(aligned[a]) + " = "
                            + std::to_string(source[a]));
        }
    }
    const std::vector<int64_t> inIndex(source.end() - static_cast<std::ptrdiff_t>(inShape.size()), source.end());
    CellExplanation e;
    e.kind = ExplanationKind::Tile;
    ContributingCell cell;
    cell.cell = cellFromAxes(inIndex);
    cell.value = input[tensorOffset(inShape, cell.cell)];
    cell.windowY = cell.windowX = 0;
    e.cells.push_back(cell);
    e.cellCount = 1;
    e.window = e.clipped = {cell.cell.y, cell.cell.y, cell.cell.x, cell.cell.x};
    e.value = cell.value;
    e.exact = true;
    e.summary = "tile repeats the whole tensor: " + (steps.empty() ? std::string("no axis is repeated") : joinTerms(steps, ", "))
              + " → x" + cellText(cell.cell) + " = " + formatValue(e.value);
    return e;
}

} // namespace

// ---- public ----------------------------------------------------------------------------------

int64_t tensorOffset(const Shape& shape, const CellIndex& cell, DataFormat format)
{
    const std::vector<int64_t> index = axisIndex(cell, shape.size(), format);
    int64_t offset = 0;
    for (size_t a = 0; a < shape.size(); ++a) {
        if (index[a] < 0 || index[a] >= shape[a])
            throw std::out_of_range("cell " + cellText(cell) + " is outside a tensor of shape " + shapeToTuple(shape)
                                    + (shape.size() == 4 ? std::string(" (") + dataFormatName(format) + ")" : ""));
        offset = offset * shape[a] + index[a];
    }
    return offset;
}

std::string cellText(const CellIndex& cell)
{
    return "(b " + intText(cell.b) + ", y " + intText(cell.y) + ", x " + intText(cell.x) + ", c " + intText(cell.c) + ")";
}

std::string CellExplanation::text() const
{
    std::string all = summary;
    for (const std::string& line : details)
        all += "\n" + line;
    return all;
}

CellExplanation explainCell(const Layer& layer, const Tensor& input, const CellIndex& outputCell)
{
    const LayerShape shape = layer.inferShape(input.shape());
    DataFormat inFormat = DataFormat::ChannelsLast, outFormat = DataFormat::ChannelsLast;
    if (const auto* l = dynamic_cast<const AveragePooling2D*>(&layer))
        inFormat = outFormat = l->params().dataFormat;
    else if (const auto* l = dynamic_cast<const GlobalAveragePooling2D*>(&layer))
        inFormat = outFormat = l->params().dataFormat;
    else if (const auto* l = dynamic_cast<const Conv2D*>(&layer))
        inFormat = outFormat = l->params().dataFormat;
    else if (const auto* l = dynamic_cast<const UpSampling2D*>(&layer))
        inFormat = outFormat = l->params().dataFormat;
    else if (const auto* l = dynamic_cast<const Resizing*>(&layer))
        inFormat = outFormat = l->params().dataFormat;
    // Range check on the output (throws std::out_of_range naming the cell and the shape).
    tensorOffset(shape.output, outputCell, outFormat);

    CellExplanation e;
    if (const auto* l = dynamic_cast<const AveragePooling2D*>(&layer)) {
        e = explainAveragePooling(*l, input, outputCell);
    } else if (const auto* l = dynamic_cast<const GlobalAveragePooling2D*>(&layer)) {
        e = explainGlobalAveragePooling(*l, input, outputCell);
    } else if (const auto* l = dynamic_cast<const Conv2D*>(&layer)) {
        e = explainConvolution(*l, input, outputCell);
    } else if (const auto* l = dynamic_cast<const UpSampling2D*>(&layer)) {
        const Interpolation mode = *l->params().interpolationMode();
        if (mode == Interpolation::Nearest) {
            e = explainRepeat(*l, input, outputCell);
        } else {
            const Dims out = dimsOf(shape.output, outFormat);
            e = explainResize(input, outputCell, inFormat, mode, /*antialias=*/false, AspectFit{}, 0.0f, out.H, out.W);
        }
    } else if (const auto* l = dynamic_cast<const Resizing*>(&layer)) {
        const ResizingParams& p = l->params();
        const Dims in = dimsOf(input.shape(), inFormat);
        AspectFit fit;
        if (p.cropToAspectRatio)
            fit = cropToAspectRatio(in.H, in.W, p.height, p.width);
        else if (p.padToAspectRatio)
            fit = padToAspectRatio(in.H, in.W, p.height, p.width);
        e = explainResize(input, outputCell, inFormat, *p.interpolationMode(), p.antialias, fit,
                          static_cast<float>(p.fillValue), p.height, p.width);
    } else if (const auto* l = dynamic_cast<const Tile*>(&layer)) {
        e = explainTile(*l, input, shape.output, outputCell);
    } else {
        throw std::invalid_argument("no value explanation for layer class " + layer.className());
    }
    e.layerClass = layer.className();
    e.layerName = layer.name();
    e.inputFormat = inFormat;
    e.outputFormat = outFormat;
    e.output = outputCell;
    return e;
}

} // namespace layerscope
