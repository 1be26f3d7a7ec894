#pragma once
// Reading and writing LayerScope's inline weight entries ({"shape": [...], "data": [...]}, flat
// row-major) for the layers whose weights are vectors or small arrays (BatchNormalization, PReLU,
// Normalization). Conv2D keeps its own reader (conv2d.cpp).

#include "../tensor.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace layerscope {

struct StoredArray {
    Shape shape;
    std::vector<float> data;
    bool operator==(const StoredArray&) const = default;
};

// Throws std::invalid_argument ("weights.<what> ...") for a malformed entry, a length that differs
// from the shape's product, or values beyond float32's range.
StoredArray readStoredArray(const nlohmann::json& entry, const std::string& what);
nlohmann::json storedArrayJson(const StoredArray& array);

} // namespace layerscope
