#pragma once
// ReLU (Keras 3, TF backend; SEMANTICS_MORE.md §19.1, confirmed with Keras 3.15.1).
// With t = threshold, a = negative_slope, m = max_value (all float32):
//   x ≤ t → a·(x − t)   (0 at x = t; with a = 0 everything up to t is 0)
//   t < x → x, clipped to m when max_value is set
// evaluated as Keras evaluates it (activations.ReLU.static_call):
//   a ≠ 0, no max_value, t = 0:  x > 0 ? x : f32(x·a)                         (tf.nn.leaky_relu)
//   otherwise pos = t ≠ 0 ? (x > t ? x : 0) : max(x, 0); pos = min(pos, m) when max_value is set;
//             y = a ≠ 0 ? f32(pos − f32(a · max(f32(t − x), 0))) : pos
// Any input rank; output shape = input shape; no weights.
// Fields:
//   maxValue       nullopt (None, default) or ≥ 0
//   negativeSlope  ≥ 0, default 0
//   threshold      ≥ 0, default 0
// Negative values load and fail in shape inference with Keras's constructor message; None for
// negative_slope or threshold is rejected when loading (Keras's message).

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"

#include <optional>

namespace layerscope {

struct ReLUParams {
    std::optional<double> maxValue;
    double negativeSlope = 0.0;
    double threshold = 0.0;
    bool operator==(const ReLUParams&) const = default;
};

class ReLU final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "ReLU";
    static constexpr const char* kNameStem = "re_lu";
    static constexpr const char* kIconLabel = "R";
    static constexpr uint32_t kIconColour = 0x2f9e44;
    static constexpr const char* kCategory = "Activation";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit ReLU(std::string name, ReLUParams params = {}) : ElementwiseLayer(std::move(name)), m_params(params) {}
    static std::unique_ptr<ReLU> fromJson(const nlohmann::json& layerObject);

    const ReLUParams& params() const { return m_params; }
    void setParams(const ReLUParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<ReLU>(*this); }
    bool makesSignedValues() const override { return m_params.negativeSlope != 0.0; }

    // The function on one value (the kernel's own evaluation).
    static float apply(const ReLUParams& params, float x);

protected:
    void checkInput(const Shape& input) const override;
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    ReLUParams m_params;
};

} // namespace layerscope
