#include "margins.h"

#include "../config_parse.h"
#include "../parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

static bool isInt(const json& v)
{
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    return v.is_number_integer();
}

// Keras standardize_tuple(value, 2, name, allow_zero=True).
static std::array<int64_t, 2> entryPair(const json& v, const std::string& name)
{
    std::string message = "The `" + name + "` argument must be a tuple of 2 integers. Received " + name + "="
                        + pythonRepr(v);
    std::array<int64_t, 2> pair{};
    if (isInt(v)) {
        pair = {v.get<int64_t>(), v.get<int64_t>()};
    } else {
        if (!v.is_array() || v.size() != 2)
            throw std::invalid_argument(message);
        for (size_t i = 0; i < 2; ++i) {
            if (!isInt(v[i]))
                throw std::invalid_argument(message + "including element " + pythonRepr(v[i]) + " of type "
                                            + (v[i].is_string() ? "<class 'str'>" : v[i].is_number_float() ? "<class 'float'>"
                                                                                                              : "<class 'object'>"));
            pair[i] = v[i].get<int64_t>();
        }
    }
    std::set<int64_t> bad;
    for (int64_t x : pair)
        if (x < 0)
            bad.insert(x);
    if (!bad.empty()) {
        std::string set = "{";
        for (auto it = bad.begin(); it != bad.end(); ++it)
            set += (it == bad.begin() ? "" : ", ") + std::to_string(*it);
        throw std::invalid_argument(message + ", including values " + set + "} that do not satisfy `value >= 0`");
    }
    return pair;
}

Margins readMargins(const json& config, const std::string& key, const Margins& fallback, bool rejectNegativeInt)
{
    if (!config.contains(key) || config.at(key).is_null())
        return fallback;
    const json& v = config.at(key);
    if (isInt(v)) {
        const int64_t p = v.get<int64_t>();
        if (rejectNegativeInt && p < 0)
            throw std::invalid_argument("`" + key + "` cannot be negative. Received: " + key + "=" + std::to_string(p)
                                        + ".");
        return {{{p, p}, {p, p}}};
    }
    if (v.is_array() || v.is_string()) {
        const size_t size = v.is_array() ? v.size() : v.get<std::string>().size();
        if (size != 2)
            throw std::invalid_argument("`" + key + "` should have two elements. Received: " + key + "="
                                        + (v.is_string() ? v.get<std::string>() : pythonRepr(v)) + ".");
        if (v.is_string()) // its first character is a one-element iterable
            throw std::invalid_argument("The `1st entry of " + key + "` argument must be a tuple of 2 integers. "
                                        "Received 1st entry of " + key + "=" + v.get<std::string>().substr(0, 1));
        return {entryPair(v[0], "1st entry of " + key), entryPair(v[1], "2nd entry of " + key)};
    }
    throw std::invalid_argument("`" + key + "` should be either an int, a tuple of 2 ints "
                                "(symmetric_height_crop, symmetric_width_crop), or a tuple of 2 tuples of 2 ints "
                                "((top_crop, bottom_crop), (left_crop, right_crop)). Received: "
                                + key + "=" + pythonRepr(v) + ".");
}

json marginsJson(const Margins& m)
{
    return json{{m[0][0], m[0][1]}, {m[1][0], m[1][1]}};
}

std::string marginsTuple(const Margins& m)
{
    return "((" + std::to_string(m[0][0]) + ", " + std::to_string(m[0][1]) + "), (" + std::to_string(m[1][0]) + ", "
         + std::to_string(m[1][1]) + "))";
}

void shiftedCopy(const Tensor& input, Tensor& output, const std::array<int64_t, 4>& offset, const ExecContext& context)
{
    const Shape& in = input.shape();
    const Shape& out = output.shape();
    const int64_t rows = out[0] * out[1] * out[2];
    const int64_t n3 = out[3];
    const float* src = input.data();
    float* dst = output.data();
    parallelChunks(rows, /*grain=*/16, context, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const int64_t i2 = r % out[2], i1 = (r / out[2]) % out[1], i0 = r / (out[2] * out[1]);
            const int64_t j0 = i0 + offset[0], j1 = i1 + offset[1], j2 = i2 + offset[2];
            float* d = dst + r * n3;
            if (j0 < 0 || j0 >= in[0] || j1 < 0 || j1 >= in[1] || j2 < 0 || j2 >= in[2]) {
                std::fill(d, d + n3, 0.0f);
                continue;
            }
            const float* s = src + ((j0 * in[1] + j1) * in[2] + j2) * in[3];
            // Last axis: [first, last) of the output reads the input; the rest is zero.
            const int64_t first = std::clamp<int64_t>(-offset[3], 0, n3);
            const int64_t last = std::clamp<int64_t>(in[3] - offset[3], first, n3);
            std::fill(d, d + first, 0.0f);
            std::copy(s + first + offset[3], s + last + offset[3], d + first);
            std::fill(d + last, d + n3, 0.0f);
        }
    });
}

AxisRule shiftRule(int64_t inSize, int64_t shift)
{
    AxisRule rule;
    rule.kind = AxisRule::Kind::Window;
    rule.inSize = inSize;
    rule.stride = 1;
    rule.padBefore = -shift;
    rule.extent = 1;
    return rule;
}

} // namespace layerscope
