#pragma once
// Rescaling (Keras 3, TF backend; SEMANTICS_MORE.md §22.1, confirmed with Keras 3.15.1).
//   y = f32(f32(x · scale) + offset)      (a multiply, then an add: two roundings, no division)
// so Rescaling(1/255) multiplies by f32(1/255) and 200 → 0.78431380 (not 200/255 = 0.78431374).
// scale and offset are scalars or arrays (lists, nested lists, or Keras's {"class_name":
// "__numpy__", "config": {"value": ...}} form) broadcast NumPy-style against the input, each on
// its own (a (C,) array meets the last axis). Any input rank; output shape = input shape.
// Not modelled: with a non-scalar scale and the *global* keras.config.image_data_format()
// channels_first, Keras reshapes scale (not offset) to (C, 1, 1); LayerScope has no global format.
// Fields:
//   scale, offset   shape (empty for a scalar) and values; default scale 1 (Keras requires it),
//                   offset 0
// A scale or offset that does not broadcast against the input fails in shape inference with TF's
// "Incompatible shapes" message.

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"
#include "inline_weights.h"

namespace layerscope {

struct RescalingParams {
    StoredArray scale{{}, {1.0f}};
    StoredArray offset{{}, {0.0f}};
    // The numbers as the file gave them (double), so that a config saves back unchanged.
    nlohmann::json scaleJson = 1.0;
    nlohmann::json offsetJson = 0.0;
    bool operator==(const RescalingParams&) const = default;
};

class Rescaling final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "Rescaling";
    static constexpr const char* kNameStem = "rescaling";
    static constexpr const char* kIconLabel = "RS";
    static constexpr uint32_t kIconColour = 0x1c7ed6;
    static constexpr const char* kCategory = "Normalization";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Rescaling(std::string name, RescalingParams params = {})
        : ElementwiseLayer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Rescaling> fromJson(const nlohmann::json& layerObject);

    const RescalingParams& params() const { return m_params; }

    std::string className() const override { return kClassName; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Rescaling>(*this); }
    bool makesSignedValues() const override { return true; }

protected:
    void checkInput(const Shape& input) const override;
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    RescalingParams m_params;
};

// A number, a (nested) list of numbers or a Keras "__numpy__" object as an array: throws
// std::invalid_argument naming `key` when it is none of these or ragged.
StoredArray readNumericArray(const nlohmann::json& value, const std::string& key);
// TF's broadcast error: "Incompatible shapes: [1,9,7,3] vs. [4] [Op:Mul]".
std::string incompatibleShapesMessage(const Shape& a, const Shape& b, const std::string& op);

} // namespace layerscope
