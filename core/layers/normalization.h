#pragma once
// Normalization at inference (Keras 3, TF backend; SEMANTICS_MORE.md §22.2, bit-exact with Keras
// 3.15.1 in our checks):
//   y = (x − mean) / max(sqrt(variance), ε)        invert: y = mean + x · max(sqrt(variance), ε)
// ε = keras.config.epsilon() = 1e-7, a floor on the standard deviation (not added to the
// variance). Every step is one IEEE float32 operation.
// `axis` names the KEPT axes (per-feature statistics): mean and variance have the input's size on
// them and 1 elsewhere (e.g. (1, 1, 1, C) for NHWC with axis −1); axis None (= ()) is one scalar.
// Where mean and variance come from (as Keras stores them):
//   - given to the constructor: in the config, as numbers or (nested) lists, broadcast NumPy-style
//     to the statistics' shape (a lower-rank mean aligns with the last kept axes); no weights;
//   - adapted: weights "mean", "variance" (shape = the kept axes' sizes) and "count" (int64
//     scalar, unused at inference), in that order; config mean/variance are null;
//   - neither: Keras's initial mean 0 and variance 1 (the layer passes x through).
// Output shape = input shape, any rank 1..4. Errors in Keras's wording: an axis outside
// [−ndim, ndim); mean without variance; mean and variance of different shapes; a mean of higher
// rank than len(axis); statistics that do not broadcast (TF's BroadcastTo message).
// File format for adapted statistics: "weights": {"mean": {...}, "variance": {...}, "count": {...}}.

#include "../fuzz_bytes.h"
#include "../layer_fields.h"
#include "elementwise.h"
#include "inline_weights.h"

#include <optional>

namespace layerscope {

struct NormalizationParams {
    std::vector<int64_t> axis{-1}; // kept axes; empty = None
    bool axisIsNull = false;       // the file's axis was null (saved back as [])
    bool invert = false;
    std::optional<StoredArray> mean, variance; // from the config
    nlohmann::json meanJson, varianceJson;     // as the file gave them (saved back unchanged)
    std::optional<StoredArray> weightMean, weightVariance; // adapted weights
    double count = 0;                                       // the adapted "count" weight
    bool operator==(const NormalizationParams&) const = default;
};

class Normalization final : public ElementwiseLayer {
public:
    static constexpr const char* kClassName = "Normalization";
    static constexpr const char* kNameStem = "normalization";
    static constexpr const char* kIconLabel = "N";
    static constexpr uint32_t kIconColour = 0x1864ab;
    static constexpr const char* kCategory = "Normalization";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Normalization(std::string name, NormalizationParams params = {})
        : ElementwiseLayer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Normalization> fromJson(const nlohmann::json& layerObject);

    const NormalizationParams& params() const { return m_params; }

    std::string className() const override { return kClassName; }
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Normalization>(*this); }
    bool makesSignedValues() const override { return true; }
    std::vector<NamedArray> kerasWeights(const Shape& input) const override;

    // Mean and max(sqrt(variance), ε) broadcast against `input` (throws the layer's error).
    // The mean and max(sqrt(variance), ε) broadcast to the input's kept axes; throws the shape
    // errors. materialize = false: the checks only (empty arrays).
    std::pair<BroadcastArray, BroadcastArray> statistics(const Shape& input, bool materialize = true) const;

protected:
    void checkInput(const Shape& input) const override;
    CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const override;

private:
    NormalizationParams m_params;
};

} // namespace layerscope
