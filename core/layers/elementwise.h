#pragma once
// What the element-wise layers share (ReLU, LeakyReLU, PReLU, ELU, Activation, Rescaling,
// BatchNormalization, Normalization and the layers that are the identity at inference): the output
// has the input's shape for any rank 1..4 (a (B, C) tensor after Dense or Flatten as well as NHWC),
// output cell i is computed from input cell i alone, a region maps back to itself and every output
// index along a spatial axis reads the one input index it sits on.
// Per-axis parameters (BatchNormalization's vectors, PReLU's alpha, Rescaling's scale and offset,
// Normalization's mean and variance) broadcast against the input NumPy-style (aligned on the last
// axis); mapBroadcast runs such a layer as one streaming pass over the input, parallel over rows of
// the last axis, with a plain inner loop over that axis the compiler vectorises.

#include "../layer.h"
#include "../parallel.h"
#include "../streaming_copy.h"

#include <algorithm>
#include <string>
#include <vector>

namespace layerscope {

class ElementwiseLayer : public Layer {
public:
    using Layer::Layer;

    LayerShape inferShape(const Shape& input) const override;
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;

protected:
    // Throws the Keras error when the layer cannot take `input` (by default every rank 1..4 is fine).
    virtual void checkInput(const Shape& /*input*/) const {}

    // One output value recomputed from its input value x (at per-axis `index` of an input of
    // `shape`), with the formula written out with its numbers. `exact` when it is evaluated as the
    // kernel evaluates it (bit-equal); transcendental functions may differ in the last bit where
    // the kernel's loop is vectorised.
    struct CellValue {
        float value = 0;
        std::string formula;
        bool exact = true;
    };
    virtual CellValue explainValue(float x, const Shape& shape, const std::vector<int64_t>& index) const = 0;
};

// The names of a tensor's axes as the explanations call them: (batch, height, width, channels) for
// rank 4, (height, width, channels) for rank 3, (batch, channels) for rank 2, (channels) for rank 1.
std::vector<std::string> elementwiseAxisNames(size_t rank);
// The same-shape LayerShape of an element-wise layer.
LayerShape sameShape(const Shape& input);

// A parameter array broadcast against an input: `shape` has the input's rank (the array's own
// shape left-padded with 1s) and each axis is 1 or the input's size there.
struct BroadcastArray {
    Shape shape;
    std::vector<float> values;

