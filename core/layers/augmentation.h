#pragma once
// The random augmentation layers as Keras 3 (TF backend) runs them at inference: RandomFlip,
// RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness and RandomCrop.
//   out = x   (model.predict and any call with training=False)
// Checked with Keras 3.15.1 / TF 2.21: every one of them, RandomCrop included, returns its input
// unchanged under predict; RandomCrop then even keeps the input's height and width although
// Keras's symbolic output shape claims (height, width) (its transform_images crops only when
// training). LayerScope follows what predict returns. A direct call `layer(x)` or `model(x)`
// without `training` resolves to the call default training=True and augments at random (not
// reproduced here). Input rank 3 (one image) or 4, as Keras checks.
// Parameters that only matter in training are kept as given in the Keras config (so a file saves
// back as it was read, apart from keys that are no constructor argument) and validated in shape inference with Keras's constructor messages (factor
// ranges, fill_mode, interpolation, value_range). One file pair for the seven classes: they
// differ only in their config keys and checks.

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"

#include <nlohmann/json.hpp>

#include <functional>

namespace layerscope {

// The Keras config of an augmentation layer without "name", "trainable" and "dtype".
struct AugmentationParams {
    nlohmann::json config = nlohmann::json::object();
    bool operator==(const AugmentationParams& other) const { return config == other.config; }
};

// What the seven classes share; each final class below names its config keys and checks.
class AugmentationLayer : public Layer {
public:
    AugmentationLayer(std::string name, AugmentationParams params) : Layer(std::move(name)), m_params(std::move(params)) {}

    const AugmentationParams& params() const { return m_params; }
    void setParams(const AugmentationParams& params) { m_params = params; }

    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;

    std::optional<DataFormat> dataFormat() const override;
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

protected:
    // Keras's constructor checks of this class: "" when the config is valid, else the message.
    virtual std::string configError() const = 0;
    // The rank error: RandomContrast and RandomBrightness word it differently.
    virtual bool contrastStyleRankMessage() const { return false; }
    // What the layer does in training, for the explanation ("flips horizontally and/or vertically").
    virtual std::string trainingEffect() const = 0;

    // Reads a Keras layer object: the config's values of the keys of `defaults` (the class's
    // constructor arguments besides name and dtype) over `defaults`, other keys ignored. Type
    // problems throw std::invalid_argument.
    static AugmentationParams readParams(const nlohmann::json& object, const nlohmann::json& defaults,
                                         const std::vector<std::string>& numberKeys,
                                         const std::vector<std::string>& stringKeys);

    AugmentationParams m_params;
};

#define LAYERSCOPE_AUGMENTATION_CLASS(Class, stem, label, colour)                                            \
    class Class final : public AugmentationLayer {                                                            \
    public:                                                                                                   \
        static constexpr const char* kClassName = #Class;                                                     \
        static constexpr const char* kNameStem = stem;                                                        \
        static constexpr const char* kIconLabel = label;                                                      \
        static constexpr uint32_t kIconColour = colour;                                                       \
        static constexpr const char* kCategory = "Augmentation (identity at inference)";                     \
        static std::vector<FieldSpec> editorFields();                                                         \
        static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);                            \
        static nlohmann::json defaults();                                                                     \
        explicit Class(std::string name, AugmentationParams params = {defaults()})                            \
            : AugmentationLayer(std::move(name), std::move(params)) {}                                        \
        static std::unique_ptr<Class> fromJson(const nlohmann::json& layerObject);                            \
        std::string className() const override { return kClassName; }                                         \
        std::unique_ptr<Layer> clone() const override { return std::make_unique<Class>(*this); }              \
                                                                                                              \
    protected:                                                                                                \
        std::string configError() const override;                                                             \
        std::string trainingEffect() const override;                                                          \
        bool contrastStyleRankMessage() const override;                                                       \
    };

LAYERSCOPE_AUGMENTATION_CLASS(RandomFlip, "random_flip", "RF", 0x2f8f6b)
LAYERSCOPE_AUGMENTATION_CLASS(RandomRotation, "random_rotation", "RR", 0x2f7f8f)
LAYERSCOPE_AUGMENTATION_CLASS(RandomZoom, "random_zoom", "RZ", 0x2f6f9f)
LAYERSCOPE_AUGMENTATION_CLASS(RandomTranslation, "random_translation", "RT", 0x3f5faf)
LAYERSCOPE_AUGMENTATION_CLASS(RandomContrast, "random_contrast", "RC", 0x5f4faf)
LAYERSCOPE_AUGMENTATION_CLASS(RandomBrightness, "random_brightness", "RB", 0x7f3f9f)
LAYERSCOPE_AUGMENTATION_CLASS(RandomCrop, "random_crop", "RCr", 0x8f3f7f)

#undef LAYERSCOPE_AUGMENTATION_CLASS

} // namespace layerscope
