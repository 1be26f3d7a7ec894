#include "shape_what_if.h"

#include "core/layout.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace layerscope {

WhatIfEntry evaluateWindow(const WindowConfig& c, const std::string& axis)
{
    WhatIfEntry e;
    const char* k = c.convolution ? "kernel_size" : "pool_size";
    if (c.input <= 0)
        e.reason = "the input size must be > 0";
    else if (c.kernel <= 0)
        e.reason = std::string(k) + " must be > 0";
    else if (c.stride <= 0)
        e.reason = "strides must be > 0 (a zero stride cannot slide the window)";
    else if (c.dilation <= 0)
        e.reason = "dilation_rate must be > 0";
    else if (!c.convolution && c.dilation != 1)
        e.reason = "pooling has no dilation";
    else if (c.convolution && c.stride > 1 && c.dilation > 1)
        e.reason = "strides > 1 together with dilation_rate > 1 is not supported by Keras Conv2D";
    if (!e.reason.empty())
        return e;
    const WindowAxis w = windowAxis(axis, c.input, c.kernel, c.stride, c.dilation, c.padding);
    e.output = w.output;
    e.padBefore = w.padBefore;
    e.padAfter = w.padAfter;
    e.arithmetic = w.explanation.arithmetic;
    if (w.output <= 0) {
        const int64_t ek = c.dilation * (c.kernel - 1) + 1;
        e.reason = "output " + w.explanation.arithmetic + " ≤ 0: the " + (c.dilation > 1 ? "effective kernel " : "window ")
                 + std::to_string(ek) + " is larger than the input " + std::to_string(c.input) + " with valid padding";
        return e;
    }
    e.valid = true;
    return e;
}

namespace {

// n − 2 … n + 2, keeping values ≥ 1.
std::vector<int64_t> neighbours(int64_t v)
{
    std::vector<int64_t> values;
    for (int64_t x = v - 2; x <= v + 2; ++x)
        if (x >= 1)
            values.push_back(x);
    return values;
}

// 1 … 4, plus the current value when it lies outside.
std::vector<int64_t> smallRange(int64_t v)
{
    std::vector<int64_t> values{1, 2, 3, 4};
    if (v > 4)
        values.push_back(v);
    return values;
}

std::vector<std::string> labels(const std::vector<int64_t>& values)
{
    std::vector<std::string> text;
    for (int64_t v : values)
        text.push_back(std::to_string(v));
    return text;
}

WhatIfTable table(const std::string& title, const std::string& rowName, const std::vector<int64_t>& rows,
                  const std::string& columnName, const std::vector<int64_t>& columns, const WindowConfig& base,
                  const std::string& axis, const std::function<void(WindowConfig&, int64_t, int64_t)>& set,
                  const std::function<std::pair<int64_t, int64_t>(const WindowConfig&)>& current)
{
    WhatIfTable t;
    t.title = title;
    t.rowParameter = rowName;
    t.columnParameter = columnName;
    t.rowLabels = labels(rows);
    t.columnLabels = labels(columns);
    const auto [currentRow, currentColumn] = current(base);
    for (size_t r = 0; r < rows.size(); ++r) {
        std::vector<WhatIfEntry> line;
        for (size_t c = 0; c < columns.size(); ++c) {
            WindowConfig config = base;
            set(config, rows[r], columns[c]);
            line.push_back(evaluateWindow(config, axis));
            if (rows[r] == currentRow && columns[c] == currentColumn) {
                t.currentRow = static_cast<int>(r);
                t.currentColumn = static_cast<int>(c);
            }
        }
        t.entries.push_back(std::move(line));
    }
    return t;
}

} // namespace

ShapeWhatIf shapeWhatIf(const WindowConfig& config, const std::string& axis)
{
    ShapeWhatIf w;
    w.axis = axis;
    w.config = config;
    w.current = evaluateWindow(config, axis);
    const bool rows = axis == "height";
    const std::string before = rows ? "top" : "left", after = rows ? "bottom" : "right";
    if (config.input > 0 && config.kernel > 0 && config.stride > 0 && config.dilation > 0) {
        const WindowAxis axisMath = windowAxis(axis, config.input, config.kernel, config.stride, config.dilation,
                                               config.padding);
        w.rule = axisMath.explanation.rule;
        w.padTotal = axisMath.padBefore + axisMath.padAfter;
        const int64_t ek = config.dilation * (config.kernel - 1) + 1;
        if (config.padding == Padding::Same) {
            w.paddingSplit = "SAME: total " + std::to_string(w.padTotal) + " = " + std::to_string(axisMath.padBefore)
                           + " " + before + " + " + std::to_string(axisMath.padAfter) + " " + after;
            if (w.padTotal % 2 == 1)
                w.paddingSplit += " (the odd pad goes to the " + after + ", as TF does)";
        } else {
            w.paddingSplit = "valid: no padding; the window must fit inside the input";
        }
        for (int64_t o = 0; o < std::min(axisMath.output, kMaxDiagramWindows); ++o) {
            const int64_t first = o * config.stride - axisMath.padBefore;
            w.windows.push_back({first, first + ek - 1});
        }
    }

    const std::string kName = config.convolution ? "kernel k" : "pool k";
    using Config = WindowConfig;
    w.tables.push_back(table(
        "output size by input size n and stride s", "n", neighbours(config.input), "s", smallRange(config.stride),
        config, axis, [](Config& c, int64_t r, int64_t s) { c.input = r; c.stride = s; },
        [](const Config& c) { return std::pair{c.input, c.stride}; }));
    w.tables.push_back(table(
        "output size by " + kName + " and stride s", "k", neighbours(config.kernel), "s", smallRange(config.stride),
        config, axis, [](Config& c, int64_t k, int64_t s) { c.kernel = k; c.stride = s; },
        [](const Config& c) { return std::pair{c.kernel, c.stride}; }));
    if (config.convolution)
        w.tables.push_back(table(
            "output size by dilation d and input size n", "d", smallRange(config.dilation), "n",
            neighbours(config.input), config, axis, [](Config& c, int64_t d, int64_t n) { c.dilation = d; c.input = n; },
            [](const Config& c) { return std::pair{c.dilation, c.input}; }));
    WhatIfTable padding = table(
        "output size by input size n and padding", "n", neighbours(config.input), "padding", {0, 1}, config, axis,
        [](Config& c, int64_t n, int64_t p) { c.input = n; c.padding = p ? Padding::Same : Padding::Valid; },
        [](const Config& c) { return std::pair{c.input, int64_t{c.padding == Padding::Same}}; });
    padding.columnLabels = {"valid", "same"};
    w.tables.push_back(std::move(padding));
    return w;
}

ShapeWhatIf shapeWhatIf(const Layer& layer, const Shape& input, int spatialAxis)
{
    if (spatialAxis != 0 && spatialAxis != 1)
        throw std::invalid_argument("spatialAxis must be 0 (height) or 1 (width), got " + std::to_string(spatialAxis));
    if (input.size() != 4)
        throw std::invalid_argument("a windowed layer needs a rank-4 input, got " + shapeToTuple(input));
    const std::optional<WindowConfig> c = layer.slidingWindow(input, spatialAxis);
    if (!c)
        throw std::invalid_argument(layer.className() + " has no sliding window (shape what-if is for pooling "
                                    "and convolution layers)");
    return shapeWhatIf(*c, spatialAxis == 0 ? "height" : "width");
}

} // namespace layerscope
