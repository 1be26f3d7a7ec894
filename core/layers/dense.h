#pragma once
// Dense (Keras 3, TF backend; SEMANTICS_MORE.md §20.1). Acts on the last axis of an input of rank
// 2, 3 or 4 (tf.tensordot over axis −1: the leading axes are flattened into rows, one GEMM,
// reshaped back), bias added after the sum, then the activation (along axis −1 = the units for
// softmax & co.; glu halves the units and needs them even):
//   y[..., j] = act(bias[j] + Σ_{i < C_in} x[..., i] · K[i, j])
// Shape: (..., C_in) → (..., units). Input rank < 2: Keras's InputSpec message (min_ndim=2). A
// stored kernel pins C_in (Keras's InputSpec axes={-1: C_in} message otherwise). Dense has no
// data_format: a rank-4 input's axis −1 is its last axis, whatever the layout of the tensor (a
// channels_first tensor's width, as in Keras).
// Accumulation is float32 in Eigen's GEMM order (TF's is unspecified); rtol = atol = 1e-5 against TF.
// How it runs: the rows are split into blocks across threads, each block one Eigen GEMM with the
// bias and an elementwise / along-units activation applied while it is in cache (glu afterwards).
// Fields:
//   units       > 0 (Keras requires it; 1 here so that a default layer is runnable)
//   activation  Keras name (activations.h), default "linear"; null in the file means linear
//   useBias     default true
//   kernel      stored (C_in, units) weights (weights.kernel), or empty: the seeded Glorot-uniform
//               default of weight_entry.h (seed fnv1a32(name), fan_in C_in, fan_out units)
//   bias        stored (units) weights (weights.bias), or empty: zeros
// File: "weights": {"kernel": {"shape": [C_in, units], ...}, "bias": {"shape": [units], ...}}
// (Keras's get_weights() order: kernel, bias).

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../weights/weight_entry.h"
#include "activations.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace layerscope {

// The product alone for at most kFewDenseRows rows (dense_few_rows.cpp; denseRows uses it when
// it applies): c = a · b, each thread summing its share of the depth in order, the shares added
// at the end.
// `packed` (or null): b's full 16-column panels as packDenseKernel lays them out, each panel's
// depth × 16 values contiguous, so that every thread reads the kernel as one stream.
constexpr int64_t kFewDenseRows = 16;
bool denseFewRowsApplies(int64_t rows, int64_t depth, int64_t n);
void denseFewRows(const float* a, int64_t rows, int64_t depth, const float* b, int64_t n, float* c,
                  const ExecContext& context, const float* packed = nullptr);
std::vector<float> packDenseKernel(const float* b, int64_t depth, int64_t n);

// A layer's kernel packed for denseFewRows, made on its first small-batch run and kept while the
// layer lives (as ONNX Runtime pre-packs constant weights): the packing is one more pass over
// the kernel, as long as the product itself at batch 8. A copy of the layer packs again; the
// cache holds the kernel it was made from, so a shared default draw cannot be freed under it.
class PackedDenseKernel {
public:
    PackedDenseKernel() = default;
    PackedDenseKernel(const PackedDenseKernel&) {}
    PackedDenseKernel& operator=(const PackedDenseKernel&);
    // The panels of `kernel` (depth × n, which `owner` keeps alive, or null when the layer does).
    std::shared_ptr<const std::vector<float>> panels(const float* kernel, std::shared_ptr<const void> owner,
                                                     int64_t depth, int64_t n) const;

private:
    mutable std::mutex m_mutex;
    mutable const float* m_kernel = nullptr;
    mutable std::shared_ptr<const void> m_owner;
    mutable int64_t m_depth = 0, m_n = 0;
    mutable std::shared_ptr<const std::vector<float>> m_panels;
};

struct DenseParams {
    int64_t units = 1;
    std::string activation = "linear";
    bool useBias = true;
    WeightEntry kernel; // (C_in, units)
    WeightEntry bias;   // (units)
    bool operator==(const DenseParams&) const = default;
};

class Dense final : public Layer {
public:
    static constexpr const char* kClassName = "Dense";
    static constexpr const char* kNameStem = "dense";
    static constexpr const char* kIconLabel = "FC";
    static constexpr uint32_t kIconColour = 0x7a5cc7;
    static constexpr const char* kCategory = "Convolution";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Dense(std::string name, DenseParams params = {})
        : Layer(std::move(name)), m_params(std::move(params)) {}
    // Throws std::invalid_argument for type errors and malformed stored weights.
    static std::unique_ptr<Dense> fromJson(const nlohmann::json& layerObject);

    const DenseParams& params() const { return m_params; }
    // The kernel (C_in, units) a run uses: stored, or the seeded default.
    std::vector<float> resolvedKernel(int64_t inputChannels) const;
    // The bias a run uses (units values; zeros when none is stored or use_bias is false).
    std::vector<float> resolvedBias() const;

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Dense>(*this); }
    bool makesSignedValues() const override { return true; }

    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    // Rows and columns of a rank-4 (or rank-3) input are copied; a rank-2 input has none.
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;
    long double generatedWeightCount(const Shape& input) const override;
    std::vector<NamedArray> kerasWeights(const Shape& input) const override;
    // Stored weights follow units / use_bias: the overlap is kept, added units get the seeded draw.
    void refitStoredWeights(nlohmann::json& edited, const Shape& input) const override;

private:
    DenseParams m_params;
    PackedDenseKernel m_packed;
};

// The GEMM beside its bias and activation (also SeparableConv2D's pointwise step): `rows` rows of
// `depth` values at `a` times the row-major (depth × n) matrix `b`, plus `bias` (n values or
// null), into the `rows` × n row-major `c`; `fused` (elementwise or softmax / log_softmax /
// sparsemax over each row, not glu) applied per block. Parallel over row blocks, cancellable.
void denseRows(const float* a, int64_t rows, int64_t depth, const float* b, int64_t n, const float* bias, float* c,
               Activation fused, const ExecContext& context, const float* packed = nullptr);

} // namespace layerscope