    // The value the input cell at per-axis `index` meets.
    float at(const std::vector<int64_t>& index) const;
    bool operator==(const BroadcastArray&) const = default;
};

// `values` of shape `arrayShape` aligned to `input` (NumPy rules); nullopt when they do not
// broadcast (a size that is neither 1 nor the input's, or more axes than the input).
std::optional<BroadcastArray> broadcastTo(const Shape& input, const Shape& arrayShape, std::vector<float> values);
// A (C,) vector placed on axis `axis` (non-negative, < rank) of an input of `rank` axes.
BroadcastArray vectorOnAxis(size_t rank, size_t axis, std::vector<float> values);

// out[i] = f(in[i], a[i], b[i]) with a and b broadcast against the input (one pass, parallel
// over rows of the last axis; cancellation between chunks).
namespace detail {

// y[i] = f(x[i], a[i·sa], b[i·sb]) for i < n, sa and sb 0 or 1: four plain loops the compiler
// vectorises.
template <typename F>
inline void mapRow(const float* x, float* y, int64_t n, const float* pa, bool aAlong, const float* pb, bool bAlong, F& f)
{
    if (aAlong && bAlong) {
#pragma omp simd
        for (int64_t i = 0; i < n; ++i)
            y[i] = f(x[i], pa[i], pb[i]);
    } else if (aAlong) {
        const float vb = pb[0];
#pragma omp simd
        for (int64_t i = 0; i < n; ++i)
            y[i] = f(x[i], pa[i], vb);
    } else if (bAlong) {
        const float va = pa[0];
#pragma omp simd
        for (int64_t i = 0; i < n; ++i)
            y[i] = f(x[i], va, pb[i]);
    } else {
        const float va = pa[0], vb = pb[0];
#pragma omp simd
        for (int64_t i = 0; i < n; ++i)
            y[i] = f(x[i], va, vb);
    }
}

} // namespace detail

template <typename F>
void mapBroadcast(const Tensor& input, Tensor& output, const BroadcastArray& a, const BroadcastArray& b,
                  const ExecContext& context, F f)
{
    const Shape& shape = input.shape();
    const size_t rank = shape.size();
    const int64_t n = shape.empty() ? 1 : shape.back();
    if (n <= 0 || input.size() == 0)
        return;
    // Strides of the two arrays over the leading axes (0 where they broadcast).
    auto strides = [&](const BroadcastArray& p) {
        std::vector<int64_t> s(rank, 0);
        int64_t step = 1;
        for (size_t d = rank; d-- > 0;) {
            s[d] = p.shape[d] == 1 ? 0 : step;
            step *= p.shape[d];
        }
        return s;
    };
    const std::vector<int64_t> sa = strides(a), sb = strides(b);
    const bool aAlong = sa[rank - 1] != 0, bAlong = sb[rank - 1] != 0;
    const float* in = input.data();
    float* out = output.data();
    bool leadingConstant = true;
    for (size_t d = 0; d + 1 < rank; ++d)
        leadingConstant = leadingConstant && sa[d] == 0 && sb[d] == 0;
    if (leadingConstant) {
        // The arrays vary along the last axis only (BatchNormalization's channels, a per-channel
        // scale): consecutive rows are merged into blocks of k·n values with the arrays tiled k
        // times, so that short rows (3 channels) still give long vectorisable loops.
        const int64_t k = std::max<int64_t>(1, 1024 / n);
        const int64_t block = k * n;
        auto tile = [&](const BroadcastArray& p, bool along) {
            std::vector<float> t;
            if (!along)
                return std::vector<float>{p.values[0]};
            t.reserve(static_cast<size_t>(block));
            for (int64_t r = 0; r < k; ++r)
                t.insert(t.end(), p.values.begin(), p.values.begin() + n);
            return t;
        };
        const std::vector<float> ta = tile(a, aAlong), tb = tile(b, bAlong);
        const int64_t total = input.size();
        const int64_t blocks = (total + block - 1) / block;
        // A large output goes through a block in L1 and out with non-temporal stores, which skip
        // reading each destination line first: a third less memory traffic (bn_a: 64 MiB in, 64 out).
        const bool streaming = useStreaming(output);
        parallelChunks(blocks, std::max<int64_t>(1, 8192 / block), context, [&](int64_t begin, int64_t end) {
            std::vector<float> staged(streaming ? static_cast<size_t>(block) : 0);
            for (int64_t blk = begin; blk < end; ++blk) {
                const int64_t first = blk * block, count = std::min(block, total - first);
                float* y = streaming ? staged.data() : out + first;
                detail::mapRow(in + first, y, count, ta.data(), aAlong, tb.data(), bAlong, f);
                if (streaming)
                    copyFloats(out + first, y, count);
            }
        });
        if (streaming)
            streamingFence();
        return;
    }
    const int64_t rows = input.size() / n;
    parallelChunks(rows, std::max<int64_t>(1, 8192 / n), context, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            int64_t rest = row, oa = 0, ob = 0;
            for (size_t d = rank - 1; d-- > 0;) {
                const int64_t i = rest % shape[d];
                rest /= shape[d];
                oa += i * sa[d];
                ob += i * sb[d];
            }
            detail::mapRow(in + row * n, out + row * n, n, a.values.data() + oa, aAlong, b.values.data() + ob, bAlong, f);
        }
    });
}

// out[i] = f(in[i]), parallel over large blocks.
template <typename F>
void mapValues(const Tensor& input, Tensor& output, const ExecContext& context, F f)
{
    const float* in = input.data();
    float* out = output.data();
    parallelChunks(input.size(), /*grain=*/1 << 14, context, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i)
            out[i] = f(in[i]);
    });
}

// A config number as float32, ±inf beyond float32's range (a plain conversion would be undefined).
inline float toFloat(double value)
{
    constexpr double largest = 3.4028234663852886e38;
    return value > largest ? __builtin_inff() : value < -largest ? -__builtin_inff() : static_cast<float>(value);
}

// A float as Keras prints it in a config-derived message ("0.5", "-1", "1e-07").
std::string pythonNumber(double value);
// Whether `value` is a JSON number (not a bool).
bool isJsonNumber(const nlohmann::json& value);

} // namespace layerscope
