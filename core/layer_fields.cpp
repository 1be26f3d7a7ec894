#include "layer_fields.h"

namespace layerscope {

FieldSpec dataFormatField()
{
    FieldSpec f;
    f.key = "data_format";
    f.label = "Data format";
    f.kind = FieldKind::Enum;
    f.choices = {"channels_last", "channels_first"};
    f.toolTip = "channels_last = NHWC (default), channels_first = NCHW";
    return f;
}

const std::vector<std::string>& paddingChoices()
{
    static const std::vector<std::string> choices{"valid", "same"};
    return choices;
}

const std::vector<std::string>& interpolationChoices()
{
    static const std::vector<std::string> choices{"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5"};
    return choices;
}

} // namespace layerscope
