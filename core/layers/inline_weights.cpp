#include "inline_weights.h"

#include "../shape_math.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

StoredArray readStoredArray(const json& entry, const std::string& what)
{
    if (!entry.is_object() || !entry.contains("shape") || !entry.contains("data"))
        throw std::invalid_argument("weights." + what + " must be an object with \"shape\" and \"data\"");
    const json& jsonShape = entry.at("shape");
    const json& data = entry.at("data");
    if (!jsonShape.is_array() || !data.is_array())
        throw std::invalid_argument("weights." + what + ".shape and .data must be lists");
    StoredArray a;
    for (const json& d : jsonShape) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > (int64_t{1} << 40))
            throw std::invalid_argument("weights." + what + ".shape must hold non-negative integers, got "
                                        + jsonShape.dump());
        a.shape.push_back(d.get<int64_t>());
    }
    if (a.shape.size() > 8)
        throw std::invalid_argument("weights." + what + ".shape has more than 8 axes: " + jsonShape.dump());
    int64_t expected = 1;
    for (int64_t d : a.shape) {
        if (d != 0 && expected > (int64_t{1} << 40) / d)
            throw std::invalid_argument("weights." + what + ".shape is too large: " + jsonShape.dump());
        expected *= d;
    }
    if (static_cast<int64_t>(data.size()) != expected)
        throw std::invalid_argument("weights." + what + " has " + std::to_string(data.size()) + " values but its shape "
                                    + tupleString(std::vector<int64_t>(a.shape.begin(), a.shape.end())) + " needs "
                                    + std::to_string(expected));
    a.data.reserve(data.size());
    for (const json& v : data) {
        if (!v.is_number())
            throw std::invalid_argument("weights." + what + ".data must hold numbers, got " + v.dump());
        const double value = v.get<double>();
        if (!(std::abs(value) <= static_cast<double>(std::numeric_limits<float>::max())))
            throw std::invalid_argument("weights." + what + ".data holds " + v.dump() + ", beyond float32's range (±3.4e38)");
        a.data.push_back(static_cast<float>(value));
    }
    return a;
}

json storedArrayJson(const StoredArray& array)
{
    return {{"shape", array.shape}, {"data", array.data}};
}

} // namespace layerscope
