#pragma once
// BatchNormalization at inference (Keras 3, TF backend; SEMANTICS_MORE.md §17, bit-exact with
// Keras 3.15.1 in our checks). Keras 3 runs tf.nn.batch_normalization (never the fused kernel);
// per channel c, in float32:
//   inv   = 1 / sqrt(moving_variance + epsilon)   (TF's Rsqrt on CPU: a sqrt, then a division)
//   inv   = inv · gamma                             if scale
//   shift = beta − moving_mean · inv                if center, else −(moving_mean · inv)
//   y     = x · inv + shift                         (two roundings: no fused multiply-add)
// i.e. (x − mean) / sqrt(var + eps) · gamma + beta in TF's order of operations. One streaming pass
// over the input (parallel over rows of the last axis).
// Output shape = input shape, any rank 1..4; the vectors have C = input_shape[axis] entries.
// Fields:
//   axis       the channel axis, default −1 (channels_first models store 1). Keras converts it
//              with int(): a one-element list (tf.keras 2 files, whose legacy loader unwraps it) is
//              that int; a longer list is Keras's TypeError. An axis outside the rank is the
//              IndexError Keras's build raises ("tuple index out of range").
//   epsilon    default 1e-3, added to the variance inside the square root
//   center, scale   default true: beta / gamma exist
//   momentum   default 0.99 (training only; kept for the file)
//   gamma, beta, movingMean, movingVariance   stored weights (Keras variable names, get_weights
//              order gamma, beta, moving_mean, moving_variance, each (C,)); a missing one takes
//              Keras's initial value: gamma 1, beta 0, moving_mean 0, moving_variance 1.
// File format: "weights": {"gamma": {"shape": [C], "data": [...]}, "beta": ..., "moving_mean": ...,
// "moving_variance": ...} beside "config".

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"
#include "inline_weights.h"

#include <optional>

namespace layerscope {

struct BatchNormalizationParams {
    int64_t axis = -1;
    bool axisAsList = false; // a one-element list in the file (saved back as an int, as Keras does)
    double epsilon = 1e-3;
    double momentum = 0.99;
    bool center = true;
    bool scale = true;
    std::optional<StoredArray> gamma, beta, movingMean, movingVariance;
    bool operator==(const BatchNormalizationParams&) const = default;
};

// Per-channel factor and shift, y = x · inv + shift.
struct BatchNormAffine {
    std::vector<float> inv, shift;
};

class BatchNormalization final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "BatchNormalization";
    static constexpr const char* kNameStem = "batch_normalization";
    static constexpr const char* kIconLabel = "BN";
    static constexpr uint32_t kIconColour = 0x1971c2;
    static constexpr const char* kCategory = "Normalization";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit BatchNormalization(std::string name, BatchNormalizationParams params = {})
        : ElementwiseLayer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<BatchNormalization> fromJson(const nlohmann::json& layerObject);

    const BatchNormalizationParams& params() const { return m_params; }
    void setParams(const BatchNormalizationParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<BatchNormalization>(*this); }
    bool makesSignedValues() const override { return true; }
    std::vector<NamedArray> kerasWeights(const Shape& input) const override;

    // The non-negative channel axis for an input of `rank` axes (throws the layer's error).
    size_t channelAxis(size_t rank) const;
    // The four vectors for C channels (stored or Keras's initial values), in get_weights order.
    std::vector<float> gamma(int64_t channels) const;
    std::vector<float> beta(int64_t channels) const;
    std::vector<float> movingMean(int64_t channels) const;
    std::vector<float> movingVariance(int64_t channels) const;
    BatchNormAffine affine(int64_t channels) const;

protected:
    void checkInput(const Shape& input) const override;
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    BatchNormalizationParams m_params;
};

} // namespace layerscope
