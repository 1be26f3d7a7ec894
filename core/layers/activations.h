#pragma once
// Keras activation functions by name (keras.activations.get, SEMANTICS.md §6.8), as used by the
// `activation` argument of Conv2D and by the Activation layer. Names are case-sensitive; None/null
// means linear. Every function uses the defaults Keras applies when the activation is given by name,
// evaluated as TF's kernels do where that changes the rounding (checked with Keras 3.15.1):
//   linear x · relu max(x, 0) · relu6 min(max(x, 0), 6) · leaky_relu slope 0.2 ·
//   elu (α 1) x > 0 ? x : eˣ − 1 (exp minus 1 as TF's Elu, not expm1) ·
//   selu x < 0 ? λα·(eˣ − 1) : λx with λα = 1.75809934 and λ = 1.05070099 as two float constants ·
//   celu (α 1) max(x, 0) + expm1(min(x, 0)) · gelu exact ½x(1 + erf(x/√2)), computed as TF does,
//   ½x·erfc(−x/√2) (no cancellation for negative x) ·
//   sigmoid 1/(1 + e⁻ˣ) · hard_sigmoid relu6(x + 3)/6 · silu (= swish) x·sigmoid(x) ·
//   hard_silu (= hard_swish) x·hard_sigmoid(x) · mish x·tanh(softplus(x)) · softplus log(1 + eˣ) ·
//   softsign x/(1 + |x|) · tanh · tanh_shrink x − tanh(x) · hard_tanh clip(x, −1, 1) ·
//   soft_shrink (0.5) sign(x)·max(|x| − 0.5, 0) · hard_shrink (0.5) |x| > 0.5 ? x : 0 ·
//   sparse_plus 0 (x ≤ −1), (x + 1)²/4 (−1 < x < 1), x (x ≥ 1) · sparse_sigmoid clip(½(x + 1), 0, 1) ·
//   squareplus (b 4) (x + √(x² + 4))/2 · log_sigmoid −softplus(−x) · exponential eˣ.
// Along axis −1 of the tensor (for a channels_first Conv2D output that is the WIDTH, not channels):
//   softmax, log_softmax, sparsemax (Keras's variant, see sparsemaxThreshold), glu a·sigmoid(b) with [a, b] the two
//   halves of axis −1 — glu halves that axis and needs it even.
// `threshold` is a valid name, but Keras calls it as f(x) without its required `threshold` and
// `default_value` arguments, so it fails when the layer first runs; we raise that error in shape
// inference (thresholdByNameMessage) instead of running it.

#include "../exec_context.h"
#include "../tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

enum class Activation {
    Linear, Relu, Relu6, LeakyRelu, Elu, Selu, Celu, Gelu, Sigmoid, HardSigmoid, Silu, HardSilu,
    Mish, Softplus, Softsign, Tanh, TanhShrink, HardTanh, SoftShrink, HardShrink, SparsePlus,
    SparseSigmoid, Squareplus, LogSigmoid, Exponential,
    Softmax, LogSoftmax, Sparsemax, Glu, // along axis −1
    Threshold,                           // accepted name, fails when called (see above)
};

// nullopt for a name Keras does not know (including wrong case). Aliases: swish, hard_swish.
std::optional<Activation> activationFromName(const std::string& name);
// The canonical Keras name ("silu" for swish).
std::string activationName(Activation activation);
// Every accepted name in Keras's order (for the GUI), aliases included.
const std::vector<std::string>& activationNames();
// The formula as the explanations print it, e.g. "x · sigmoid(x)".
std::string activationFormula(Activation activation);
// "Could not interpret activation function identifier: {name}"
std::string unknownActivationMessage(const std::string& name);
// The TypeError Keras raises when "threshold" is used by name.
std::string thresholdByNameMessage();

// softmax, log_softmax, sparsemax, glu.
bool actsAlongLastAxis(Activation activation);
// Size of axis −1 after the activation (halved by glu; glu needs an even size).
int64_t activatedLastAxis(Activation activation, int64_t size);

// In place on `count` contiguous values; only for activations that are not along the last axis.
void applyElementwise(Activation activation, float* values, int64_t count);
// Keras 3's (TF backend) sparsemax threshold of one row, in float32: z sorted descending,
// running sums c_j, support_j = z_j − (c_j − 1)/j > 0, k = #support, τ = (Σ_{j in support} c_j − 1)/k.
// Keras sums the running sums over the support where the textbook sparsemax (Keras's variant, see sparsemaxThreshold)
// takes c_k alone, so its output generally does not sum to 1; we follow Keras (checked with 3.15.1).
struct SparsemaxThreshold {
    float tau = 0;
    int64_t support = 0;
    float supportSum = 0; // Σ_{j in support} c_j
};
SparsemaxThreshold sparsemaxThreshold(const float* values, int64_t n, std::vector<float>& scratch);
// In place on `rows` rows of `n` contiguous values; softmax, log_softmax, sparsemax only.
void applyRowsInPlace(Activation activation, float* values, int64_t rows, int64_t n);
// Any activation on a tensor of any rank, along axis −1 when it acts along an axis; returns the
// new tensor (axis −1 halved for glu). Threshold throws std::logic_error (callers reject it first).
Tensor applyActivation(Activation activation, const Tensor& input, const ExecContext& context);

} // namespace layerscope
