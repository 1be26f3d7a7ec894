#pragma once
// The one interface every layer implements. A layer is a name plus a parameter struct (a value:
// copyable, comparable, savable) and three behaviours:
//  - inferShape validates the parameters against an input shape, raising the Keras error (with the
//    layer's name and the arithmetic) as a LayerError, and explains every output axis;
//  - forward runs the kernel on an input for which inferShape succeeded; it checks the memory
//    budget before allocating and honours cancellation;
//  - config/extras write the Keras JSON that the pipeline file stores.
// Run options (threads, cancellation, memory budget) travel in ExecContext, never in parameters.

#include "errors.h"
#include "exec_context.h"
#include "shape_math.h"
#include "tensor.h"

#include <nlohmann/json.hpp>

#include <memory>
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
