// TF ResizeArea (resize_kernels.h): the box spans, the rows-first and columns-first orders.
#include "resize_kernels_internal.h"

#include "../parallel.h"
#include "../streaming_copy.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace layerscope {

using namespace resize_detail;

// ---------------------------------------------------------------------------------------------
// Area (§4.7.4).

namespace {

} // namespace

// TF ResizeAreaOp's cell weight for source cell v of the output cell [a, b).
float resize_detail::areaCellScale(int64_t v, float a, float b, float scale)
{
    const float lower = static_cast<float>(v), upper = static_cast<float>(v + 1);
    if (lower < a)
        return upper > b ? scale : upper - a;
    return upper > b ? b - lower : 1.0f;
}

std::vector<AreaSpan> resize_detail::areaSpans(int64_t in, int64_t out)
{
    const float scale = resizeScale(in, out);
    std::vector<AreaSpan> spans(static_cast<size_t>(out));
    for (int64_t o = 0; o < out; ++o) {
        const float a = static_cast<float>(o) * scale;
        const float b = static_cast<float>(o + 1) * scale;
        AreaSpan& s = spans[static_cast<size_t>(o)];
        s.start = static_cast<int64_t>(std::floor(a));
        s.end = static_cast<int64_t>(std::ceil(b));
        s.startScale = areaCellScale(s.start, a, b, scale);
        s.endScale = areaCellScale(s.end - 1, a, b, scale);
    }
    return spans;
}

float areaNormalisation(int64_t inHeight, int64_t outHeight, int64_t inWidth, int64_t outWidth)
{
    const float scaleH = resizeScale(inHeight, outHeight), scaleW = resizeScale(inWidth, outWidth);
    return static_cast<float>(1.0 / static_cast<double>(scaleH * scaleW));
}

namespace {

// TF's x-weighted sum of source row `p` for every output column: sums[x·C + c]. TF forms this
// inside its per-output-pixel loop, but it depends only on the source row and the output column.
void areaRowSums(const float* __restrict p, int64_t W, int64_t C, const std::vector<AreaSpan>& xs,
                 float* __restrict sums)
{
    for (size_t x = 0; x < xs.size(); ++x) {
        const AreaSpan& sx = xs[x];
        float* __restrict sum = sums + static_cast<int64_t>(x) * C;
        const int64_t first = std::clamp<int64_t>(sx.start, 0, W - 1) * C;
        const int64_t last = std::clamp<int64_t>(sx.end - 1, 0, W - 1) * C;
#pragma omp simd
        for (int64_t c = 0; c < C; ++c)
            sum[c] = p[first + c] * sx.startScale;
        if (sx.start + 1 == sx.end)
            continue;
        // Interior weights are exactly 1, so TF adds those cells unweighted.
        for (int64_t i = sx.start + 1; i < sx.end - 1; ++i) {
            const float* __restrict cell = p + std::clamp<int64_t>(i, 0, W - 1) * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c)
                sum[c] += cell[c];
        }
#pragma omp simd
        for (int64_t c = 0; c < C; ++c)
            sum[c] += p[last + c] * sx.endScale;
    }
}

// The row sums of the two source rows used last. Consecutive output rows share source rows (all
// of them when the height is upscaled, the boundary row when it is reduced), so each source row is
// summed about once instead of once per output row that covers it: an 8 → 16384 row upscale of a
// 49152-column row no longer redoes 49152 additions per output pixel.
class AreaRowSumCache {
public:
    AreaRowSumCache(int64_t rowFloats) : m_rows{std::vector<float>(static_cast<size_t>(rowFloats)),
                                                std::vector<float>(static_cast<size_t>(rowFloats))} {}

    const float* sums(const ImageView& input, int64_t b, int64_t y, const std::vector<AreaSpan>& xs)
    {
        for (int slot = 0; slot < 2; ++slot)
            if (m_key[slot] == std::pair{b, y}) {
                m_lastUsed = slot;
                return m_rows[slot].data();
            }
        const int slot = 1 - m_lastUsed;
        areaRowSums(input.row(b, y), input.width, input.channels, xs, m_rows[slot].data());
        m_key[slot] = {b, y};
        m_lastUsed = slot;
        return m_rows[slot].data();
    }

private:
    std::vector<float> m_rows[2];
    std::pair<int64_t, int64_t> m_key[2] = {{-1, -1}, {-1, -1}};
    int m_lastUsed = 1;
};

} // namespace

