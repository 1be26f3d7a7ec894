#include "max_pooling2d.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "pool_geometry.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace layerscope {

std::unique_ptr<MaxPooling2D> MaxPooling2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    return std::make_unique<MaxPooling2D>(readString(config, "name", "max_pooling2d"), readPoolingParams(config));
}

nlohmann::json MaxPooling2D::config() const
{
    return poolingConfigJson(name(), m_params);
}

std::string MaxPooling2D::summary() const
{
    const auto s = m_params.effectiveStrides();
    std::string text = "max " + std::to_string(m_params.poolSize[0]) + "×" + std::to_string(m_params.poolSize[1])
                     + " / s" + (s[0] == s[1] ? std::to_string(s[0]) : std::to_string(s[0]) + "×" + std::to_string(s[1]))
                     + " / " + paddingName(m_params.padding);
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

PoolGeometry MaxPooling2D::geometry() const
{
    return {m_params.poolSize, m_params.effectiveStrides(), m_params.padding, m_params.dataFormat};
}

LayerShape MaxPooling2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    return poolLayerShape(className(), name(), geometry(), input);
}

void maxPoolNhwc(const Tensor& input, Tensor& output, std::array<int64_t, 2> pool, std::array<int64_t, 2> strides,
                 std::array<int64_t, 2> padBefore, const ExecContext& context)
{
    const int64_t B = input.dim(0), H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const float* in = input.data();
    float* out = output.data();
    constexpr float kLowest = std::numeric_limits<float>::lowest();
    parallelChunks(B * OH, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
        std::vector<float> rowMax(static_cast<size_t>(W * C));
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, oy = row % OH;
            const int64_t y0 = oy * strides[0] - padBefore[0];
            const int64_t yBegin = std::max<int64_t>(y0, 0), yEnd = std::min(y0 + pool[0], H);
            // Start from lowest() and keep a value only when greater, as TF's kernel: NaN never
            // wins and the result does not depend on the order (the passes are exact).
            float* m = rowMax.data();
            const int64_t lanes = W * C;
            std::fill(rowMax.begin(), rowMax.end(), kLowest);
            for (int64_t y = yBegin; y < yEnd; ++y) {
                const float* src = in + (b * H + y) * lanes;
#pragma omp simd
                for (int64_t i = 0; i < lanes; ++i)
                    m[i] = src[i] > m[i] ? src[i] : m[i];
            }
            float* dstRow = out + (b * OH + oy) * OW * C;
            for (int64_t ox = 0; ox < OW; ++ox) {
                const int64_t x0 = ox * strides[1] - padBefore[1];
                const int64_t xBegin = std::max<int64_t>(x0, 0), xEnd = std::min(x0 + pool[1], W);
                float* dst = dstRow + ox * C;
                std::fill(dst, dst + C, kLowest);
                for (int64_t x = xBegin; x < xEnd; ++x) {
                    const float* src = m + x * C;
#pragma omp simd
                    for (int64_t c = 0; c < C; ++c)
                        dst[c] = src[c] > dst[c] ? src[c] : dst[c];
                }
            }
        }
    });
}

Tensor MaxPooling2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    // Scratch: one W·C row per thread, and the NHWC copies around a channels_first run.
    const PoolAxes axes = poolAxes(geometry(), input.shape());
    int64_t scratch = axes.inNhwc[2] * axes.inNhwc[3] * int64_t{sizeof(float)} * context.effectiveThreads();
    if (nchw)
        scratch += input.byteSize() + elementCount(shape.output) * int64_t{sizeof(float)};
    guard(context, shape.output, scratch);
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    const Tensor& nhwc = nchw ? converted : input;
    Tensor output = Tensor::uninitialized(axes.outNhwc);
    maxPoolNhwc(nhwc, output, m_params.poolSize, m_params.effectiveStrides(),
                {axes.rows.padBefore, axes.cols.padBefore}, context);
    if (nchw)
        return nhwcToNchw(output);
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> MaxPooling2D::editorFields()
{
    return {{"pool_size", "Pool size", FieldKind::IntPair, {}, 0, 4096, 0, "Window (height, width)", {}},
            {"strides", "Strides", FieldKind::OptionalIntPair, {}, 0, 4096, 0, "Step of the window; None = pool size",
             "= pool size"},
            {"padding", "Padding", FieldKind::Enum, paddingChoices(), 0, 0, 0,
             "valid: windows fully inside; same: output ⌈n / s⌉, padding never wins the max", {}},
            dataFormatField()};
}

