#pragma once
// The one interface every layer implements. A layer is a name plus a parameter struct (a value:
// copyable, comparable, savable) and three behaviours:
//  - inferShape validates the parameters against an input shape, raising the Keras error (with the
//    layer's name and the arithmetic) as a LayerError, and explains every output axis;
//  - forward runs the kernel on an input for which inferShape succeeded; it checks the memory
//    budget before allocating and honours cancellation;
//  - config/extras write the Keras JSON that the pipeline file stores.
// Everything else the program asks of a layer is a capability it implements beside its math (in
// core/layers/), so that no code outside core/layers/ names a concrete class:
//  - dataFormat, explainOutputCell (explain/cell_explanation.h), mapOutputRegion and
//    outputAxisWindows (explain/receptive_field.h), slidingWindow (explain/shape_what_if.h);
//  - kerasConstructor, generatedWeightCount and kerasWeights (codegen/keras_code.h).
// What belongs to the class rather than to one layer (editor fields, icon, fuzz constructor) is in
// its registry entry (layer_registry.h).
// Run options (threads, cancellation, memory budget) travel in ExecContext, never in parameters.

#include "codegen/keras_form.h"
#include "errors.h"
#include "exec_context.h"
#include "explain/cell_explanation_types.h"
#include "explain/region.h"
#include "explain/window_config.h"
#include "layout.h"
#include "shape_math.h"
#include "tensor.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

struct LayerShape {
    Shape output;
    std::vector<AxisExplanation> axes; // one per output axis, in output order
};

class Layer {
public:
    explicit Layer(std::string name) : m_name(std::move(name)) {}
    virtual ~Layer() = default;

    virtual std::string className() const = 0;
    const std::string& name() const { return m_name; }
    void setName(std::string name) { m_name = std::move(name); }

    virtual LayerShape inferShape(const Shape& input) const = 0;
    virtual Tensor forward(const Tensor& input, const ExecContext& context) const = 0;

    // One line for the layer stack, e.g. "2×2 / s2 / valid".
    virtual std::string summary() const = 0;
    // The Keras "config" object, including "name".
    virtual nlohmann::json config() const = 0;
    // Layer-level keys beside "config" (Conv2D "weights"); null when none.
    virtual nlohmann::json extras() const { return nullptr; }
    virtual std::unique_ptr<Layer> clone() const = 0;
    // Whether the output can be negative on a non-negative input (signed weights): views show it
    // with a diverging colour map.
    virtual bool makesSignedValues() const { return false; }

    // ---- explanation capabilities (callers have run inferShape: `output` is its result) ----
    // The data_format the layer reads and writes its tensors in; nullopt without one (Tile).
    virtual std::optional<DataFormat> dataFormat() const { return std::nullopt; }
    // One output cell (inside `output`) recomputed from its input cells (explainCell).
    virtual CellExplanation explainOutputCell(const Tensor& input, const Shape& output,
                                              const CellIndex& cell) const = 0;
    // An output region (boxes over the output's axes, of the output's rank) mapped back to the
    // input (mapRegionBack).
    virtual RegionMapping mapOutputRegion(const Shape& input, const Shape& output,
                                          const std::vector<Interval>& clipped,
                                          const std::vector<Interval>& unclipped) const = 0;
    // The input window of every output index along spatial axis 0 (rows) or 1 (columns)
    // (spatialAxisWindows); throws std::invalid_argument when the layer has no such axis.
    virtual std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output,
                                                      int spatialAxis) const = 0;
    // The sliding window along spatial axis 0 / 1 of a rank-4 `input`; nullopt when the layer
    // slides none (shapeWhatIf).
    virtual std::optional<WindowConfig> slidingWindow(const Shape& /*input*/, int /*spatialAxis*/) const
    {
        return std::nullopt;
    }

    // ---- several inputs (merge layers; a graph node feeds a layer its inbound tensors in order) ----
    // Every single-input layer keeps the defaults: exactly one input, and the *Inputs forms
    // forward to the single-input virtuals above. A layer taking several inputs overrides all
    // of them (and implements the single-input ones as the one-input case).
    struct Arity {
        int minimum = 1;
        int maximum = 1; // -1: no upper bound
    };
    virtual Arity inputArity() const { return {}; }
    // Shape inference over the inputs in call order; by default exactly one input → inferShape.
    virtual LayerShape inferShapes(const std::vector<Shape>& inputs) const;
    // Runs on inputs for which inferShapes succeeded; by default exactly one → forward.
    virtual Tensor forwardInputs(const std::vector<const Tensor*>& inputs, const ExecContext& context) const;
    // One output cell from all inputs; ContributingCell::input names the input each cell is from.
    virtual CellExplanation explainOutputCellInputs(const std::vector<const Tensor*>& inputs, const Shape& output,
                                                    const CellIndex& cell) const;
    // An output region mapped back to every input: one RegionMapping per input, in input order.
    virtual std::vector<RegionMapping> mapOutputRegionInputs(const std::vector<Shape>& inputs, const Shape& output,
                                                             const std::vector<Interval>& clipped,
                                                             const std::vector<Interval>& unclipped) const;

    // ---- Keras code generation ----
    // The Keras constructor the config is passed to; by default Keras's own layer of this class.
    virtual KerasConstructor kerasConstructor() const { return {"keras.layers", "layers." + className(), {}}; }
    // How many weight values kerasWeights would have to generate (not stored in the layer) for
    // `input`, empty when the input is unknown; infinite when they cannot be made without it.
    // The generator writes a comment instead of generating more than it can inline.
    virtual long double generatedWeightCount(const Shape& /*input*/) const { return 0; }
    // The arrays model.get_layer(name).set_weights takes, in its order; empty when none.
    virtual std::vector<NamedArray> kerasWeights(const Shape& /*input*/) const { return {}; }

    // ---- editing ----
    // The layer has a kernel a kernel editor can show and change (Conv2D).
    virtual bool hasEditableKernel() const { return false; }
    // `edited` is this layer's Keras object with one config key changed by an editor; stored
    // weights that no longer fit the new parameters are refitted in it (kept where they still
    // fit, new parts initialised as a new layer's would be) for an input of shape `input` (empty
    // when unknown). By default nothing is stored, so nothing changes.
    virtual void refitStoredWeights(nlohmann::json& /*edited*/, const Shape& /*input*/) const {}

    // Same class, name, parameters and weights.
    bool operator==(const Layer& other) const;

protected:
    LayerError error(const std::string& message) const
    {
        return LayerError(className(), m_name, message);
    }
    // Throws MemoryBudgetError unless a float32 tensor of `shape` fits the budget.
    void guard(const ExecContext& context, const Shape& shape, int64_t extraBytes = 0,
               const std::string& what = "the output") const
    {
        guardAllocation(context, className(), m_name, what, shape, extraBytes);
    }
    // Throws the Keras InputSpec message unless the input has rank 4.
    void requireRank4(const Shape& input) const;

private:
    std::string m_name;
};

} // namespace layerscope
