#include "activations.h"

#include "../parallel.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <utility>

namespace layerscope {

namespace {

struct NamedActivation {
    const char* name;
    Activation activation;
};

// keras.activations.ALL_OBJECTS_DICT keys (SEMANTICS.md §6.8), aliases last.
constexpr NamedActivation kNames[] = {
    {"celu", Activation::Celu},
    {"elu", Activation::Elu},
    {"exponential", Activation::Exponential},
    {"gelu", Activation::Gelu},
    {"glu", Activation::Glu},
    {"hard_shrink", Activation::HardShrink},
    {"hard_sigmoid", Activation::HardSigmoid},
    {"hard_silu", Activation::HardSilu},
    {"hard_tanh", Activation::HardTanh},
    {"leaky_relu", Activation::LeakyRelu},
    {"linear", Activation::Linear},
    {"log_sigmoid", Activation::LogSigmoid},
    {"log_softmax", Activation::LogSoftmax},
    {"mish", Activation::Mish},
    {"relu", Activation::Relu},
    {"relu6", Activation::Relu6},
    {"selu", Activation::Selu},
    {"sigmoid", Activation::Sigmoid},
    {"silu", Activation::Silu},
    {"soft_shrink", Activation::SoftShrink},
    {"softmax", Activation::Softmax},
    {"softplus", Activation::Softplus},
    {"softsign", Activation::Softsign},
    {"sparse_plus", Activation::SparsePlus},
    {"sparse_sigmoid", Activation::SparseSigmoid},
    {"sparsemax", Activation::Sparsemax},
    {"squareplus", Activation::Squareplus},
    {"tanh", Activation::Tanh},
    {"tanh_shrink", Activation::TanhShrink},
    {"threshold", Activation::Threshold},
    {"swish", Activation::Silu},
    {"hard_swish", Activation::HardSilu},
};

// Overflow-free log(1 + eˣ): for large x, eˣ would be inf while the result is ≈ x.
inline float softplus(float x)
{
    return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

inline float relu6(float x) { return std::min(std::max(x, 0.0f), 6.0f); }

template <typename F>
void mapValues(float* v, int64_t n, F f)
{
#pragma omp simd
    for (int64_t i = 0; i < n; ++i)
        v[i] = f(v[i]);
}

void softmaxRow(float* v, int64_t n, bool logarithm)
{
    float maximum = v[0];
    for (int64_t i = 1; i < n; ++i)
        maximum = std::max(maximum, v[i]);
    // Sum in double: the row may be long (a 1024-wide channels_first image).
    double sum = 0;
    for (int64_t i = 0; i < n; ++i)
        sum += std::exp(static_cast<double>(v[i] - maximum));
    if (logarithm) {
        const float logSum = static_cast<float>(std::log(sum));
        for (int64_t i = 0; i < n; ++i)
            v[i] = v[i] - maximum - logSum;
    } else {
        for (int64_t i = 0; i < n; ++i)
            v[i] = static_cast<float>(std::exp(static_cast<double>(v[i] - maximum)) / sum);
    }
}

// Sparsemax exactly as Keras 3's TF backend computes it (backend/tensorflow/nn.py, checked with
// Keras 3.15.1), in float32: z sorted descending, c_j = z_1 + … + z_j (a running sum),
// support_j = z_j − (c_j − 1)/j > 0, k = #support, τ = (Σ_{j in support} c_j − 1)/k,
// out = max(x − τ, 0). Note Σ c_j: Keras sums the running sums over the support where the
// textbook sparsemax takes c_k alone, so its result generally does not sum to 1.
void sparsemaxRow(float* v, int64_t n, std::vector<float>& sorted)
{
    const SparsemaxThreshold t = sparsemaxThreshold(v, n, sorted);
    for (int64_t i = 0; i < n; ++i)
        v[i] = std::max(v[i] - t.tau, 0.0f);
}

} // namespace

SparsemaxThreshold sparsemaxThreshold(const float* v, int64_t n, std::vector<float>& sorted)
{
    sorted.assign(v, v + n);
    std::sort(sorted.begin(), sorted.end(), std::greater<float>());
    float cumulative = 0, supportSum = 0;
    int64_t k = 0;
    for (int64_t j = 0; j < n; ++j) {
        cumulative += sorted[static_cast<size_t>(j)];
        if (sorted[static_cast<size_t>(j)] - (cumulative - 1.0f) / static_cast<float>(j + 1) > 0.0f) {
            supportSum += cumulative;
            ++k;
        }
    }
    return {(supportSum - 1.0f) / static_cast<float>(k), k, supportSum};
}

std::optional<Activation> activationFromName(const std::string& name)
{
    for (const NamedActivation& entry : kNames)
        if (name == entry.name)
            return entry.activation;
    return std::nullopt;
}

std::string activationName(Activation activation)
{
    for (const NamedActivation& entry : kNames)
        if (entry.activation == activation)
            return entry.name;
    return "linear";
}

const std::vector<std::string>& activationNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> list;
        for (const NamedActivation& entry : kNames)
            list.emplace_back(entry.name);
        return list;
    }();
    return names;
}