nlohmann::json MaxPooling2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    nlohmann::json strides = {in.value(), in.value()};
    if (in.next() % 4 == 0)
        strides = nullptr;
    return {{"class_name", kClassName},
            {"config", {{"name", name}, {"pool_size", {in.value(), in.value()}}, {"strides", strides},
                        {"padding", in.pick({"valid", "same", "SAME"})}, {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation MaxPooling2D::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& o) const
{
    const PoolGeometry g = geometry();
    const PoolAxes axes = poolAxes(g, input.shape());
    const Dims d = dimsOf(input.shape(), g.dataFormat);
    const Reader read{input, g.dataFormat};

    CellExplanation e;
    e.kind = ExplanationKind::MaxPooling;
    e.paddingExcluded = true; // padding cells are never compared
    e.window = {o.y * g.strides[0] - axes.rows.padBefore, o.y * g.strides[0] - axes.rows.padBefore + g.pool[0] - 1,
                o.x * g.strides[1] - axes.cols.padBefore, o.x * g.strides[1] - axes.cols.padBefore + g.pool[1] - 1};
    finishWindow(e, d.H, d.W);
    // Row-major over the window, as the kernel: a value replaces the maximum only when greater.
    float best = std::numeric_limits<float>::lowest();
    int winner = -1;
    std::vector<std::string> terms;
    for (int64_t i = 0; i < g.pool[0]; ++i) {
        for (int64_t j = 0; j < g.pool[1]; ++j) {
            ContributingCell cell;
            cell.cell = {o.b, e.window.y0 + i, e.window.x0 + j, o.c};
            cell.windowY = i;
            cell.windowX = j;
            if (inside(cell.cell.y, d.H) && inside(cell.cell.x, d.W)) {
                cell.value = read(o.b, cell.cell.y, cell.cell.x, o.c);
                if (cell.value > best) {
                    best = cell.value;
                    winner = static_cast<int>(e.cells.size());
                }
                ++e.cellCount;
                terms.push_back(formatValue(cell.value));
            } else {
                cell.padding = true;
                cell.weight = 0;
                ++e.paddingCount;
            }
            e.cells.push_back(cell);
        }
    }
    e.value = best;
    e.exact = true;
    std::string where;
    if (winner >= 0) {
        ContributingCell& w = e.cells[static_cast<size_t>(winner)];
        w.wins = true;
        where = "row " + std::to_string(w.cell.y) + ", column " + std::to_string(w.cell.x) + " (window position "
              + std::to_string(w.windowY) + ", " + std::to_string(w.windowX) + ")";
    }
    e.summary = "max of these " + std::to_string(e.cellCount) + " cells (" + joinTerms(terms, ", ") + ") = "
              + formatValue(e.value);
    e.summary += winner >= 0 ? "; the winner is " + where
                             : "; no cell exceeds float32 lowest() (all NaN or −inf), which TF outputs";
    if (e.paddingCount > 0)
        e.summary += " — " + std::to_string(e.paddingCount) + " of the " + std::to_string(g.pool[0] * g.pool[1])
                   + " window cells are padding and are never compared (Keras 'same')";
    e.details.push_back(poolWindowText(g, axes, o.y, o.x));
    if (g.padding == Padding::Same)
        e.details.push_back("SAME padding: " + axes.rows.explanation.arithmetic + "; "
                            + axes.cols.explanation.arithmetic + "; padding never wins the max");
    e.details.push_back("ties go to the first cell in row-major window order; NaN never wins (TF's CPU kernel)");
    return e;
}

RegionMapping MaxPooling2D::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                            const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, poolAxisRules(geometry(), input), clipped, unclipped);
}

std::vector<AxisWindow> MaxPooling2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, poolAxisRules(geometry(), input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

std::optional<WindowConfig> MaxPooling2D::slidingWindow(const Shape& input, int spatialAxis) const
{
    const size_t a = static_cast<size_t>(spatialAxis);
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    return WindowConfig{nhwc[1 + a], m_params.poolSize[a], m_params.effectiveStrides()[a], 1, m_params.padding, false};
}

} // namespace layerscope
