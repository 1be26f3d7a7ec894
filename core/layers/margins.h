#pragma once
// What ZeroPadding2D and Cropping2D share: Keras's three forms of their ((top, bottom), (left,
// right)) argument (an int, a pair of symmetric amounts, a pair of pairs) read with Keras's
// constructor errors, and the shifted block copy both run (padding cells are zero).

#include "../explain/axis_rule.h"
#include "../exec_context.h"
#include "../tensor.h"

#include <nlohmann/json.hpp>

#include <array>
#include <string>

namespace layerscope {

using Margins = std::array<std::array<int64_t, 2>, 2>; // {{top, bottom}, {left, right}}

// The argument `key` of `config` (missing or null: `fallback`). Throws std::invalid_argument with
// Keras's constructor message: "`padding` should have two elements. ...", "The `1st entry of
// padding` argument must be a tuple of 2 integers. ...", and for a negative plain int
// "`cropping` cannot be negative. ..." when `rejectNegativeInt` (ZeroPadding2D lets it through
// to TF's Pad, which fails at run time).
Margins readMargins(const nlohmann::json& config, const std::string& key, const Margins& fallback,
                    bool rejectNegativeInt);
nlohmann::json marginsJson(const Margins& m);
// "((1, 1), (2, 0))" as Keras prints it.
std::string marginsTuple(const Margins& m);

// output[i] = input[i + offset] per axis (rank-4 storage order), zero where that lies outside the
// input. Parallel over output rows, cancellable.
void shiftedCopy(const Tensor& input, Tensor& output, const std::array<int64_t, 4>& offset, const ExecContext& context);

// Output index o reads input index o + shift along an axis of inSize inputs (one cell, or none).
AxisRule shiftRule(int64_t inSize, int64_t shift);

} // namespace layerscope
