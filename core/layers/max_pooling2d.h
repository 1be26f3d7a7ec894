#pragma once
// MaxPooling2D (Keras 3, TF backend; SEMANTICS_MORE.md §12).
//   out[b, oy, ox, c] = max over the in-bounds cells x[b, oy·sh − top + i, ox·sw − left + j, c]
// Shape and SAME split as AveragePooling2D (pool_geometry.h): valid ⌊(n − k) / s⌋ + 1, same ⌈n / s⌉
// with the extra pad row/column at the bottom/right. SAME padding cells are never compared
// ("padding never wins"). TF's CPU kernel starts every output at float32 lowest() and keeps a value
// only when it is greater, so an all −inf window gives −3.4028235e38 and NaN never wins (checked
// with Keras 3.15.1 / TF 2.21: max(1, NaN, 3, 4) = 4; an all-NaN window gives lowest()). Exact.
// Fields:
//   poolSize   (kh, kw), each > 0; default (2, 2) (unlike AveragePooling2D, where it is required)
//   strides    (sh, sw), nullopt = poolSize; each > 0 (checked in shape inference)
//   padding    valid (default) | same, case-insensitive
//   dataFormat channels_last (default) | channels_first (run as NHWC between two transposes)

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"
#include "pool_geometry.h"

#include <array>
#include <optional>

namespace layerscope {


using MaxPooling2DParams = PoolingParams;

class MaxPooling2D final : public Layer {
public:
    static constexpr const char* kClassName = "MaxPooling2D";
    static constexpr const char* kNameStem = "max_pooling2d";
    static constexpr const char* kIconLabel = "MP";
    static constexpr uint32_t kIconColour = 0xc4503b;
    static constexpr const char* kCategory = "Pooling";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit MaxPooling2D(std::string name, MaxPooling2DParams params = {})
        : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<MaxPooling2D> fromJson(const nlohmann::json& layerObject);

    const MaxPooling2DParams& params() const { return m_params; }
    void setParams(const MaxPooling2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<MaxPooling2D>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;
    std::optional<WindowConfig> slidingWindow(const Shape& input, int spatialAxis) const override;

private:
    PoolGeometry geometry() const;
    MaxPooling2DParams m_params;
};

// The NHWC kernel, exposed for the reference-loop tests: separable, per output row the running
// max over the window's rows (a vectorised W·C lane), then over each window's columns.
void maxPoolNhwc(const Tensor& input, Tensor& output, std::array<int64_t, 2> pool, std::array<int64_t, 2> strides,
                 std::array<int64_t, 2> padBefore, const ExecContext& context);

} // namespace layerscope