namespace {

// TF's order: per output pixel, Σ over source rows of (row weight × the row's x-weighted box sum).
void resizeAreaRowsFirst(const ImageView& input, Tensor& output, const std::vector<AreaSpan>& ys,
                         const std::vector<AreaSpan>& xs, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const float scaleH = resizeScale(H, OH);
    const float norm = areaNormalisation(H, OH, W, OW);
    const int64_t rowFloats = OW * C;
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        AreaRowSumCache cache(rowFloats);
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, y = row % OH;
            const AreaSpan& sy = ys[static_cast<size_t>(y)];
            const float a = static_cast<float>(y) * scaleH, bEdge = static_cast<float>(y + 1) * scaleH;
            float* __restrict total = out + row * rowFloats;
            std::fill(total, total + rowFloats, 0.0f);
            // For each output pixel TF adds (row sum × row weight) over the source rows in order,
            // then scales once: the same operations in the same order per element.
            for (int64_t i = sy.start; i < sy.end; ++i) {
                const float* __restrict sums = cache.sums(input, b, std::clamp<int64_t>(i, 0, H - 1), xs);
                const float wy = areaCellScale(i, a, bEdge, scaleH);
#pragma omp simd
                for (int64_t k = 0; k < rowFloats; ++k)
                    total[k] += sums[k] * wy;
            }
#pragma omp simd
            for (int64_t k = 0; k < rowFloats; ++k)
                total[k] = total[k] * norm;
        }
    });
}

// The transposed order, Σ over source columns of (column weight × the column's y-weighted box
// sum): the same weights and cells, rounded in another order. Only for shapes where TF's order
// costs orders of magnitude more, such as a tall single column spread into a wide single row
// (1048576×1 → 1×1048576: every source row summed for every output column).
void resizeAreaColumnsFirst(const ImageView& input, Tensor& output, const std::vector<AreaSpan>& ys,
                            const std::vector<AreaSpan>& xs, const ExecContext& context)
{
    const int64_t H = input.height, W = input.width, C = input.channels;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const float scaleH = resizeScale(H, OH);
    const float norm = areaNormalisation(H, OH, W, OW);
    const int64_t rowFloats = OW * C, inRowFloats = W * C;
    float* out = output.data();
    parallelChunks(input.batch * OH, rowGrain(rowFloats), context, [&](int64_t begin, int64_t end) {
        std::vector<float> columnSums(static_cast<size_t>(inRowFloats));
        for (int64_t row = begin; row < end; ++row) {
            const int64_t b = row / OH, y = row % OH;
            const AreaSpan& sy = ys[static_cast<size_t>(y)];
            const float a = static_cast<float>(y) * scaleH, bEdge = static_cast<float>(y + 1) * scaleH;
            float* __restrict sums = columnSums.data();
            std::fill(sums, sums + inRowFloats, 0.0f);
            for (int64_t i = sy.start; i < sy.end; ++i) {
                const float* __restrict p = input.row(b, std::clamp<int64_t>(i, 0, H - 1));
                const float wy = areaCellScale(i, a, bEdge, scaleH);
#pragma omp simd
                for (int64_t k = 0; k < inRowFloats; ++k)
                    sums[k] += p[k] * wy;
            }
            areaRowSums(sums, W, C, xs, out + row * rowFloats);
            float* __restrict total = out + row * rowFloats;
#pragma omp simd
            for (int64_t k = 0; k < rowFloats; ++k)
                total[k] = total[k] * norm;
        }
    });
}

double spanCells(const std::vector<AreaSpan>& spans)
{
    double cells = 0;
    for (const AreaSpan& s : spans)
        cells += static_cast<double>(s.end - s.start);
    return cells;
}

AreaOrder chooseAreaOrder(const std::vector<AreaSpan>& ys, const std::vector<AreaSpan>& xs, int64_t H, int64_t W)
{
    const int64_t OH = static_cast<int64_t>(ys.size()), OW = static_cast<int64_t>(xs.size());
    const double rowCells = spanCells(ys), columnCells = spanCells(xs);
    // Additions per channel: rows first sums each source row's boxes about once and then mixes
    // rows per output pixel; columns first mixes rows per source column and then sums boxes.
    const double rowsFirst = std::min(rowCells, static_cast<double>(H + OH)) * columnCells
                           + rowCells * static_cast<double>(OW);
    const double columnsFirst = rowCells * static_cast<double>(W) + static_cast<double>(OH) * columnCells;
    return rowsFirst > 8 * columnsFirst && rowsFirst > double(1 << 24) ? AreaOrder::ColumnsFirst
                                                                       : AreaOrder::RowsFirst;
}

} // namespace

AreaOrder chooseAreaOrder(int64_t H, int64_t W, int64_t OH, int64_t OW)
{
    return chooseAreaOrder(areaSpans(H, OH), areaSpans(W, OW), H, W);
}

void resizeArea(const ImageView& input, Tensor& output, const ExecContext& context, AreaOrder order)
{
    const int64_t H = input.height, W = input.width;
    const int64_t OH = output.dim(1), OW = output.dim(2);
    if (OH == H && OW == W) {
        copyImages(input, output, context);
        return;
    }
    const std::vector<AreaSpan> ys = areaSpans(H, OH);
    const std::vector<AreaSpan> xs = areaSpans(W, OW);
    if (order == AreaOrder::Auto)
        order = chooseAreaOrder(ys, xs, H, W);
    if (order == AreaOrder::ColumnsFirst)
        resizeAreaColumnsFirst(input, output, ys, xs, context);
    else
        resizeAreaRowsFirst(input, output, ys, xs, context);
}

} // namespace layerscope
