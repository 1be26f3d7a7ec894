#include "center_crop.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "resize_explain.h"

#include <algorithm>
#include <limits>

namespace layerscope {

std::unique_ptr<CenterCrop> CenterCrop::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    CenterCropParams p;
    p.height = readInt(config, "height");
    p.width = readInt(config, "width");
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    return std::make_unique<CenterCrop>(readString(config, "name", "center_crop"), p);
}

nlohmann::json CenterCrop::config() const
{
    return {{"name", name()},
            {"trainable", true},
            {"dtype", "float32"},
            {"data_format", dataFormatName(m_params.dataFormat)},
            {"height", m_params.height},
            {"width", m_params.width}};
}

std::string CenterCrop::summary() const
{
    std::string text = "centre " + std::to_string(m_params.height) + "×" + std::to_string(m_params.width);
    if (m_params.dataFormat == DataFormat::ChannelsFirst)
        text += " / NCHW";
    return text;
}

AspectFit CenterCrop::cropWindow(int64_t H, int64_t W) const
{
    const int64_t h = m_params.height, w = m_params.width;
    AspectFit fit;
    fit.kind = AspectFit::Kind::Crop;
    if (H >= h && W >= w) {
        fit.top = (H - h) / 2;
        fit.left = (W - w) / 2;
        fit.height = h;
        fit.width = w;
        return fit;
    }
    // smart_resize, in Python's double arithmetic (int() truncates toward zero).
    const auto truncate = [](double v) { return static_cast<int64_t>(v); };
    fit.height = std::max<int64_t>(std::min(H, truncate(static_cast<double>(W * h) / static_cast<double>(w))), 1);
    fit.width = std::max<int64_t>(std::min(W, truncate(static_cast<double>(H * w) / static_cast<double>(h))), 1);
    fit.top = truncate(static_cast<double>(H - fit.height) / 2.0);
    fit.left = truncate(static_cast<double>(W - fit.width) / 2.0);
    return fit;
}

LayerShape CenterCrop::inferShape(const Shape& input) const
{
    if (input.size() != 3 && input.size() != 4)
        throw error("`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 "
                    "(batched). Received: input_shape=" + shapeToTuple(input));
    if (m_params.height <= 0 || m_params.width <= 0)
        throw error("height=" + std::to_string(m_params.height) + ", width=" + std::to_string(m_params.width)
                    + " leaves no " + (m_params.height <= 0 ? "rows" : "columns")
                    + " (Keras returns an empty tensor, which LayerScope cannot hold)");
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const bool single = input.size() == 3;
    const Shape batched = single ? Shape{1, input[0], input[1], input[2]} : input;
    const Shape nhwc = nchw ? nchwToNhwc(batched) : batched;
    // W·height and H·width must not overflow in the smart_resize arithmetic.
    int64_t product = 0;
    if (__builtin_mul_overflow(nhwc[2], m_params.height, &product)
        || __builtin_mul_overflow(nhwc[1], m_params.width, &product))
        throw std::overflow_error("CenterCrop size arithmetic overflows");
    const AspectFit fit = cropWindow(nhwc[1], nhwc[2]);
    const bool pureCrop = nhwc[1] >= m_params.height && nhwc[2] >= m_params.width;
    auto axis = [&](const char* name, int64_t n, int64_t target, int64_t start, int64_t crop) {
        AxisExplanation e;
        e.axis = name;
        e.input = n;
        e.output = target;
        e.padBefore = -start;
        if (pureCrop) {
            e.rule = "centre crop: start (n − target) // 2";
            e.arithmetic = std::to_string(n) + " → " + std::to_string(target) + " (start " + std::to_string(start) + ")";
        } else {
            e.rule = "smart_resize: crop to the target aspect ratio, bilinear resize";
            e.arithmetic = std::to_string(n) + " → crop " + std::to_string(crop) + " (start " + std::to_string(start)
                         + ") → resize to " + std::to_string(target);
        }
        return e;
    };
    LayerShape result;
    const Shape outNhwc{nhwc[0], m_params.height, m_params.width, nhwc[3]};
    Shape out = nchw ? nhwcToNchw(outNhwc) : outNhwc;
    std::vector<AxisExplanation> axes = axesInFormat(
        {copiedAxis("batch", nhwc[0]), axis("height", nhwc[1], m_params.height, fit.top, fit.height),
         axis("width", nhwc[2], m_params.width, fit.left, fit.width), copiedAxis("channels", nhwc[3])},
        m_params.dataFormat);
    if (single) {
        out.erase(out.begin());
        axes.erase(axes.begin());
    }
    result.output = out;
    result.axes = axes;
    return result;
}

