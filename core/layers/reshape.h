#pragma once
// Reshape (Keras 3, TF backend; SEMANTICS_MORE.md §20.3).
//   out[b, …] = x[b, …] with the non-batch cells read and written in row-major order
// Shape: (B,) + target_shape, one −1 resolved to (input cells) / (product of the known sizes).
// Errors in Keras's words: "Each dimension in `target_shape` must be a non-negative integer, or
// `-1` ...", "There must be at most one unknown dimension (-1) ...", "The total size of the
// tensor must be unchanged. Received: input_shape=(…), target_shape=(…)" (input_shape without
// the batch) and its "... cannot by divided ..." (sic) form with a −1. LayerScope tensors have at
// most 4 axes, so a target_shape of more than 3 entries is refused (Keras allows it). Exact.
// Fields:
//   targetShape  the sizes after the batch axis, at most one −1 (required in Keras; default (−1,))

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"

#include <vector>

namespace layerscope {

struct ReshapeParams {
    std::vector<int64_t> targetShape{-1};
    bool operator==(const ReshapeParams&) const = default;
};

class Reshape final : public Layer {
public:
    static constexpr const char* kClassName = "Reshape";
    static constexpr const char* kNameStem = "reshape";
    static constexpr const char* kIconLabel = "Shp";
    static constexpr uint32_t kIconColour = 0x5b6b7f;
    static constexpr const char* kCategory = "Resizing and reshaping";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Reshape(std::string name, ReshapeParams params = {}) : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Reshape> fromJson(const nlohmann::json& layerObject);

    const ReshapeParams& params() const { return m_params; }
    void setParams(const ReshapeParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Reshape>(*this); }

    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    ReshapeParams m_params;
};

} // namespace layerscope
