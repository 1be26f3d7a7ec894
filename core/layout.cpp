#include "layout.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace layerscope {

std::string dataFormatName(DataFormat format)
{
    return format == DataFormat::ChannelsLast ? "channels_last" : "channels_first";
}

DataFormat parseDataFormat(const nlohmann::json& value)
{
    if (value.is_null())
        return DataFormat::ChannelsLast; // keras.config.image_data_format() default
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (text == "channels_last")
        return DataFormat::ChannelsLast;
    if (text == "channels_first")
        return DataFormat::ChannelsFirst;
    throw std::invalid_argument("The `data_format` argument must be one of {'channels_first', "
                                "'channels_last'}. Received: data_format="
                                + text);
}

static Tensor transpose4(const Tensor& input, bool toNhwc)
{
    const Shape& s = input.shape();
    const int64_t n = s[0];
    // Source (n, a, b, c) is permuted to (n, b, c, a) for NCHW→NHWC or (n, c, a, b) for NHWC→NCHW.
    const Shape out = toNhwc ? Shape{n, s[2], s[3], s[1]} : Shape{n, s[3], s[1], s[2]};
    Tensor result = Tensor::uninitialized(out);
    const float* src = input.data();
    float* dst = result.data();
    if (toNhwc) {
        const int64_t C = s[1], HW = s[2] * s[3];
        for (int64_t b = 0; b < n; ++b)
            for (int64_t c = 0; c < C; ++c)
                for (int64_t p = 0; p < HW; ++p)
                    dst[(b * HW + p) * C + c] = src[(b * C + c) * HW + p];
    } else {
        const int64_t HW = s[1] * s[2], C = s[3];
        for (int64_t b = 0; b < n; ++b)
            for (int64_t p = 0; p < HW; ++p)
                for (int64_t c = 0; c < C; ++c)
                    dst[(b * C + c) * HW + p] = src[(b * HW + p) * C + c];
    }
    return result;
}

Tensor nchwToNhwc(const Tensor& input) { return transpose4(input, /*toNhwc=*/true); }
Tensor nhwcToNchw(const Tensor& input) { return transpose4(input, /*toNhwc=*/false); }

Shape nchwToNhwc(const Shape& s) { return {s[0], s[2], s[3], s[1]}; }
Shape nhwcToNchw(const Shape& s) { return {s[0], s[3], s[1], s[2]}; }

std::vector<AxisExplanation> axesInFormat(std::vector<AxisExplanation> axes, DataFormat format)
{
    if (format == DataFormat::ChannelsFirst && axes.size() == 4)
        return {axes[0], axes[3], axes[1], axes[2]};
    return axes;
}

} // namespace layerscope
