#include "shape_chain.h"

#include "core/errors.h"

namespace layerscope::gui {

Shape ShapeChain::inputOf(int index) const
{
    if (!hasInput)
        return {};
    if (index <= 0)
        return input;
    const ShapeChainEntry& previous = layers.at(static_cast<size_t>(index - 1));
    return previous.ok ? previous.output : Shape{};
}

ShapeChain computeShapeChain(const std::vector<const Layer*>& layers,
                             const std::vector<bool>& bypassed, const Shape* input)
{
    ShapeChain chain;
    chain.layers.resize(layers.size());
    chain.hasInput = input != nullptr;
    if (input)
        chain.input = *input;
    Shape current = chain.input;
    bool blocked = !chain.hasInput;
    for (size_t i = 0; i < layers.size(); ++i) {
        ShapeChainEntry& e = chain.layers[i];
        e.bypassed = i < bypassed.size() && bypassed[i];
        if (blocked) {
            e.blocked = true;
            continue;
        }
        if (e.bypassed) {
            e.ok = true;
            e.output = current;
            continue;
        }
        try {
            LayerShape s = layers[i]->inferShape(current);
            e.ok = true;
            e.output = s.output;
            e.axes = std::move(s.axes);
            current = e.output;
        } catch (const std::exception& error) {
            e.error = QString::fromStdString(error.what());
            chain.failedLayer = static_cast<int>(i);
            blocked = true;
        }
    }
    return chain;
}

} // namespace layerscope::gui
