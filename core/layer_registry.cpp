#include "layer_registry.h"

#include "layers/augmentation.h"
#include "layers/average_pooling2d.h"
#include "layers/center_crop.h"
#include "layers/conv2d.h"
#include "layers/cropping2d.h"
#include "layers/flatten.h"
#include "layers/global_average_pooling2d.h"
#include "layers/global_max_pooling2d.h"
#include "layers/max_pooling2d.h"
#include "layers/permute.h"
#include "layers/reshape.h"
#include "layers/resizing.h"
#include "layers/tile.h"
#include "layers/up_sampling2d.h"
#include "layers/zero_padding2d.h"

namespace layerscope {

const std::vector<LayerFactory>& layerFactories()
{
    static const std::vector<LayerFactory> factories = {
        describeLayer<AveragePooling2D>(),
        describeLayer<CenterCrop>(),
        describeLayer<Conv2D>(),
        describeLayer<Cropping2D>(),
        describeLayer<Flatten>(),
        describeLayer<GlobalAveragePooling2D>(),
        describeLayer<GlobalMaxPooling2D>(),
        describeLayer<MaxPooling2D>(),
        describeLayer<Permute>(),
        describeLayer<RandomBrightness>(),
        describeLayer<RandomContrast>(),
        describeLayer<RandomCrop>(),
        describeLayer<RandomFlip>(),
        describeLayer<RandomRotation>(),
        describeLayer<RandomTranslation>(),
        describeLayer<RandomZoom>(),
        describeLayer<Reshape>(),
        describeLayer<Resizing>(),
        describeLayer<Tile>(),
        describeLayer<UpSampling2D>(),
        describeLayer<ZeroPadding2D>(),
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
