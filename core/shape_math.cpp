#include "shape_math.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <sstream>

namespace layerscope {

std::string paddingName(Padding padding)
{
    return padding == Padding::Valid ? "valid" : "same";
}

static int64_t floorDiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

// Minus sign as U+2212 so explanations read as mathematics, not code.
static std::string minus(int64_t value)
{
    // Negated as unsigned: −INT64_MIN does not fit in int64.
    return value < 0 ? "−" + std::to_string(0 - static_cast<uint64_t>(value)) : std::to_string(value);
}

// Shape arithmetic on parameters typed into a file or a spin box can be absurd (2^62, INT64_MAX):
// intermediate values are formed in 128 bits and must fit in int64 at the end, or the layer fails
// with this message (inferChain reports it on the layer) instead of overflowing.
using Wide = __int128;
static int64_t narrow(Wide value, const std::string& axis, const std::string& what)
{
    if (value > std::numeric_limits<int64_t>::max() || value < std::numeric_limits<int64_t>::min())
        throw std::overflow_error(axis + ": " + what + " is too large to represent (beyond 2^63 − 1)");
    return static_cast<int64_t>(value);
}

WindowAxis windowAxis(const std::string& axis, int64_t n, int64_t k, int64_t s, int64_t d,
                      Padding padding)
{
    WindowAxis result;
    const int64_t ek = narrow(Wide{d} * (Wide{k} - 1) + 1, axis,
                              "the dilated kernel size " + std::to_string(d) + "·(" + std::to_string(k) + " − 1) + 1");
    AxisExplanation& e = result.explanation;
    e.axis = axis;
    e.input = n;
    std::ostringstream arithmetic;
    if (padding == Padding::Valid) {
        result.output = narrow(Wide{floorDiv(narrow(Wide{n} - ek, axis, "n − k"), s)} + 1, axis, "the output size");
        if (d == 1) {
            e.rule = "valid: ⌊(n − k) / s⌋ + 1";
            arithmetic << "⌊(" << n << " − " << k << ") / " << s << "⌋ + 1 = " << minus(result.output);
        } else {
            e.rule = "valid: ⌊(n − (d·(k − 1) + 1)) / s⌋ + 1";
            arithmetic << "ek = " << d << "·(" << k << " − 1) + 1 = " << ek << "; ⌊(" << n << " − "
                       << ek << ") / " << s << "⌋ + 1 = " << minus(result.output);
        }
    } else {
        result.output = narrow((Wide{n} + s - 1) / s, axis, "the output size");
        const int64_t total = narrow(std::max<Wide>(0, (Wide{result.output} - 1) * s + ek - n), axis,
                                     "the padding");
        result.padBefore = total / 2;
        result.padAfter = total - result.padBefore;
        e.rule = "same: ⌈n / s⌉; padding max(0, (out − 1)·s + k − n), extra at bottom/right";
        arithmetic << "⌈" << n << " / " << s << "⌉ = " << result.output;
        if (d != 1)
            arithmetic << "; ek = " << d << "·(" << k << " − 1) + 1 = " << ek;
        arithmetic << "; padding max(0, (" << result.output << " − 1)·" << s << " + " << ek << " − "
                   << n << ") = " << total;
        const bool rows = axis == "height";
        arithmetic << " → " << result.padBefore << (rows ? " top / " : " left / ") << result.padAfter
                   << (rows ? " bottom" : " right");
    }
    e.output = result.output;
    e.padBefore = result.padBefore;
    e.padAfter = result.padAfter;
    e.arithmetic = arithmetic.str();
    return result;
}

TransposeAxis transposeAxis(const std::string& axis, int64_t n, int64_t k, int64_t s, int64_t d, Padding padding,
                            std::optional<int64_t> op)
{
    const int64_t ek = narrow(Wide{d} * (Wide{k} - 1) + 1, axis,
                              "the dilated kernel size " + std::to_string(d) + "·(" + std::to_string(k) + " − 1) + 1");
    TransposeAxis t;
    AxisExplanation& e = t.explanation;
    e.axis = axis;
    e.input = n;
    const std::string N = std::to_string(n), S = std::to_string(s), EK = std::to_string(ek);
    const std::string ekText = d == 1 ? "k" : "ek";
    const Wide stretched = (Wide{n} - 1) * s;
    if (padding == Padding::Valid) {
        if (op) {
            t.output = narrow(stretched + ek + *op, axis, "the output size");
            e.rule = "valid: (n − 1)·s + " + ekText + " + output_padding";
            e.arithmetic = "(" + N + " − 1)·" + S + " + " + EK + " + " + std::to_string(*op);
        } else {
            t.output = narrow(stretched + std::max(ek, s), axis, "the output size");
            e.rule = "valid: (n − 1)·s + max(" + ekText + ", s)";
            e.arithmetic = "(" + N + " − 1)·" + S + " + max(" + EK + ", " + S + ")";
        }
    } else {
        if (op) {
            t.output = narrow(stretched + ek % 2 + *op, axis, "the output size");
            e.rule = "same: (n − 1)·s + (" + ekText + " mod 2) + output_padding";
            e.arithmetic = "(" + N + " − 1)·" + S + " + (" + EK + " mod 2) + " + std::to_string(*op);
        } else {
            t.output = narrow(Wide{n} * s, axis, "the output size");
            e.rule = "same: n·s";
            e.arithmetic = N + "·" + S;
        }
        t.crop = narrow(std::max<Wide>(0, stretched + ek - t.output) / 2, axis, "the crop");
    }
    e.arithmetic += " = " + std::to_string(t.output);
    if (t.crop > 0)
        e.arithmetic += "; the stamps are cropped by P = ⌊max(0, (n − 1)·s + " + ekText + " − out) / 2⌋ = "
                      + std::to_string(t.crop) + " at the " + (axis == "height" ? "top" : "left");
    if (d > 1)
        e.rule += ", ek = d·(k − 1) + 1";
    e.output = t.output;
    return t;
}

AxisExplanation copiedAxis(const std::string& axis, int64_t n)
{
    AxisExplanation e;
    e.axis = axis;
    e.rule = "copied";
    e.arithmetic = std::to_string(n);
    e.input = e.output = n;
    return e;
}

AxisExplanation scaledAxis(const std::string& axis, int64_t n, int64_t factor,
                           const std::string& factorName)
{
    AxisExplanation e;
    e.axis = axis;
    e.rule = "n · " + factorName;
    const int64_t output = narrow(Wide{n} * factor, axis, std::to_string(n) + " · " + std::to_string(factor));
    e.arithmetic = std::to_string(n) + " · " + std::to_string(factor) + " = " + std::to_string(output);
    e.input = n;
    e.output = output;
    return e;
}

AxisExplanation setAxis(const std::string& axis, int64_t n, int64_t value,
                        const std::string& parameterName)
{
    AxisExplanation e;
    e.axis = axis;
    e.rule = parameterName;
    e.arithmetic = std::to_string(n) + " → " + parameterName + " = " + minus(value);
    e.input = n;
    e.output = value;
    return e;
}

std::string tupleString(const std::vector<int64_t>& values)
{
    std::ostringstream out;
    out << '(';
    for (size_t i = 0; i < values.size(); ++i) {
        if (i)
            out << ", ";
        out << values[i];
    }
    if (values.size() == 1)
        out << ',';
    out << ')';
    return out.str();
}

} // namespace layerscope
