#include "layer_registry.h"

#include "layers/activation_layer.h"
#include "layers/average_pooling2d.h"
#include "layers/batch_normalization.h"
#include "layers/conv2d.h"
#include "layers/conv2d_transpose.h"
#include "layers/dense.h"
#include "layers/depthwise_conv2d.h"
#include "layers/dropout.h"
#include "layers/elu.h"
#include "layers/global_average_pooling2d.h"
#include "layers/leaky_relu.h"
#include "layers/normalization.h"
#include "layers/prelu.h"
#include "layers/relu.h"
#include "layers/rescaling.h"
#include "layers/resizing.h"
#include "layers/separable_conv2d.h"
#include "layers/softmax.h"
#include "layers/tile.h"
#include "layers/up_sampling2d.h"

namespace layerscope {

const std::vector<LayerFactory>& layerFactories()
{
    static const std::vector<LayerFactory> factories = {
        describeLayer<ActivationLayer>(),
        describeLayer<AveragePooling2D>(),
        describeLayer<BatchNormalization>(),
        describeLayer<Conv2D>(),
        describeLayer<Conv2DTranspose>(),
        describeLayer<Dense>(),
        describeLayer<DepthwiseConv2D>(),
        describeLayer<Dropout>(),
        describeLayer<ELU>(),
        describeLayer<GaussianDropout>(),
        describeLayer<GaussianNoise>(),
        describeLayer<GlobalAveragePooling2D>(),
        describeLayer<LeakyReLU>(),
        describeLayer<Normalization>(),
        describeLayer<PReLU>(),
        describeLayer<ReLU>(),
        describeLayer<Rescaling>(),
        describeLayer<Resizing>(),
        describeLayer<SeparableConv2D>(),
        describeLayer<Softmax>(),
        describeLayer<SpatialDropout2D>(),
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
