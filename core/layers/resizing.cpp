#include "resizing.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "resize_explain.h"

#include <algorithm>
#include <limits>

namespace layerscope {

std::unique_ptr<Resizing> Resizing::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    ResizingParams p;
    p.height = readInt(config, "height");
    p.width = readInt(config, "width");
    p.interpolation = readString(config, "interpolation", "bilinear");
    p.cropToAspectRatio = readBool(config, "crop_to_aspect_ratio", false);
    p.padToAspectRatio = readBool(config, "pad_to_aspect_ratio", false);
    p.fillMode = readString(config, "fill_mode", "constant");
    p.fillValue = readNumber(config, "fill_value", 0.0);
    p.antialias = readBool(config, "antialias", false);
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    return std::make_unique<Resizing>(readString(config, "name", "resizing"), p);
}

nlohmann::json Resizing::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"height", m_params.height},
            {"width", m_params.width},
            {"interpolation", m_params.interpolation},
            {"crop_to_aspect_ratio", m_params.cropToAspectRatio},
            {"pad_to_aspect_ratio", m_params.padToAspectRatio},
            {"fill_mode", m_params.fillMode},
            {"fill_value", m_params.fillValue},
            {"antialias", m_params.antialias},
            {"data_format", dataFormatName(m_params.dataFormat)}};
}

