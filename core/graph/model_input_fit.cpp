#include "model_input_fit.h"

#include "../errors.h"
#include "../layer_registry.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace layerscope {

namespace {

std::string hw(int64_t h, int64_t w)
{
    return std::to_string(w) + "×" + std::to_string(h);
}

// The channel conversion of keras.utils.load_img's color_mode (PIL's convert).
Tensor convertChannels(const Tensor& image, int64_t wanted, const ExecContext& context, std::string* said)
{
    const int64_t have = image.dim(3);
    if (have == wanted)
        return image;
    const int64_t pixels = image.size() / have;
    if (pixels * wanted * static_cast<int64_t>(sizeof(float)) > context.memoryBudgetBytes)
        throw std::invalid_argument("converting the image to " + std::to_string(wanted)
                                    + " channels would exceed the memory budget");
    Tensor out(Shape{image.dim(0), image.dim(1), image.dim(2), wanted});
    const float* in = image.data();
    float* o = out.data();
    if (have == 1 && (wanted == 3 || wanted == 4)) {
        for (int64_t p = 0; p < pixels; ++p)
            for (int64_t c = 0; c < wanted; ++c)
                o[p * wanted + c] = c == 3 ? 255.0f : in[p];
        *said = "grey repeated to " + std::to_string(wanted) + " channels";
    } else if ((have == 3 || have == 4) && wanted == 1) {
        for (int64_t p = 0; p < pixels; ++p)
            o[p] = 0.299f * in[p * have] + 0.587f * in[p * have + 1] + 0.114f * in[p * have + 2];
        *said = "converted to grey (0.299 R + 0.587 G + 0.114 B)";
    } else if (have == 4 && wanted == 3) {
        for (int64_t p = 0; p < pixels; ++p)
            for (int64_t c = 0; c < 3; ++c)
                o[p * 3 + c] = in[p * 4 + c];
        *said = "alpha dropped";
    } else {
        throw std::invalid_argument("the model expects " + std::to_string(wanted) + " channels and the image has "
                                    + std::to_string(have) + "; LayerScope converts 1 ↔ 3 and 4 → 3 only");
    }
    return out;
}

} // namespace

bool DeclaredImageInput::differsFrom(const Shape& nhwc) const
{
    if (nhwc.size() != 4)
        return false;
    return (height && *height != nhwc[1]) || (width && *width != nhwc[2]) || (channels && *channels != nhwc[3]);
}

DeclaredImageInput declaredImageInput(const ModelGraph& graph)
{
    DeclaredImageInput declared;
    if (graph.inputs.empty())
        return declared;
    const Shape& shape = graph.layerOf(graph.inputs.front()).declaredShape;
    if (shape.size() != 4)
        return declared;
    const auto known = [](int64_t v) { return v > 0 ? std::optional<int64_t>(v) : std::nullopt; };
    declared.height = known(shape[1]);
    declared.width = known(shape[2]);
    declared.channels = known(shape[3]);
    return declared;
}

FittedInput fitInputToModel(const Tensor& image, const DeclaredImageInput& declared, InputFit fit,
                            const ExecContext& context)
{
    if (image.rank() != 4)
        throw std::invalid_argument("the input must be an image (rank 4, NHWC); it has shape " + shapeToTuple(image.shape()));
    FittedInput fitted{image, {}};
    if (fit == InputFit::Keep)
        return fitted;
    std::string said;
    if (declared.channels && *declared.channels != image.dim(3)) {
        std::string channels;
        fitted.tensor = convertChannels(image, *declared.channels, context, &channels);
        said = channels;
    }
    const int64_t h = image.dim(1), w = image.dim(2);
    const int64_t th = declared.height.value_or(h), tw = declared.width.value_or(w);
    if (th != h || tw != w) {
        // Keras's own resize: the engine's Resizing layer (tf.image.resize bilinear, optional
        // centre crop to the target aspect), built from its Keras config like any model layer.
        const LayerFactory* resizing = findLayerFactory("Resizing");
        if (!resizing)
            throw std::logic_error("this build has no Resizing layer");
        const nlohmann::json object{
            {"class_name", "Resizing"},
            {"config",
             {{"name", "input_fit"}, {"height", th}, {"width", tw}, {"interpolation", "bilinear"},
              {"crop_to_aspect_ratio", fit == InputFit::CropAndResize}}}};
        const std::unique_ptr<Layer> layer = resizing->fromJson(object);
        fitted.tensor = layer->forward(fitted.tensor, context);
        const std::string how = fit == InputFit::CropAndResize ? "centre-cropped to the model's aspect and resized "
                                                               : "resized ";
        said = how + hw(h, w) + " → " + hw(th, tw) + " (bilinear, as tf.image.resize)" + (said.empty() ? "" : "; " + said);
    }
    fitted.description = said;
    return fitted;
}

} // namespace layerscope
