#include "global_average_pooling2d.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "../parallel.h"

#include <vector>

namespace layerscope {

std::unique_ptr<GlobalAveragePooling2D> GlobalAveragePooling2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    GlobalAveragePooling2DParams p;
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    p.keepDims = readBool(config, "keepdims", false);
    return std::make_unique<GlobalAveragePooling2D>(readString(config, "name", "global_average_pooling2d"), p);
}

nlohmann::json GlobalAveragePooling2D::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"data_format", dataFormatName(m_params.dataFormat)},
            {"keepdims", m_params.keepDims}};
}

std::string GlobalAveragePooling2D::summary() const
{
    std::string text = m_params.keepDims ? "mean over H×W, keepdims" : "mean over H×W";
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

LayerShape GlobalAveragePooling2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    for (int axis = 1; axis <= 2; ++axis)
        if (nhwc[axis] <= 0)
            throw error("cannot average over an empty " + std::string(axis == 1 ? "height" : "width")
                        + " of " + std::to_string(nhwc[axis]));
    // H·W for the explanation; the shape may be a virtual one (a Tile of 2^59 upstream) whose
    // product does not fit in int64, then it is written as the product.
    int64_t values = 0;
    const std::string valuesText = __builtin_mul_overflow(nhwc[1], nhwc[2], &values)
                                       ? std::to_string(nhwc[1]) + " · " + std::to_string(nhwc[2])
                                       : std::to_string(values);
    auto mean = [&](const char* axis, int64_t n) {
        AxisExplanation e;
        e.axis = axis;
        e.rule = "averaged away";
        e.input = n;
        e.output = 1;
        e.arithmetic = std::to_string(n) + " → 1 (mean of " + valuesText + " values)";
        return e;
    };
    LayerShape result;
    if (m_params.keepDims) {
        const Shape outNhwc{nhwc[0], 1, 1, nhwc[3]};
        result.output = m_params.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(outNhwc) : outNhwc;
        result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), mean("height", nhwc[1]),
                                    mean("width", nhwc[2]), copiedAxis("channels", nhwc[3])},
                                   m_params.dataFormat);
    } else {
        result.output = {nhwc[0], nhwc[3]};
        result.axes = {copiedAxis("batch", nhwc[0]), copiedAxis("channels", nhwc[3])};
        result.axes[1].arithmetic += " (height " + std::to_string(nhwc[1]) + " and width "
                                   + std::to_string(nhwc[2]) + " averaged away)";
    }
    return result;
}

Tensor GlobalAveragePooling2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Shape& s = input.shape();
    const int64_t B = s[0];
    const int64_t C = nchw ? s[1] : s[3];
    const int64_t HW = nchw ? s[2] * s[3] : s[1] * s[2];
    Tensor output = Tensor::uninitialized(shape.output);
    const float* in = input.data();
    float* out = output.data();
    // Output is (B, C) in every layout (the kept 1×1 axes do not change the flat order).
    parallelChunks(B, 1, context, [&](int64_t begin, int64_t end) {
        std::vector<double> sum(static_cast<size_t>(C));
        for (int64_t b = begin; b < end; ++b) {
            std::fill(sum.begin(), sum.end(), 0.0);
            if (nchw) {
                for (int64_t c = 0; c < C; ++c) {
                    const float* plane = in + (b * C + c) * HW;
                    double acc = 0.0;
                    for (int64_t p = 0; p < HW; ++p)
                        acc += plane[p];
                    sum[static_cast<size_t>(c)] = acc;
                }
            } else {
                for (int64_t p = 0; p < HW; ++p) {
                    const float* pixel = in + (b * HW + p) * C;
                    double* acc = sum.data();
#pragma omp simd
                    for (int64_t c = 0; c < C; ++c)
                        acc[c] += pixel[c];
                }
            }
            for (int64_t c = 0; c < C; ++c)
                out[b * C + c] = static_cast<float>(sum[static_cast<size_t>(c)] / static_cast<double>(HW));
        }
    });
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> GlobalAveragePooling2D::editorFields()
{
    return {{"keepdims", "Keep dims", FieldKind::Bool, {}, 0, 0, 0, "Output B×1×1×C instead of B×C", {}},
            dataFormatField()};
}

nlohmann::json GlobalAveragePooling2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    return {{"class_name", kClassName},
            {"config", {{"name", name}, {"keepdims", in.next() % 2 == 0}, {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation GlobalAveragePooling2D::explainOutputCell(const Tensor& input, const Shape& /*output*/,
                                                          const CellIndex& o) const
{
    const DataFormat format = m_params.dataFormat;
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

// Every output cell reads the whole map.
static std::array<AxisRule, 2> wholeMapRules(DataFormat format, const Shape& input)
{
    const Dims d = dimsOf(input, format);
    std::array<AxisRule, 2> rules;
    rules[0].inSize = d.H;
    rules[1].inSize = d.W;
    return rules;
}

RegionMapping GlobalAveragePooling2D::mapOutputRegion(const Shape& input, const Shape& output,
                                                      const std::vector<Interval>& clipped,
                                                      const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, wholeMapRules(m_params.dataFormat, input), clipped,
                            unclipped);
}

std::vector<AxisWindow> GlobalAveragePooling2D::outputAxisWindows(const Shape& input, const Shape& output,
                                                                  int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat,
                          wholeMapRules(m_params.dataFormat, input)[static_cast<size_t>(spatialAxis)], spatialAxis);
}

} // namespace layerscope
