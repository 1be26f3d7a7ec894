#include "field_schema.h"

#include <map>

namespace layerscope::gui {

namespace {

const QStringList kDataFormats{"channels_last", "channels_first"};
const QStringList kPadding{"valid", "same"};
const QStringList kInterpolations{"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5"};
const QStringList kActivations{"linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu",
                               "sigmoid", "hard_sigmoid", "silu", "tanh", "softplus", "softsign",
                               "mish", "exponential", "softmax"};

FieldSpec dataFormat()
{
    return {"data_format", "Data format", FieldKind::Enum, kDataFormats, 0, 0, 0,
            "channels_last = NHWC (default), channels_first = NCHW", {}};
}

} // namespace

const std::vector<FieldSpec>& fieldsForClass(const std::string& className)
{
    static const std::map<std::string, std::vector<FieldSpec>> table = {
        {"AveragePooling2D",
         {{"pool_size", "Pool size", FieldKind::IntPair, {}, 0, 4096, 0, "Window (height, width)", {}},
          {"strides", "Strides", FieldKind::OptionalIntPair, {}, 0, 4096, 0,
           "Step of the window; None = pool size", "= pool size"},
          {"padding", "Padding", FieldKind::Enum, kPadding, 0, 0, 0,
           "valid: windows fully inside; same: output ⌈n / s⌉, padding excluded from the average", {}},
          dataFormat()}},
        {"Conv2D",
         {{"filters", "Filters", FieldKind::Int, {}, 0, 4096, 0, "Number of output channels", {}},
          {"kernel_size", "Kernel size", FieldKind::IntPair, {}, 0, 64, 0, "(height, width)", {}},
          {"strides", "Strides", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
          {"padding", "Padding", FieldKind::Enum, kPadding, 0, 0, 0,
           "same pads with zeros, the extra row/column at the bottom/right", {}},
          {"dilation_rate", "Dilation", FieldKind::IntPair, {}, 0, 64, 0, {}, {}},
          {"groups", "Groups", FieldKind::Int, {}, 0, 4096, 0, {}, {}},
          {"activation", "Activation", FieldKind::Enum, kActivations, 0, 0, 0, {}, {}},
          {"use_bias", "Use bias", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
          dataFormat()}},
        {"GlobalAveragePooling2D",
         {{"keepdims", "Keep dims", FieldKind::Bool, {}, 0, 0, 0,
           "Output B×1×1×C instead of B×C", {}},
          dataFormat()}},
        {"Resizing",
         {{"height", "Height", FieldKind::Int, {}, 0, 16384, 0, {}, {}},
          {"width", "Width", FieldKind::Int, {}, 0, 16384, 0, {}, {}},
          {"interpolation", "Interpolation", FieldKind::Enum, kInterpolations, 0, 0, 0,
           "Half-pixel centres, as TF", {}},
          {"crop_to_aspect_ratio", "Crop to aspect ratio", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
          {"pad_to_aspect_ratio", "Pad to aspect ratio", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
          {"fill_value", "Fill value", FieldKind::Float, {}, 0, 0, 0, "Used by pad_to_aspect_ratio", {}},
          {"antialias", "Antialias", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
          dataFormat()}},
        {"UpSampling2D",
         {{"size", "Size", FieldKind::IntPair, {}, 0, 256, 0, "Factor (height, width)", {}},
          {"interpolation", "Interpolation", FieldKind::Enum, kInterpolations, 0, 0, 0, {}, {}},
          dataFormat()}},
        {"Tile",
         {{"multiples", "Multiples", FieldKind::IntList, {}, -1, 256, 4,
           "Repeats per axis (batch, height, width, channels)", {}}}},
    };
    static const std::vector<FieldSpec> none;
    auto it = table.find(className);
    return it == table.end() ? none : it->second;
}

} // namespace layerscope::gui
