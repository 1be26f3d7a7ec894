#include "layer_registry.h"

#include "layers/average_pooling2d.h"
#include "layers/conv2d.h"
#include "layers/conv2d_transpose.h"
#include "layers/dense.h"
#include "layers/depthwise_conv2d.h"
#include "layers/global_average_pooling2d.h"
#include "layers/resizing.h"
#include "layers/separable_conv2d.h"
#include "layers/tile.h"
#include "layers/up_sampling2d.h"

namespace layerscope {

const std::vector<LayerFactory>& layerFactories()
{
    static const std::vector<LayerFactory> factories = {
        describeLayer<AveragePooling2D>(),
        describeLayer<Conv2D>(),
        describeLayer<Conv2DTranspose>(),
        describeLayer<Dense>(),
        describeLayer<DepthwiseConv2D>(),
        describeLayer<GlobalAveragePooling2D>(),
        describeLayer<Resizing>(),
        describeLayer<SeparableConv2D>(),
        describeLayer<Tile>(),
        describeLayer<UpSampling2D>(),
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
