#include "average_pooling2d.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "../streaming_copy.h"
#include "pool_geometry.h"
#include "window_sums.h"

#include <algorithm>
#include <array>
#include <vector>

namespace layerscope {

std::unique_ptr<AveragePooling2D> AveragePooling2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    return std::make_unique<AveragePooling2D>(readString(config, "name", "average_pooling2d"), readPoolingParams(config));
}

nlohmann::json AveragePooling2D::config() const
{
    return poolingConfigJson(name(), m_params);
}

std::string AveragePooling2D::summary() const
{
    const auto s = m_params.effectiveStrides();
    std::string text = std::to_string(m_params.poolSize[0]) + "×" + std::to_string(m_params.poolSize[1])
                     + " / s" + (s[0] == s[1] ? std::to_string(s[0])
                                              : std::to_string(s[0]) + "×" + std::to_string(s[1]))
                     + " / " + paddingName(m_params.padding);
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

PoolGeometry AveragePooling2D::geometry() const
{
    return {m_params.poolSize, m_params.effectiveStrides(), m_params.padding, m_params.dataFormat};
}

LayerShape AveragePooling2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    return poolLayerShape(className(), name(), geometry(), input);
}

AvgPoolMethod chooseAvgPoolMethod(const Shape& in, const Shape& out, std::array<int64_t, 2> pool)
{
    const int64_t rows = std::min(pool[0], in[1]), cols = std::min(pool[1], in[2]);
    if (rows * cols < 64)
        return AvgPoolMethod::DirectSum;
    // Cell additions of the direct sum (an upper bound: border windows are clipped). Each factor
    // is bounded by the memory-guarded shapes, so the product fits in a double exactly enough.
    const double additions = static_cast<double>(out[0]) * static_cast<double>(out[1])
                           * static_cast<double>(out[2]) * static_cast<double>(out[3])
                           * static_cast<double>(rows * cols);
    return additions > double(1 << 24) ? AvgPoolMethod::WindowSums : AvgPoolMethod::DirectSum;
}

int64_t windowSumsScratchBytes(const Shape& in, const Shape& out)
{
    return in[1] * out[2] * in[3] * static_cast<int64_t>(sizeof(float));
}

namespace {

// Rows first (each row's window sums into `rowSums`, H × OW × C), then columns of those, then
// one division per output by its in-bounds count.
void averagePoolWindowSums(const Tensor& input, Tensor& output, std::array<int64_t, 2> pool,
                           std::array<int64_t, 2> strides, std::array<int64_t, 2> padBefore,
                           const ExecContext& context)
{
    const int64_t B = input.dim(0), H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const WindowGeometry alongRows{H, pool[0], strides[0], padBefore[0], OH};
    const WindowGeometry alongCols{W, pool[1], strides[1], padBefore[1], OW};
    Tensor rowSums = Tensor::uninitialized({H, OW, C});
    const int64_t rowLanes = OW * C;
    constexpr int64_t kColumnLanes = 256; // lanes per chunk of the column pass: scratch stays in L2
    for (int64_t b = 0; b < B; ++b) {
        const float* in = input.data() + b * H * W * C;
        parallelChunks(H, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
            std::vector<float> prefix(static_cast<size_t>(W * C)), suffix(prefix.size());
            for (int64_t y = begin; y < end; ++y)
                windowSumsAlongAxis(in + y * W * C, C, 0, C, rowSums.data() + y * rowLanes, C,
                                    alongCols, prefix.data(), suffix.data());
        });
        float* out = output.data() + b * OH * rowLanes;
        const int64_t laneChunks = (rowLanes + kColumnLanes - 1) / kColumnLanes;
        parallelChunks(laneChunks, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
            std::vector<float> prefix(static_cast<size_t>(H * kColumnLanes)), suffix(prefix.size());
            for (int64_t chunk = begin; chunk < end; ++chunk) {
                const int64_t laneBegin = chunk * kColumnLanes;
                const int64_t laneEnd = std::min(rowLanes, laneBegin + kColumnLanes);
                windowSumsAlongAxis(rowSums.data(), rowLanes, laneBegin, laneEnd, out, rowLanes,
                                    alongRows, prefix.data(), suffix.data());
            }
        });
    }
    parallelChunks(B * OH, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            const int64_t oy = row % OH;
            const int64_t rowCount = alongRows.endCell(oy) - alongRows.firstCell(oy);
            for (int64_t ox = 0; ox < OW; ++ox) {
                const float count = static_cast<float>(rowCount * (alongCols.endCell(ox) - alongCols.firstCell(ox)));
                float* dst = output.data() + (row * OW + ox) * C;
#pragma omp simd
                for (int64_t c = 0; c < C; ++c)
                    dst[c] /= count;
            }
        }
    });
}

