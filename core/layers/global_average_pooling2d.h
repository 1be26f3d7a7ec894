#pragma once
// GlobalAveragePooling2D (Keras 3, TF backend; SEMANTICS.md §2).
//   out[b, c] = (Σ over y, x of x[b, y, x, c]) / (H·W)
// Shape: channels_last (B, C), or (B, 1, 1, C) with keepdims; channels_first (B, C) or (B, C, 1, 1).
// TF reduces in Eigen's tree order, which is not reproducible bit for bit; we accumulate each
// channel in double and round once, which lands within TF's 1e-6 relative tolerance.
// Fields:
//   dataFormat channels_last (default) | channels_first
//   keepDims   false (default): keep the two spatial axes as size 1

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"

namespace layerscope {

struct GlobalAveragePooling2DParams {
    DataFormat dataFormat = DataFormat::ChannelsLast;
    bool keepDims = false;
    bool operator==(const GlobalAveragePooling2DParams&) const = default;
};

class GlobalAveragePooling2D final : public Layer {
public:
    static constexpr const char* kClassName = "GlobalAveragePooling2D";
    static constexpr const char* kNameStem = "global_average_pooling2d";
    static constexpr const char* kIconLabel = "GA";
    static constexpr uint32_t kIconColour = 0x2a5d8f;
    static constexpr const char* kCategory = "Pooling";
    // The registry entry's editor fields and fuzz constructor (layer_registry.h).
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit GlobalAveragePooling2D(std::string name, GlobalAveragePooling2DParams params = {})
        : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<GlobalAveragePooling2D> fromJson(const nlohmann::json& layerObject);

    const GlobalAveragePooling2DParams& params() const { return m_params; }
    void setParams(const GlobalAveragePooling2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<GlobalAveragePooling2D>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    GlobalAveragePooling2DParams m_params;
};

} // namespace layerscope
