#include "augmentation.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "reshaping_support.h"

#include <stdexcept>

namespace layerscope {

using nlohmann::json;

// ---- shared ------------------------------------------------------------------------------

AugmentationParams AugmentationLayer::readParams(const json& object, const json& defaults,
                                                 const std::vector<std::string>& numberKeys,
                                                 const std::vector<std::string>& stringKeys)
{
    const json& config = object.at("config");
    if (!config.is_object())
        throw std::invalid_argument("the layer config must be an object");
    AugmentationParams p{defaults};
    // Only the class's own constructor arguments: a legacy key (batch_input_shape) or a tf.keras 2
    // one is dropped, as the other layers ignore keys they do not read.
    for (auto it = config.begin(); it != config.end(); ++it)
        if (defaults.contains(it.key()))
            p.config[it.key()] = it.value();
    auto isNumber = [](const json& v) { return v.is_number() && !v.is_boolean(); };
    for (const std::string& key : numberKeys) {
        const json& v = p.config[key];
        bool ok = v.is_null() || isNumber(v);
        if (v.is_array()) {
            ok = true;
            for (const json& e : v)
                ok = ok && isNumber(e);
        }
        if (!ok)
            throw std::invalid_argument("`" + key + "` must be a number or a list of two numbers. Received: " + key
                                        + "=" + pythonRepr(v));
    }
    for (const std::string& key : stringKeys)
        if (!p.config[key].is_string())
            throw std::invalid_argument("`" + key + "` must be a string. Received: " + key + "="
                                        + pythonRepr(p.config[key]));
    p.config["data_format"] = dataFormatName(parseDataFormat(p.config.value("data_format", json())));
    return p;
}

json AugmentationLayer::config() const
{
    json c = {{"name", name()}, {"trainable", true}, {"dtype", "float32"}};
    for (auto it = m_params.config.begin(); it != m_params.config.end(); ++it)
        c[it.key()] = it.value();
    return c;
}

std::optional<DataFormat> AugmentationLayer::dataFormat() const
{
    return parseDataFormat(m_params.config.value("data_format", json()));
}

std::string AugmentationLayer::summary() const
{
    return "identity at inference";
}

LayerShape AugmentationLayer::inferShape(const Shape& input) const
{
    if (const std::string message = configError(); !message.empty())
        throw error(message);
    if (input.size() != 3 && input.size() != 4)
        throw error(contrastStyleRankMessage()
                        ? "Expected the input image to be rank 3 or 4. Received inputs.shape=" + shapeToTuple(input)
                        : "Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: "
                          "data.shape=" + shapeToTuple(input));
    LayerShape result;
    result.output = input;
    const DataFormat format = *dataFormat();
    if (input.size() == 4) {
        const Shape nhwc = format == DataFormat::ChannelsFirst ? nchwToNhwc(input) : input;
        result.axes = axesInFormat({copiedAxis("batch", nhwc[0]), copiedAxis("height", nhwc[1]),
                                    copiedAxis("width", nhwc[2]), copiedAxis("channels", nhwc[3])},
                                   format);
    } else {
        const bool nchw = format == DataFormat::ChannelsFirst;
        result.axes = {copiedAxis(nchw ? "channels" : "height", input[0]), copiedAxis(nchw ? "height" : "width", input[1]),
                       copiedAxis(nchw ? "width" : "channels", input[2])};
    }
    for (AxisExplanation& a : result.axes)
        a.arithmetic += " (identity at inference)";
    return result;
}

Tensor AugmentationLayer::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    context.throwIfCancelled();
    return input;
}

CellExplanation AugmentationLayer::explainOutputCell(const Tensor& input, const Shape& /*output*/,
                                                     const CellIndex& o) const
{
    const DataFormat format = *dataFormat();
    CellExplanation e;
    e.kind = ExplanationKind::Copy;
    ContributingCell cell;
    cell.cell = o;
    cell.value = input[tensorOffset(input.shape(), o, format)];
    cell.windowY = cell.windowX = 0;
    e.cells.push_back(cell);
    e.cellCount = 1;
    e.value = cell.value;
    e.exact = true;
    e.window = e.clipped = {o.y, o.y, o.x, o.x};
    e.summary = "= the input cell " + cellText(o) + " = " + formatValue(e.value) + ": " + className()
              + " is the identity at inference (model.predict, training=False)";
    e.details.push_back("in training it " + trainingEffect()
                        + "; a call without training= (layer(x), model(x)) counts as training for the "
                          "augmentation layers");
    return e;
}

