// Conv2D and the activations against independent plain loops (double accumulation), every Keras
// error, the SAME split table, JSON round trips, the deterministic default weights, the memory
// guard and cancellation.

#include "core/layers/activations.h"
#include "core/layers/conv2d.h"
#include "core/layer_registry.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

using namespace layerscope;
using layerscope::test::compareTensors;
using layerscope::test::randomTensor;

namespace {

struct Case {
    int64_t batch = 2, height = 9, width = 7, channels = 3, filters = 4;
    std::array<int64_t, 2> kernel{3, 3}, strides{1, 1}, dilation{1, 1};
    int64_t groups = 1;
    Padding padding = Padding::Valid;
    DataFormat format = DataFormat::ChannelsLast;
    bool useBias = true;
    std::string activation = "linear";

    std::string describe() const
    {
        std::ostringstream out;
        out << "B" << batch << " H" << height << " W" << width << " C" << channels << " F" << filters
            << " k" << kernel[0] << "x" << kernel[1] << " s" << strides[0] << "x" << strides[1] << " d"
            << dilation[0] << "x" << dilation[1] << " g" << groups << " " << paddingName(padding) << " "
            << dataFormatName(format) << (useBias ? " bias" : " nobias") << " " << activation;
        return out.str();
    }
};

int64_t outSize(int64_t n, int64_t k, int64_t s, int64_t d, Padding padding)
{
    const int64_t ek = d * (k - 1) + 1;
    return padding == Padding::Valid ? (n - ek >= 0 ? (n - ek) / s + 1 : 0) : (n + s - 1) / s;
}

int64_t padTop(int64_t n, int64_t k, int64_t s, int64_t d, Padding padding)
{
    if (padding == Padding::Valid)
        return 0;
    const int64_t out = (n + s - 1) / s, ek = d * (k - 1) + 1;
    return std::max<int64_t>(0, (out - 1) * s + ek - n) / 2;
}

// The textbook 7-deep loop, indexing the input and output in their own data format.
Tensor referenceConv(const Case& c, const Tensor& input, const std::vector<float>& kernel,
                     const std::vector<float>& bias)
{
    const bool nchw = c.format == DataFormat::ChannelsFirst;
    const int64_t OH = outSize(c.height, c.kernel[0], c.strides[0], c.dilation[0], c.padding);
    const int64_t OW = outSize(c.width, c.kernel[1], c.strides[1], c.dilation[1], c.padding);
    const int64_t top = padTop(c.height, c.kernel[0], c.strides[0], c.dilation[0], c.padding);
    const int64_t left = padTop(c.width, c.kernel[1], c.strides[1], c.dilation[1], c.padding);
    const int64_t Cg = c.channels / c.groups, Fg = c.filters / c.groups;
    auto x = [&](int64_t b, int64_t y, int64_t xx, int64_t ch) -> double {
        if (y < 0 || y >= c.height || xx < 0 || xx >= c.width)
            return 0.0;
        return nchw ? input[((b * c.channels + ch) * c.height + y) * c.width + xx]
                    : input[((b * c.height + y) * c.width + xx) * c.channels + ch];
    };
    Tensor out(nchw ? Shape{c.batch, c.filters, OH, OW} : Shape{c.batch, OH, OW, c.filters});
    for (int64_t b = 0; b < c.batch; ++b)
        for (int64_t oy = 0; oy < OH; ++oy)
            for (int64_t ox = 0; ox < OW; ++ox)
                for (int64_t f = 0; f < c.filters; ++f) {
                    const int64_t g = f / Fg;
                    double sum = c.useBias ? bias[static_cast<size_t>(f)] : 0.0;
                    for (int64_t ky = 0; ky < c.kernel[0]; ++ky)
                        for (int64_t kx = 0; kx < c.kernel[1]; ++kx)
                            for (int64_t ci = 0; ci < Cg; ++ci)
                                sum += x(b, oy * c.strides[0] - top + ky * c.dilation[0],
                                         ox * c.strides[1] - left + kx * c.dilation[1], g * Cg + ci)
                                     * kernel[static_cast<size_t>(((ky * c.kernel[1] + kx) * Cg + ci) * c.filters + f)];
                    const int64_t index = nchw ? ((b * c.filters + f) * OH + oy) * OW + ox
                                               : ((b * OH + oy) * OW + ox) * c.filters + f;
                    out[index] = static_cast<float>(sum);
                }
    return out;
}

Conv2D makeLayer(const Case& c, std::vector<float>* kernelOut = nullptr, std::vector<float>* biasOut = nullptr,
                 uint32_t seed = 7)
{
    Conv2DParams p;
    p.filters = c.filters;
    p.kernelSize = c.kernel;
    p.strides = c.strides;
    p.dilationRate = c.dilation;
    p.groups = c.groups;
    p.padding = c.padding;
    p.dataFormat = c.format;
    p.useBias = c.useBias;
    p.activation = c.activation;
    Conv2D layer("conv", p);
    const Shape kernelShape{c.kernel[0], c.kernel[1], c.channels / c.groups, c.filters};
    const Tensor k = randomTensor(kernelShape, seed);
    const Tensor bias = randomTensor({c.filters}, seed + 1);
    layer.setWeights(kernelShape, k.toVector(), c.useBias ? bias.toVector() : std::vector<float>{});
    if (kernelOut)
        *kernelOut = k.toVector();
    if (biasOut)
        *biasOut = bias.toVector();
    return layer;
}

Shape inputShape(const Case& c)
{
    return c.format == DataFormat::ChannelsFirst ? Shape{c.batch, c.channels, c.height, c.width}
                                                 : Shape{c.batch, c.height, c.width, c.channels};
}

ExecContext context(int threads = 2)
{
    ExecContext ctx;
    ctx.threads = threads;
    return ctx;
}

// Applies a row function along the last axis of a tensor (the reference for axis activations).
Tensor mapLastAxis(const Tensor& t, int64_t outLength,
                   const std::function<std::vector<double>(const std::vector<double>&)>& f)
{
    const int64_t n = t.dim(-1), rows = t.size() / n;
    Shape shape = t.shape();
    shape.back() = outLength;
    Tensor out(shape);
    for (int64_t r = 0; r < rows; ++r) {
        std::vector<double> row(t.data() + r * n, t.data() + (r + 1) * n);
        const std::vector<double> result = f(row);
        for (int64_t i = 0; i < outLength; ++i)
            out[r * outLength + i] = static_cast<float>(result[static_cast<size_t>(i)]);
    }
    return out;
}

std::vector<double> softmaxRef(const std::vector<double>& v)
{
    double m = *std::max_element(v.begin(), v.end()), s = 0;
    for (double x : v)
        s += std::exp(x - m);
    std::vector<double> out;
    for (double x : v)
        out.push_back(std::exp(x - m) / s);
    return out;
}

std::vector<double> gluRef(const std::vector<double>& v)
{
    const size_t half = v.size() / 2;
    std::vector<double> out;
    for (size_t i = 0; i < half; ++i)
        out.push_back(v[i] / (1.0 + std::exp(-v[i + half])));
    return out;
}

std::string errorOf(const Conv2D& layer, const Shape& input)
{
    try {
        layer.inferShape(input);
    } catch (const LayerError& e) {
        return e.what();
    }
    return "(no error)";
}

uint32_t fnv1a(const std::string& s)
{
    uint32_t h = 2166136261u;
    for (unsigned char ch : s)
        h = (h ^ ch) * 16777619u;
    return h;
}

} // namespace