#if defined(__AVX__)
// One output row of the direct sum for C a multiple of 8: each pixel's window summed in registers,
// 32 channels at a time, in the same row-major order from 0.0f and divided by the same count as
// the general loop below (bit-identical), then written once. The general loop keeps the sums in
// a vector in memory, a load and a store per window cell and channel: 3.3× its streaming floor
// on a 3×3 window over 512×512×64. Intrinsics because GCC keeps such a sum in memory.
// `firstRow`: the window's first input row; the next rows follow W·C floats apart.
template <int V>
inline void averageChannels(const float* firstRow, int64_t rowCount, int64_t xBegin, int64_t xEnd, int64_t W,
                            int64_t C, int64_t q0, __m256 count, float* dst, bool streaming)
{
    __m256 acc[V];
    for (int v = 0; v < V; ++v)
        acc[v] = _mm256_setzero_ps();
    for (int64_t r = 0; r < rowCount; ++r)
        for (int64_t x = xBegin; x < xEnd; ++x) {
            const float* pixel = firstRow + (r * W + x) * C + q0;
            for (int v = 0; v < V; ++v)
                acc[v] = _mm256_add_ps(acc[v], _mm256_loadu_ps(pixel + 8 * v));
        }
    for (int v = 0; v < V; ++v)
        storeEight(dst + q0 + 8 * v, _mm256_div_ps(acc[v], count), streaming);
}

void averagePoolRowInRegisters(const float* in, int64_t H, int64_t W, int64_t C, int64_t b, int64_t oy, int64_t OW,
                               std::array<int64_t, 2> pool, std::array<int64_t, 2> strides,
                               std::array<int64_t, 2> padBefore, float* orow, bool streaming)
{
    const int64_t y0 = oy * strides[0] - padBefore[0];
    const int64_t yBegin = std::max<int64_t>(y0, 0), yEnd = std::min(y0 + pool[0], H);
    const float* firstRow = in + (b * H + yBegin) * W * C;
    streaming = streaming && (reinterpret_cast<uintptr_t>(orow) & 31) == 0;
    for (int64_t ox = 0; ox < OW; ++ox) {
        const int64_t x0 = ox * strides[1] - padBefore[1];
        const int64_t xBegin = std::max<int64_t>(x0, 0), xEnd = std::min(x0 + pool[1], W);
        const __m256 count = _mm256_set1_ps(static_cast<float>((yEnd - yBegin) * (xEnd - xBegin)));
        float* dst = orow + ox * C;
        int64_t q0 = 0;
        for (; q0 + 32 <= C; q0 += 32)
            averageChannels<4>(firstRow, yEnd - yBegin, xBegin, xEnd, W, C, q0, count, dst, streaming);
        for (; q0 < C; q0 += 8)
            averageChannels<1>(firstRow, yEnd - yBegin, xBegin, xEnd, W, C, q0, count, dst, streaming);
    }
}
#endif

} // namespace

void averagePoolNhwc(const Tensor& input, Tensor& output, std::array<int64_t, 2> pool,
                     std::array<int64_t, 2> strides, std::array<int64_t, 2> padBefore,
                     const ExecContext& context, AvgPoolMethod method)
{
    if (method == AvgPoolMethod::Auto)
        method = chooseAvgPoolMethod(input.shape(), output.shape(), pool);
    if (method == AvgPoolMethod::WindowSums) {
        averagePoolWindowSums(input, output, pool, strides, padBefore, context);
        return;
    }
    const int64_t B = input.dim(0), H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const float* in = input.data();
    float* out = output.data();
#if defined(__AVX__)
    if (C % 8 == 0 && C > 0) {
        const bool streaming = useStreaming(output);
        parallelChunks(B * OH, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
            for (int64_t row = begin; row < end; ++row)
                averagePoolRowInRegisters(in, H, W, C, row / OH, row % OH, OW, pool, strides, padBefore,
                                          out + row * OW * C, streaming);
        });
        if (streaming)
            streamingFence();
        return;
    }