RegionMapping AugmentationLayer::mapOutputRegion(const Shape& /*input*/, const Shape& /*output*/,
                                                 const std::vector<Interval>& clipped,
                                                 const std::vector<Interval>& unclipped) const
{
    return {clipped, unclipped};
}

std::vector<AxisWindow> AugmentationLayer::outputAxisWindows(const Shape& input, const Shape& output,
                                                             int spatialAxis) const
{
    return slabWindows(input, output, *dataFormat(), spatialAxis,
                       [](const std::vector<Interval>& box) { return RegionMapping{box, box}; });
}

namespace {

// A config value, null when the key is missing (a const json's operator[] must not be used).
const json& value(const json& config, const std::string& key)
{
    static const json null;
    const auto it = config.find(key);
    return it != config.end() ? *it : null;
}

const std::vector<std::string>& fillModes()
{
    static const std::vector<std::string> modes{"reflect", "wrap", "constant", "nearest"};
    return modes;
}

const std::vector<std::string>& interpolations()
{
    static const std::vector<std::string> modes{"nearest", "bilinear"};
    return modes;
}

// base_image_preprocessing_layer.py _set_factor: a number within [lo, hi], or a pair whose first
// element is not above hi and whose second is not below lo.
std::string baseFactorError(const json& f, double lo, double hi, const std::string& range)
{
    const std::string message = "The `factor` argument should be a number (or a list of two numbers) in the range "
                              + range + ". Received: factor=" + pythonRepr(f);
    if (f.is_array()) {
        if (f.size() != 2 || !f[0].is_number() || !f[1].is_number() || f[0].get<double>() > hi
            || f[1].get<double>() < lo)
            return message;
        return {};
    }
    if (!f.is_number())
        return message;
    const double v = f.get<double>();
    return v < lo || v > hi ? message : std::string();
}

// RandomZoom / RandomTranslation _set_factor with their own range test per number.
std::string perNumberFactorError(const json& f, const std::string& name, const std::string& prefix,
                                 const std::function<bool(double)>& outside)
{
    if (f.is_array()) {
        if (f.size() != 2)
            return prefix + "Received: " + name + "=" + pythonRepr(f);
        for (const json& v : f)
            if (!v.is_number() || outside(v.get<double>()))
                return prefix + "Received: input_number=" + pythonRepr(v);
        return {};
    }
    if (!f.is_number())
        return prefix + "Received: " + name + "=" + pythonRepr(f);
    return outside(f.get<double>()) ? prefix + "Received: input_number=" + pythonRepr(f) : std::string();
}

std::string choiceError(const json& config, const std::string& key, const std::vector<std::string>& choices)
{
    const std::string value = config.value(key, std::string());
    for (const std::string& c : choices)
        if (c == value)
            return {};
    std::string list;
    for (const std::string& c : choices)
        list += (list.empty() ? "('" : ", '") + c + "'";
    return "Unknown `" + key + "` " + value + ". Expected of one " + list + ").";
}

FieldSpec floatField(const std::string& key, const std::string& label, const std::string& tip)
{
    return {key, label, FieldKind::Float, {}, 0, 0, 0, tip, {}};
}

FieldSpec enumField(const std::string& key, const std::string& label, const std::vector<std::string>& choices)
{
    return {key, label, FieldKind::Enum, choices, 0, 0, 0, "Used in training only", {}};
}

// A factor from fuzzer bytes: a small or absurd number, a pair, a wrong-length list or a string.
json fuzzFactor(FuzzBytes& in)
{
    switch (in.next() % 5) {
    case 0: return static_cast<double>(in.value()) / 4.0;
    case 1: return json{static_cast<double>(in.value()) / -4.0, static_cast<double>(in.value()) / 4.0};
    case 2: return json{0.1, 0.2, 0.3};
    case 3: return "a";
    default: return 0.25;
    }
}

json fuzzConfig(const std::string& name, json config, FuzzBytes& in)
{
    config["name"] = name;
    config["data_format"] = in.dataFormat();
    return config;
}

} // namespace

