#include "pool_geometry.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"

namespace layerscope {

PoolingParams readPoolingParams(const nlohmann::json& config)
{
    PoolingParams p;
    p.poolSize = readPair(config, "pool_size", std::array<int64_t, 2>{2, 2});
    p.strides = readOptionalPair(config, "strides");
    p.padding = parsePadding(readString(config, "padding", "valid"), /*convolution=*/false);
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    return p;
}

nlohmann::json poolingConfigJson(const std::string& name, const PoolingParams& p)
{
    const nlohmann::json strides = p.strides ? nlohmann::json{(*p.strides)[0], (*p.strides)[1]} : nlohmann::json(nullptr);
    return {{"name", name},
            {"trainable", true},
            {"dtype", "float32"},
            {"pool_size", {p.poolSize[0], p.poolSize[1]}},
            {"padding", paddingName(p.padding)},
            {"strides", strides},
            {"data_format", dataFormatName(p.dataFormat)}};
}

PoolAxes poolAxes(const PoolGeometry& g, const Shape& input)
{
    PoolAxes a;
    a.inNhwc = g.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    a.rows = windowAxis("height", a.inNhwc[1], g.pool[0], g.strides[0], 1, g.padding);
    a.cols = windowAxis("width", a.inNhwc[2], g.pool[1], g.strides[1], 1, g.padding);
    a.outNhwc = {a.inNhwc[0], a.rows.output, a.cols.output, a.inNhwc[3]};
    return a;
}

LayerShape poolLayerShape(const std::string& className, const std::string& layerName, const PoolGeometry& g,
                          const Shape& input)
{
    if (auto message = checkPositivePair(g.pool, "pool_size"); !message.empty())
        throw LayerError(className, layerName, message);
    if (auto message = checkPositivePair(g.strides, "strides"); !message.empty())
        throw LayerError(className, layerName, message + " (a zero stride cannot slide the window)");
    const PoolAxes a = poolAxes(g, input);
    for (const WindowAxis* axis : {&a.rows, &a.cols}) {
        if (axis->output > 0)
            continue;
        const bool isRows = axis == &a.rows;
        const int64_t k = g.pool[isRows ? 0 : 1];
        const int64_t n = a.inNhwc[isRows ? 1 : 2];
        throw LayerError(className, layerName,
                         "Computed output size would be zero or negative: " + axis->explanation.arithmetic
                             + (isRows ? " rows" : " columns") + " (pool " + (isRows ? "height " : "width ")
                             + std::to_string(k) + " > input " + (isRows ? "height " : "width ") + std::to_string(n)
                             + " with padding='valid'). Received: `inputs.shape=" + shapeToTuple(input)
                             + "`, `pool_size=" + tupleString({g.pool[0], g.pool[1]}) + "`, `strides="
                             + tupleString({g.strides[0], g.strides[1]}) + "`, `padding=valid`.");
    }
    LayerShape result;
    result.output = g.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(a.outNhwc) : a.outNhwc;
    result.axes = axesInFormat({copiedAxis("batch", a.inNhwc[0]), a.rows.explanation, a.cols.explanation,
                                copiedAxis("channels", a.inNhwc[3])},
                               g.dataFormat);
    return result;
}

std::array<AxisRule, 2> poolAxisRules(const PoolGeometry& g, const Shape& input)
{
    const explain::Dims d = explain::dimsOf(input, g.dataFormat);
    return {windowRule(d.H, g.pool[0], g.strides[0], 1, g.padding, "height"),
            windowRule(d.W, g.pool[1], g.strides[1], 1, g.padding, "width")};
}

std::string poolWindowText(const PoolGeometry& g, const PoolAxes& a, int64_t oy, int64_t ox)
{
    using explain::intText;
    const int64_t y0 = oy * g.strides[0] - a.rows.padBefore, x0 = ox * g.strides[1] - a.cols.padBefore;
    return "window rows " + intText(y0) + "…" + intText(y0 + g.pool[0] - 1) + " = " + std::to_string(oy) + "·"
         + std::to_string(g.strides[0]) + " − " + std::to_string(a.rows.padBefore) + " + 0…"
         + std::to_string(g.pool[0] - 1) + ", columns " + intText(x0) + "…" + intText(x0 + g.pool[1] - 1) + " = "
         + std::to_string(ox) + "·" + std::to_string(g.strides[1]) + " − " + std::to_string(a.cols.padBefore)
         + " + 0…" + std::to_string(g.pool[1] - 1);
}

} // namespace layerscope
