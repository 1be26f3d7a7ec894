#pragma once
// PReLU (Keras 3, TF backend; SEMANTICS_MORE.md §19.3, confirmed with Keras 3.15.1).
//   y = relu(x) + (−alpha) · relu(−x)       i.e. x for x > 0, f32(alpha · x) for x < 0
// alpha has shape input_shape[1:] with every axis in shared_axes (1-based, batch = 0) set to 1,
// e.g. (H, W, C) per position, or (1, 1, C) with shared_axes = [1, 2]; it broadcasts against the
// input. Any input rank; output shape = input shape.
// Fields:
//   sharedAxes   1-based axes sharing one alpha (empty = None: none shared). Keras indexes a
//                Python list with axis − 1, so 0 means the last axis and an axis beyond the rank
//                fails ("list assignment index out of range"), as here.
//   alphaInit    the constant alpha_initializer fills alpha with: Zeros (default) → 0, Ones → 1,
//                Constant(value) → value; other initializers are rejected when loading
//   alpha        stored weights (Keras variable "alpha"), empty = not stored (alphaInit everywhere)
// File format: "weights": {"alpha": {"shape": [...], "data": [...]}} beside "config".

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"
#include "inline_weights.h"

#include <optional>

namespace layerscope {

struct PReLUParams {
    std::vector<int64_t> sharedAxes;
    double alphaInit = 0.0;
    std::optional<StoredArray> alpha;
    bool operator==(const PReLUParams&) const = default;
};

class PReLU final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "PReLU";
    static constexpr const char* kNameStem = "p_re_lu";
    static constexpr const char* kIconLabel = "PR";
    static constexpr uint32_t kIconColour = 0x2b8a3e;
    static constexpr const char* kCategory = "Activation";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit PReLU(std::string name, PReLUParams params = {})
        : ElementwiseLayer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<PReLU> fromJson(const nlohmann::json& layerObject);

    const PReLUParams& params() const { return m_params; }
    void setParams(const PReLUParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<PReLU>(*this); }
    bool makesSignedValues() const override { return true; }
    std::vector<NamedArray> kerasWeights(const Shape& input) const override;

    // The alpha shape for `input` (input_shape[1:] with shared axes 1); throws the layer's error.
    Shape alphaShape(const Shape& input) const;

protected:
    void checkInput(const Shape& input) const override;
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    BroadcastArray alphaFor(const Shape& input) const;
    PReLUParams m_params;
};

} // namespace layerscope
