#include "layer_registry.h"

#include "layers/average_pooling2d.h"
#include "layers/conv2d.h"
#include "layers/global_average_pooling2d.h"
#include "layers/resizing.h"
#include "layers/tile.h"
#include "layers/up_sampling2d.h"

namespace layerscope {

template <typename L>
static LayerFactory factoryFor(std::string stem)
{
    return LayerFactory{
        L::kClassName,
        [](const nlohmann::json& object) -> std::unique_ptr<Layer> { return L::fromJson(object); },
        [](const std::string& name) -> std::unique_ptr<Layer> { return std::make_unique<L>(name); },
        std::move(stem)};
}

const std::vector<LayerFactory>& layerFactories()
{
    static const std::vector<LayerFactory> factories = {
        factoryFor<AveragePooling2D>("average_pooling2d"),
        factoryFor<Conv2D>("conv2d"),
        factoryFor<GlobalAveragePooling2D>("global_average_pooling2d"),
        factoryFor<Resizing>("resizing"),
        factoryFor<Tile>("tile"),
        factoryFor<UpSampling2D>("up_sampling2d"),
    };
    return factories;
}

const LayerFactory* findLayerFactory(const std::string& className)
{
    for (const LayerFactory& f : layerFactories())
        if (f.className == className)
            return &f;
    return nullptr;
}

std::string supportedLayerClasses()
{
    std::string names;
    for (const LayerFactory& f : layerFactories())
        names += (names.empty() ? "" : ", ") + f.className;
    return names;
}

} // namespace layerscope
