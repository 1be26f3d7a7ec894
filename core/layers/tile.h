#pragma once
// Tile — keras.ops.tile / tf.tile as a layer (SEMANTICS.md §5 and the LayerScope decisions).
//   out[i0, i1, ...] = x[i0 mod n0, i1 mod n1, ...]   (whole-tensor block repetition)
// Shape: out[d] = n[d] · multiples[d] after rank alignment: a shorter `multiples` is left-padded
// with 1s; a longer one prepends size-1 axes to the input (so the result has rank
// max(len(multiples), rank(x))). LayerScope rejects more than 4 multiples, a multiple of 0 (an
// empty output) and negative multiples.
// Fields:
//   multiples  one positive integer per axis, e.g. [1, 2, 2, 1] (required)

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"

#include <vector>

namespace layerscope {

struct TileParams {
    std::vector<int64_t> multiples{1, 2, 2, 1};
    bool operator==(const TileParams&) const = default;
};

class Tile final : public Layer {
public:
    static constexpr const char* kClassName = "Tile";
    static constexpr const char* kNameStem = "tile";
    static constexpr const char* kIconLabel = "T";
    static constexpr uint32_t kIconColour = 0xb08a1f;
    static constexpr const char* kCategory = "Resizing and reshaping";
    // The registry entry's editor fields and fuzz constructor (layer_registry.h).
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Tile(std::string name, TileParams params = {}) : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Tile> fromJson(const nlohmann::json& layerObject);

    const TileParams& params() const { return m_params; }
    void setParams(const TileParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Tile>(*this); }

    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;
    // Keras has no Tile layer: the script defines one around keras.ops.tile.
    KerasConstructor kerasConstructor() const override;

private:
    // Input shape and multiples after keras.ops.tile's rank alignment (equal lengths).
    std::pair<Shape, std::vector<int64_t>> aligned(const Shape& input) const;
    TileParams m_params;
};

} // namespace layerscope
