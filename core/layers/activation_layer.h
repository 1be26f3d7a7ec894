#pragma once
// Activation (Keras 3, TF backend; SEMANTICS_MORE.md §19.6 and SEMANTICS.md §6.8): one of Keras's
// activation functions by name (activations.h has every name and formula), on any input rank 1..4.
// Element-wise functions keep the shape; softmax, log_softmax and sparsemax act along axis −1
// (the last axis: channels for NHWC, features for (B, C)); glu halves axis −1 (which must be
// even). "threshold" is a valid name Keras cannot call without arguments (its TypeError is raised
// in shape inference).
// The `activation` entry of the file may be
//   - a name ("relu"), or null (linear);
//   - a serialized function {"module": "keras.activations", "class_name": "function",
//     "config": "relu", "registered_name": "relu"};
//   - a serialized activation layer {"module": "keras.layers", "class_name": "LeakyReLU",
//     "config": {...}} (KERAS_FILES.md §1.4): ReLU, LeakyReLU, ELU or Softmax, which the layer
//     then runs (with that layer's parameters and explanations).
// Fields:
//   activation   the name ("linear" by default); ignored when `inner` is set
//   inner        the serialized activation layer object (null when the activation is a name)

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "activations.h"
#include "elementwise.h"

#include <memory>

namespace layerscope {

struct ActivationLayerParams {
    std::string activation = "linear";
    nlohmann::json inner; // null, or a serialized ReLU / LeakyReLU / ELU / Softmax layer
    bool operator==(const ActivationLayerParams&) const = default;
};

class ActivationLayer final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "Activation";
    static constexpr const char* kNameStem = "activation";
    static constexpr const char* kIconLabel = "A";
    static constexpr uint32_t kIconColour = 0x5c940d;
    static constexpr const char* kCategory = "Activation";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit ActivationLayer(std::string name, ActivationLayerParams params = {});
    static std::unique_ptr<ActivationLayer> fromJson(const nlohmann::json& layerObject);

    const ActivationLayerParams& params() const { return m_params; }
    void setParams(const ActivationLayerParams& params);

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<ActivationLayer>(*this); }
    bool makesSignedValues() const override;

    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

protected:
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    ActivationLayerParams m_params;
    std::shared_ptr<const Layer> m_inner; // built from m_params.inner
};

// The activation entry of a Keras config as a name: a string, null (linear) or a serialized
// function object. Throws std::invalid_argument with Keras's message for anything else (a layer
// object is the caller's to handle).
std::string activationNameFromJson(const nlohmann::json& activation);
// A serialized activation layer object ({"class_name": "LeakyReLU", "config": {...}}) as the layer
// it names (ReLU, LeakyReLU, ELU, Softmax); null for a null object; throws std::invalid_argument
// for another class. For the `activation` argument of other layers (Conv2D in Keras 3.3 files).
std::shared_ptr<const Layer> activationLayerObject(const nlohmann::json& object);

} // namespace layerscope
