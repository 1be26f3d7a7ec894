#include "zero_padding2d.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

namespace layerscope {

std::unique_ptr<ZeroPadding2D> ZeroPadding2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    ZeroPadding2DParams p;
    p.padding = readMargins(config, "padding", p.padding, /*rejectNegativeInt=*/false);
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    return std::make_unique<ZeroPadding2D>(readString(config, "name", "zero_padding2d"), p);
}

nlohmann::json ZeroPadding2D::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"padding", marginsJson(m_params.padding)},
            {"data_format", dataFormatName(m_params.dataFormat)}};
}

std::string ZeroPadding2D::summary() const
{
    const Margins& m = m_params.padding;
    std::string text = m[0][0] == m[0][1] && m[1][0] == m[1][1] && m[0][0] == m[1][0]
                           ? "pad " + std::to_string(m[0][0])
                           : "pad " + marginsTuple(m);
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

LayerShape ZeroPadding2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    const Margins& m = m_params.padding;
    for (const auto& pair : m)
        if (pair[0] < 0 || pair[1] < 0)
            throw error("Paddings must be non-negative: " + std::to_string(pair[0]) + " " + std::to_string(pair[1])
                        + " (TF's Pad; Keras does not check a negative int `padding`)");
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    auto padded = [&](const char* axis, int64_t n, const std::array<int64_t, 2>& pair) {
        AxisExplanation e;
        e.axis = axis;
        e.rule = "n + before + after";
        e.input = n;
        e.padBefore = pair[0];
        int64_t out = 0;
        if (__builtin_add_overflow(n, pair[0], &out) || __builtin_add_overflow(out, pair[1], &out))
            throw std::overflow_error("ZeroPadding2D output size overflows");
        e.output = out;
        e.arithmetic = std::to_string(n) + " + " + std::to_string(pair[0]) + " + " + std::to_string(pair[1]) + " = "
                     + std::to_string(out);
        return e;
    };
    const AxisExplanation rows = padded("height", nhwc[1], m[0]), cols = padded("width", nhwc[2], m[1]);
    LayerShape result;
    const Shape outNhwc{nhwc[0], rows.output, cols.output, nhwc[3]};
    result.output = m_params.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(outNhwc) : outNhwc;
    result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), rows, cols, copiedAxis("channels", nhwc[3])},
                               m_params.dataFormat);
    return result;
}

Tensor ZeroPadding2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const Margins& m = m_params.padding;
    const std::array<int64_t, 4> offset = m_params.dataFormat == DataFormat::ChannelsFirst
                                              ? std::array<int64_t, 4>{0, 0, -m[0][0], -m[1][0]}
                                              : std::array<int64_t, 4>{0, -m[0][0], -m[1][0], 0};
    shiftedCopy(input, output, offset, context);
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> ZeroPadding2D::editorFields()
{
    return {{"padding", "Padding", FieldKind::IntPairPair, {}, 0, 4096, 0,
             "((top, bottom), (left, right)) rows and columns of zeros", {}},
            dataFormatField()};
}

nlohmann::json ZeroPadding2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    nlohmann::json padding;
    switch (in.next() % 4) {
    case 0: padding = in.value(); break;
    case 1: padding = {in.value(), in.value()}; break;
    case 2: padding = {{in.value(), in.value()}, {in.value(), in.value()}}; break;
    default: padding = {in.value(), in.value(), in.value()}; break;
    }
    return {{"class_name", kClassName}, {"config", {{"name", name}, {"padding", padding}, {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation ZeroPadding2D::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& o) const
{
    const Dims d = dimsOf(input.shape(), m_params.dataFormat);
    const Margins& m = m_params.padding;
    CellExplanation e;
    e.kind = ExplanationKind::Copy;
    ContributingCell cell;
    cell.cell = {o.b, o.y - m[0][0], o.x - m[1][0], o.c};
    cell.windowY = cell.windowX = 0;
    e.window = {cell.cell.y, cell.cell.y, cell.cell.x, cell.cell.x};
    finishWindow(e, d.H, d.W);
    e.cellCount = 1;
    e.exact = true;
    const std::string where = "output row " + std::to_string(o.y) + ", column " + std::to_string(o.x);
    if (inside(cell.cell.y, d.H) && inside(cell.cell.x, d.W)) {
        cell.value = Reader{input, m_params.dataFormat}(o.b, cell.cell.y, cell.cell.x, o.c);
        e.value = cell.value;
        e.summary = "copied from input row " + std::to_string(cell.cell.y) + ", column " + std::to_string(cell.cell.x)
                  + " = " + formatValue(e.value);
    } else {
        cell.padding = true;
        cell.weight = 0;
        e.paddingCount = 1;
        e.value = 0.0f;
        std::vector<std::string> sides;
        if (cell.cell.y < 0)
            sides.push_back("in the " + plural(m[0][0], "top padding row"));
        if (cell.cell.y >= d.H)
            sides.push_back("in the " + plural(m[0][1], "bottom padding row"));
        if (cell.cell.x < 0)
            sides.push_back("in the " + plural(m[1][0], "left padding column"));
        if (cell.cell.x >= d.W)
            sides.push_back("in the " + plural(m[1][1], "right padding column"));
        e.summary = "0 — padding: " + where + " is " + joinTerms(sides, " and ") + " (input row " + intText(cell.cell.y)
                  + ", column " + intText(cell.cell.x) + " does not exist)";
    }
    e.cells.push_back(cell);
    e.details.push_back("input index = output index − (top " + std::to_string(m[0][0]) + ", left "
                        + std::to_string(m[1][0]) + ")");
    return e;
}

static std::array<AxisRule, 2> paddingRules(const ZeroPadding2DParams& p, const Shape& input)
{
    const Dims d = dimsOf(input, p.dataFormat);
    return {shiftRule(d.H, -p.padding[0][0]), shiftRule(d.W, -p.padding[1][0])};
}

RegionMapping ZeroPadding2D::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                             const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, paddingRules(m_params, input), clipped, unclipped);
}

std::vector<AxisWindow> ZeroPadding2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, paddingRules(m_params, input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

} // namespace layerscope