class TestConv2D : public QObject {
    Q_OBJECT

private slots:
    void matchesReferenceLoop()
    {
        const std::vector<int64_t> channels{1, 2, 3, 4, 7, 8, 15, 16};
        const std::vector<std::array<int64_t, 2>> kernels{{1, 1}, {3, 3}, {2, 3}, {5, 1}};
        const std::vector<std::array<int64_t, 2>> sizes{{9, 7}, {1, 5}, {5, 1}, {9, 7}, {6, 11}};
        int index = 0, ran = 0;
        for (int64_t C : channels)
            for (const auto& kernel : kernels)
                for (Padding padding : {Padding::Valid, Padding::Same})
                    for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst}) {
                        ++index;
                        Case c;
                        c.channels = C;
                        c.kernel = kernel;
                        c.padding = padding;
                        c.format = format;
                        const auto size = sizes[static_cast<size_t>(index) % sizes.size()];
                        c.height = size[0];
                        c.width = size[1];
                        // Cycle the other parameters so every value meets every kernel shape.
                        switch (index % 4) {
                        case 0: break;
                        case 1: c.strides = {2, 1}; break;
                        case 2: c.strides = {2, 3}; break;
                        case 3: c.dilation = {2, 1}; break;
                        }
                        if (index % 5 == 0)
                            c.dilation = {1, 2}, c.strides = {1, 1};
                        c.groups = (C % 3 == 0 && index % 2) ? 3 : (C % 2 == 0 && index % 3 == 0) ? 2 : 1;
                        c.filters = c.groups * (index % 7 == 0 ? 17 : 1 + index % 5); // 17: past a 16-wide tile
                        c.useBias = index % 3 != 1;
                        c.batch = index % 2 ? 2 : 1;
                        if (padding == Padding::Valid
                            && (outSize(c.height, c.kernel[0], c.strides[0], c.dilation[0], padding) <= 0
                                || outSize(c.width, c.kernel[1], c.strides[1], c.dilation[1], padding) <= 0))
                            continue;
                        std::vector<float> kernelValues, bias;
                        const Conv2D layer = makeLayer(c, &kernelValues, &bias, static_cast<uint32_t>(index));
                        const Tensor input = randomTensor(inputShape(c), 1000u + static_cast<uint32_t>(index));
                        const Tensor expected = referenceConv(c, input, kernelValues, bias);
                        // Every GEMM path (AVX-512 if present, AVX2, Eigen) on every case.
                        for (Conv2DKernelIsa isa : {Conv2DKernelIsa::Best, Conv2DKernelIsa::Avx2, Conv2DKernelIsa::Eigen}) {
                            setConv2dKernelIsa(isa);
                            const int threads = 1 + index % 2;
                            const Tensor actual = layer.forward(input, context(threads));
                            const std::string diff = compareTensors(actual, expected, 1e-5, 1e-5);
                            if (!diff.empty()) {
                                setConv2dKernelIsa(Conv2DKernelIsa::Best);
                                QFAIL(qPrintable(QString::fromStdString(c.describe() + " isa " + std::to_string(int(isa))
                                                                        + " threads " + std::to_string(threads) + ": " + diff)));
                            }
                        }
                        setConv2dKernelIsa(Conv2DKernelIsa::Best);
                        QCOMPARE(layer.inferShape(input.shape()).output, expected.shape());
                        ++ran;
                    }
        QVERIFY(ran > 100);
    }

    void largerBlocksAndPointwise()
    {
        // Big enough for several GEMM blocks per thread, including the 1×1 no-im2col path and
        // groups on it.
        for (const auto& [kernel, groups, strides] :
             {std::tuple{std::array<int64_t, 2>{1, 1}, int64_t{1}, std::array<int64_t, 2>{1, 1}},
              std::tuple{std::array<int64_t, 2>{1, 1}, int64_t{4}, std::array<int64_t, 2>{1, 1}},
              std::tuple{std::array<int64_t, 2>{1, 1}, int64_t{2}, std::array<int64_t, 2>{2, 2}},
              std::tuple{std::array<int64_t, 2>{3, 3}, int64_t{1}, std::array<int64_t, 2>{1, 1}},
              std::tuple{std::array<int64_t, 2>{3, 3}, int64_t{2}, std::array<int64_t, 2>{2, 1}},
              std::tuple{std::array<int64_t, 2>{3, 3}, int64_t{0}, std::array<int64_t, 2>{1, 1}}}) {
            Case c;
            c.batch = 2;
            c.height = 37;
            c.width = 45;
            c.channels = 16;
            c.filters = 24;
            c.groups = groups;
            if (groups == 0) {
                // Depth 3·3·128 = 1152: past the register-tile kernel's limit, the Eigen path.
                c.height = 9;
                c.width = 6;
                c.channels = 128;
                c.filters = 20;
                c.groups = 1;
            }
            c.kernel = kernel;
            c.strides = strides;
            c.padding = Padding::Same;
            c.activation = "relu";
            std::vector<float> k, b;
            const Conv2D layer = makeLayer(c, &k, &b);
            const Tensor input = randomTensor(inputShape(c), 5);
            Tensor expected = referenceConv(c, input, k, b);
            for (int64_t i = 0; i < expected.size(); ++i)
                expected[i] = std::max(expected[i], 0.0f);
            for (Conv2DKernelIsa isa : {Conv2DKernelIsa::Best, Conv2DKernelIsa::Avx2, Conv2DKernelIsa::Eigen}) {
                setConv2dKernelIsa(isa);
                const std::string diff = compareTensors(layer.forward(input, context()), expected, 1e-5, 1e-5);
                setConv2dKernelIsa(Conv2DKernelIsa::Best);
                QVERIFY2(diff.empty(), (c.describe() + " isa " + std::to_string(int(isa)) + ": " + diff).c_str());
            }
        }
    }

    void streamingStoresIntoResidentOutput()
    {
        // Outputs of 16 MiB and more whose pages are already backed (a pooled buffer) are written
        // through a staged block with streaming stores; a zero-filled tensor is such a buffer.
        Case c;
        c.batch = 1;
        c.height = 256;
        c.width = 515;
        c.channels = 3;
        c.filters = 32;
        c.padding = Padding::Same;
        std::vector<float> k, b;
        makeLayer(c, &k, &b);
        const Tensor input = randomTensor(inputShape(c), 9);
        Tensor output({1, 256, 515, 32});
        Conv2DGeometry geometry;
        geometry.kernelSize = {3, 3};
        geometry.padBefore = {1, 1};
        Tensor expected = referenceConv(c, input, k, b);
        for (int64_t i = 0; i < expected.size(); ++i)
            expected[i] = std::tanh(expected[i]);
        for (Conv2DKernelIsa isa : {Conv2DKernelIsa::Best, Conv2DKernelIsa::Avx2}) {
            setConv2dKernelIsa(isa);
            conv2dNhwc(input, output, k.data(), b.data(), geometry, Activation::Tanh, context());
            setConv2dKernelIsa(Conv2DKernelIsa::Best);
            const std::string diff = compareTensors(output, expected, 1e-5, 1e-5);
            QVERIFY2(diff.empty(), diff.c_str());
        }
    }

    void elementwiseActivations()
    {
        const double selu_a = 1.6732632423543772848170429916717, selu_s = 1.0507009873554804934193349852946;
        auto sp = [](double x) { return std::log1p(std::exp(x)); };
        auto sig = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
        auto r6 = [](double x) { return std::min(std::max(x, 0.0), 6.0); };
        const std::vector<std::pair<std::string, std::function<double(double)>>> formulas{
            {"linear", [](double x) { return x; }},
            {"relu", [](double x) { return std::max(x, 0.0); }},
            {"relu6", r6},
            {"leaky_relu", [](double x) { return x > 0 ? x : 0.2 * x; }},
            {"elu", [](double x) { return x > 0 ? x : std::exp(x) - 1; }},
            {"selu", [&](double x) { return x > 0 ? selu_s * x : selu_s * selu_a * (std::exp(x) - 1); }},
            {"celu", [](double x) { return std::max(x, 0.0) + std::expm1(std::min(x, 0.0)); }},
            {"gelu", [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }},
            {"sigmoid", sig},
            {"hard_sigmoid", [&](double x) { return r6(x + 3) / 6; }},
            {"silu", [&](double x) { return x * sig(x); }},
            {"swish", [&](double x) { return x * sig(x); }},
            {"hard_silu", [&](double x) { return x * r6(x + 3) / 6; }},
            {"hard_swish", [&](double x) { return x * r6(x + 3) / 6; }},
            {"mish", [&](double x) { return x * std::tanh(sp(x)); }},
            {"softplus", sp},
            {"softsign", [](double x) { return x / (1 + std::abs(x)); }},
            {"tanh", [](double x) { return std::tanh(x); }},
            {"tanh_shrink", [](double x) { return x - std::tanh(x); }},
            {"hard_tanh", [](double x) { return std::min(std::max(x, -1.0), 1.0); }},
            {"soft_shrink", [](double x) { return x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0.0; }},
            {"hard_shrink", [](double x) { return std::abs(x) > 0.5 ? x : 0.0; }},
            {"sparse_plus", [](double x) { return x <= -1 ? 0.0 : x >= 1 ? x : (x + 1) * (x + 1) / 4; }},
            {"sparse_sigmoid", [](double x) { return std::min(std::max(0.5 * (x + 1), 0.0), 1.0); }},
            {"squareplus", [](double x) { return (x + std::sqrt(x * x + 4)) / 2; }},
            {"log_sigmoid", [&](double x) { return -sp(-x); }},
            {"exponential", [](double x) { return std::exp(x); }},
        };
        const std::vector<float> values{-30.0f, -3.0f, -1.0f, -0.7f, -0.5f, -0.2f, 0.0f, 0.3f, 0.5f, 0.9f, 1.0f, 2.5f, 7.0f, 30.0f};
        for (const auto& [name, formula] : formulas) {
            const auto activation = activationFromName(name);
            QVERIFY2(activation.has_value(), name.c_str());
            QVERIFY(!actsAlongLastAxis(*activation));
            const Tensor input({1, static_cast<int64_t>(values.size())}, values);
            const Tensor actual = applyActivation(*activation, input, context());
            Tensor expected(input.shape());
            for (size_t i = 0; i < values.size(); ++i)
                expected[static_cast<int64_t>(i)] = static_cast<float>(formula(values[i]));
            const std::string diff = compareTensors(actual, expected, 1e-6, 1e-6);
            QVERIFY2(diff.empty(), (name + ": " + diff).c_str());
        }
        // Every name of §6.8 is known and case-sensitive; nothing else is.
        QCOMPARE(activationNames().size(), size_t{32});
        for (const std::string& name : activationNames())
            QVERIFY2(activationFromName(name).has_value(), name.c_str());
        QVERIFY(!activationFromName("ReLU").has_value());
        QVERIFY(!activationFromName("gelu_approximate").has_value());
        QCOMPARE(activationName(*activationFromName("swish")), std::string("silu"));
    }

    void axisActivations()
    {
        const Tensor input = randomTensor({2, 3, 6}, 11, -3.0f, 3.0f);
        const auto check = [&](const std::string& name, const Tensor& expected) {
            const Tensor actual = applyActivation(*activationFromName(name), input, context());
            const std::string diff = compareTensors(actual, expected, 1e-6, 1e-6);
            QVERIFY2(diff.empty(), (name + ": " + diff).c_str());
        };
        check("softmax", mapLastAxis(input, 6, softmaxRef));
        check("log_softmax", mapLastAxis(input, 6, [](const std::vector<double>& v) {
                  std::vector<double> s = softmaxRef(v);
                  for (double& x : s)
                      x = std::log(x);
                  return s;
              }));
        check("glu", mapLastAxis(input, 3, gluRef));
        // Sparsemax as Keras 3's TF backend defines it (backend/tensorflow/nn.py), in double: z sorted
        // descending, running sums c_j, support z_j − (c_j − 1)/j > 0, τ = (Σ_support c_j − 1)/k.
        // (Keras sums the running sums, so this is not the textbook simplex projection.)
        check("sparsemax", mapLastAxis(input, 6, [](const std::vector<double>& v) {
                  std::vector<double> z = v;
                  std::sort(z.begin(), z.end(), std::greater<double>());
                  double c = 0, support = 0, k = 0;
                  for (size_t j = 0; j < z.size(); ++j) {
                      c += z[j];
                      if (z[j] - (c - 1) / static_cast<double>(j + 1) > 0) {
                          support += c;
                          k += 1;
                      }
                  }
                  const double tau = (support - 1) / k;
                  std::vector<double> out;
                  for (double x : v)
                      out.push_back(std::max(x - tau, 0.0));
                  return out;
              }));
        // Keras 3.15.1: keras.activations.sparsemax([[1, 0.5, -1]]) = [[0.25, 0, 0]] (τ = (1 + 1.5 − 1)/2).
        const Tensor small = applyActivation(Activation::Sparsemax, Tensor({1, 3}, {1.0f, 0.5f, -1.0f}), context());
        QCOMPARE(small.toVector(), (std::vector<float>{0.25f, 0.0f, 0.0f}));
    }

    void axisActivationsFollowDataFormat()
    {
        // channels_last: axis −1 is the filters; channels_first: axis −1 is the WIDTH.
        for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst})
            for (const std::string name : {"softmax", "glu", "log_softmax", "sparsemax", "gelu"}) {
                Case c;
                c.format = format;
                c.height = 5;
                c.width = 8;
                c.channels = 3;
                c.filters = 6;
                c.padding = Padding::Same;
                c.activation = name;
                std::vector<float> k, b;
                const Conv2D layer = makeLayer(c, &k, &b);
                const Tensor input = randomTensor(inputShape(c), 21);
                const Tensor linear = referenceConv(c, input, k, b);
                const Tensor expected = applyActivation(*activationFromName(name), linear, context());
                if (name == "softmax") // independent check of the axis for the most common one
                    QVERIFY(compareTensors(expected, mapLastAxis(linear, linear.dim(-1), softmaxRef), 1e-6, 1e-6).empty());
                const Tensor actual = layer.forward(input, context());
                const std::string diff = compareTensors(actual, expected, 1e-5, 1e-5);
                QVERIFY2(diff.empty(), (c.describe() + ": " + diff).c_str());
                QCOMPARE(layer.inferShape(input.shape()).output, expected.shape());
            }
        // glu halves the last axis of the output: (1, 6, 5, 8) → (1, 6, 5, 4) for channels_first.
        Case c;
        c.format = DataFormat::ChannelsFirst;
        c.height = 5;
        c.width = 8;
        c.filters = 6;
        c.padding = Padding::Same;
        c.activation = "glu";
        const LayerShape shape = makeLayer(c).inferShape(inputShape(c));
        QCOMPARE(shape.output, (Shape{2, 6, 5, 4}));
        QCOMPARE(shape.axes[3].output, int64_t{4});
        QVERIFY(shape.axes[3].arithmetic.find("glu: 8 / 2 = 4") != std::string::npos);
    }

    void errorsInKerasOrder()
    {
        const Shape in{1, 8, 8, 4};
        auto layerWith = [](const std::function<void(Conv2DParams&)>& edit) {
            Conv2DParams p;
            p.filters = 4;
            edit(p);
            return Conv2D("c", p);
        };
        auto expectError = [&](const Conv2D& layer, const Shape& input, const std::string& text) {
            const std::string message = errorOf(layer, input);
            QVERIFY2(message.rfind("Conv2D 'c': ", 0) == 0, message.c_str());
            QVERIFY2(message.find(text) != std::string::npos, (message + "\n  does not contain\n" + text).c_str());
        };
        // 1. tuple positivity, kernel_size before strides before dilation_rate.
        expectError(layerWith([](Conv2DParams& p) { p.kernelSize = {1, 0}; p.strides = {0, 1}; }), in,
                    "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(1, 0), "
                    "including values {0} that do not satisfy `value > 0`");
        expectError(layerWith([](Conv2DParams& p) { p.strides = {0, 1}; p.dilationRate = {0, 0}; }), in,
                    "Received strides=(0, 1), including values {0}");
        expectError(layerWith([](Conv2DParams& p) { p.dilationRate = {-1, 0}; p.filters = 0; }), in,
                    "Received dilation_rate=(-1, 0), including values {-1, 0}");
        // 3. activation.
        expectError(layerWith([](Conv2DParams& p) { p.activation = "Relu"; p.filters = 0; }), in,
                    "Could not interpret activation function identifier: Relu");
        // 4. - 6.
        expectError(layerWith([](Conv2DParams& p) { p.filters = 0; p.groups = 0; }), in,
                    "Invalid value for argument `filters`. Expected a strictly positive value. Received filters=0.");
        expectError(layerWith([](Conv2DParams& p) { p.groups = 0; }), in,
                    "The number of groups must be a positive integer. Received: groups=0.");
        expectError(layerWith([](Conv2DParams& p) { p.groups = 3; }), in,
                    "The number of filters must be evenly divisible by the number of groups. Received: groups=3, filters=4.");
        // 7.
        expectError(layerWith([](Conv2DParams& p) { p.strides = {2, 2}; p.dilationRate = {2, 1}; }), in,
                    "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
                    "strides=(2, 2) and dilation_rate=(2, 1)");
        // Rank (InputSpec min_ndim=4).
        expectError(layerWith([](Conv2DParams&) {}), Shape{8, 8, 4},
                    "Input 0 of layer 'c' is incompatible with the layer: expected min_ndim=4, found ndim=3. "
                    "Full shape received: (8, 8, 4)");
        // Stored kernel pinned to 4 input channels.
        Conv2D pinned = layerWith([](Conv2DParams&) {});
        pinned.setWeights({3, 3, 4, 4}, std::vector<float>(144, 0.1f));
        expectError(pinned, Shape{1, 8, 8, 3},
                    "Input 0 of layer 'c' is incompatible with the layer: expected axis -1 of input shape to "
                    "have value 4, but received input with shape (1, 8, 8, 3)");
        Conv2D pinnedFirst = pinned;
        Conv2DParams firstParams = pinned.params();
        firstParams.dataFormat = DataFormat::ChannelsFirst;
        pinnedFirst.setParams(firstParams);
        expectError(pinnedFirst, Shape{1, 3, 8, 8}, "expected axis 1 of input shape to have value 4");
        // Stored kernel not matching kernel_size / filters.
        Conv2D wrongKernel = layerWith([](Conv2DParams& p) { p.kernelSize = {3, 2}; });
        wrongKernel.setWeights({3, 3, 4, 4}, std::vector<float>(144, 0.1f));
        expectError(wrongKernel, in, "the stored kernel has shape (3, 3, 4, 4), but kernel_size=(3, 2)");
        // 8.
        expectError(layerWith([](Conv2DParams& p) { p.groups = 2; }), Shape{1, 8, 8, 3},
                    "The number of input channels must be evenly divisible by the number of groups. "
                    "Received groups=2, but the input has 3 channels (full input shape is (1, 8, 8, 3)).");
        // 9. with the arithmetic.
        expectError(layerWith([](Conv2DParams& p) { p.filters = 4; }), Shape{1, 2, 2, 1},
                    "Computed output size would be zero or negative: ⌊(2 − 3) / 1⌋ + 1 = 0 rows (kernel 3 > "
                    "input 2, padding valid). Received `inputs shape=(1, 2, 2, 1)`, `kernel shape=(3, 3, 1, 4)`, "
                    "`dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.");
        expectError(layerWith([](Conv2DParams& p) { p.kernelSize = {1, 3}; p.dilationRate = {1, 2}; }),
                    Shape{1, 5, 4, 4},
                    "ek = 2·(3 − 1) + 1 = 5; ⌊(4 − 5) / 1⌋ + 1 = 0 columns (effective kernel 5 > input 4");
        // Call time: glu on an odd axis, threshold by name.
        expectError(layerWith([](Conv2DParams& p) { p.filters = 3; p.activation = "glu"; }), in,
                    "axis size must be divisible by 2. Received: x.shape=(1, 6, 6, 3) with axis=-1");
        expectError(layerWith([](Conv2DParams& p) { p.activation = "glu"; p.dataFormat = DataFormat::ChannelsFirst; }),
                    Shape{1, 4, 8, 9}, "x.shape=(1, 4, 6, 7) with axis=-1");
        expectError(layerWith([](Conv2DParams& p) { p.activation = "threshold"; }), in,
                    "threshold() missing 2 required positional arguments: 'threshold' and 'default_value'");
        // SAME never errors even when the kernel is larger than the input.
        QCOMPARE(layerWith([](Conv2DParams& p) { p.padding = Padding::Same; p.kernelSize = {7, 7}; })
                     .inferShape({1, 2, 3, 4}).output,
                 (Shape{1, 2, 3, 4}));
    }

    void sameSplitTable()
    {
        // SEMANTICS.md §7, the conv rows: n, k, s, d, padding → out, before, after.
        struct Row { int64_t n, k, s, d; Padding padding; int64_t out, before, after; };
        for (const Row& r : {Row{5, 3, 1, 1, Padding::Same, 5, 1, 1}, Row{5, 2, 1, 1, Padding::Same, 5, 0, 1},
                             Row{7, 3, 1, 2, Padding::Valid, 3, 0, 0}, Row{7, 3, 1, 2, Padding::Same, 7, 2, 2},
                             Row{4, 2, 3, 1, Padding::Same, 2, 0, 1}}) {
            for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst}) {
                Conv2DParams p;
                p.filters = 2;
                p.kernelSize = {r.k, 1};
                p.strides = {r.s, 1};
                p.dilationRate = {r.d, 1};
                p.padding = r.padding;
                p.dataFormat = format;
                const bool first = format == DataFormat::ChannelsFirst;
                const LayerShape shape = Conv2D("c", p).inferShape(first ? Shape{1, 3, r.n, 4} : Shape{1, r.n, 4, 3});
                const AxisExplanation& rows = shape.axes[first ? 2 : 1];
                QCOMPARE(rows.axis, std::string("height"));
                QCOMPARE(rows.output, r.out);
                QCOMPARE(rows.padBefore, r.before);
                QCOMPARE(rows.padAfter, r.after);
                QCOMPARE(shape.axes[first ? 1 : 3].output, int64_t{2});
                QCOMPARE(shape.axes[first ? 1 : 3].axis, std::string("channels"));
                if (r.d == 2)
                    QVERIFY2(rows.arithmetic.find("ek = 2·(3 − 1) + 1 = 5") != std::string::npos, rows.arithmetic.c_str());
            }
        }
        // The SAME explanation names the split.
        Conv2DParams p;
        p.filters = 1;
        p.kernelSize = {2, 2};
        p.padding = Padding::Same;
        const LayerShape shape = Conv2D("c", p).inferShape({1, 5, 5, 1});
        QVERIFY2(shape.axes[1].arithmetic.find("0 top / 1 bottom") != std::string::npos, shape.axes[1].arithmetic.c_str());
        QVERIFY2(shape.axes[2].arithmetic.find("0 left / 1 right") != std::string::npos, shape.axes[2].arithmetic.c_str());
    }

    void jsonRoundTrip()
    {
        const nlohmann::json object = {
            {"class_name", "Conv2D"},
            {"config",
             {{"name", "edges"}, {"trainable", true}, {"dtype", "float32"}, {"filters", 2}, {"kernel_size", 3},
              {"strides", {1, 2}}, {"padding", "SAME"}, {"data_format", "channels_first"},
              {"dilation_rate", {1, 1}}, {"groups", 1}, {"activation", "relu"}, {"use_bias", true},
              {"kernel_initializer", {{"class_name", "HeNormal"}, {"config", {{"seed", 3}}}}},
              {"kernel_regularizer", {{"class_name", "L2"}}}}},
            {"weights",
             {{"kernel", {{"shape", {3, 3, 1, 2}}, {"data", {0.1, -0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
                                                              1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8}}}},
              {"bias", {{"shape", {2}}, {"data", {0.25, -0.5}}}}}}};
        const auto layer = Conv2D::fromJson(object);
        const Conv2DParams& p = layer->params();
        QCOMPARE(layer->name(), std::string("edges"));
        QCOMPARE(p.filters, int64_t{2});
        QCOMPARE(p.kernelSize, (std::array<int64_t, 2>{3, 3}));
        QCOMPARE(p.strides, (std::array<int64_t, 2>{1, 2}));
        QVERIFY(p.padding == Padding::Same);
        QVERIFY(p.dataFormat == DataFormat::ChannelsFirst);
        QCOMPARE(p.activation, std::string("relu"));
        QCOMPARE(p.kernelShape, (Shape{3, 3, 1, 2}));
        QCOMPARE(p.kernel[1], -0.2f);
        QCOMPARE(p.bias, (std::vector<float>{0.25f, -0.5f}));

        const nlohmann::json config = layer->config();
        QCOMPARE(config.at("padding").get<std::string>(), std::string("same"));
        QCOMPARE(config.at("kernel_size"), nlohmann::json({3, 3}));
        QCOMPARE(config.at("dilation_rate"), nlohmann::json({1, 1}));
        QCOMPARE(config.at("use_bias").get<bool>(), true);
        nlohmann::json saved = {{"class_name", "Conv2D"}, {"config", config}};
        saved.update(layer->extras());
        QVERIFY(saved.contains("weights"));
        const auto again = Conv2D::fromJson(saved);
        QVERIFY(again->params() == p);
        QVERIFY(*again == *layer);
        QCOMPARE(again->config(), config);

        // No weights → no "weights" key; null activation → linear; defaults.
        const auto plain = Conv2D::fromJson({{"class_name", "Conv2D"},
                                             {"config", {{"name", "c"}, {"filters", 4}, {"kernel_size", {2, 3}},
                                                         {"activation", nullptr}}}});
        QCOMPARE(plain->params().activation, std::string("linear"));
        QVERIFY(plain->params().strides == (std::array<int64_t, 2>{1, 1}));
        QVERIFY(plain->params().padding == Padding::Valid);
        QVERIFY(plain->params().useBias);
        QCOMPARE(plain->params().groups, int64_t{1});
        QVERIFY(plain->extras().is_null());
        const auto plainAgain = Conv2D::fromJson({{"class_name", "Conv2D"}, {"config", plain->config()}});
        QVERIFY(plainAgain->params() == plain->params());

        // Load-time errors: data length, bad padding, bad tuple, bad data_format.
        auto loadError = [](nlohmann::json o) -> std::string {
            try {
                Conv2D::fromJson(o);
            } catch (const std::invalid_argument& e) {
                return e.what();
            }
            return "(no error)";
        };
        nlohmann::json shortData = object;
        shortData["weights"]["kernel"]["data"].erase(0);
        QVERIFY2(loadError(shortData).find("has 17 values but its shape (3, 3, 1, 2) needs 18") != std::string::npos,
                 loadError(shortData).c_str());
        nlohmann::json badPadding = object;
        badPadding["config"]["padding"] = "full";
        QCOMPARE(loadError(badPadding),
                 std::string("The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: full"));
        nlohmann::json badFormat = object;
        badFormat["config"]["data_format"] = "NHWC";
        QVERIFY(loadError(badFormat).find("Received: data_format=nhwc") != std::string::npos);
        nlohmann::json badKernel = object;
        badKernel["config"]["kernel_size"] = {3, 3, 3};
        QVERIFY(loadError(badKernel).find("The `kernel_size` argument must be a tuple of 2 integers") == 0);
        // The setter validates lengths too.
        Conv2D editable("e");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, editable.setWeights({3, 3, 1, 1}, std::vector<float>(8)));
    }

    void goldenLayerObjectLoads()
    {
        // The layer object exactly as the goldens store it.
        std::ifstream file(std::string(LAYERSCOPE_GOLDENS_DIR) + "/tfjs/conv2d_same_0_10/pipeline.json");
        QVERIFY(file.good());
        const nlohmann::json pipeline = nlohmann::json::parse(file);
        const nlohmann::json& object = pipeline.at("config").at("layers").at(1);
        const auto layer = Conv2D::fromJson(object);
        QCOMPARE(layer->params().strides, (std::array<int64_t, 2>{3, 2}));
        QCOMPARE(layer->params().kernelShape, (Shape{1, 1, 3, 3}));
        QCOMPARE(layer->inferShape({1, 8, 5, 3}).output, (Shape{1, 3, 3, 3}));
        QCOMPARE(layer->extras().at("weights").at("kernel").at("data"), object.at("weights").at("kernel").at("data"));
    }

    void deterministicDefaultWeights()
    {
        const Shape shape{3, 3, 2, 5};
        const std::vector<float> a = Conv2D::glorotUniform("conv2d", shape);
        QCOMPARE(a, Conv2D::glorotUniform("conv2d", shape));
        QVERIFY(a != Conv2D::glorotUniform("conv2d_1", shape));
        const double limit = std::sqrt(6.0 / (3 * 3 * 2 + 3 * 3 * 5));
        double low = 0, high = 0;
        for (float v : a) {
            QVERIFY(std::abs(v) <= limit);
            low = std::min<double>(low, v);
            high = std::max<double>(high, v);
        }
        QVERIFY(low < -0.5 * limit && high > 0.5 * limit); // spread over the range
        // The documented recipe, recomputed here.
        std::mt19937 generator(fnv1a("conv2d"));
        for (size_t i = 0; i < 4; ++i) {
            const double u = static_cast<double>(generator() >> 8) * std::ldexp(1.0, -24);
            QCOMPARE(a[i], static_cast<float>(-limit + 2 * limit * u));
        }
        QCOMPARE(fnv1a(""), 2166136261u);
        QCOMPARE(fnv1a("a"), 0xe40c292cu); // the FNV-1a reference value

        // A layer without weights runs on exactly these, with zero bias; groups divide C_in.
        Conv2DParams p;
        p.filters = 4;
        p.groups = 2;
        p.padding = Padding::Same;
        const Conv2D layer("conv2d", p);
        const Conv2DWeights w = layer.resolvedWeights(6);
        QCOMPARE(w.kernelShape, (Shape{3, 3, 3, 4}));
        QCOMPARE(w.kernel, Conv2D::glorotUniform("conv2d", {3, 3, 3, 4}));
        QCOMPARE(w.bias, std::vector<float>(4, 0.0f));
        Case c;
        c.channels = 6;
        c.filters = 4;
        c.groups = 2;
        c.padding = Padding::Same;
        const Tensor input = randomTensor(inputShape(c), 3);
        const Tensor expected = referenceConv(c, input, w.kernel, w.bias);
        QVERIFY(compareTensors(layer.forward(input, context()), expected, 1e-5, 1e-5).empty());
        QVERIFY(layer.extras().is_null());
    }

    // An editor changing filters / kernel_size: the stored weights keep their overlap, added
    // filters get the seeded draw a new layer of this name gets, a huge layer drops them.
    void refitsStoredWeightsToEditedParameters()
    {
        using nlohmann::json;
        json kernel = json::array();
        for (int i = 0; i < 2 * 2 * 3 * 2; ++i)
            kernel.push_back(i + 1);
        const json original = {{"class_name", "Conv2D"},
                               {"config", {{"name", "edge"}, {"filters", 2}, {"kernel_size", {2, 2}}, {"use_bias", true}}},
                               {"weights", {{"kernel", {{"shape", {2, 2, 3, 2}}, {"data", kernel}}},
                                            {"bias", {{"shape", {2}}, {"data", {0.5, -0.5}}}}}}};
        const std::unique_ptr<Conv2D> layer = Conv2D::fromJson(original);
        QVERIFY(layer->hasEditableKernel());

        json edited = original;
        edited["config"]["filters"] = 4;
        layer->refitStoredWeights(edited, {1, 9, 9, 3});
        const json& k = edited["weights"]["kernel"];
        QCOMPARE(k["shape"], json({2, 2, 3, 4}));
        const std::vector<float> fresh = Conv2D::glorotUniform("edge", {2, 2, 3, 4});
        for (int i = 0; i < 2 * 2 * 3; ++i) {
            for (int f = 0; f < 4; ++f) {
                const float got = k["data"][static_cast<size_t>(i * 4 + f)].get<float>();
                const float want = f < 2 ? static_cast<float>(i * 2 + f + 1) : fresh[static_cast<size_t>(i * 4 + f)];
                QCOMPARE(got, want);
            }
        }
        QCOMPARE(edited["weights"]["bias"]["data"], json({0.5, -0.5, 0.0, 0.0}));
        QVERIFY(Conv2D::fromJson(edited)->inferShape({1, 9, 9, 3}).output == (Shape{1, 8, 8, 4}));

        json smaller = original;
        smaller["config"]["kernel_size"] = {1, 1};
        layer->refitStoredWeights(smaller, {1, 9, 9, 3});
        QCOMPARE(smaller["weights"]["kernel"]["shape"], json({1, 1, 3, 2}));
        QCOMPARE(smaller["weights"]["kernel"]["data"], json({1, 2, 3, 4, 5, 6}));

        json huge = original;
        huge["config"]["filters"] = 1 << 22;
        layer->refitStoredWeights(huge, {1, 9, 9, 3});
        QVERIFY(!huge.contains("weights"));

        // A layer without stored weights, and a class without weights at all, change nothing.
        json bare = original;
        bare.erase("weights");
        const json before = bare;
        Conv2D::fromJson(bare)->refitStoredWeights(bare, {1, 9, 9, 3});
        QCOMPARE(bare, before);
        const std::unique_ptr<Layer> pool =
            findLayerFactory("AveragePooling2D")->fromJson({{"class_name", "AveragePooling2D"}, {"config", {{"name", "p"}}}});
        QVERIFY(!pool->hasEditableKernel());
    }

    void memoryGuard()
    {
        Conv2DParams p;
        p.filters = 8;
        const Conv2D layer("c", p);
        ExecContext ctx = context();
        ctx.memoryBudgetBytes = 1024;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, layer.forward(Tensor({1, 16, 16, 3}), ctx));
    }

    void cancellation()
    {
        Conv2DParams p;
        p.filters = 8;
        p.padding = Padding::Same;
        const Conv2D layer("c", p);
        std::stop_source source;
        ExecContext ctx = context();
        ctx.stop = source.get_token();
        source.request_stop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, layer.forward(Tensor({1, 64, 64, 3}), ctx));
    }

    void summaryAndClone()
    {
        Conv2DParams p;
        p.filters = 16;
        p.padding = Padding::Same;
        p.activation = "relu";
        p.dilationRate = {2, 2};
        const Conv2D layer("c", p);
        QCOMPARE(layer.summary(), std::string("16 × 3×3 / s1 / same / d2 / relu"));
        const auto copy = layer.clone();
        QVERIFY(*copy == layer);
    }
};

QTEST_APPLESS_MAIN(TestConv2D)
#include "test_conv2d.moc"