Tensor CenterCrop::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const bool single = input.rank() == 3;
    const bool nchw = m_params.dataFormat == DataFormat::ChannelsFirst;
    const Shape& s = input.shape();
    const Shape batched = single ? Shape{1, s[0], s[1], s[2]} : s;
    const Shape inNhwc = nchw ? nchwToNhwc(batched) : batched;
    const int64_t B = inNhwc[0], H = inNhwc[1], W = inNhwc[2], C = inNhwc[3];
    const Shape outNhwc{B, m_params.height, m_params.width, C};
    const AspectFit fit = cropWindow(H, W);

    guard(context, shape.output);
    const long double f = sizeof(float);
    long double scratch = 0;
    if (nchw)
        scratch += static_cast<long double>(input.byteSize()) + static_cast<long double>(elementCount(outNhwc)) * f;
    ImageView dims;
    dims.batch = B;
    dims.height = fit.height;
    dims.width = fit.width;
    dims.channels = C;
    scratch += static_cast<long double>(resizeScratchBytes(dims, m_params.height, m_params.width,
                                                           Interpolation::Bilinear, false, context.effectiveThreads()));
    guard(context, shape.output, scratch >= 9e18L ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(scratch));
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
    view = view.cropped(fit.top, fit.left, fit.height, fit.width);
    Tensor output = Tensor::uninitialized(outNhwc);
    // A crop of the target size is a copy (TF's same-size bilinear shortcut), as Keras's slice.
    resizeImages(view, output, Interpolation::Bilinear, /*antialias=*/false, context);
    converted = Tensor();
    if (nchw)
        output = nhwcToNchw(output);
    if (single)
        output = std::move(output).reshaped(shape.output);
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> CenterCrop::editorFields()
{
    return {{"height", "Height", FieldKind::Int, {}, 1, 16384, 0,
             "Output height; a larger target than the input crops to its aspect ratio and resizes (bilinear)", {}},
            {"width", "Width", FieldKind::Int, {}, 1, 16384, 0, {}, {}},
            dataFormatField()};
}

nlohmann::json CenterCrop::fuzzJson(FuzzBytes& in, const std::string& name)
{
    const std::string format = in.dataFormat();
    return {{"class_name", kClassName},
            {"config", {{"name", name}, {"height", in.value()}, {"width", in.value()}, {"data_format", format}}}};
}

// ---- explanation -----------------------------------------------------------------------------

CellExplanation CenterCrop::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& cell) const
{
    const explain::Dims in = explain::dimsOf(input.shape(), m_params.dataFormat);
    CellExplanation e = explainResize(input, cell, m_params.dataFormat, Interpolation::Bilinear, /*antialias=*/false,
                                      cropWindow(in.H, in.W), 0.0f, m_params.height, m_params.width);
    if (in.H >= m_params.height && in.W >= m_params.width)
        e.details.insert(e.details.begin(), "centre crop: the target fits, so the output is the input window starting "
                                            "at row (H − height) // 2, column (W − width) // 2");
    else
        e.details.insert(e.details.begin(), "the target is larger than the input on one side: Keras's smart_resize "
                                            "crops to the target aspect ratio and resizes bilinearly");
    return e;
}

static std::array<AxisRule, 2> centerCropRules(const CenterCrop& layer, const Shape& input)
{
    const CenterCropParams& p = layer.params();
    const explain::Dims d = explain::dimsOf(input, p.dataFormat);
    return resizeAxisRules(d.H, d.W, Interpolation::Bilinear, false, layer.cropWindow(d.H, d.W), p.height, p.width);
}

RegionMapping CenterCrop::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                          const std::vector<Interval>& unclipped) const
{
    return mapSpatialRegion(input, output, m_params.dataFormat, centerCropRules(*this, input), clipped, unclipped);
}

std::vector<AxisWindow> CenterCrop::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return spatialWindows(output, m_params.dataFormat, centerCropRules(*this, input)[static_cast<size_t>(spatialAxis)],
                          spatialAxis);
}

} // namespace layerscope
