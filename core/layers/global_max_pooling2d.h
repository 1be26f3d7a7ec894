#pragma once
// GlobalMaxPooling2D (Keras 3, TF backend; SEMANTICS_MORE.md §13).
//   out[b, c] = max over y, x of x[b, y, x, c]   (tf.reduce_max over the two spatial axes)
// Shape: channels_last (B, C), or (B, 1, 1, C) with keepdims; channels_first (B, C) or (B, C, 1, 1).
// Unlike MaxPooling2D's kernel, reduce_max starts from −inf and propagates NaN (checked with Keras
// 3.15.1: max(5, 1, NaN, 3) = NaN, an all −inf map gives −inf). Exact.
// Fields:
//   dataFormat channels_last (default) | channels_first
//   keepDims   false (default): keep the two spatial axes as size 1

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"

namespace layerscope {

struct GlobalMaxPooling2DParams {
    DataFormat dataFormat = DataFormat::ChannelsLast;
    bool keepDims = false;
    bool operator==(const GlobalMaxPooling2DParams&) const = default;
};

class GlobalMaxPooling2D final : public Layer {
public:
    static constexpr const char* kClassName = "GlobalMaxPooling2D";
    static constexpr const char* kNameStem = "global_max_pooling2d";
    static constexpr const char* kIconLabel = "GM";
    static constexpr uint32_t kIconColour = 0x8f3a2a;
    static constexpr const char* kCategory = "Pooling";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit GlobalMaxPooling2D(std::string name, GlobalMaxPooling2DParams params = {})
        : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<GlobalMaxPooling2D> fromJson(const nlohmann::json& layerObject);

    const GlobalMaxPooling2DParams& params() const { return m_params; }
    void setParams(const GlobalMaxPooling2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<GlobalMaxPooling2D>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    GlobalMaxPooling2DParams m_params;
};

} // namespace layerscope
