#pragma once
// LeakyReLU (Keras 3, TF backend; SEMANTICS_MORE.md §19.2, confirmed with Keras 3.15.1).
//   y = x > 0 ? x : f32(x · negative_slope)       (TF's LeakyRelu functor; x = 0 → 0)
// Any input rank; output shape = input shape; no weights.
// Fields:
//   negativeSlope  ≥ 0, default 0.3 (the layer's default; the activation name "leaky_relu" uses
//                  0.2). tf.keras 2 files store it as `alpha`, which Keras 3 accepts (with a
//                  deprecation warning) and saves as negative_slope; so do we. A negative slope
//                  loads and fails in shape inference with Keras's constructor message.

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"

namespace layerscope {

struct LeakyReLUParams {
    double negativeSlope = 0.3;
    bool operator==(const LeakyReLUParams&) const = default;
};

class LeakyReLU final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "LeakyReLU";
    static constexpr const char* kNameStem = "leaky_re_lu";
    static constexpr const char* kIconLabel = "LR";
    static constexpr uint32_t kIconColour = 0x37b24d;
    static constexpr const char* kCategory = "Activation";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit LeakyReLU(std::string name, LeakyReLUParams params = {})
        : ElementwiseLayer(std::move(name)), m_params(params) {}
    static std::unique_ptr<LeakyReLU> fromJson(const nlohmann::json& layerObject);

    const LeakyReLUParams& params() const { return m_params; }
    void setParams(const LeakyReLUParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<LeakyReLU>(*this); }
    bool makesSignedValues() const override { return true; }

protected:
    void checkInput(const Shape& input) const override;
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    LeakyReLUParams m_params;
};

} // namespace layerscope
