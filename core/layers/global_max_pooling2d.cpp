#include "global_max_pooling2d.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "../parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace layerscope {

namespace {

// reduce_max's step: NaN sticks once seen.
inline float maxStep(float acc, float v) { return (v > acc || std::isnan(v)) && !std::isnan(acc) ? v : acc; }

} // namespace

std::unique_ptr<GlobalMaxPooling2D> GlobalMaxPooling2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    GlobalMaxPooling2DParams p;
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    p.keepDims = readBool(config, "keepdims", false);
    return std::make_unique<GlobalMaxPooling2D>(readString(config, "name", "global_max_pooling2d"), p);
}

nlohmann::json GlobalMaxPooling2D::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"data_format", dataFormatName(m_params.dataFormat)},
            {"keepdims", m_params.keepDims}};
}

std::string GlobalMaxPooling2D::summary() const
{
    std::string text = m_params.keepDims ? "max over H×W, keepdims" : "max over H×W";
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

LayerShape GlobalMaxPooling2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    for (int axis = 1; axis <= 2; ++axis)
        if (nhwc[axis] <= 0)
            throw error("Cannot compute the max of an empty tensor (" + std::string(axis == 1 ? "height" : "width")
                        + " " + std::to_string(nhwc[axis]) + ")");
    auto reduced = [&](const char* axis, int64_t n) {
        AxisExplanation e;
        e.axis = axis;
        e.rule = "reduced by max";
        e.input = n;
        e.output = 1;
        e.arithmetic = std::to_string(n) + " → 1 (max over the whole map)";
        return e;
    };
    LayerShape result;
    if (m_params.keepDims) {
        const Shape outNhwc{nhwc[0], 1, 1, nhwc[3]};
        result.output = m_params.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(outNhwc) : outNhwc;
        result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), reduced("height", nhwc[1]),
                                    reduced("width", nhwc[2]), copiedAxis("channels", nhwc[3])},
                                   m_params.dataFormat);
    } else {
        result.output = {nhwc[0], nhwc[3]};
        result.axes = {copiedAxis("batch", nhwc[0]), copiedAxis("channels", nhwc[3])};
        result.axes[1].arithmetic += " (height " + std::to_string(nhwc[1]) + " and width "
                                   + std::to_string(nhwc[2]) + " reduced by max)";
    }
    return result;
}

Tensor GlobalMaxPooling2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const int64_t channels = m_params.dataFormat == DataFormat::ChannelsFirst ? input.dim(1) : input.dim(3);
    guard(context, shape.output, 64 * input.dim(0) * channels * int64_t{sizeof(float)}); // the slices' maxima
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Shape& s = input.shape();
    const int64_t B = s[0];
    const int64_t C = nchw ? s[1] : s[3];
    const int64_t HW = nchw ? s[2] * s[3] : s[1] * s[2];
    Tensor output = Tensor::uninitialized(shape.output);
    const float* in = input.data();
    float* out = output.data();
    constexpr float kNegInf = -std::numeric_limits<float>::infinity();
    // Output is (B, C) in every layout (the kept 1×1 axes do not change the flat order). The
    // maximum does not depend on the order (NaN sticks wherever it is met), so each batch item's
    // pixels are cut into slices reduced in parallel, then the slices are combined.
    const int64_t slices = std::clamp<int64_t>(HW / 4096, 1, 64);
    const int64_t sliceSize = (HW + slices - 1) / slices;
    std::vector<float> partial(static_cast<size_t>(B * slices * C), kNegInf);
    parallelChunks(B * slices, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
        for (int64_t bs = begin; bs < end; ++bs) {
            const int64_t b = bs / slices, slice = bs % slices;
            const int64_t p0 = slice * sliceSize, p1 = std::min(HW, p0 + sliceSize);
            float* acc = partial.data() + bs * C;
            if (nchw) {
                for (int64_t c = 0; c < C; ++c) {
                    const float* plane = in + (b * C + c) * HW;
                    float m = acc[c];
                    for (int64_t p = p0; p < p1; ++p)
                        m = maxStep(m, plane[p]);
                    acc[c] = m;
                }
            } else {
                for (int64_t p = p0; p < p1; ++p) {
                    const float* pixel = in + (b * HW + p) * C;
                    for (int64_t c = 0; c < C; ++c)
                        acc[c] = maxStep(acc[c], pixel[c]);
                }
            }
        }
    });
    for (int64_t b = 0; b < B; ++b)
        for (int64_t c = 0; c < C; ++c) {
            float m = kNegInf;
            for (int64_t slice = 0; slice < slices; ++slice)
                m = maxStep(m, partial[static_cast<size_t>((b * slices + slice) * C + c)]);
            out[b * C + c] = m;
        }
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> GlobalMaxPooling2D::editorFields()
{
    return {{"keepdims", "Keep dims", FieldKind::Bool, {}, 0, 0, 0, "Output B×1×1×C instead of B×C", {}},
            dataFormatField()};
}

