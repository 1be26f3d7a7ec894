#pragma once
// AveragePooling2D (Keras 3, TF backend; SEMANTICS.md §1).
//   out[b, oy, ox, c] = (Σ in-bounds x[b, oy·sh − top + i, ox·sw − left + j, c]) / (in-bounds count)
// Shape per spatial axis: valid ⌊(n − k) / s⌋ + 1 (an output ≤ 0 is an error), same ⌈n / s⌉ with
// TF's padding split (extra row/column at the bottom/right). Padding is excluded from the average:
// a SAME border window divides by the number of real pixels, as TF's CPU kernel does. The sum runs
// in row-major window order and is divided once, which is bit-exact with TF's CPU kernel.
// Fields:
//   poolSize   (kh, kw), each > 0, required
//   strides    (sh, sw), nullopt = poolSize; each must be > 0 (Keras lets 0 through construction,
//              TF cannot run it; we reject it in shape inference)
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


using AveragePooling2DParams = PoolingParams;

class AveragePooling2D final : public Layer {
public:
    static constexpr const char* kClassName = "AveragePooling2D";
    static constexpr const char* kNameStem = "average_pooling2d";
    static constexpr const char* kIconLabel = "AP";
    static constexpr uint32_t kIconColour = 0x3b82c4;
    static constexpr const char* kCategory = "Pooling";
    // The registry entry's editor fields and fuzz constructor (layer_registry.h).
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit AveragePooling2D(std::string name, AveragePooling2DParams params = {})
        : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<AveragePooling2D> fromJson(const nlohmann::json& layerObject);

    const AveragePooling2DParams& params() const { return m_params; }
    void setParams(const AveragePooling2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<AveragePooling2D>(*this); }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;
    std::optional<WindowConfig> slidingWindow(const Shape& input, int spatialAxis) const override;

private:
    PoolGeometry geometry() const;
    AveragePooling2DParams m_params;
};

// How the window sums are formed. DirectSum adds every window cell in TF's row-major order
// (bit-exact with TF). WindowSums uses separable block prefix/suffix sums (window_sums.h): time
// independent of the window size, the same float sums in a different order (last-bit
// differences). Auto takes WindowSums only where the direct sum would be slow: windows of 64
// cells or more and over 2^24 cell additions in all (never for the 2×2 and 3×3 pools of real
// models, nor for the golden cases).
enum class AvgPoolMethod { Auto, DirectSum, WindowSums };

AvgPoolMethod chooseAvgPoolMethod(const Shape& inputNhwc, const Shape& outputNhwc,
                                  std::array<int64_t, 2> pool);
// Scratch the WindowSums method allocates (the row-summed map of one batch item).
int64_t windowSumsScratchBytes(const Shape& inputNhwc, const Shape& outputNhwc);

// The NHWC kernel, exposed for the reference-loop tests and the benchmark.
void averagePoolNhwc(const Tensor& input, Tensor& output, std::array<int64_t, 2> pool,
                     std::array<int64_t, 2> strides, std::array<int64_t, 2> padBefore,
                     const ExecContext& context, AvgPoolMethod method = AvgPoolMethod::Auto);

} // namespace layerscope
