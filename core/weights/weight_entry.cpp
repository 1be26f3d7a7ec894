#include "weight_entry.h"

#include "glorot.h"
#include "../shape_math.h"

#include <cmath>
#include <deque>
#include <mutex>
#include <limits>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

WeightEntry readWeightEntry(const json& entry, const std::string& what)
{
    if (!entry.is_object() || !entry.contains("shape") || !entry.contains("data"))
        throw std::invalid_argument("weights." + what + " must be an object with \"shape\" and \"data\"");
    const json& jsonShape = entry.at("shape");
    const json& data = entry.at("data");
    if (!jsonShape.is_array() || !data.is_array())
        throw std::invalid_argument("weights." + what + ".shape and .data must be lists");
    WeightEntry w;
    for (const json& d : jsonShape) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0)
            throw std::invalid_argument("weights." + what + ".shape must hold non-negative integers, got "
                                        + jsonShape.dump());
        w.shape.push_back(d.get<int64_t>());
    }
    const int64_t expected = elementCount(w.shape);
    if (static_cast<int64_t>(data.size()) != expected)
        throw std::invalid_argument("weights." + what + " has " + std::to_string(data.size())
                                    + " values but its shape " + shapeToTuple(w.shape) + " needs "
                                    + std::to_string(expected));
    w.data.reserve(data.size());
    for (const json& v : data) {
        if (!v.is_number())
            throw std::invalid_argument("weights." + what + ".data must hold numbers, got " + v.dump());
        // A finite double beyond float32's range would become inf, which JSON cannot store: the
        // pipeline would load but not survive save → load.
        const double value = v.get<double>();
        if (!(std::abs(value) <= static_cast<double>(std::numeric_limits<float>::max())))
            throw std::invalid_argument("weights." + what + ".data holds " + v.dump()
                                        + ", beyond float32's range (±3.4e38)");
        w.data.push_back(static_cast<float>(value));
    }
    return w;
}

WeightEntry readStoredWeight(const json& object, const std::string& key, size_t rank)
{
    if (!object.contains("weights") || object.at("weights").is_null())
        return {};
    const json& weights = object.at("weights");
    if (!weights.is_object())
        throw std::invalid_argument("\"weights\" must be an object of {\"shape\", \"data\"} entries");
    if (!weights.contains(key) || weights.at(key).is_null())
        return {};
    WeightEntry w = readWeightEntry(weights.at(key), key);
    if (w.shape.size() != rank)
        throw std::invalid_argument("weights." + key + " must have rank " + std::to_string(rank) + ", got shape "
                                    + shapeToTuple(w.shape));
    return w;
}

json weightEntryJson(const Shape& shape, const std::vector<float>& data)
{
    return {{"shape", shape}, {"data", data}};
}

std::vector<float> seededGlorot(const std::string& layerName, const std::string& variable, const Shape& shape,
                                bool first)
{
    return *sharedSeededGlorot(layerName, variable, shape, first);
}

std::shared_ptr<const std::vector<float>> sharedSeededGlorot(const std::string& layerName, const std::string& variable,
                                                             const Shape& shape, bool first)
{
    struct Drawn {
        uint32_t seed;
        Shape shape;
        std::shared_ptr<const std::vector<float>> values;
    };
    static constexpr size_t kMaxCachedFloats = size_t{16} << 20; // 64 MiB
    static std::mutex mutex;
    static std::deque<Drawn> recent; // newest first
    const uint32_t seed = fnv1a32(first ? layerName : layerName + "/" + variable);
    {
        const std::lock_guard lock(mutex);
        for (auto it = recent.begin(); it != recent.end(); ++it) {
            if (it->seed == seed && it->shape == shape) {
                Drawn hit = std::move(*it);
                recent.erase(it);
                recent.push_front(hit);
                return hit.values;
            }
        }
    }
    // Drawn outside the lock: another thread's draw of another layer need not wait.
    auto values = std::make_shared<const std::vector<float>>(glorotUniform(shape, seed));
    if (values->size() > kMaxCachedFloats)
        return values;
    const std::lock_guard lock(mutex);
    recent.push_front({seed, shape, values});
    size_t total = 0;
    for (auto it = recent.begin(); it != recent.end(); ++it) {
        total += it->values->size();
        if (total > kMaxCachedFloats) {
            recent.erase(it, recent.end());
            break;
        }
    }
    return values;
}

} // namespace layerscope

namespace layerscope {

WeightEntry refitWeight(const WeightEntry& old, const Shape& shape, const std::vector<float>& fresh)
{
    WeightEntry w{shape, fresh};
    if (old.shape.size() != shape.size())
        return w;
    const size_t rank = shape.size();
    std::vector<int64_t> index(rank, 0);
    for (int64_t flat = 0; flat < static_cast<int64_t>(w.data.size()); ++flat) {
        int64_t rest = flat, oldFlat = 0;
        bool inside = true;
        for (size_t a = rank; a-- > 0;) {
            index[a] = rest % shape[a];
            rest /= shape[a];
        }
        for (size_t a = 0; a < rank; ++a) {
            inside = inside && index[a] < old.shape[a];
            oldFlat = oldFlat * old.shape[a] + index[a];
        }
        if (inside)
            w.data[static_cast<size_t>(flat)] = old.data[static_cast<size_t>(oldFlat)];
    }
    return w;
}

} // namespace layerscope

namespace layerscope {

bool storableWeights(const std::vector<Shape>& shapes)
{
    double total = 0;
    for (const Shape& shape : shapes) {
        double count = 1;
        for (int64_t d : shape) {
            if (d <= 0)
                return false;
            count *= static_cast<double>(d);
        }
        total += count;
    }
    return total <= static_cast<double>(int64_t{1} << 22);
}

} // namespace layerscope
