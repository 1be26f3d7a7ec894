#include "average_pooling2d.h"

#include "../config_parse.h"
#include "../parallel.h"

#include <algorithm>
#include <vector>

namespace layerscope {

std::unique_ptr<AveragePooling2D> AveragePooling2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    AveragePooling2DParams p;
    p.poolSize = readPair(config, "pool_size", std::array<int64_t, 2>{2, 2});
    p.strides = readOptionalPair(config, "strides");
    p.padding = parsePadding(readString(config, "padding", "valid"), /*convolution=*/false);
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    return std::make_unique<AveragePooling2D>(readString(config, "name", "average_pooling2d"), p);
}

nlohmann::json AveragePooling2D::config() const
{
    const auto strides = m_params.effectiveStrides();
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"pool_size", {m_params.poolSize[0], m_params.poolSize[1]}},
            {"padding", paddingName(m_params.padding)},
            {"strides", {strides[0], strides[1]}},
            {"data_format", dataFormatName(m_params.dataFormat)}};
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

LayerShape AveragePooling2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    if (auto message = checkPositivePair(m_params.poolSize, "pool_size"); !message.empty())
        throw error(message);
    const auto strides = m_params.effectiveStrides();
    if (auto message = checkPositivePair(strides, "strides"); !message.empty())
        throw error(message + " (a zero stride cannot slide the window)");
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    const WindowAxis rows = windowAxis("height", nhwc[1], m_params.poolSize[0], strides[0], 1, m_params.padding);
    const WindowAxis cols = windowAxis("width", nhwc[2], m_params.poolSize[1], strides[1], 1, m_params.padding);
    for (const WindowAxis* axis : {&rows, &cols}) {
        if (axis->output > 0)
            continue;
        const bool isRows = axis == &rows;
        const int64_t k = m_params.poolSize[isRows ? 0 : 1];
        const int64_t n = nhwc[isRows ? 1 : 2];
        throw error("Computed output size would be zero or negative: " + axis->explanation.arithmetic
                    + (isRows ? " rows" : " columns") + " (pool " + (isRows ? "height " : "width ")
                    + std::to_string(k) + " > input " + (isRows ? "height " : "width ")
                    + std::to_string(n) + " with padding='valid'). Received: `inputs.shape="
                    + shapeToTuple(input) + "`, `pool_size="
                    + tupleString({m_params.poolSize[0], m_params.poolSize[1]})
                    + "`, `strides=" + tupleString({strides[0], strides[1]}) + "`, `padding=valid`.");
    }
    LayerShape result;
    const Shape outNhwc{nhwc[0], rows.output, cols.output, nhwc[3]};
    result.output = m_params.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(outNhwc) : outNhwc;
    result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), rows.explanation, cols.explanation,
                                copiedAxis("channels", nhwc[3])},
                               m_params.dataFormat);
    return result;
}

void averagePoolNhwc(const Tensor& input, Tensor& output, std::array<int64_t, 2> pool,
                     std::array<int64_t, 2> strides, std::array<int64_t, 2> padBefore,
                     const ExecContext& context)
{
    const int64_t B = input.dim(0), H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OH = output.dim(1), OW = output.dim(2);
    const float* in = input.data();
    float* out = output.data();
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
    guard(context, shape.output);
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Tensor converted = nchw ? nchwToNhwc(input) : Tensor();
    const Tensor& nhwc = nchw ? converted : input;
    // Axes 1 and 2 of the explanation in NHWC order are height and width.
    const Shape outNhwc = nchw ? nchwToNhwc(shape.output) : shape.output;
    const auto strides = m_params.effectiveStrides();
    const WindowAxis rows = windowAxis("height", nhwc.dim(1), m_params.poolSize[0], strides[0], 1, m_params.padding);
    const WindowAxis cols = windowAxis("width", nhwc.dim(2), m_params.poolSize[1], strides[1], 1, m_params.padding);
    Tensor output = Tensor::uninitialized(outNhwc);
    averagePoolNhwc(nhwc, output, m_params.poolSize, strides, {rows.padBefore, cols.padBefore}, context);
    if (nchw)
        return nhwcToNchw(output);
    return output; // (a ternary here would copy the whole output)
}

} // namespace layerscope