#define LAYERSCOPE_AUGMENTATION_FROM_JSON(Class, numbers, strings)                                 \
    std::unique_ptr<Class> Class::fromJson(const json& object)                                     \
    {                                                                                              \
        return std::make_unique<Class>(readString(object.at("config"), "name", kNameStem),         \
                                       readParams(object, defaults(), numbers, strings));          \
    }

// ---- RandomFlip ------------------------------------------------------------------------------

json RandomFlip::defaults() { return {{"mode", "horizontal_and_vertical"}, {"seed", nullptr}, {"data_format", "channels_last"}}; }
LAYERSCOPE_AUGMENTATION_FROM_JSON(RandomFlip, {}, {"mode"})
std::string RandomFlip::configError() const { return {}; } // Keras checks no argument
bool RandomFlip::contrastStyleRankMessage() const { return false; }
std::string RandomFlip::trainingEffect() const
{
    return "flips each image at random (mode " + m_params.config.value("mode", std::string()) + ")";
}
std::vector<FieldSpec> RandomFlip::editorFields()
{
    return {enumField("mode", "Mode", {"horizontal", "vertical", "horizontal_and_vertical"}), dataFormatField()};
}
json RandomFlip::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName},
            {"config", fuzzConfig(name, {{"mode", in.pick({"horizontal", "vertical", "horizontal_and_vertical", "x"})}}, in)}};
}

// ---- RandomRotation --------------------------------------------------------------------------

json RandomRotation::defaults()
{
    return {{"factor", 0.2}, {"fill_mode", "reflect"}, {"fill_value", 0.0}, {"interpolation", "bilinear"},
            {"seed", nullptr}, {"data_format", "channels_last"}};
}
LAYERSCOPE_AUGMENTATION_FROM_JSON(RandomRotation, (std::vector<std::string>{"factor", "fill_value"}),
                                  (std::vector<std::string>{"fill_mode", "interpolation"}))
std::string RandomRotation::configError() const
{
    const json& c = m_params.config;
    if (auto m = baseFactorError(value(c, "factor"), -1, 1, "[-1, 1]"); !m.empty())
        return m;
    if (auto m = choiceError(c, "fill_mode", fillModes()); !m.empty())
        return m;
    return choiceError(c, "interpolation", interpolations());
}
bool RandomRotation::contrastStyleRankMessage() const { return false; }
std::string RandomRotation::trainingEffect() const
{
    return "rotates each image by a random fraction of 2π drawn from factor " + pythonRepr(value(m_params.config, "factor"));
}
std::vector<FieldSpec> RandomRotation::editorFields()
{
    return {floatField("factor", "Factor", "Rotation range as a fraction of 2π, in [−1, 1] (training only)"),
            enumField("fill_mode", "Fill mode", fillModes()), enumField("interpolation", "Interpolation", interpolations()),
            floatField("fill_value", "Fill value", "For fill_mode constant (training only)"), dataFormatField()};
}
json RandomRotation::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName},
            {"config", fuzzConfig(name, {{"factor", fuzzFactor(in)}, {"fill_mode", in.pick({"reflect", "constant", "foo"})},
                                         {"interpolation", in.pick({"bilinear", "nearest", "area"})}}, in)}};
}

// ---- RandomZoom ------------------------------------------------------------------------------

json RandomZoom::defaults()
{
    return {{"height_factor", 0.2}, {"width_factor", nullptr}, {"fill_mode", "reflect"}, {"interpolation", "bilinear"},
            {"seed", nullptr}, {"fill_value", 0.0}, {"data_format", "channels_last"}};
}
LAYERSCOPE_AUGMENTATION_FROM_JSON(RandomZoom, (std::vector<std::string>{"height_factor", "width_factor", "fill_value"}),
                                  (std::vector<std::string>{"fill_mode", "interpolation"}))