std::string activationFormula(Activation activation)
{
    switch (activation) {
    case Activation::Linear: return "y = x";
    case Activation::Relu: return "max(x, 0)";
    case Activation::Relu6: return "min(max(x, 0), 6)";
    case Activation::LeakyRelu: return "x ≥ 0 ? x : 0.2·x";
    case Activation::Elu: return "x > 0 ? x : eˣ − 1";
    case Activation::Selu: return "1.0507·(x > 0 ? x : 1.67326·(eˣ − 1))";
    case Activation::Celu: return "max(x, 0) + expm1(min(x, 0))";
    case Activation::Gelu: return "½x(1 + erf(x/√2))";
    case Activation::Sigmoid: return "1/(1 + e⁻ˣ)";
    case Activation::HardSigmoid: return "relu6(x + 3)/6";
    case Activation::Silu: return "x·sigmoid(x)";
    case Activation::HardSilu: return "x·relu6(x + 3)/6";
    case Activation::Mish: return "x·tanh(softplus(x))";
    case Activation::Softplus: return "log(1 + eˣ)";
    case Activation::Softsign: return "x/(1 + |x|)";
    case Activation::Tanh: return "tanh(x)";
    case Activation::TanhShrink: return "x − tanh(x)";
    case Activation::HardTanh: return "clip(x, −1, 1)";
    case Activation::SoftShrink: return "sign(x)·max(|x| − 0.5, 0)";
    case Activation::HardShrink: return "|x| > 0.5 ? x : 0";
    case Activation::SparsePlus: return "0 (x ≤ −1), (x + 1)²/4 (|x| < 1), x (x ≥ 1)";
    case Activation::SparseSigmoid: return "clip((x + 1)/2, 0, 1)";
    case Activation::Squareplus: return "(x + √(x² + 4))/2";
    case Activation::LogSigmoid: return "−softplus(−x)";
    case Activation::Exponential: return "eˣ";
    case Activation::Softmax: return "e^(x − max)/Σ e^(x − max)";
    case Activation::LogSoftmax: return "x − max − log Σ e^(x − max)";
    case Activation::Sparsemax: return "max(x − τ, 0), Σ = 1";
    case Activation::Glu: return "a·sigmoid(b), [a, b] the halves of axis −1";
    case Activation::Threshold: return "threshold (needs arguments)";
    }
    return "";
}

std::string unknownActivationMessage(const std::string& name)
{
    return "Could not interpret activation function identifier: " + name;
}

std::string thresholdByNameMessage()
{
    return "threshold() missing 2 required positional arguments: 'threshold' and 'default_value' "
           "(the activation \"threshold\" is accepted by name, but Keras then calls it as f(x) "
           "without its arguments, so the layer fails when it first runs)";
}

bool actsAlongLastAxis(Activation activation)
{
    return activation == Activation::Softmax || activation == Activation::LogSoftmax
        || activation == Activation::Sparsemax || activation == Activation::Glu;
}

int64_t activatedLastAxis(Activation activation, int64_t size)
{
    return activation == Activation::Glu ? size / 2 : size;
}

