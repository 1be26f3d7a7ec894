#include "global_average_pooling2d.h"

#include "../config_parse.h"
#include "../parallel.h"

#include <vector>

namespace layerscope {

std::unique_ptr<GlobalAveragePooling2D> GlobalAveragePooling2D::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    GlobalAveragePooling2DParams p;
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    p.keepDims = readBool(config, "keepdims", false);
    return std::make_unique<GlobalAveragePooling2D>(readString(config, "name", "global_average_pooling2d"), p);
}

nlohmann::json GlobalAveragePooling2D::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"data_format", dataFormatName(m_params.dataFormat)},
            {"keepdims", m_params.keepDims}};
}

std::string GlobalAveragePooling2D::summary() const
{
    std::string text = m_params.keepDims ? "mean over H×W, keepdims" : "mean over H×W";
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

LayerShape GlobalAveragePooling2D::inferShape(const Shape& input) const
{
    requireRank4(input);
    const Shape nhwc = m_params.dataFormat == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
    for (int axis = 1; axis <= 2; ++axis)
        if (nhwc[axis] <= 0)
            throw error("cannot average over an empty " + std::string(axis == 1 ? "height" : "width")
                        + " of " + std::to_string(nhwc[axis]));
    // H·W for the explanation; the shape may be a virtual one (a Tile of 2^59 upstream) whose
    // product does not fit in int64, then it is written as the product.
    int64_t values = 0;
    const std::string valuesText = __builtin_mul_overflow(nhwc[1], nhwc[2], &values)
                                       ? std::to_string(nhwc[1]) + " · " + std::to_string(nhwc[2])
                                       : std::to_string(values);
    auto mean = [&](const char* axis, int64_t n) {
        AxisExplanation e;
        e.axis = axis;
        e.rule = "averaged away";
        e.input = n;
        e.output = 1;
        e.arithmetic = std::to_string(n) + " → 1 (mean of " + valuesText + " values)";
        return e;
    };
    LayerShape result;
    if (m_params.keepDims) {
        const Shape outNhwc{nhwc[0], 1, 1, nhwc[3]};
        result.output = m_params.dataFormat == DataFormat::ChannelsFirst ? nhwcToNchw(outNhwc) : outNhwc;
        result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), mean("height", nhwc[1]),
                                    mean("width", nhwc[2]), copiedAxis("channels", nhwc[3])},
                                   m_params.dataFormat);
    } else {
        result.output = {nhwc[0], nhwc[3]};
        result.axes = {copiedAxis("batch", nhwc[0]), copiedAxis("channels", nhwc[3])};
        result.axes[1].arithmetic += " (height " + std::to_string(nhwc[1]) + " and width "
                                   + std::to_string(nhwc[2]) + " averaged away)";
    }
    return result;
}

Tensor GlobalAveragePooling2D::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Shape& s = input.shape();
    const int64_t B = s[0];
    const int64_t C = nchw ? s[1] : s[3];
    const int64_t HW = nchw ? s[2] * s[3] : s[1] * s[2];
    Tensor output = Tensor::uninitialized(shape.output);
    const float* in = input.data();
    float* out = output.data();
    // Output is (B, C) in every layout (the kept 1×1 axes do not change the flat order).
    parallelChunks(B, 1, context, [&](int64_t begin, int64_t end) {
        std::vector<double> sum(static_cast<size_t>(C));
        for (int64_t b = begin; b < end; ++b) {
            std::fill(sum.begin(), sum.end(), 0.0);
            if (nchw) {
                for (int64_t c = 0; c < C; ++c) {
                    const float* plane = in + (b * C + c) * HW;
                    double acc = 0.0;
                    for (int64_t p = 0; p < HW; ++p)
                        acc += plane[p];
                    sum[static_cast<size_t>(c)] = acc;
                }
            } else {
                for (int64_t p = 0; p < HW; ++p) {
                    const float* pixel = in + (b * HW + p) * C;
                    double* acc = sum.data();
#pragma omp simd
                    for (int64_t c = 0; c < C; ++c)
                        acc[c] += pixel[c];
                }
            }
            for (int64_t c = 0; c < C; ++c)
                out[b * C + c] = static_cast<float>(sum[static_cast<size_t>(c)] / static_cast<double>(HW));
        }
    });
    return output;
}

} // namespace layerscope
