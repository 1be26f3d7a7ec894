#pragma once
// Permute (Keras 3, TF backend; SEMANTICS_MORE.md §20.4).
//   out[b, i1, …, in] = x[b, …] with out axis k = input axis dims[k − 1] (1-based, batch fixed)
// Shape: out[0] = in[0], out[k] = in[dims[k − 1]]. The input must have len(dims) + 1 axes (Keras's
// InputSpec message), and dims a permutation of 1 … len(dims): "Invalid permutation argument
// `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1.
// Received dims=(…)". Permute((3, 1, 2)) turns NHWC into NCHW. At most 3 dims (a rank-4 tensor).
// Exact.
// Fields:
//   dims  the permutation (required in Keras; default (2, 1, 3): rows and columns swapped)

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"

#include <vector>

namespace layerscope {

struct PermuteParams {
    std::vector<int64_t> dims{2, 1, 3};
    bool operator==(const PermuteParams&) const = default;
};

class Permute final : public Layer {
public:
    static constexpr const char* kClassName = "Permute";
    static constexpr const char* kNameStem = "permute";
    static constexpr const char* kIconLabel = "PE";
    static constexpr uint32_t kIconColour = 0x6d5b8f;
    static constexpr const char* kCategory = "Resizing and reshaping";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Permute(std::string name, PermuteParams params = {}) : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Permute> fromJson(const nlohmann::json& layerObject);

    const PermuteParams& params() const { return m_params; }
    void setParams(const PermuteParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Permute>(*this); }

    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    PermuteParams m_params;
};

} // namespace layerscope