nlohmann::json GlobalMaxPooling2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    return {{"class_name", kClassName},
            {"config", {{"name", name}, {"keepdims", in.next() % 2 == 0}, {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation GlobalMaxPooling2D::explainOutputCell(const Tensor& input, const Shape& /*output*/,
                                                      const CellIndex& o) const
{
    const DataFormat format = m_params.dataFormat;
    const Dims d = dimsOf(input.shape(), format);
    const Reader read{input, format};
    CellExplanation e;
    e.kind = ExplanationKind::MaxPooling;
    e.window = {0, d.H - 1, 0, d.W - 1};
    e.clipped = e.window;
    e.cellCount = d.H * d.W;
    float acc = -std::numeric_limits<float>::infinity();
    int64_t winY = -1, winX = -1;
    for (int64_t y = 0; y < d.H; ++y) {
        for (int64_t x = 0; x < d.W; ++x) {
            const float v = read(o.b, y, x, o.c);
            const float next = maxStep(acc, v);
            if (!(next == acc) && !(std::isnan(next) && std::isnan(acc))) {
                winY = y;
                winX = x;
            }
            acc = next;
        }
    }
    // The listed cells: the winner first, then the map in row-major order up to the limit.
    auto addCell = [&](int64_t y, int64_t x, bool wins) {
        ContributingCell cell;
        cell.cell = {o.b, y, x, o.c};
        cell.value = read(o.b, y, x, o.c);
        cell.windowY = y;
        cell.windowX = x;
        cell.wins = wins;
        e.cells.push_back(cell);
    };
    if (winY >= 0)
        addCell(winY, winX, true);
    for (int64_t y = 0; y < d.H && static_cast<int64_t>(e.cells.size()) < kMaxListedCells; ++y)
        for (int64_t x = 0; x < d.W && static_cast<int64_t>(e.cells.size()) < kMaxListedCells; ++x)
            if (y != winY || x != winX)
                addCell(y, x, false);
    e.value = acc;
    e.exact = true;
    e.summary = "max of the " + std::to_string(d.H) + "×" + std::to_string(d.W) + " = " + std::to_string(e.cellCount)
              + " values of channel " + std::to_string(o.c) + " = " + formatValue(e.value);
    if (winY >= 0)
        e.summary += std::isnan(acc) ? "; the first NaN, at row " + std::to_string(winY) + ", column "
                                           + std::to_string(winX) + ", propagates"
                                     : "; the winner is row " + std::to_string(winY) + ", column " + std::to_string(winX);
    else
        e.summary += " (every value is −inf)";
    e.details.push_back("the whole map: rows 0…" + std::to_string(d.H - 1) + ", columns 0…" + std::to_string(d.W - 1)
                        + "; tf.reduce_max starts from −inf and propagates NaN");
    return e;
}

static std::array<AxisRule, 2> wholeMapRules(DataFormat format, const Shape& input)
{
    const Dims d = dimsOf(input, format);
    std::array<AxisRule, 2> rules;
    rules[0].inSize = d.H;
    rules[1].inSize = d.W;
    return rules;
}

RegionMapping GlobalMaxPooling2D::mapOutputRegion(const Shape& input, const Shape& output,
                                                  const std::vector<Interval>& clipped,
                                                  const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, wholeMapRules(m_params.dataFormat, input), clipped,
                            unclipped);
}

std::vector<AxisWindow> GlobalMaxPooling2D::outputAxisWindows(const Shape& input, const Shape& output,
                                                              int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat,
                          wholeMapRules(m_params.dataFormat, input)[static_cast<size_t>(spatialAxis)], spatialAxis);
}

} // namespace layerscope
