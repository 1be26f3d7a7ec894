#include "explain_support.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace layerscope {

namespace explain {

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
std::string joinTerms(const std::vector<std::string>& terms, const std::string& separator, size_t limit)
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

std::string plural(int64_t n, const std::string& word, const std::string& many)
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

Dims dimsOf(const Shape& shape, DataFormat format)
{
    const bool nchw = format == DataFormat::ChannelsFirst;
    if (shape.size() == 3)
        return nchw ? Dims{1, shape[1], shape[2], shape[0]} : Dims{1, shape[0], shape[1], shape[2]};
    return nchw ? Dims{shape[0], shape[2], shape[3], shape[1]} : Dims{shape[0], shape[1], shape[2], shape[3]};
}

void finishWindow(CellExplanation& e, int64_t H, int64_t W)
{
    e.clipped = {std::max<int64_t>(e.window.y0, 0), std::min(e.window.y1, H - 1),
                 std::max<int64_t>(e.window.x0, 0), std::min(e.window.x1, W - 1)};
}

} // namespace explain

using namespace explain;

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

} // namespace layerscope
