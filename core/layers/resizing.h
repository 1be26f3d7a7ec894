#pragma once
// Resizing (Keras 3, TF backend; SEMANTICS.md §4): resizes every image to height × width.
//   out = tf.image.resize(fit(x), (height, width), method=interpolation, antialias=antialias)
// where fit is nothing, the centred crop to the target aspect ratio (§4.4) or the padding with
// fill_value rows above and below / columns left and right (§4.5), all computed in TF's float32
// arithmetic. The kernels (half-pixel centres, bit-exact evaluation order) are in resize_kernels.h.
// Shape: rank 4 (B, H, W, C) → (B, height, width, C); rank 3 is a single image (H, W, C) →
// (height, width, C); channels_first puts C before H, W and runs as NHWC between two transposes.
// Fields (Keras argument names in brackets):
//   height, width        [height, width] the output size, required; ≤ 0 is an error (TF's
//                        "output dimensions must be positive")
//   interpolation        [interpolation] bilinear (default) | nearest | bicubic | area | lanczos3 |
//                        lanczos5, case-sensitive as in Keras ("Bilinear" is an error). Kept as
//                        the raw string so a pipeline with a bad value still loads; inferShape
//                        raises Keras's message
//   cropToAspectRatio    [crop_to_aspect_ratio] false (default)
//   padToAspectRatio     [pad_to_aspect_ratio] false (default); both true is an error
//   fillMode             [fill_mode] only "constant" (default) is accepted
//   fillValue            [fill_value] 0.0 (default), the padding value (as float32)
//   antialias            [antialias] false (default); with bilinear, bicubic, lanczos it low-pass
//                        filters when downsampling (ScaleAndTranslate); nearest and area ignore it
//   dataFormat           [data_format] channels_last (default) | channels_first

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"
#include "resize_kernels.h"

#include <optional>

namespace layerscope {

struct ResizingParams {
    int64_t height = 224;
    int64_t width = 224;
    std::string interpolation = "bilinear";
    bool cropToAspectRatio = false;
    bool padToAspectRatio = false;
    std::string fillMode = "constant";
    double fillValue = 0.0;
    bool antialias = false;
    DataFormat dataFormat = DataFormat::ChannelsLast;

    // The interpolation as an enum; nullopt when the string is not one Keras-TF accepts.
    std::optional<Interpolation> interpolationMode() const { return parseInterpolation(interpolation); }
    bool operator==(const ResizingParams&) const = default;
};

class Resizing final : public Layer {
public:
    static constexpr const char* kClassName = "Resizing";
    static constexpr const char* kNameStem = "resizing";
    static constexpr const char* kIconLabel = "Rs";
    static constexpr uint32_t kIconColour = 0x8a5cc4;
    static constexpr const char* kCategory = "Resizing and reshaping";
    // The registry entry's editor fields and fuzz constructor (layer_registry.h).
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Resizing(std::string name, ResizingParams params = {}) : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Resizing> fromJson(const nlohmann::json& layerObject);

    const ResizingParams& params() const { return m_params; }
    void setParams(const ResizingParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Resizing>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

    // The crop or pad for an input of H × W (Kind::None when neither is asked for): the one choice
    // the forward pass, the receptive field and the cell explanation all use.
    AspectFit aspectFit(int64_t inHeight, int64_t inWidth) const;

private:

    ResizingParams m_params;
};

} // namespace layerscope
