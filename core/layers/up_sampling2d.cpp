#include "up_sampling2d.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "resize_explain.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace layerscope {

static std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::unique_ptr<UpSampling2D> UpSampling2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    UpSampling2DParams p;
    p.size = readPair(config, "size", std::array<int64_t, 2>{2, 2});
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    p.interpolation = lowercase(readString(config, "interpolation", "nearest"));
    return std::make_unique<UpSampling2D>(readString(config, "name", "up_sampling2d"), p);
}

nlohmann::json UpSampling2D::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"size", {m_params.size[0], m_params.size[1]}},
            {"data_format", dataFormatName(m_params.dataFormat)},
            {"interpolation", m_params.interpolation}};
}

std::string UpSampling2D::summary() const
{
    const auto& s = m_params.size;
    std::string text = "×" + (s[0] == s[1] ? std::to_string(s[0])
                                           : std::to_string(s[0]) + "×" + std::to_string(s[1]))
                     + " " + m_params.interpolation;
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

LayerShape UpSampling2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    if (auto message = checkPositivePair(m_params.size, "size"); !message.empty())
        throw error(message);
    if (!m_params.interpolationMode())
        throw error(interpolationErrorMessage(m_params.interpolation));
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    if (nhwc[1] <= 0 || nhwc[2] <= 0 || nhwc[3] <= 0)
        throw error("input image must be of non-zero size. Received: " + shapeToTuple(input));
    LayerShape result;
    const AxisExplanation rows = scaledAxis("height", nhwc[1], m_params.size[0], "size[0]");
    const AxisExplanation cols = scaledAxis("width", nhwc[2], m_params.size[1], "size[1]");
    const Shape outNhwc{nhwc[0], rows.output, cols.output, nhwc[3]};
    result.output = m_params.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(outNhwc) : outNhwc;
    result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), rows, cols, copiedAxis("channels", nhwc[3])},
                               m_params.dataFormat);
    return result;
}

Tensor UpSampling2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const Interpolation mode = *m_params.interpolationMode();
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Shape outNhwc = nchw ? nchwToNhwc(shape.output) : shape.output;
    const int64_t f = static_cast<int64_t>(sizeof(float));
    const Shape inNhwc = nchw ? nchwToNhwc(input.shape()) : input.shape();
    // The output alone first (its element count may be beyond 2^62), then with the scratch, which
    // is summed in long double so that absurd sizes cannot wrap.
    guard(context, shape.output);
    long double scratch = nchw ? static_cast<long double>(input.byteSize())
                                     + static_cast<long double>(elementCount(outNhwc)) * f
                               : 0.0L;
    if (mode != Interpolation::Nearest) {
        ImageView dims;
        dims.batch = inNhwc[0];
        dims.height = inNhwc[1];
        dims.width = inNhwc[2];
        dims.channels = inNhwc[3];
        scratch += static_cast<long double>(resizeScratchBytes(dims, outNhwc[1], outNhwc[2], mode,
                                                               /*antialias=*/false, context.effectiveThreads()));
    }
    guard(context, shape.output,
          scratch >= 9e18L ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(scratch));
    context.throwIfCancelled();
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    const Tensor& nhwc = nchw ? converted : input;
    Tensor output = Tensor::uninitialized(outNhwc);
    if (mode == Interpolation::Nearest)
        repeatNearest(nhwc, output, m_params.size, context);
    else
        resizeImages(ImageView::of(nhwc), output, mode, /*antialias=*/false, context);
    if (nchw)
        return nhwcToNchw(output);
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> UpSampling2D::editorFields()
{
    return {{"size", "Size", FieldKind::IntPair, {}, 0, 256, 0, "Factor (height, width)", {}},
            {"interpolation", "Interpolation", FieldKind::Enum, interpolationChoices(), 0, 0, 0, {}, {}},
            dataFormatField()};
}

nlohmann::json UpSampling2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    return {{"class_name", kClassName},
            {"config", {{"name", name}, {"size", {in.value(), in.value()}}, {"data_format", format},
                        {"interpolation", in.pick({"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5", "gaussian"})}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation UpSampling2D::explainRepeat(const Tensor& input, const CellIndex& o) const
{
    const UpSampling2DParams& p = m_params;
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

CellExplanation UpSampling2D::explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const
{
    const Interpolation mode = *m_params.interpolationMode();
    if (mode == Interpolation::Nearest)
        return explainRepeat(input, cell);
    const Dims out = dimsOf(output, m_params.dataFormat);
    return explainResize(input, cell, m_params.dataFormat, mode, /*antialias=*/false, AspectFit{}, /*fill=*/0.0f,
                         out.H, out.W);
}

// Nearest repeats: ⌊o / size⌋; the other interpolations are a resize by the factors.
static std::array<AxisRule, 2> upSamplingRules(const UpSampling2DParams& p, const Shape& input)
{
    const Dims d = dimsOf(input, p.dataFormat);
    const Interpolation mode = *p.interpolationMode();
    if (mode != Interpolation::Nearest)
        return resizeAxisRules(d.H, d.W, mode, /*antialias=*/false, AspectFit{}, d.H * p.size[0], d.W * p.size[1]);
    std::array<AxisRule, 2> rules;
    for (size_t a = 0; a < 2; ++a) {
        rules[a].kind = AxisRule::Kind::Repeat;
        rules[a].inSize = a == 0 ? d.H : d.W;
        rules[a].factor = p.size[a];
    }
    return rules;
}

RegionMapping UpSampling2D::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                            const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, upSamplingRules(m_params, input), clipped, unclipped);
}

std::vector<AxisWindow> UpSampling2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, upSamplingRules(m_params, input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

} // namespace layerscope
