#pragma once
// Concatenate(axis=-1) (Keras 3 layers/merging/concatenate.py; SEMANTICS_MORE.md §23.3).
//   out = the inputs placed one after another along `axis`, in input order (tf.concat; exact).
// Shape: every input has the same rank and equal sizes on every axis but `axis`, the batch axis
// included (no broadcasting); otherwise
//   "A `Concatenate` layer requires inputs with matching shapes except for the concatenation
//    axis. Received: input_shape=[(1, 4, 4, 3), (1, 2, 2, 3)]".
// Output: the sizes summed on `axis`, the other axes copied. axis -1 is the channels of an NHWC
// tensor. Axes have no data_format (rank 4 is (b, y, x, c) in storage order).
// Fields:
//   axis  -1 (default); negative counts from the end

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"

namespace layerscope {

struct ConcatenateParams {
    int64_t axis = -1;
    bool operator==(const ConcatenateParams&) const = default;
};

class Concatenate final : public Layer {
public:
    static constexpr const char* kClassName = "Concatenate";
    static constexpr const char* kNameStem = "concatenate";
    static constexpr const char* kIconLabel = "Cat";
    static constexpr uint32_t kIconColour = 0x5d6d2a;
    static constexpr const char* kCategory = "Merge";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Concatenate(std::string name, ConcatenateParams params = {}) : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<Concatenate> fromJson(const nlohmann::json& layerObject);

    const ConcatenateParams& params() const { return m_params; }
    void setParams(const ConcatenateParams& params) { m_params = params; }
    // `axis` made non-negative for inputs of `rank`; throws the layer's error when out of range.
    size_t resolvedAxis(size_t rank) const;

    std::string className() const override { return kClassName; }
    Arity inputArity() const override { return {1, -1}; }
    LayerShape inferShape(const Shape& input) const override { return inferShapes({input}); }
    LayerShape inferShapes(const std::vector<Shape>& inputs) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override
    {
        return forwardInputs({&input}, context);
    }
    Tensor forwardInputs(const std::vector<const Tensor*>& inputs, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Concatenate>(*this); }

    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override
    {
        return explainOutputCellInputs({&input}, output, cell);
    }
    CellExplanation explainOutputCellInputs(const std::vector<const Tensor*>& inputs, const Shape& output,
                                            const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override
    {
        return mapOutputRegionInputs({input}, output, clipped, unclipped).front();
    }
    std::vector<RegionMapping> mapOutputRegionInputs(const std::vector<Shape>& inputs, const Shape& output,
                                                     const std::vector<Interval>& clipped,
                                                     const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

private:
    ConcatenateParams m_params;
};

} // namespace layerscope
