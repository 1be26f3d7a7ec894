#pragma once
// The editor fields of a layer class: which Keras config keys a properties editor exposes, with
// which kind of editor, range and choices. Qt-free, registered with the class (layer_registry.h),
// so a form can be built from any registered layer without knowing its parameter struct.

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope {

enum class FieldKind {
    IntPair,         // [a, b] with a "square" link
    OptionalIntPair, // [a, b] or null (e.g. strides "same as pool size")
    Int,
    Bool,
    Enum,            // string from `choices`; an empty string stands for null
    Float,
    String,
    IntList,         // list of `listLength` ints (Tile multiples)
    IntPairPair,     // [[top, bottom], [left, right]] (ZeroPadding2D padding, Cropping2D cropping)
};

struct FieldSpec {
    std::string key;   // the Keras config key
    std::string label;
    FieldKind kind = FieldKind::Int;
    std::vector<std::string> choices; // Enum
    int64_t minimum = 0;              // editor range of each integer (not a validation rule:
    int64_t maximum = 100000;         // inferShape decides what is valid)
    int listLength = 4;               // IntList
    std::string toolTip;
    std::string nullLabel;            // OptionalIntPair: the text of the "null" check box
};

// The fields several layers share.
FieldSpec dataFormatField();
const std::vector<std::string>& paddingChoices();       // valid, same
const std::vector<std::string>& interpolationChoices(); // nearest … lanczos5

} // namespace layerscope
