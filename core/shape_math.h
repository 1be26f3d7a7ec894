#pragma once
// All output-size and padding arithmetic of the engine, in one place (as TFLite's padding.h).
// The same functions that compute a size also write the human explanation that the CLI prints
// and the GUI shows, so the two can never disagree. Conventions, stated once:
//  - valid: out = ⌊(n − ek) / s⌋ + 1 with the effective kernel ek = d·(k − 1) + 1;
//  - same:  out = ⌈n / s⌉, total pad = max(0, (out − 1)·s + ek − n), the smaller half before
//    (top/left) and the extra row/column after (bottom/right), as TF does.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

enum class Padding { Valid, Same };
std::string paddingName(Padding padding); // "valid" / "same"

// One output axis of one layer, explained.
struct AxisExplanation {
    std::string axis;       // "height", "width", "channels", "batch"
    std::string rule;       // general formula, e.g. "valid: ⌊(n − k) / s⌋ + 1"
    std::string arithmetic; // the formula with numbers, e.g. "⌊(32 − 2) / 2⌋ + 1 = 16"
    int64_t input = 0;
    int64_t output = 0;
    int64_t padBefore = 0;  // SAME padding (top/left)
    int64_t padAfter = 0;   // SAME padding (bottom/right)

    bool operator==(const AxisExplanation&) const = default;
};

// A sliding window (pooling or convolution) along one axis.
struct WindowAxis {
    int64_t output = 0; // may be <= 0 for valid padding: the caller raises the Keras error
    int64_t padBefore = 0;
    int64_t padAfter = 0;
    AxisExplanation explanation;
};

// n: input size, k: window, s: stride, d: dilation (1 for pooling).
WindowAxis windowAxis(const std::string& axis, int64_t n, int64_t k, int64_t s, int64_t d,
                      Padding padding);

// One spatial axis of a transposed convolution (Conv2DTranspose; ek = d·(k − 1) + 1, op the
// output_padding, nullopt for Keras's None):
//   valid: op None (n − 1)·s + max(ek, s), else (n − 1)·s + ek + op; crop P = 0
//   same:  op None n·s, else (n − 1)·s + (ek mod 2) + op; P = ⌊max(0, (n − 1)·s + ek − out) / 2⌋
// (stamps of input index i start at i·s − P). Throws std::overflow_error beyond int64.
struct TransposeAxis {
    int64_t output = 0;
    int64_t crop = 0;
    AxisExplanation explanation;
};
TransposeAxis transposeAxis(const std::string& axis, int64_t n, int64_t k, int64_t s, int64_t d, Padding padding,
                            std::optional<int64_t> outputPadding);

// Axes that are copied (batch, channels) or scaled (upsampling, tile) or set (resizing).
AxisExplanation copiedAxis(const std::string& axis, int64_t n);
AxisExplanation scaledAxis(const std::string& axis, int64_t n, int64_t factor,
                           const std::string& factorName);
AxisExplanation setAxis(const std::string& axis, int64_t n, int64_t value,
                        const std::string& parameterName);

// "(1, 2)" formatting of parameter pairs as Keras prints tuples.
std::string tupleString(const std::vector<int64_t>& values);

} // namespace layerscope
