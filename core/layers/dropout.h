#pragma once
// The layers that are the identity at inference (Keras 3; SEMANTICS_MORE.md §21, confirmed with
// Keras 3.15.1): Dropout, SpatialDropout2D, GaussianNoise and GaussianDropout return their input
// unchanged when `training` is false, which is how LayerScope runs every layer. Their
// constructor checks still apply, so a file Keras cannot load fails here too (in shape inference,
// with Keras's message):
//   Dropout(rate, noise_shape=None, seed=None)   0 ≤ rate ≤ 1; noise_shape entries positive or None
//   SpatialDropout2D(rate, data_format=None, seed=None)   rate as Dropout; input rank 4 (InputSpec)
//   GaussianNoise(stddev, seed=None)             0 ≤ stddev ≤ 1 (tf.keras 2 had no bound)
//   GaussianDropout(rate, seed=None)             rate as Dropout
// The four live in one file pair, as in Keras's layers/regularization/, because each is only its
// checks. Keras requires rate / stddev; a new layer here starts at 0.5 / 0.1.

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"

#include <optional>

namespace layerscope {

struct InferenceIdentityParams {
    double amount = 0.5;                                // rate, or stddev for GaussianNoise
    std::optional<int64_t> seed;
    nlohmann::json noiseShape;                          // Dropout: null or a list of ints / nulls
    DataFormat dataFormat = DataFormat::ChannelsLast;   // SpatialDropout2D
    bool operator==(const InferenceIdentityParams&) const = default;
};

// The shared implementation; `kind` tells the four classes apart.
class InferenceIdentityLayer : public ElementwiseLayer {
public:
    enum class Kind { Dropout, SpatialDropout2D, GaussianNoise, GaussianDropout };
    InferenceIdentityLayer(Kind kind, std::string name, InferenceIdentityParams params)
        : ElementwiseLayer(std::move(name)), m_kind(kind), m_params(std::move(params)) {}

    const InferenceIdentityParams& params() const { return m_params; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    bool makesSignedValues() const override { return true; }

protected:
    void checkInput(const Shape& input) const override;
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;
    static InferenceIdentityParams paramsFromJson(Kind kind, const nlohmann::json& config);
    static nlohmann::json fuzzConfig(Kind kind, FuzzBytes& bytes, const std::string& name);

private:
    Kind m_kind;
    InferenceIdentityParams m_params;
};

#define LAYERSCOPE_IDENTITY_LAYER(Class, Stem, Label, Colour, Default)                                     \
    class Class final : public InferenceIdentityLayer {                                                    \
    public:                                                                                                \
        static constexpr const char* kClassName = #Class;                                                  \
        static constexpr const char* kNameStem = Stem;                                                     \
        static constexpr const char* kIconLabel = Label;                                                   \
        static constexpr uint32_t kIconColour = Colour;                                                    \
        static constexpr const char* kCategory = "Regularization (identity at inference)";                  \
        static std::vector<FieldSpec> editorFields();                                                      \
        static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name)                          \
        {                                                                                                  \
            return fuzzConfig(Kind::Class, bytes, name);                                                   \
        }                                                                                                  \
        explicit Class(std::string name, InferenceIdentityParams params = Default)                         \
            : InferenceIdentityLayer(Kind::Class, std::move(name), std::move(params)) {}                   \
        static std::unique_ptr<Class> fromJson(const nlohmann::json& object)                               \
        {                                                                                                  \
            const nlohmann::json& config = object.at("config");                                            \
            return std::make_unique<Class>(config.value("name", std::string(Stem)),                        \
                                           paramsFromJson(Kind::Class, config));                           \
        }                                                                                                  \
        std::string className() const override { return kClassName; }                                      \
        std::unique_ptr<Layer> clone() const override { return std::make_unique<Class>(*this); }           \
    };

LAYERSCOPE_IDENTITY_LAYER(Dropout, "dropout", "DO", 0x868e96, InferenceIdentityParams{})
LAYERSCOPE_IDENTITY_LAYER(SpatialDropout2D, "spatial_dropout2d", "SD", 0x7d858c, InferenceIdentityParams{})
LAYERSCOPE_IDENTITY_LAYER(GaussianNoise, "gaussian_noise", "GN", 0x6c757d, (InferenceIdentityParams{0.1, {}, {}, {}}))
LAYERSCOPE_IDENTITY_LAYER(GaussianDropout, "gaussian_dropout", "GD", 0x5c636a, InferenceIdentityParams{})

#undef LAYERSCOPE_IDENTITY_LAYER

} // namespace layerscope
