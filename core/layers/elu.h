#pragma once
// ELU (Keras 3, TF backend; SEMANTICS_MORE.md §19.4, confirmed with Keras 3.15.1).
//   r = x < 0 ? f32(exp(x) − 1) : x      (TF's Elu functor: exp(x) − 1, not expm1)
//   y = alpha == 1 ? r : (x > 0 ? r : f32(alpha · r))
// `exp` is TF's (Eigen's vectorised) exponential; ours is the C library's, so a value may differ
// in the last bit. No validation of alpha (Keras has none). Any input rank; no weights.
// Fields:
//   alpha  default 1.0

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"

namespace layerscope {

struct ELUParams {
    double alpha = 1.0;
    bool operator==(const ELUParams&) const = default;
};

class ELU final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "ELU";
    static constexpr const char* kNameStem = "elu";
    static constexpr const char* kIconLabel = "EL";
    static constexpr uint32_t kIconColour = 0x40c057;
    static constexpr const char* kCategory = "Activation";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit ELU(std::string name, ELUParams params = {}) : ElementwiseLayer(std::move(name)), m_params(params) {}
    static std::unique_ptr<ELU> fromJson(const nlohmann::json& layerObject);

    const ELUParams& params() const { return m_params; }
    void setParams(const ELUParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<ELU>(*this); }
    bool makesSignedValues() const override { return true; }

protected:
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    ELUParams m_params;
};

} // namespace layerscope
