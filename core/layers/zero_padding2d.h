#pragma once
// ZeroPadding2D (Keras 3, TF backend; SEMANTICS_MORE.md §18.1).
//   out[b, y, x, c] = x[b, y − top, x − left, c] inside the input, 0 in the added rows/columns
// Shape: H + top + bottom, W + left + right (axes 1, 2 or 2, 3). Exact.
// Fields:
//   padding    ((top, bottom), (left, right)), each ≥ 0; read from an int, a pair of symmetric
//              amounts or a pair of pairs (margins.h); default ((1, 1), (1, 1)). Keras does not
//              check a negative plain int: TF's Pad fails with "Paddings must be non-negative:
//              -1 -1", which shape inference raises.
//   dataFormat channels_last (default) | channels_first

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"
#include "margins.h"

namespace layerscope {

struct ZeroPadding2DParams {
    Margins padding{{{1, 1}, {1, 1}}};
    DataFormat dataFormat = DataFormat::ChannelsLast;
    bool operator==(const ZeroPadding2DParams&) const = default;
};

class ZeroPadding2D final : public Layer {
public:
    static constexpr const char* kClassName = "ZeroPadding2D";
    static constexpr const char* kNameStem = "zero_padding2d";
    static constexpr const char* kIconLabel = "ZP";
    static constexpr uint32_t kIconColour = 0x6b7280;
    static constexpr const char* kCategory = "Resizing and reshaping";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit ZeroPadding2D(std::string name, ZeroPadding2DParams params = {})
        : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<ZeroPadding2D> fromJson(const nlohmann::json& layerObject);

    const ZeroPadding2DParams& params() const { return m_params; }
    void setParams(const ZeroPadding2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<ZeroPadding2D>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    ZeroPadding2DParams m_params;
};

} // namespace layerscope