std::string RandomZoom::configError() const
{
    const json& c = m_params.config;
    const std::string prefix = "The `height_factor` and `width_factor` arguments should be a number (or a list of two "
                               "numbers) in the range (-1.0, 1.0]. ";
    auto outside = [](double v) { return v > 1.0 || v <= -1.0; };
    if (auto m = perNumberFactorError(value(c, "height_factor"), "height_factor", prefix, outside); !m.empty())
        return m;
    if (!value(c, "width_factor").is_null())
        if (auto m = perNumberFactorError(value(c, "width_factor"), "width_factor", prefix, outside); !m.empty())
            return m;
    if (auto m = choiceError(c, "fill_mode", fillModes()); !m.empty())
        return m;
    return choiceError(c, "interpolation", interpolations());
}
bool RandomZoom::contrastStyleRankMessage() const { return false; }
std::string RandomZoom::trainingEffect() const
{
    return "zooms each image by a random factor from height_factor " + pythonRepr(value(m_params.config, "height_factor"));
}
std::vector<FieldSpec> RandomZoom::editorFields()
{
    return {floatField("height_factor", "Height factor", "Zoom range in (−1, 1] (training only)"),
            enumField("fill_mode", "Fill mode", fillModes()), enumField("interpolation", "Interpolation", interpolations()),
            floatField("fill_value", "Fill value", "For fill_mode constant (training only)"), dataFormatField()};
}
json RandomZoom::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName},
            {"config", fuzzConfig(name, {{"height_factor", fuzzFactor(in)}, {"width_factor", in.next() % 2 ? json() : fuzzFactor(in)},
                                         {"fill_mode", in.pick({"reflect", "wrap", "foo"})}}, in)}};
}

// ---- RandomTranslation -----------------------------------------------------------------------

json RandomTranslation::defaults()
{
    return {{"height_factor", 0.1}, {"width_factor", 0.1}, {"fill_mode", "reflect"}, {"interpolation", "bilinear"},
            {"seed", nullptr}, {"fill_value", 0.0}, {"data_format", "channels_last"}};
}
LAYERSCOPE_AUGMENTATION_FROM_JSON(RandomTranslation,
                                  (std::vector<std::string>{"height_factor", "width_factor", "fill_value"}),
                                  (std::vector<std::string>{"fill_mode", "interpolation"}))
std::string RandomTranslation::configError() const
{
    const json& c = m_params.config;
    const std::string prefix = "The `factor` argument should be a number (or a list of two numbers) in the range "
                               "[-1.0, 1.0]. ";
    auto outside = [](double v) { return v > 1.0 || v < -1.0; };
    for (const char* key : {"height_factor", "width_factor"})
        if (auto m = perNumberFactorError(value(c, key), key, prefix, outside); !m.empty())
            return m;
    if (auto m = choiceError(c, "fill_mode", fillModes()); !m.empty())
        return m;
    return choiceError(c, "interpolation", interpolations());
}
bool RandomTranslation::contrastStyleRankMessage() const { return false; }
std::string RandomTranslation::trainingEffect() const
{
    return "shifts each image by random fractions of its height and width";
}
std::vector<FieldSpec> RandomTranslation::editorFields()
{
    return {floatField("height_factor", "Height factor", "Shift range as a fraction of the height, in [−1, 1] (training only)"),
            floatField("width_factor", "Width factor", "Shift range as a fraction of the width, in [−1, 1] (training only)"),
            enumField("fill_mode", "Fill mode", fillModes()), enumField("interpolation", "Interpolation", interpolations()),
            floatField("fill_value", "Fill value", "For fill_mode constant (training only)"), dataFormatField()};
}
json RandomTranslation::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName},
            {"config", fuzzConfig(name, {{"height_factor", fuzzFactor(in)}, {"width_factor", fuzzFactor(in)},
                                         {"interpolation", in.pick({"bilinear", "nearest", "bicubic"})}}, in)}};
}

