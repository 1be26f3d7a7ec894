#include "layer_registry.h"

#include "layers/add.h"
#include "layers/average.h"
#include "layers/average_pooling2d.h"
#include "layers/concatenate.h"
#include "layers/conv2d.h"
#include "layers/global_average_pooling2d.h"
#include "layers/maximum.h"
#include "layers/minimum.h"
#include "layers/multiply.h"
#include "layers/resizing.h"
#include "layers/subtract.h"
#include "layers/tile.h"
#include "layers/up_sampling2d.h"

namespace layerscope {

const std::vector<LayerFactory>& layerFactories()
{
    static const std::vector<LayerFactory> factories = {
        describeLayer<AveragePooling2D>(),
        describeLayer<Conv2D>(),
        describeLayer<GlobalAveragePooling2D>(),
        describeLayer<Resizing>(),
        describeLayer<Tile>(),
        describeLayer<UpSampling2D>(),
        describeLayer<Add>(),
        describeLayer<Subtract>(),
        describeLayer<Multiply>(),
        describeLayer<Average>(),
        describeLayer<Maximum>(),
        describeLayer<Minimum>(),
        describeLayer<Concatenate>(),
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
