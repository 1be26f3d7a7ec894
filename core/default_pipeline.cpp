#include "default_pipeline.h"

#include <array>

namespace layerscope {

using nlohmann::json;

Pipeline defaultPipeline(int64_t inputChannels)
{
    const int64_t C = std::max<int64_t>(1, inputChannels);
    // Four named 3×3 filters, each applied to the mean of the input channels so that every filter
    // responds to brightness (weights divided by C).
    const std::array<std::array<float, 9>, 4> filters = {{
        {0, 0, 0, 0, 1, 0, 0, 0, 0},                                   // identity
        {1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f}, // box blur
        {-1, 0, 1, -2, 0, 2, -1, 0, 1},                                // Sobel x
        {-1, -2, -1, 0, 0, 0, 1, 2, 1},                                // Sobel y
    }};
    json kernel = json::array();
    for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx)
            for (int64_t ci = 0; ci < C; ++ci)
                for (const auto& filter : filters)
                    kernel.push_back(filter[static_cast<size_t>(ky * 3 + kx)] / static_cast<float>(C));
    const json layers = json::array({
        {{"class_name", "Conv2D"},
         {"config", {{"name", "conv_filters"}, {"filters", 4}, {"kernel_size", {3, 3}}, {"strides", {1, 1}},
                     {"padding", "same"}, {"data_format", "channels_last"}, {"dilation_rate", {1, 1}},
                     {"groups", 1}, {"activation", "linear"}, {"use_bias", true}}},
         {"weights", {{"kernel", {{"shape", {3, 3, C, 4}}, {"data", kernel}}},
                      {"bias", {{"shape", {4}}, {"data", {0, 0, 0, 0}}}}}}},
        {{"class_name", "AveragePooling2D"},
         {"config", {{"name", "pool"}, {"pool_size", {2, 2}}, {"strides", {2, 2}}, {"padding", "valid"},
                     {"data_format", "channels_last"}}}},
        {{"class_name", "UpSampling2D"},
         {"config", {{"name", "upsample"}, {"size", {2, 2}}, {"interpolation", "bilinear"},
                     {"data_format", "channels_last"}}}},
        {{"class_name", "Resizing"},
         {"config", {{"name", "resize"}, {"height", 96}, {"width", 128}, {"interpolation", "bicubic"},
                     {"crop_to_aspect_ratio", true}, {"data_format", "channels_last"}}}},
        {{"class_name", "Tile"}, {"config", {{"name", "tile"}, {"multiples", {1, 2, 2, 1}}}}},
    });
    Pipeline pipeline = parsePipelineJson(layers.dump());
    pipeline.name = "layerscope_default";
    return pipeline;
}

} // namespace layerscope
