#pragma once
// Cropping2D (Keras 3, TF backend; SEMANTICS_MORE.md §18.2).
//   out[b, y, x, c] = x[b, y + top, x + left, c]
// Shape: H − top − bottom, W − left − right (axes 1, 2 or 2, 3), each must stay ≥ 1: otherwise
// "Values in `cropping` argument should be smaller than the corresponding spatial dimension of
// the input. Received: input_shape=..., cropping=...". Exact.
// Fields:
//   cropping   ((top, bottom), (left, right)), each ≥ 0; an int, a pair or a pair of pairs
//              (margins.h); default ((0, 0), (0, 0))
//   dataFormat channels_last (default) | channels_first

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"
#include "margins.h"

namespace layerscope {

struct Cropping2DParams {
    Margins cropping{{{0, 0}, {0, 0}}};
    DataFormat dataFormat = DataFormat::ChannelsLast;
    bool operator==(const Cropping2DParams&) const = default;
};

class Cropping2D final : public Layer {
public:
    static constexpr const char* kClassName = "Cropping2D";
    static constexpr const char* kNameStem = "cropping2d";
    static constexpr const char* kIconLabel = "CR";
    static constexpr uint32_t kIconColour = 0x7c6f3b;
    static constexpr const char* kCategory = "Resizing and reshaping";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Cropping2D(std::string name, Cropping2DParams params = {}) : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<Cropping2D> fromJson(const nlohmann::json& layerObject);

    const Cropping2DParams& params() const { return m_params; }
    void setParams(const Cropping2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Cropping2D>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    Cropping2DParams m_params;
};

} // namespace layerscope
