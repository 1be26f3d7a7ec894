#include "config_parse.h"

#include "shape_math.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cctype>
#include <set>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

static std::string tupleMessage(const std::string& key, const json& value)
{
    return "The `" + key + "` argument must be a tuple of 2 integers. Received " + key + "="
         + value.dump();
}

static bool isInteger(const json& v)
{
    // An unsigned literal above INT64_MAX (18446744073709551615) has no int64 value.
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (v.is_number_integer())
        return true;
    // Keras JSON never writes 2.0 for an int, but hand-written files might; accept exact integers.
    // The range check comes first: converting 1e308 to int64 would be undefined behaviour.
    if (!v.is_number_float())
        return false;
    const double d = v.get<double>();
    return std::abs(d) < 1e15 && d == std::trunc(d);
}

static int64_t toInt(const json& v) { return v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(v.get<double>()); }

std::array<int64_t, 2> readPair(const json& config, const std::string& key,
                                std::optional<std::array<int64_t, 2>> fallback)
{
    if (!config.contains(key) || config.at(key).is_null()) {
        if (fallback)
            return *fallback;
        throw std::invalid_argument("missing required argument `" + key + "`");
    }
    const json& v = config.at(key);
    if (isInteger(v))
        return {toInt(v), toInt(v)};
    if (!v.is_array() || v.size() != 2)
        throw std::invalid_argument(tupleMessage(key, v));
    for (const json& element : v)
        if (!isInteger(element))
            throw std::invalid_argument(tupleMessage(key, v) + " including element " + element.dump()
                                        + " of type " + element.type_name());
    return {toInt(v[0]), toInt(v[1])};
}

std::optional<std::array<int64_t, 2>> readOptionalPair(const json& config, const std::string& key)
{
    if (!config.contains(key) || config.at(key).is_null())
        return std::nullopt;
    return readPair(config, key);
}

int64_t readInt(const json& config, const std::string& key, std::optional<int64_t> fallback)
{
    if (!config.contains(key) || config.at(key).is_null()) {
        if (fallback)
            return *fallback;
        throw std::invalid_argument("missing required argument `" + key + "`");
    }
    const json& v = config.at(key);
    if (!isInteger(v))
        throw std::invalid_argument("argument `" + key + "` must be an integer. Received: " + key
                                    + "=" + v.dump());
    return toInt(v);
}

bool readBool(const json& config, const std::string& key, bool fallback)
{
    if (!config.contains(key) || config.at(key).is_null())
        return fallback;
    const json& v = config.at(key);
    if (v.is_boolean())
        return v.get<bool>();
    if (v.is_number()) // Keras coerces with bool()
        return v.get<double>() != 0.0;
    throw std::invalid_argument("argument `" + key + "` must be a boolean. Received: " + key + "="
                                + v.dump());
}

double readNumber(const json& config, const std::string& key, double fallback)
{
    if (!config.contains(key) || config.at(key).is_null())
        return fallback;
    const json& v = config.at(key);
    if (!v.is_number())
        throw std::invalid_argument("argument `" + key + "` must be a number. Received: " + key
                                    + "=" + v.dump());
    return v.get<double>();
}

std::string readString(const json& config, const std::string& key,
                       std::optional<std::string> fallback)
{
    if (!config.contains(key) || config.at(key).is_null()) {
        if (fallback)
            return *fallback;
        throw std::invalid_argument("missing required argument `" + key + "`");
    }
    const json& v = config.at(key);
    if (!v.is_string())
        throw std::invalid_argument("argument `" + key + "` must be a string. Received: " + key
                                    + "=" + v.dump());
    return v.get<std::string>();
}

std::string checkPositivePair(const std::array<int64_t, 2>& value, const std::string& name,
                              bool allowZero)
{
    std::set<int64_t> bad;
    for (int64_t v : value)
        if (allowZero ? v < 0 : v <= 0)
            bad.insert(v);
    if (bad.empty())
        return {};
    std::string set = "{";
    for (auto it = bad.begin(); it != bad.end(); ++it)
        set += (it == bad.begin() ? "" : ", ") + std::to_string(*it);
    set += "}";
    return "The `" + name + "` argument must be a tuple of 2 integers. Received " + name + "="
         + tupleString({value[0], value[1]}) + ", including values " + set
         + " that do not satisfy `value " + (allowZero ? ">= 0" : "> 0") + "`";
}

std::string pythonRepr(const json& v)
{
    if (v.is_array()) {
        std::string s = "[";
        for (size_t i = 0; i < v.size(); ++i)
            s += (i ? ", " : "") + pythonRepr(v[i]);
        return s + "]";
    }
    if (v.is_string())
        return "'" + v.get<std::string>() + "'";
    if (v.is_boolean())
        return v.get<bool>() ? "True" : "False";
    if (v.is_null())
        return "None";
    if (v.is_object()) {
        std::string s = "{";
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
            s += (first ? "'" : ", '") + it.key() + "': " + pythonRepr(it.value());
            first = false;
        }
        return s + "}";
    }
    return v.dump();
}

Padding parsePadding(const std::string& text, bool convolution)
{
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (convolution ? lower == "valid" : text == "valid")
        return Padding::Valid;
    if (convolution ? lower == "same" : text == "same")
        return Padding::Same;
    if (convolution)
        throw std::invalid_argument(
            "The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: "
            + text);
    throw std::invalid_argument("Argument `padding` must be either 'valid' or 'same'. Received: padding="
                                + text);
}

} // namespace layerscope
