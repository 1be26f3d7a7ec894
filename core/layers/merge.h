#pragma once
// The element-wise merge layers (Keras 3 layers/merging/base_merge.py; SEMANTICS_MORE.md §23.1,
// §23.2): Add, Subtract, Multiply, Average, Maximum, Minimum. Each class is its own small file
// pair (add.h, subtract.h, ...) naming its registry entry; the shape rule, the streaming kernel,
// the cell explanation and the back mapping they share live here.
//
// Shape rule (Merge.build, in this order):
//   1. Subtract needs exactly 2 inputs (checked after 2 and 3, as Keras's Subtract.build does);
//   2. the known batch sizes (first axes) must all be equal — no batch broadcasting:
//      "Cannot merge tensors with different batch sizes. Received tensors with shapes [(1, 4), (2, 4)]";
//   3. the shapes without their batch axis fold left to right with NumPy broadcasting (aligned
//      from the right, a 1 takes the other size):
//      "Inputs have incompatible shapes. Received shapes (4, 4, 3) and (2, 2, 3)" (the longer
//      shape first, the accumulated one on ties).
//   At run time a lower-rank input gets size-1 axes inserted at axis 1, which is the same
//   alignment: (B, 64) with (B, 32, 32, 64) is (B, 1, 1, 64) broadcast.
// Values (float32, left fold): Add ((x0 + x1) + x2)…, Subtract x0 − x1, Multiply ((x0·x1)·x2)…,
// Average (((x0 + x1) + …) / f32(N)), Maximum / Minimum max(max(x0, x1), x2)….
// No parameters beyond the name. Axes have no data_format: a rank-4 tensor is read as (b, y, x, c)
// in storage order, like Tile.

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"

namespace layerscope {

enum class MergeOp { Add, Subtract, Multiply, Average, Maximum, Minimum };

// How every input lines up with the output: its shape padded to the output's rank by size-1
// axes inserted at axis 1, and per output axis whether the input is broadcast along it.
struct MergeAlignment {
    Shape output;
    std::vector<Shape> aligned;                // one per input, rank of the output
    std::vector<std::vector<bool>> broadcast;  // [input][axis]: size 1 stretched to the output's size
};

class ElementwiseMerge : public Layer {
public:
    explicit ElementwiseMerge(std::string name) : Layer(std::move(name)) {}

    virtual MergeOp op() const = 0;
    // Keras's merge shape rule (above); throws LayerError with Keras's message.
    MergeAlignment align(const std::vector<Shape>& inputs) const;

    Arity inputArity() const override { return op() == MergeOp::Subtract ? Arity{2, 2} : Arity{1, -1}; }
    LayerShape inferShape(const Shape& input) const override { return inferShapes({input}); }
    LayerShape inferShapes(const std::vector<Shape>& inputs) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override
    {
        return forwardInputs({&input}, context);
    }
    Tensor forwardInputs(const std::vector<const Tensor*>& inputs, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    bool makesSignedValues() const override { return op() == MergeOp::Subtract; }

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

    // The registry entry's shared parts: no editor fields (a merge has no parameters), a fuzz
    // constructor giving just a name.
    static std::vector<FieldSpec> editorFields() { return {}; }
    static nlohmann::json mergeFuzzJson(const char* className, FuzzBytes& bytes, const std::string& name);
    // Reads the name (the only parameter); the config's other keys are ignored as Keras's base
    // Layer keys (trainable, dtype).
    static std::string nameFromJson(const nlohmann::json& layerObject, const char* stem);
};

// The names of a merge's or concatenation's axes by rank: rank 4 batch, rows, columns, channels.
std::string mergeAxisName(size_t rank, size_t axis);

} // namespace layerscope