#endif
    parallelChunks(B * OH, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
        std::vector<float> sum(static_cast<size_t>(C));
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, oy = row % OH;
            const int64_t y0 = oy * strides[0] - padBefore[0];
            const int64_t yBegin = std::max<int64_t>(y0, 0), yEnd = std::min(y0 + pool[0], H);
            for (int64_t ox = 0; ox < OW; ++ox) {
                const int64_t x0 = ox * strides[1] - padBefore[1];
                const int64_t xBegin = std::max<int64_t>(x0, 0), xEnd = std::min(x0 + pool[1], W);
                std::fill(sum.begin(), sum.end(), 0.0f);
                // Row-major window order per channel: the order of TF's SpatialAvgPool sum.
                for (int64_t y = yBegin; y < yEnd; ++y) {
                    for (int64_t x = xBegin; x < xEnd; ++x) {
                        const float* pixel = in + ((b * H + y) * W + x) * C;
                        float* s = sum.data();
#pragma omp simd
                        for (int64_t c = 0; c < C; ++c)
                            s[c] += pixel[c];
                    }
                }
                const float count = static_cast<float>((yEnd - yBegin) * (xEnd - xBegin));
                float* dst = out + ((b * OH + oy) * OW + ox) * C;
                const float* s = sum.data();
#pragma omp simd
                for (int64_t c = 0; c < C; ++c)
                    dst[c] = s[c] / count;
            }
        }
    });
}

Tensor AveragePooling2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Shape outNhwc = nchw ? nchwToNhwc(shape.output) : shape.output;
    const Shape inNhwc = nchw ? nchwToNhwc(input.shape()) : input.shape();
    const bool windowSums = chooseAvgPoolMethod(inNhwc, outNhwc, m_params.poolSize) == AvgPoolMethod::WindowSums;
    guard(context, shape.output, windowSums ? windowSumsScratchBytes(inNhwc, outNhwc) : 0);
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    const Tensor& nhwc = nchw ? converted : input;
    const auto strides = m_params.effectiveStrides();
    const WindowAxis rows = windowAxis("height", nhwc.dim(1), m_params.poolSize[0], strides[0], 1, m_params.padding);
    const WindowAxis cols = windowAxis("width", nhwc.dim(2), m_params.poolSize[1], strides[1], 1, m_params.padding);
    Tensor output = Tensor::uninitialized(outNhwc);
    averagePoolNhwc(nhwc, output, m_params.poolSize, strides, {rows.padBefore, cols.padBefore}, context,
                    windowSums ? AvgPoolMethod::WindowSums : AvgPoolMethod::DirectSum);
    if (nchw)
        return nhwcToNchw(output);
    return output; // (a ternary here would copy the whole output)
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> AveragePooling2D::editorFields()
{
    return {{"pool_size", "Pool size", FieldKind::IntPair, {}, 0, 4096, 0, "Window (height, width)", {}},
            {"strides", "Strides", FieldKind::OptionalIntPair, {}, 0, 4096, 0, "Step of the window; None = pool size",
             "= pool size"},
            {"padding", "Padding", FieldKind::Enum, paddingChoices(), 0, 0, 0,
             "valid: windows fully inside; same: output ⌈n / s⌉, padding excluded from the average", {}},
            dataFormatField()};
}

nlohmann::json AveragePooling2D::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    return {{"class_name", kClassName},
            {"config", {{"name", name}, {"pool_size", {in.value(), in.value()}}, {"strides", {in.value(), in.value()}},
                        {"padding", in.pick({"valid", "same"})}, {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation AveragePooling2D::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& o) const
{
    const AveragePooling2DParams& p = m_params;
    const Dims d = dimsOf(input.shape(), p.dataFormat);
    const auto strides = p.effectiveStrides();
    const WindowAxis rows = windowAxis("height", d.H, p.poolSize[0], strides[0], 1, p.padding);
    const WindowAxis cols = windowAxis("width", d.W, p.poolSize[1], strides[1], 1, p.padding);
    const Reader read{input, p.dataFormat};

    CellExplanation e;
    e.kind = ExplanationKind::AveragePooling;
    e.paddingExcluded = true; // TF divides by the real pixel count
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

RegionMapping AveragePooling2D::mapOutputRegion(const Shape& input, const Shape& output,
                                                const std::vector<Interval>& clipped,
                                                const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, poolAxisRules(geometry(), input), clipped, unclipped);
}

std::vector<AxisWindow> AveragePooling2D::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, poolAxisRules(geometry(), input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

std::optional<WindowConfig> AveragePooling2D::slidingWindow(const Shape& input, int spatialAxis) const
{
    const size_t a = static_cast<size_t>(spatialAxis);
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    return WindowConfig{nhwc[1 + a], m_params.poolSize[a], m_params.effectiveStrides()[a], 1, m_params.padding, false};
}

} // namespace layerscope