// ---- RandomContrast --------------------------------------------------------------------------

json RandomContrast::defaults()
{
    return {{"factor", 0.2}, {"value_range", {0, 255}}, {"seed", nullptr}, {"data_format", "channels_last"}};
}
LAYERSCOPE_AUGMENTATION_FROM_JSON(RandomContrast, (std::vector<std::string>{"factor", "value_range"}),
                                  std::vector<std::string>{})
std::string RandomContrast::configError() const
{
    return baseFactorError(value(m_params.config, "factor"), 0, 1, "[0, 1]");
}
bool RandomContrast::contrastStyleRankMessage() const { return true; }
std::string RandomContrast::trainingEffect() const
{
    return "scales each image's deviation from its mean by a random factor in 1 ± factor";
}
std::vector<FieldSpec> RandomContrast::editorFields()
{
    return {floatField("factor", "Factor", "Contrast range in [0, 1] (training only)"), dataFormatField()};
}
json RandomContrast::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName}, {"config", fuzzConfig(name, {{"factor", fuzzFactor(in)}}, in)}};
}

// ---- RandomBrightness ------------------------------------------------------------------------

json RandomBrightness::defaults()
{
    return {{"factor", 0.2}, {"value_range", {0, 255}}, {"seed", nullptr}, {"data_format", "channels_last"}};
}
LAYERSCOPE_AUGMENTATION_FROM_JSON(RandomBrightness, (std::vector<std::string>{"factor", "value_range"}),
                                  std::vector<std::string>{})
std::string RandomBrightness::configError() const
{
    const json& c = m_params.config;
    if (auto m = baseFactorError(value(c, "factor"), -1, 1, "[-1, 1]"); !m.empty())
        return m;
    const json& range = value(c, "value_range");
    if (!range.is_array() || range.size() != 2)
        return "The `value_range` argument should be a list of two numbers. Received: value_range=" + pythonRepr(range);
    return {};
}
bool RandomBrightness::contrastStyleRankMessage() const { return true; }
std::string RandomBrightness::trainingEffect() const
{
    return "adds a random offset (factor × the value range) to each image, clipped to value_range";
}
std::vector<FieldSpec> RandomBrightness::editorFields()
{
    return {floatField("factor", "Factor", "Brightness range in [−1, 1] (training only)"), dataFormatField()};
}
json RandomBrightness::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json range = in.next() % 4 ? json{0, 255} : json{0, 1, 2};
    return {{"class_name", kClassName}, {"config", fuzzConfig(name, {{"factor", fuzzFactor(in)}, {"value_range", range}}, in)}};
}

// ---- RandomCrop ------------------------------------------------------------------------------

json RandomCrop::defaults()
{
    return {{"height", 8}, {"width", 8}, {"seed", nullptr}, {"data_format", "channels_last"}};
}
LAYERSCOPE_AUGMENTATION_FROM_JSON(RandomCrop, (std::vector<std::string>{"height", "width"}), std::vector<std::string>{})
std::string RandomCrop::configError() const { return {}; } // Keras checks neither height nor width
bool RandomCrop::contrastStyleRankMessage() const { return false; }
std::string RandomCrop::trainingEffect() const
{
    return "crops a random " + pythonRepr(value(m_params.config, "height")) + "×" + pythonRepr(value(m_params.config, "width"))
         + " window (resizing when the input is smaller); at inference Keras 3 neither crops nor resizes, although "
           "its symbolic output shape says (height, width)";
}
std::vector<FieldSpec> RandomCrop::editorFields()
{
    return {{"height", "Height", FieldKind::Int, {}, 1, 16384, 0, "Crop height in training (inference: no crop)", {}},
            {"width", "Width", FieldKind::Int, {}, 1, 16384, 0, "Crop width in training (inference: no crop)", {}},
            dataFormatField()};
}
json RandomCrop::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName}, {"config", fuzzConfig(name, {{"height", in.value()}, {"width", in.value()}}, in)}};
}

} // namespace layerscope