std::string Resizing::summary() const
{
    std::string text = std::to_string(m_params.height) + "×" + std::to_string(m_params.width) + " "
                     + m_params.interpolation;
    if (m_params.cropToAspectRatio)
        text += ", crop";
    if (m_params.padToAspectRatio)
        text += ", pad";
    if (m_params.antialias)
        text += ", antialias";
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

AspectFit Resizing::aspectFit(int64_t inHeight, int64_t inWidth) const
{
    if (m_params.cropToAspectRatio)
        return cropToAspectRatio(inHeight, inWidth, m_params.height, m_params.width);
    if (m_params.padToAspectRatio)
        return padToAspectRatio(inHeight, inWidth, m_params.height, m_params.width);
    return {};
}

static std::string sizeText(int64_t h, int64_t w)
{
    return std::to_string(h) + "×" + std::to_string(w);
}

static std::string plural(int64_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// "crop 4×9 → 4×6 (left 1)" / "pad 4×9 → 6×9 (1 row above and below; ...)".
static std::string fitText(const AspectFit& fit, int64_t H, int64_t W)
{
    std::string text;
    if (fit.kind == AspectFit::Kind::Crop) {
        text = "crop " + sizeText(H, W) + " → " + sizeText(fit.height, fit.width);
        std::string offsets;
        if (fit.top > 0)
            offsets = "top " + std::to_string(fit.top);
        if (fit.left > 0)
            offsets += (offsets.empty() ? "" : ", ") + std::string("left ") + std::to_string(fit.left);
        if (!offsets.empty())
            text += " (" + offsets + ")";
        return text;
    }
    text = "pad " + sizeText(H, W) + " → " + sizeText(fit.height, fit.width);
    if (fit.top > 0)
        text += " (" + plural(fit.top, "row") + " of fill_value above and below";
    else if (fit.left > 0)
        text += " (" + plural(fit.left, "column") + " of fill_value left and right";
    else
        return text + " (aspect ratio already matches)";
    // §4.5 quirk: TF pads the same amount on both sides, so an odd difference loses one.
    if (fit.height != fit.targetPadHeight || fit.width != fit.targetPadWidth)
        text += "; pad target " + sizeText(fit.targetPadHeight, fit.targetPadWidth)
              + " is one more, the odd difference cannot be split";
    return text + ")";
}

LayerShape Resizing::inferShape(const Shape& input) const
{
    if (input.size() != 3 && input.size() != 4)
        throw error("Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
                    "Received: data.shape="
                    + shapeToTuple(input));
    const auto mode = m_params.interpolationMode();
    if (!mode)
        throw error(interpolationErrorMessage(m_params.interpolation));
    if (m_params.fillMode != "constant")
        throw error("Invalid value for argument `fill_mode`. Only `'constant'` is supported. Received: fill_mode="
                    + m_params.fillMode);
    if (m_params.padToAspectRatio && m_params.cropToAspectRatio)
        throw error("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.");
    if (m_params.height <= 0 || m_params.width <= 0) {
        std::string bad;
        if (m_params.height <= 0)
            bad = "height=" + std::to_string(m_params.height);
        if (m_params.width <= 0)
            bad += (bad.empty() ? "" : ", ") + std::string("width=") + std::to_string(m_params.width);
        throw error("output dimensions must be positive: " + bad + " (the output would be "
                    + sizeText(m_params.height, m_params.width) + ")");
    }
    const bool single = input.size() == 3;
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    // NHWC view of the input's (batch), height, width, channels.
    const size_t offset = single ? 0 : 1;
    const int64_t H = input[offset + (nchw ? 1 : 0)];
    const int64_t W = input[offset + (nchw ? 2 : 1)];
    const int64_t C = input[nchw ? offset : offset + 2];
    if (H <= 0 || W <= 0)
        throw error("input image must be of non-zero size. Received: " + shapeToTuple(input));
    if (C <= 0)
        throw error("image must have at least one channel. Received: " + shapeToTuple(input));

    AxisExplanation rows = setAxis("height", H, m_params.height, "height");
    AxisExplanation cols = setAxis("width", W, m_params.width, "width");
    const AspectFit fit = aspectFit(H, W);
    if (fit.kind != AspectFit::Kind::None) {
        const bool crop = fit.kind == AspectFit::Kind::Crop;
        const std::string arithmetic =
            fitText(fit, H, W) + " → " + sizeText(m_params.height, m_params.width);
        rows.rule = crop ? "height, after a centred crop to the target aspect ratio"
                         : "height, after padding to the target aspect ratio";
        cols.rule = crop ? "width, after a centred crop to the target aspect ratio"
                         : "width, after padding to the target aspect ratio";
        rows.arithmetic = cols.arithmetic = arithmetic;
    }

    LayerShape result;
    std::vector<AxisExplanation> nhwcAxes{rows, cols, copiedAxis("channels", C)};
    if (!single)
        nhwcAxes.insert(nhwcAxes.begin(), copiedAxis("batch", input[0]));
    if (nchw)
        std::rotate(nhwcAxes.begin() + static_cast<std::ptrdiff_t>(offset), nhwcAxes.end() - 1, nhwcAxes.end());
    for (const AxisExplanation& axis : nhwcAxes)
        result.output.push_back(axis.output);
    result.axes = std::move(nhwcAxes);
    return result;
}

Tensor Resizing::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const Interpolation mode = *m_params.interpolationMode();
    const bool single = input.rank() == 3;
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Shape& s = input.shape();
    const Shape batched = single ? Shape{1, s[0], s[1], s[2]} : s;
    const Shape inNhwc = nchw ? nchwToNhwc(batched) : batched;
    const int64_t B = inNhwc[0], H = inNhwc[1], W = inNhwc[2], C = inNhwc[3];
    const Shape outNhwc{B, m_params.height, m_params.width, C};
    const AspectFit fit = aspectFit(H, W);

    // The output alone first: every size below is then bounded by the budget, and the message
    // names the output rather than output + scratch.
    guard(context, shape.output);
    // Scratch: the NHWC copies around a channels_first run, the padded copy, the kernel's tables
    // (in long double: a padded size can be absurd even when the output is not).
    const long double f = sizeof(float);
    long double scratch = 0;
    if (nchw)
        scratch += (single ? 2 : 1) * static_cast<long double>(input.byteSize())
                   + static_cast<long double>(elementCount(outNhwc)) * f;
    ImageView dims;
    dims.batch = B;
    dims.height = fit.kind == AspectFit::Kind::None ? H : fit.height;
    dims.width = fit.kind == AspectFit::Kind::None ? W : fit.width;
    dims.channels = C;
    if (fit.kind == AspectFit::Kind::Pad)
        scratch += static_cast<long double>(B) * static_cast<long double>(fit.height)
                   * static_cast<long double>(fit.width) * static_cast<long double>(C) * f;
    scratch += static_cast<long double>(resizeScratchBytes(dims, m_params.height, m_params.width, mode,
                                                           m_params.antialias, context.effectiveThreads()));
    guard(context, shape.output,
          scratch >= 9e18L ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(scratch));
    context.throwIfCancelled();

    Tensor converted;
    ImageView view;
    if (nchw) {
        converted = nchwToNhwc(single ? input.reshaped(batched) : input);
        view = ImageView::of(converted);
    } else {
        view.data = input.data();
        view.batch = B;
        view.height = H;
        view.width = W;
        view.channels = C;
        view.rowStride = W * C;
        view.batchStride = H * W * C;
    }
    Tensor padded;
    if (fit.kind == AspectFit::Kind::Crop) {
        view = view.cropped(fit.top, fit.left, fit.height, fit.width);
    } else if (fit.kind == AspectFit::Kind::Pad) {
        padded = padImages(view, fit, static_cast<float>(m_params.fillValue));
        view = ImageView::of(padded);
    }
    Tensor output = Tensor::uninitialized(outNhwc);
    resizeImages(view, output, mode, m_params.antialias, context);
    converted = Tensor();
    padded = Tensor();
    if (nchw)
        output = nhwcToNchw(output);
    if (single)
        output = std::move(output).reshaped(shape.output);
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Resizing::editorFields()
{
    return {{"height", "Height", FieldKind::Int, {}, 0, 16384, 0, {}, {}},
            {"width", "Width", FieldKind::Int, {}, 0, 16384, 0, {}, {}},
            {"interpolation", "Interpolation", FieldKind::Enum, interpolationChoices(), 0, 0, 0, "Half-pixel centres, as TF", {}},
            {"crop_to_aspect_ratio", "Crop to aspect ratio", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            {"pad_to_aspect_ratio", "Pad to aspect ratio", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            {"fill_value", "Fill value", FieldKind::Float, {}, 0, 0, 0, "Used by pad_to_aspect_ratio", {}},
            {"antialias", "Antialias", FieldKind::Bool, {}, 0, 0, 0, {}, {}},
            dataFormatField()};
}

nlohmann::json Resizing::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    return {{"class_name", kClassName},
            {"config", {{"name", name}, {"height", in.value()}, {"width", in.value()},
                        {"interpolation", in.pick({"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5"})},
                        {"crop_to_aspect_ratio", in.next() % 3 == 0}, {"pad_to_aspect_ratio", in.next() % 3 == 0},
                        {"antialias", in.next() % 2 == 0}, {"fill_value", static_cast<double>(in.value())},
                        {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

CellExplanation Resizing::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& cell) const
{
    const explain::Dims in = explain::dimsOf(input.shape(), m_params.dataFormat);
    return explainResize(input, cell, m_params.dataFormat, *m_params.interpolationMode(), m_params.antialias,
                         aspectFit(in.H, in.W), static_cast<float>(m_params.fillValue), m_params.height, m_params.width);
}

static std::array<AxisRule, 2> resizingRules(const Resizing& layer, const Shape& input)
{
    const ResizingParams& p = layer.params();
    const explain::Dims d = explain::dimsOf(input, p.dataFormat);
    return resizeAxisRules(d.H, d.W, *p.interpolationMode(), p.antialias, layer.aspectFit(d.H, d.W), p.height, p.width);
}

RegionMapping Resizing::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                        const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, resizingRules(*this, input), clipped, unclipped);
}

std::vector<AxisWindow> Resizing::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, resizingRules(*this, input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

} // namespace layerscope