void applyElementwise(Activation activation, float* v, int64_t n)
{
    switch (activation) {
    case Activation::Linear:
        return;
    case Activation::Relu:
        return mapValues(v, n, [](float x) { return std::max(x, 0.0f); });
    case Activation::Relu6:
        return mapValues(v, n, [](float x) { return relu6(x); });
    case Activation::LeakyRelu:
        return mapValues(v, n, [](float x) { return x >= 0.0f ? x : 0.2f * x; });
    case Activation::Elu:
        // TF's Elu functor computes exp(x) − 1, not expm1 (checked with Keras 3.15.1).
        return mapValues(v, n, [](float x) { return x > 0.0f ? x : std::exp(x) - 1.0f; });
    case Activation::Selu:
        return mapValues(v, n, [](float x) {
            // TF's Selu functor: one constant for λ·α and exp(x) − 1.
            constexpr float scaleAlpha = 1.7580993408473768599402175208123f;
            constexpr float scale = 1.0507009873554804934193349852946f;
            return x < 0.0f ? scaleAlpha * (std::exp(x) - 1.0f) : scale * x;
        });
    case Activation::Celu:
        return mapValues(v, n, [](float x) { return std::max(x, 0.0f) + std::expm1(std::min(x, 0.0f)); });
    case Activation::Gelu:
        return mapValues(v, n, [](float x) {
            // TF's exact gelu: 0.5 · x · erfc(−x · 0.7071067811865476) (no cancellation in the tail).
            return 0.5f * x * std::erfc(-x * 0.70710678118654752440f);
        });
    case Activation::Sigmoid:
        return mapValues(v, n, [](float x) { return sigmoid(x); });
    case Activation::HardSigmoid:
        return mapValues(v, n, [](float x) { return relu6(x + 3.0f) / 6.0f; });
    case Activation::Silu:
        return mapValues(v, n, [](float x) { return x * sigmoid(x); });
    case Activation::HardSilu:
        return mapValues(v, n, [](float x) { return x * (relu6(x + 3.0f) / 6.0f); });
    case Activation::Mish:
        return mapValues(v, n, [](float x) { return x * std::tanh(softplus(x)); });
    case Activation::Softplus:
        return mapValues(v, n, [](float x) { return softplus(x); });
    case Activation::Softsign:
        return mapValues(v, n, [](float x) { return x / (1.0f + std::abs(x)); });
    case Activation::Tanh:
        return mapValues(v, n, [](float x) { return std::tanh(x); });
    case Activation::TanhShrink:
        return mapValues(v, n, [](float x) { return x - std::tanh(x); });
    case Activation::HardTanh:
        return mapValues(v, n, [](float x) { return std::min(std::max(x, -1.0f), 1.0f); });
    case Activation::SoftShrink:
        return mapValues(v, n, [](float x) {
            return x > 0.5f ? x - 0.5f : (x < -0.5f ? x + 0.5f : 0.0f);
        });
    case Activation::HardShrink:
        return mapValues(v, n, [](float x) { return std::abs(x) > 0.5f ? x : 0.0f; });
    case Activation::SparsePlus:
        return mapValues(v, n, [](float x) {
            return x <= -1.0f ? 0.0f : (x >= 1.0f ? x : 0.25f * (x + 1.0f) * (x + 1.0f));
        });
    case Activation::SparseSigmoid:
        return mapValues(v, n, [](float x) { return std::min(std::max(0.5f * (x + 1.0f), 0.0f), 1.0f); });
    case Activation::Squareplus:
        return mapValues(v, n, [](float x) { return 0.5f * (x + std::sqrt(x * x + 4.0f)); });
    case Activation::LogSigmoid:
        return mapValues(v, n, [](float x) { return -softplus(-x); });
    case Activation::Exponential:
        return mapValues(v, n, [](float x) { return std::exp(x); });
    case Activation::Softmax:
    case Activation::LogSoftmax:
    case Activation::Sparsemax:
    case Activation::Glu:
        throw std::logic_error(activationName(activation) + " acts along an axis, not elementwise");
    case Activation::Threshold:
        throw std::logic_error(thresholdByNameMessage());
    }
}

void applyRowsInPlace(Activation activation, float* values, int64_t rows, int64_t n)
{
    std::vector<float> scratch;
    for (int64_t r = 0; r < rows; ++r) {
        float* row = values + r * n;
        switch (activation) {
        case Activation::Softmax:
            softmaxRow(row, n, /*logarithm=*/false);
            break;
        case Activation::LogSoftmax:
            softmaxRow(row, n, /*logarithm=*/true);
            break;
        case Activation::Sparsemax:
            sparsemaxRow(row, n, scratch);
            break;
        default:
            throw std::logic_error(activationName(activation) + " is not a row activation");
        }
    }
}

Tensor applyActivation(Activation activation, const Tensor& input, const ExecContext& context)
{
    if (activation == Activation::Threshold)
        throw std::logic_error(thresholdByNameMessage());
    const int64_t n = input.rank() > 0 ? input.dim(-1) : 1;
    const int64_t rows = n > 0 ? input.size() / n : 0;
    if (activation == Activation::Glu) {
        if (n % 2 != 0)
            throw std::invalid_argument("axis size must be divisible by 2. Received: x.shape="
                                        + shapeToTuple(input.shape()) + " with axis=-1");
        Shape shape = input.shape();
        shape.back() = n / 2;
        Tensor output = Tensor::uninitialized(shape);
        const int64_t half = n / 2;
        parallelChunks(rows, /*grain=*/64, context, [&](int64_t begin, int64_t end) {
            for (int64_t r = begin; r < end; ++r) {
                const float* a = input.data() + r * n;
                const float* b = a + half;
                float* o = output.data() + r * half;
                for (int64_t i = 0; i < half; ++i)
                    o[i] = a[i] * sigmoid(b[i]);
            }
        });
        return output;
    }
    Tensor output = input;
    if (actsAlongLastAxis(activation)) {
        parallelChunks(rows, /*grain=*/16, context, [&](int64_t begin, int64_t end) {
            applyRowsInPlace(activation, output.data() + begin * n, end - begin, n);
        });
    } else {
        parallelChunks(output.size(), /*grain=*/1 << 14, context, [&](int64_t begin, int64_t end) {
            applyElementwise(activation, output.data() + begin, end - begin);
        });
    }
    return output;
}

} // namespace layerscope
