#pragma once
// Softmax (Keras 3, TF backend; SEMANTICS_MORE.md §19.5, checked against Keras 3.15.1).
// One axis (an int or a one-element list), per slice along it (TF's softmax functor):
//   m = max(x);  e_i = exp(x_i − m);  y_i = e_i · (1 / Σ e)     (a multiply by the reciprocal)
// Several axes (a list): y = exp(x − logsumexp(x, axes)), logsumexp = log(Σ exp(x − m)) + m.
// The sums here run in double and exp is the C library's, TF's are Eigen's: results agree within
// a few float32 ulps, not bit for bit. Any input rank 1..4; output shape = input shape. An axis
// outside the rank (or a repeated one) fails with TF's message (Keras does not validate it); a
// size-1 axis gives 1 everywhere (Keras only warns).
// Fields:
//   axes    the axes, default [-1]
//   asList  whether the file gave a list (saved back the same way)

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"

#include <vector>

namespace layerscope {

struct SoftmaxParams {
    std::vector<int64_t> axes{-1};
    bool asList = false;
    bool operator==(const SoftmaxParams&) const = default;
};

class Softmax final : public Layer {
public:
    static constexpr const char* kClassName = "Softmax";
    static constexpr const char* kNameStem = "softmax";
    static constexpr const char* kIconLabel = "SM";
    static constexpr uint32_t kIconColour = 0x862e9c;
    static constexpr const char* kCategory = "Activation";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Softmax(std::string name, SoftmaxParams params = {}) : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Softmax> fromJson(const nlohmann::json& layerObject);

    const SoftmaxParams& params() const { return m_params; }
    void setParams(const SoftmaxParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Softmax>(*this); }

    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

    // The axes as non-negative indices for a tensor of `rank` (sorted, duplicates removed);
    // throws the layer's error for an axis outside the rank.
    std::vector<size_t> resolvedAxes(size_t rank) const;

private:
    SoftmaxParams m_params;
};

// Softmax over the cells of one slice (values gathered in `v`, `n` of them), in place: the one
// function the layer's kernel and its explanation both run. `logSumExp` selects the several-axes
// form exp(x − logsumexp).
void softmaxSlice(float* v, int64_t n, bool logSumExp);

} // namespace layerscope
