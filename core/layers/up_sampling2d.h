#pragma once
// UpSampling2D (Keras 3, TF backend; SEMANTICS.md §3): enlarges every image by integer factors.
//   nearest:  out[b, y, x, c] = x[b, ⌊y / size[0]⌋, ⌊x / size[1]⌋, c]   (ops.repeat on H, then W:
//             a pure copy, not a resize)
//   other:    tf.image.resize(x, (H·size[0], W·size[1]), method=interpolation, antialias=False),
//             the half-pixel kernels of resize_kernels.h (bilinear ×2: [a, b] → [a, ¾a + ¼b,
//             ¼a + ¾b, b], edges clamp)
// Shape: rank 4 only; (B, H, W, C) → (B, H·size[0], W·size[1], C); channels_first puts C before
// H, W and runs as NHWC between two transposes.
// Fields (Keras argument names in brackets):
//   size           [size] (2, 2) (default); an int means (n, n); each factor must be > 0
//   dataFormat     [data_format] channels_last (default) | channels_first
//   interpolation  [interpolation] nearest (default) | bilinear | bicubic | area | lanczos3 |
//                  lanczos5, lowercased on load as Keras does at construction (so "Bilinear" is
//                  accepted, unlike Resizing). Kept as the string so a pipeline with a bad value
//                  (gaussian) still loads; inferShape raises Keras's message

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"
#include "resize_kernels.h"

#include <array>
#include <optional>

namespace layerscope {

struct UpSampling2DParams {
    std::array<int64_t, 2> size{2, 2};
    DataFormat dataFormat = DataFormat::ChannelsLast;
    std::string interpolation = "nearest";

    // The interpolation as an enum; nullopt when the string is not one Keras-TF accepts.
    std::optional<Interpolation> interpolationMode() const { return parseInterpolation(interpolation); }
    bool operator==(const UpSampling2DParams&) const = default;
};

class UpSampling2D final : public Layer {
public:
    static constexpr const char* kClassName = "UpSampling2D";
    static constexpr const char* kNameStem = "up_sampling2d";
    static constexpr const char* kIconLabel = "Up";
    static constexpr uint32_t kIconColour = 0x3ca05a;
    static constexpr const char* kCategory = "Resizing and reshaping";
    // The registry entry's editor fields and fuzz constructor (layer_registry.h).
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit UpSampling2D(std::string name, UpSampling2DParams params = {}) : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<UpSampling2D> fromJson(const nlohmann::json& layerObject);

    const UpSampling2DParams& params() const { return m_params; }
    void setParams(const UpSampling2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<UpSampling2D>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    // Nearest: a copy of one cell (the other interpolations are explained as a resize).
    CellExplanation explainRepeat(const Tensor& input, const CellIndex& cell) const;

    UpSampling2DParams m_params;
};

} // namespace layerscope
