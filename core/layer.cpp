#include "layer.h"

namespace layerscope {

bool Layer::operator==(const Layer& other) const
{
    return className() == other.className() && config() == other.config()
        && extras() == other.extras();
}

void Layer::requireRank4(const Shape& input) const
{
    if (input.size() != 4)
        throw error("Input 0 of layer '" + name()
                    + "' is incompatible with the layer: expected ndim=4, found ndim="
                    + std::to_string(input.size()) + ". Full shape received: "
                    + shapeToTuple(input));
}

} // namespace layerscope
