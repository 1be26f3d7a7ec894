#include "cropping2d.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

namespace layerscope {

std::unique_ptr<Cropping2D> Cropping2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    Cropping2DParams p;
    p.cropping = readMargins(config, "cropping", p.cropping, /*rejectNegativeInt=*/true);
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    return std::make_unique<Cropping2D>(readString(config, "name", "cropping2d"), p);
}

nlohmann::json Cropping2D::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"cropping", marginsJson(m_params.cropping)},
            {"data_format", dataFormatName(m_params.dataFormat)}};
}

std::string Cropping2D::summary() const
{
    std::string text = "crop " + marginsTuple(m_params.cropping);
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

LayerShape Cropping2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    const Margins& m = m_params.cropping;
    for (const auto& pair : m)
        if (pair[0] < 0 || pair[1] < 0) // only a programmatic parameter struct gets here
            throw error("`cropping` cannot be negative. Received: cropping=" + marginsTuple(m) + ".");
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    // Keras's own check (sum ≥ n), with the arithmetic; the sums are of non-negative int64s.
    for (int a = 0; a < 2; ++a) {
        const int64_t n = nhwc[1 + a];
        const auto& pair = m[static_cast<size_t>(a)];
        if (pair[0] >= n || pair[1] >= n - pair[0])
            throw error("Values in `cropping` argument should be smaller than the corresponding spatial dimension of "
                        "the input. Received: input_shape=" + shapeToTuple(input) + ", cropping=" + marginsTuple(m)
                        + " (" + (a == 0 ? "height " : "width ") + std::to_string(n) + " − "
                        + std::to_string(pair[0]) + " − " + std::to_string(pair[1]) + " leaves no "
                        + (a == 0 ? "rows" : "columns") + ")");
    }
    auto cropped = [&](const char* axis, int64_t n, const std::array<int64_t, 2>& pair) {
        AxisExplanation e;
        e.axis = axis;
        e.rule = "n − before − after";
        e.input = n;
        e.output = n - pair[0] - pair[1];
        e.arithmetic = std::to_string(n) + " − " + std::to_string(pair[0]) + " − " + std::to_string(pair[1]) + " = "
                     + std::to_string(e.output);
        return e;
    };
    const AxisExplanation rows = cropped("height", nhwc[1], m[0]), cols = cropped("width", nhwc[2], m[1]);
    LayerShape result;
    const Shape outNhwc{nhwc[0], rows.output, cols.output, nhwc[3]};
    result.output = m_params.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(outNhwc) : outNhwc;
    result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), rows, cols, copiedAxis("channels", nhwc[3])},
                               m_params.dataFormat);
    return result;
}

Tensor Cropping2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const Margins& m = m_params.cropping;
    const std::array<int64_t, 4> offset = m_params.dataFormat == DataFormat::ChannelsFirst
                                              ? std::array<int64_t, 4>{0, 0, m[0][0], m[1][0]}
                                              : std::array<int64_t, 4>{0, m[0][0], m[1][0], 0};
    shiftedCopy(input, output, offset, context);
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Cropping2D::editorFields()
{
    return {{"cropping", "Cropping", FieldKind::IntPairPair, {}, 0, 4096, 0,
             "((top, bottom), (left, right)) rows and columns removed", {}},
            dataFormatField()};
}

nlohmann::json Cropping2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    nlohmann::json cropping;
    switch (in.next() % 4) {
    case 0: cropping = in.value(); break;
    case 1: cropping = {in.value(), in.value()}; break;
    case 2: cropping = {{in.value(), in.value()}, {in.value(), in.value()}}; break;
    default: cropping = "ab"; break;
    }
    return {{"class_name", kClassName}, {"config", {{"name", name}, {"cropping", cropping}, {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation Cropping2D::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& o) const
{
    const Dims d = dimsOf(input.shape(), m_params.dataFormat);
    const Margins& m = m_params.cropping;
    CellExplanation e;
    e.kind = ExplanationKind::Copy;
    ContributingCell cell;
    cell.cell = {o.b, o.y + m[0][0], o.x + m[1][0], o.c};
    cell.windowY = cell.windowX = 0;
    cell.value = Reader{input, m_params.dataFormat}(o.b, cell.cell.y, cell.cell.x, o.c);
    e.cells.push_back(cell);
    e.window = {cell.cell.y, cell.cell.y, cell.cell.x, cell.cell.x};
    finishWindow(e, d.H, d.W);
    e.cellCount = 1;
    e.exact = true;
    e.value = cell.value;
    e.summary = "copied from input row " + std::to_string(cell.cell.y) + ", column " + std::to_string(cell.cell.x)
              + " = " + formatValue(e.value);
    e.details.push_back("input index = output index + (top " + std::to_string(m[0][0]) + ", left "
                        + std::to_string(m[1][0]) + "); " + plural(m[0][1], "row") + " cut at the bottom, "
                        + plural(m[1][1], "column") + " at the right");
    return e;
}

static std::array<AxisRule, 2> croppingRules(const Cropping2DParams& p, const Shape& input)
{
    const Dims d = dimsOf(input, p.dataFormat);
    return {shiftRule(d.H, p.cropping[0][0]), shiftRule(d.W, p.cropping[1][0])};
}

RegionMapping Cropping2D::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                          const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, croppingRules(m_params, input), clipped, unclipped);
}

std::vector<AxisWindow> Cropping2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, croppingRules(m_params, input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

} // namespace layerscope
