#pragma once
// CenterCrop (Keras 3, TF backend; SEMANTICS_MORE.md §22.3). Applied at inference.
//   H ≥ height and W ≥ width: the crop [(H − height) // 2, + height) × [(W − width) // 2, + width)
//   otherwise (either side too small): Keras's smart_resize — the centred crop to the target aspect
//   ratio in Python double arithmetic, crop_h = clamp(int(W·height / width), 1, H), crop_w =
//   clamp(int(H·width / height), 1, W), offsets int((H − crop_h) / 2), int((W − crop_w) / 2), then
//   a bilinear resize (half-pixel centres, no antialias) to height × width (resize_kernels.h).
// Shape: the spatial axes become (height, width); input rank 3 (one image) or 4. Keras returns an
// empty tensor for height or width ≤ 0, which LayerScope cannot hold: refused in shape inference.
// Fields:
//   height, width  the output size (required in Keras; default 8 × 8)
//   dataFormat     channels_last (default) | channels_first

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"
#include "resize_kernels.h"

namespace layerscope {

struct CenterCropParams {
    int64_t height = 8;
    int64_t width = 8;
    DataFormat dataFormat = DataFormat::ChannelsLast;
    bool operator==(const CenterCropParams&) const = default;
};

class CenterCrop final : public Layer {
public:
    static constexpr const char* kClassName = "CenterCrop";
    static constexpr const char* kNameStem = "center_crop";
    static constexpr const char* kIconLabel = "CC";
    static constexpr uint32_t kIconColour = 0x9a7b2f;
    static constexpr const char* kCategory = "Resizing and reshaping";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit CenterCrop(std::string name, CenterCropParams params = {}) : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<CenterCrop> fromJson(const nlohmann::json& layerObject);

    const CenterCropParams& params() const { return m_params; }
    void setParams(const CenterCropParams& params) { m_params = params; }

    // The crop window for an H × W input: a pure crop of height × width, or smart_resize's crop
    // (then resized to height × width).
    AspectFit cropWindow(int64_t H, int64_t W) const;

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<CenterCrop>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    CenterCropParams m_params;
};

} // namespace layerscope
