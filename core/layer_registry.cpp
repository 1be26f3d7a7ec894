#include "layer_registry.h"

#include <algorithm>

#include "layers/activation_layer.h"
#include "layers/add.h"
#include "layers/augmentation.h"
#include "layers/average.h"
#include "layers/average_pooling2d.h"
#include "layers/batch_normalization.h"
#include "layers/center_crop.h"
#include "layers/concatenate.h"
#include "layers/conv2d.h"
#include "layers/conv2d_transpose.h"
#include "layers/cropping2d.h"
#include "layers/dense.h"
#include "layers/depthwise_conv2d.h"
#include "layers/dropout.h"
#include "layers/elu.h"
#include "layers/flatten.h"
#include "layers/global_average_pooling2d.h"
#include "layers/global_max_pooling2d.h"
#include "layers/leaky_relu.h"
#include "layers/max_pooling2d.h"
#include "layers/maximum.h"
#include "layers/minimum.h"
#include "layers/multiply.h"
#include "layers/normalization.h"
#include "layers/permute.h"
#include "layers/prelu.h"
#include "layers/relu.h"
#include "layers/rescaling.h"
#include "layers/reshape.h"
#include "layers/resizing.h"
#include "layers/separable_conv2d.h"
#include "layers/softmax.h"
#include "layers/subtract.h"
#include "layers/tile.h"
#include "layers/up_sampling2d.h"
#include "layers/zero_padding2d.h"

namespace layerscope {

const std::vector<LayerFactory>& layerFactories()
{
    static const std::vector<LayerFactory> factories = {
        describeLayer<ActivationLayer>(),
        describeLayer<Add>(),
        describeLayer<Average>(),
        describeLayer<AveragePooling2D>(),
        describeLayer<BatchNormalization>(),
        describeLayer<CenterCrop>(),
        describeLayer<Concatenate>(),
        describeLayer<Conv2D>(),
        describeLayer<Conv2DTranspose>(),
        describeLayer<Cropping2D>(),
        describeLayer<Dense>(),
        describeLayer<DepthwiseConv2D>(),
        describeLayer<Dropout>(),
        describeLayer<ELU>(),
        describeLayer<Flatten>(),
        describeLayer<GaussianDropout>(),
        describeLayer<GaussianNoise>(),
        describeLayer<GlobalAveragePooling2D>(),
        describeLayer<GlobalMaxPooling2D>(),
        describeLayer<LeakyReLU>(),
        describeLayer<Maximum>(),
        describeLayer<MaxPooling2D>(),
        describeLayer<Minimum>(),
        describeLayer<Multiply>(),
        describeLayer<Normalization>(),
        describeLayer<Permute>(),
        describeLayer<PReLU>(),
        describeLayer<RandomBrightness>(),
        describeLayer<RandomContrast>(),
        describeLayer<RandomCrop>(),
        describeLayer<RandomFlip>(),
        describeLayer<RandomRotation>(),
        describeLayer<RandomTranslation>(),
        describeLayer<RandomZoom>(),
        describeLayer<ReLU>(),
        describeLayer<Rescaling>(),
        describeLayer<Reshape>(),
        describeLayer<Resizing>(),
        describeLayer<SeparableConv2D>(),
        describeLayer<Softmax>(),
        describeLayer<SpatialDropout2D>(),
        describeLayer<Subtract>(),
        describeLayer<Tile>(),
        describeLayer<UpSampling2D>(),
        describeLayer<ZeroPadding2D>(),
    };
    return factories;
}

bool takesOneInput(const LayerFactory& factory)
{
    const Layer::Arity arity = factory.makeDefault(factory.nameStem)->inputArity();
    return arity.minimum <= 1 && arity.maximum == 1;
}

std::vector<std::string> layerCategories()
{
    // The order a CNN is usually read in; a category not listed here goes last.
    static const std::vector<std::string> order = {
        "Convolution", "Pooling", "Activation", "Normalization", "Resizing and reshaping", "Merge",
        "Regularization (identity at inference)", "Augmentation (identity at inference)"};
    std::vector<std::string> categories = order;
    for (const LayerFactory& f : layerFactories())
        if (std::find(categories.begin(), categories.end(), f.category) == categories.end())
            categories.push_back(f.category);
    std::erase_if(categories, [](const std::string& c) {
        return std::none_of(layerFactories().begin(), layerFactories().end(),
                            [&](const LayerFactory& f) { return f.category == c; });
    });
    return categories;
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
