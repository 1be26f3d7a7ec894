#pragma once
// Flatten (Keras 3, TF backend; SEMANTICS_MORE.md §20.2).
//   out[b, j] = x[b, unravel(j)]  over the non-batch axes in row-major order
// channels_first with rank > 2 first moves the channels last (transpose (0, 2, …, 1, …)), so an
// NCHW (B, C, H, W) tensor flattens in H, W, C order: the same vector the channels_last model
// makes. Shape: (B, product of the other axes); a rank-1 (B,) input gives (B, 1). Axis 0 is the
// batch whatever the rank (Keras's view). Exact.
// Fields:
//   dataFormat channels_last (default) | channels_first

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"

namespace layerscope {

struct FlattenParams {
    DataFormat dataFormat = DataFormat::ChannelsLast;
    bool operator==(const FlattenParams&) const = default;
};

class Flatten final : public Layer {
public:
    static constexpr const char* kClassName = "Flatten";
    static constexpr const char* kNameStem = "flatten";
    static constexpr const char* kIconLabel = "FL";
    static constexpr uint32_t kIconColour = 0x4b5563;
    static constexpr const char* kCategory = "Resizing and reshaping";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Flatten(std::string name, FlattenParams params = {}) : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<Flatten> fromJson(const nlohmann::json& layerObject);

    const FlattenParams& params() const { return m_params; }
    void setParams(const FlattenParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Flatten>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    // The non-batch input axes in the order they are flattened (storage axes of the input).
    std::vector<size_t> flattenOrder(size_t rank) const;
    FlattenParams m_params;
};

} // namespace layerscope
