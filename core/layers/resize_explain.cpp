#include "resize_explain.h"

#include "../explain/explain_support.h"

#include <algorithm>

namespace layerscope {

using namespace explain;

namespace {

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

} // namespace

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

std::array<AxisRule, 2> resizeAxisRules(int64_t H, int64_t W, Interpolation mode, bool antialias, const AspectFit& fit,
                                        int64_t outH, int64_t outW)
{
    const bool none = fit.kind == AspectFit::Kind::None;
    const int64_t sign = fit.kind == AspectFit::Kind::Pad ? -1 : 1;
    const int64_t fitH = none ? H : fit.height, fitW = none ? W : fit.width;
    const bool copy = copiesWhenSameSize(resizeMethod(mode, antialias)) && fitH == outH && fitW == outW;
    return {resizeRule(H, mode, antialias, fitH, outH, none ? 0 : sign * fit.top, copy),
            resizeRule(W, mode, antialias, fitW, outW, none ? 0 : sign * fit.left, copy)};
}

} // namespace layerscope
