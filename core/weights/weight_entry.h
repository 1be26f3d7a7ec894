#pragma once
// One inline weight of a pipeline file, as every weighted layer stores it beside its "config":
//   "weights": {"<keras variable name>": {"shape": [...], "data": [...]}, ...}
// (row-major data, Keras's variable shape), and the seeded Glorot-uniform default a layer uses for
// a weight that is not stored (glorot.h): the first weight of a layer ("kernel",
// "depthwise_kernel") is seeded with fnv1a32(layer name), as Conv2D's kernel always was; any
// further kernel of the same layer (SeparableConv2D's "pointwise_kernel") with
// fnv1a32(layer name + "/" + variable name), so that two kernels of one layer differ.

#include "../tensor.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace layerscope {

struct WeightEntry {
    Shape shape;
    std::vector<float> data; // empty: not stored
    bool stored() const { return !data.empty() || (!shape.empty() && elementCount(shape) == 0); }
    bool operator==(const WeightEntry&) const = default;
};

// Reads weights.<what>; throws std::invalid_argument unless it is {"shape": [ints ≥ 0],
// "data": [numbers within float32's range]} with one value per element.
WeightEntry readWeightEntry(const nlohmann::json& entry, const std::string& what);
// Reads weights.<key> of a layer object's "weights" (absent or null: not stored) and checks its rank.
WeightEntry readStoredWeight(const nlohmann::json& layerObject, const std::string& key, size_t rank);
nlohmann::json weightEntryJson(const Shape& shape, const std::vector<float>& data);

// The seeded Glorot-uniform draw of a layer's weight (see above); `first` for the layer's first
// kernel. Shapes of rank 2 (Dense) and 4 (convolutions) as glorot.h.
std::vector<float> seededGlorot(const std::string& layerName, const std::string& variable, const Shape& shape,
                                bool first);
// The same draw, shared: recently drawn weights are kept (at most 64 MiB in all), so a layer run
// again with its default weights (every edit of a pipeline, every benchmark repetition) does not
// draw a 4096 × 1000 Dense kernel — 4 M random numbers — again. Thread-safe.
std::shared_ptr<const std::vector<float>> sharedSeededGlorot(const std::string& layerName, const std::string& variable,
                                                             const Shape& shape, bool first);

} // namespace layerscope

namespace layerscope {

// A stored weight fitted to a new shape of the same rank (an editor changed filters, kernel_size,
// ...): values where the old and new shapes overlap are kept, the rest taken from `fresh` (the
// new layer's default for `shape`, row-major).
WeightEntry refitWeight(const WeightEntry& old, const Shape& shape, const std::vector<float>& fresh);
// Whether an editor should store weights of these shapes: every size > 0 and at most 2^22 values
// in all (a huge layer, typed by mistake or meant to hit the memory guard, keeps the default).
bool storableWeights(const std::vector<Shape>& shapes);

} // namespace layerscope
