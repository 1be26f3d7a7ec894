#pragma once
// What a layer tells the Keras code generator (keras_code.h) about itself: the constructor its
// config is passed to, and the weight arrays set_weights takes. Apart from keras_code.h so that
// Layer can declare them without including the pipeline.

#include "core/tensor.h"

#include <string>
#include <vector>

namespace layerscope {

struct KerasConstructor {
    std::string module;       // the saved file's "module": "keras.layers", or "layerscope" for our own
    std::string call;         // "layers.Conv2D", or a class defined in the script ("Tile")
    std::string helperSource; // that class's Python source, written once after the imports; empty for Keras's own
};

// One weight array, named as the script's variable ("kernel", "bias"); rank > 1 is reshaped.
struct NamedArray {
    std::string name;
    Shape shape;
    std::vector<float> values;
};

} // namespace layerscope
