// DepthwiseConv2D and SeparableConv2D against plain loops written here (double accumulation; the
// separable reference rounds the depthwise stage to float32 as TF's two ops do), over odd
// non-square shapes, channel counts 1–16, depth multipliers, strides with dilation (accepted since
// Keras 3.15) and both data formats; values computed with Keras 3.15.1; errors in Keras's
// wording; explanations; the memory guard and cancellation.

#include "core/explain/cell_explanation.h"
#include "core/layer_registry.h"
#include "core/layers/depthwise_conv2d.h"
#include "core/layers/separable_conv2d.h"
#include "test_support.h"
#include "weighted_test_patterns.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace layerscope;
using nlohmann::json;

namespace {

struct Case {
    int64_t B, H, W, C, M, kh, kw, sh, sw, dh, dw;
    bool same;
};

// Conv2D's output size and TF's SAME split, written out again.
std::pair<int64_t, int64_t> referenceAxis(int64_t n, int64_t k, int64_t s, int64_t d, bool same)
{
    const int64_t ek = d * (k - 1) + 1;
    if (!same)
        return {(n - ek) / s + 1, 0};
    const int64_t out = (n + s - 1) / s;
    return {out, std::max<int64_t>(0, (out - 1) * s + ek - n) / 2};
}

// out[b, oy, ox, c·M + m] = Σ x[b, oy·s − top + ky·d, ox·s − left + kx·d, c] · K[ky, kx, c, m], NHWC.
std::vector<double> referenceDepthwise(const Tensor& x, const std::vector<float>& K, const Case& c, Shape& shape)
{
    const auto [OH, top] = referenceAxis(c.H, c.kh, c.sh, c.dh, c.same);
    const auto [OW, left] = referenceAxis(c.W, c.kw, c.sw, c.dw, c.same);
    shape = {c.B, OH, OW, c.C * c.M};
    std::vector<double> out(static_cast<size_t>(elementCount(shape)), 0.0);
    for (int64_t b = 0; b < c.B; ++b)
        for (int64_t oy = 0; oy < OH; ++oy)
            for (int64_t ox = 0; ox < OW; ++ox)
                for (int64_t ci = 0; ci < c.C; ++ci)
                    for (int64_t m = 0; m < c.M; ++m) {
                        double sum = 0;
                        for (int64_t ky = 0; ky < c.kh; ++ky)
                            for (int64_t kx = 0; kx < c.kw; ++kx) {
                                const int64_t y = oy * c.sh - top + ky * c.dh, xx = ox * c.sw - left + kx * c.dw;
                                if (y < 0 || y >= c.H || xx < 0 || xx >= c.W)
                                    continue;
                                sum += static_cast<double>(x.at(b, y, xx, ci))
                                     * K[static_cast<size_t>(((ky * c.kw + kx) * c.C + ci) * c.M + m)];
                            }
                        out[static_cast<size_t>(((b * OH + oy) * OW + ox) * c.C * c.M + ci * c.M + m)] = sum;
                    }
    return out;
}

DepthwiseStage stageOf(const Case& c, bool nchw)
{
    DepthwiseStage s;
    s.kernelSize = {c.kh, c.kw};
    s.strides = {c.sh, c.sw};
    s.dilationRate = {c.dh, c.dw};
    s.padding = c.same ? Padding::Same : Padding::Valid;
    s.depthMultiplier = c.M;
    s.dataFormat = nchw ? DataFormat::ChannelsFirst : DataFormat::ChannelsLast;
    return s;
}

std::string caseText(const Case& c)
{
    return "B" + std::to_string(c.B) + " H" + std::to_string(c.H) + " W" + std::to_string(c.W) + " C" + std::to_string(c.C)
         + " M" + std::to_string(c.M) + " k" + std::to_string(c.kh) + "x" + std::to_string(c.kw) + " s"
         + std::to_string(c.sh) + "x" + std::to_string(c.sw) + " d" + std::to_string(c.dh) + "x" + std::to_string(c.dw)
         + (c.same ? " same" : " valid");
}

const std::vector<Case>& cases()
{
    static const std::vector<Case> all = {
        {1, 9, 7, 3, 1, 3, 3, 1, 1, 1, 1, true},  {2, 7, 9, 1, 2, 3, 2, 2, 1, 1, 1, false},
        {1, 5, 6, 3, 2, 3, 3, 2, 2, 2, 2, true},  {1, 8, 5, 4, 3, 2, 3, 1, 2, 1, 1, true},
        {1, 12, 9, 7, 1, 5, 3, 1, 1, 2, 1, false}, {2, 11, 4, 8, 1, 1, 1, 2, 3, 1, 1, false},
        {1, 4, 13, 15, 2, 3, 5, 3, 2, 1, 2, true}, {1, 9, 9, 16, 1, 3, 3, 2, 2, 1, 1, true},
        {1, 3, 3, 2, 4, 3, 3, 1, 1, 1, 1, true},  {1, 12, 10, 16, 2, 7, 7, 2, 2, 1, 1, true},
        // depth_multiplier 1 and C a multiple of 8 take the in-register rows (depthwise_rows.cpp):
        // 32- and 8-channel blocks, dilation, stride, rows wider than the prefetch distance, and an
        // output of 16 MiB, written with non-temporal stores.
        {1, 9, 21, 40, 1, 3, 3, 1, 1, 2, 2, true}, {2, 10, 19, 64, 1, 5, 5, 2, 1, 1, 1, false},
        {1, 256, 256, 64, 1, 3, 3, 1, 1, 1, 1, true},
    };
    return all;
}

std::string errorOf(const Layer& layer, const Shape& input)
{
    try {
        layer.inferShape(input);
    } catch (const LayerError& e) {
        return e.what();
    }
    return "(no error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ExecContext context()
{
    ExecContext ctx;
    ctx.threads = 2;
    return ctx;
}

Tensor fromDoubles(const Shape& shape, const std::vector<double>& values, const std::vector<float>& bias)
{
    Tensor t(shape);
    for (int64_t i = 0; i < t.size(); ++i)
        t[i] = static_cast<float>(values[static_cast<size_t>(i)] + (bias.empty() ? 0.0 : bias[static_cast<size_t>(i % shape.back())]));
    return t;
}

} // namespace

class TestDepthwiseSeparable : public QObject {
    Q_OBJECT
private slots:
    void depthwiseMatchesTheReferenceLoop()
    {
        for (const Case& c : cases()) {
            for (bool nchw : {false, true}) {
                DepthwiseConv2DParams p;
                p.stage = stageOf(c, nchw);
                const std::vector<float> K = test::randomTensor({c.kh, c.kw, c.C, c.M}, 21).toVector();
                const std::vector<float> bias = test::randomTensor({c.C * c.M}, 22).toVector();
                p.kernel = {{c.kh, c.kw, c.C, c.M}, K};
                p.bias = {{c.C * c.M}, bias};
                const DepthwiseConv2D layer("d", p);
                const Tensor x = test::randomTensor({c.B, c.H, c.W, c.C}, 23);
                Shape shape;
                const std::vector<double> sums = referenceDepthwise(x, K, c, shape);
                const Tensor expected = fromDoubles(shape, sums, bias);
                const Tensor actual = layer.forward(nchw ? test::nhwcToNchwLoop(x) : x, context());
                const std::string diff =
                    test::compareTensors(actual, nchw ? test::nhwcToNchwLoop(expected) : expected, 1e-5, 1e-5);
                QVERIFY2(diff.empty(), (caseText(c) + (nchw ? " NCHW: " : " NHWC: ") + diff).c_str());
            }
        }
    }

    void separableMatchesTheReferenceLoop()
    {
        for (const Case& c : cases()) {
            for (int64_t F : {1, 3, 8}) {
                for (bool nchw : {false, true}) {
                    SeparableConv2DParams p;
                    p.filters = F;
                    p.stage = stageOf(c, nchw);
                    const int64_t Q = c.C * c.M;
                    const std::vector<float> DK = test::randomTensor({c.kh, c.kw, c.C, c.M}, 31).toVector();
                    const std::vector<float> PK = test::randomTensor({1, 1, Q, F}, 32).toVector();
                    const std::vector<float> bias = test::randomTensor({F}, 33).toVector();
                    p.depthwiseKernel = {{c.kh, c.kw, c.C, c.M}, DK};
                    p.pointwiseKernel = {{1, 1, Q, F}, PK};
                    p.bias = {{F}, bias};
                    const SeparableConv2D layer("s", p);
                    const Tensor x = test::randomTensor({c.B, c.H, c.W, c.C}, 34);
                    Shape depthShape;
                    const std::vector<double> depth = referenceDepthwise(x, DK, c, depthShape);
                    const int64_t pixels = elementCount(depthShape) / Q;
                    Tensor expected({depthShape[0], depthShape[1], depthShape[2], F});
                    for (int64_t px = 0; px < pixels; ++px)
                        for (int64_t f = 0; f < F; ++f) {
                            double sum = bias[static_cast<size_t>(f)];
                            for (int64_t q = 0; q < Q; ++q) // TF rounds the depthwise op's result to float32
                                sum += static_cast<double>(static_cast<float>(depth[static_cast<size_t>(px * Q + q)]))
                                     * PK[static_cast<size_t>(q * F + f)];
                            expected[px * F + f] = static_cast<float>(sum);
                        }
                    const Tensor actual = layer.forward(nchw ? test::nhwcToNchwLoop(x) : x, context());
                    const std::string diff =
                        test::compareTensors(actual, nchw ? test::nhwcToNchwLoop(expected) : expected, 1e-5, 1e-5);
                    QVERIFY2(diff.empty(), (caseText(c) + " F" + std::to_string(F) + (nchw ? " NCHW: " : " NHWC: ") + diff).c_str());
                }
            }
        }
    }

    void valuesFromKeras()
    {
        // Computed with Keras 3.15.1 (TensorFlow 2.21 CPU) from the patterns of weighted_test_patterns.h.
        const Tensor x = test::patternInput({1, 5, 6, 3});
        {
            // strides 2 with dilation 2: rejected up to Keras 3.14, accepted by 3.15.
            DepthwiseConv2DParams p;
            p.stage.depthMultiplier = 2;
            p.stage.strides = {2, 2};
            p.stage.dilationRate = {2, 2};
            p.stage.padding = Padding::Same;
            p.kernel = {{3, 3, 3, 2}, test::patternWeights({3, 3, 3, 2})};
            p.bias = {{6}, test::patternBias(6)};
            const Tensor y = DepthwiseConv2D("d", p).forward(x, context());
            QCOMPARE(y.shape(), (Shape{1, 3, 3, 6}));
            // the whole output from Keras 3.15.1
            const std::vector<float> keras = {
                -1.125, 0.0, 1.90625, -0.34375, -0.375, 0.96875, 0.6875, -0.46875, 0.40625, -1.25, -0.46875, -0.03125,
                -1.0625, 0.09375, 0.46875, -0.9375, 0.125, -0.03125, -1.0, -0.5, 0.6875, -0.4375, -1.375, 1.53125,
                -0.28125, 1.65625, 0.5, -2.03125, 0.15625, -1.0, -2.09375, 0.53125, 0.6875, -0.4375, -0.09375, 0.5625,
                -0.875, -0.1875, -0.8125, -0.5625, -1.90625, 1.53125, 0.03125, -0.875, 1.84375, -2.40625, 1.09375,
                -1.46875, -1.46875, 0.96875, 1.9375, -0.3125, -0.125, 1.8125};
            QCOMPARE(y.toVector(), keras);
        }
        {
            DepthwiseConv2DParams p;
            p.stage.kernelSize = {2, 3};
            p.stage.depthMultiplier = 2;
            p.stage.strides = {1, 2};
            p.stage.dataFormat = DataFormat::ChannelsFirst;
            p.activation = "tanh";
            p.kernel = {{2, 3, 3, 2}, test::patternWeights({2, 3, 3, 2})};
            p.bias = {{6}, test::patternBias(6)};
            const Tensor y = DepthwiseConv2D("d", p).forward(test::nhwcToNchwLoop(x), context());
            QCOMPARE(y.shape(), (Shape{1, 6, 4, 2}));
            // y[0, :, 0, :] from Keras 3.15.1
            const std::vector<float> keras = {0.7615941762924194f, -0.6709671020507812f, 0.21532635390758514f,
                                              -0.35835739970207214f, 0.8093010783195496f, 0.5545997023582458f,
                                              0.8798267245292664f, -0.9338281154632568f, 0.5545997023582458f,
                                              -0.8392850160598755f, 0.7340715527534485f, -0.6161344647407532f};
            for (int64_t q = 0; q < 6; ++q)
                for (int64_t ox = 0; ox < 2; ++ox)
                    QVERIFY(std::fabs(y[(q * 4) * 2 + ox] - keras[static_cast<size_t>(q * 2 + ox)]) <= 1e-6f);
        }
        {
            SeparableConv2DParams p;
            p.filters = 4;
            p.stage.depthMultiplier = 2;
            p.stage.padding = Padding::Same;
            p.stage.strides = {2, 2};
            p.depthwiseKernel = {{3, 3, 3, 2}, test::patternWeights({3, 3, 3, 2})};
            p.pointwiseKernel = {{1, 1, 6, 4}, test::patternWeights({1, 1, 6, 4})};
            p.bias = {{4}, test::patternBias(4)};
            const Tensor y = SeparableConv2D("s", p).forward(x, context());
            QCOMPARE(y.shape(), (Shape{1, 3, 3, 4}));
            // the first 24 values from Keras 3.15.1
            const std::vector<float> keras = {1.328125, -1.21484375, -0.45703125, 1.8984375, -1.63671875, 0.95703125,
                                              0.65625, -2.66796875, -0.4609375, -0.359375, 0.70703125, -0.234375,
                                              1.2734375, -2.6484375, -0.83203125, 1.4140625, -2.49609375, 1.76171875,
                                              1.703125, -3.51171875, 1.4296875, -0.515625, -0.58203125, 1.7109375};
            for (size_t i = 0; i < keras.size(); ++i)
                QCOMPARE(y[static_cast<int64_t>(i)], keras[i]);
        }
    }

    void errorsInKerasWording()
    {
        DepthwiseConv2DParams p;
        p.stage.depthMultiplier = 0;
        QVERIFY(contains(errorOf(DepthwiseConv2D("d", p), {1, 5, 5, 3}),
                         "Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received "
                         "depth_multiplier=0."));
        p = {};
        p.stage.kernelSize = {5, 5};
        const std::string under = errorOf(DepthwiseConv2D("d", p), {1, 3, 4, 2});
        QVERIFY2(contains(under, "Computed output size would be zero or negative")
                     && contains(under, "Received `inputs shape=(1, 3, 4, 2)`, `kernel shape=(5, 5, 2, 2)`, "
                                        "`dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`."),
                 under.c_str());
        p.stage.kernelSize = {3, 3};
        p.stage.dilationRate = {3, 3};
        QVERIFY(contains(errorOf(DepthwiseConv2D("d", p), {1, 5, 7, 2}),
                         "`kernel shape=(3, 3, 2, 2)`, `dilation_rate=[3 3]`"));
        p = {};
        p.stage.dilationRate = {0, 1};
        QVERIFY(contains(errorOf(DepthwiseConv2D("d", p), {1, 5, 5, 3}), "The `dilation_rate` argument must be a tuple of 2 integers"));
        p = {};
        QVERIFY(contains(errorOf(DepthwiseConv2D("depthwise_conv2d", p), {3, 4, 2}),
                         "Input 0 of layer 'depthwise_conv2d' is incompatible with the layer: expected min_ndim=4, found "
                         "ndim=3. Full shape received: (3, 4, 2)"));
        p.kernel = {{3, 3, 3, 1}, std::vector<float>(27, 1.0f)};
        QVERIFY(contains(errorOf(DepthwiseConv2D("d", p), {1, 5, 5, 4}),
                         "Input 0 of layer 'd' is incompatible with the layer: expected axis -1 of input shape to have "
                         "value 3, but received input with shape (1, 5, 5, 4)"));

        SeparableConv2DParams s;
        s.filters = 0;
        QVERIFY(contains(errorOf(SeparableConv2D("s", s), {1, 5, 5, 3}),
                         "Invalid value for argument `filters`. Expected a strictly positive value. Received filters=0."));
        s.filters = 5;
        s.stage.depthMultiplier = 2;
        s.stage.dilationRate = {3, 3};
        QVERIFY(contains(errorOf(SeparableConv2D("s", s), {1, 5, 7, 2}),
                         "Received `inputs shape=(1, 5, 7, 2)`, `kernel shape=(3, 3, 2, 5)`, `dilation_rate=[3 3]`, "
                         "`strides=(1, 1)`, `padding=valid`."));
        s = {};
        s.stage.depthMultiplier = -1;
        QVERIFY(contains(errorOf(SeparableConv2D("s", s), {1, 5, 5, 3}), "Received depth_multiplier=-1."));
    }

    void weightNamesAndJson()
    {
        // Keras 3 names DepthwiseConv2D's kernel "kernel"; tf.keras 2's "depthwise_kernel" loads too.
        const json tfKeras2 = {{"class_name", "DepthwiseConv2D"},
                               {"config", {{"name", "dw"}, {"kernel_size", {1, 1}}, {"depth_multiplier", 2}}},
                               {"weights", {{"depthwise_kernel", {{"shape", {1, 1, 1, 2}}, {"data", {2.0, -1.0}}}}}}};
        const auto dw = findLayerFactory("DepthwiseConv2D")->fromJson(tfKeras2);
        QCOMPARE(dw->extras()["weights"]["kernel"]["data"], json({2.0, -1.0}));
        QCOMPARE(dw->forward(Tensor({1, 1, 2, 1}, {3, 4}), ExecContext{}).toVector(), (std::vector<float>{6, -3, 8, -4}));
        QCOMPARE(dw->kerasWeights({1, 1, 2, 1})[0].name, std::string("kernel"));

        const auto sep = findLayerFactory("SeparableConv2D")->makeDefault("separable_conv2d");
        const std::vector<NamedArray> w = sep->kerasWeights({1, 9, 7, 3});
        QCOMPARE(w.size(), size_t{3});
        QCOMPARE(w[0].name, std::string("depthwise_kernel"));
        QCOMPARE(w[0].shape, (Shape{3, 3, 3, 1}));
        QCOMPARE(w[1].name, std::string("pointwise_kernel"));
        QCOMPARE(w[1].shape, (Shape{1, 1, 3, 1}));
        QCOMPARE(w[2].name, std::string("bias"));
        // The two default kernels are drawn from different seeds.
        QVERIFY(w[0].values[0] != w[1].values[0]);
        const json object = {{"class_name", "SeparableConv2D"}, {"config", sep->config()},
                             {"weights", {{"depthwise_kernel", {{"shape", w[0].shape}, {"data", w[0].values}}},
                                          {"pointwise_kernel", {{"shape", w[1].shape}, {"data", w[1].values}}}}}};
        const auto stored = findLayerFactory("SeparableConv2D")->fromJson(object);
        const Tensor x = test::randomTensor({1, 9, 7, 3}, 3);
        QCOMPARE(stored->forward(x, ExecContext{}), sep->forward(x, ExecContext{}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 findLayerFactory("SeparableConv2D")->fromJson(
                                     {{"class_name", "SeparableConv2D"}, {"config", sep->config()},
                                      {"weights", {{"depthwise_kernel", {{"shape", w[0].shape}, {"data", w[0].values}}}}}}));
    }

    void refitFollowsTheEdit()
    {
        DepthwiseConv2DParams d;
        d.stage.kernelSize = {1, 2};
        d.kernel = {{1, 2, 2, 1}, {1, 2, 3, 4}};
        const DepthwiseConv2D dw("dw", d);
        json edited = {{"class_name", "DepthwiseConv2D"}, {"config", dw.config()}, {"weights", dw.extras()["weights"]}};
        edited["config"]["depth_multiplier"] = 2;
        dw.refitStoredWeights(edited, {1, 5, 5, 2});
        const auto refitDw = DepthwiseConv2D::fromJson(edited);
        QCOMPARE(refitDw->params().kernel.shape, (Shape{1, 2, 2, 2}));
        const std::vector<float>& k = refitDw->params().kernel.data;
        QCOMPARE(k[0], 1.0f);
        QCOMPARE(k[2], 2.0f);
        QCOMPARE(k[4], 3.0f);
        QCOMPARE(k[6], 4.0f);
        QCOMPARE(refitDw->inferShape({1, 5, 5, 2}).output, (Shape{1, 5, 4, 4}));

        SeparableConv2DParams s;
        s.filters = 2;
        s.stage.kernelSize = {1, 1};
        s.depthwiseKernel = {{1, 1, 2, 1}, {1, 2}};
        s.pointwiseKernel = {{1, 1, 2, 2}, {1, 2, 3, 4}};
        const SeparableConv2D sep("sep", s);
        edited = {{"class_name", "SeparableConv2D"}, {"config", sep.config()}, {"weights", sep.extras()["weights"]}};
        edited["config"]["filters"] = 3;
        edited["config"]["kernel_size"] = {3, 3};
        sep.refitStoredWeights(edited, {1, 5, 5, 2});
        const auto refitSep = SeparableConv2D::fromJson(edited);
        QCOMPARE(refitSep->params().depthwiseKernel.shape, (Shape{3, 3, 2, 1}));
        QCOMPARE(refitSep->params().pointwiseKernel.shape, (Shape{1, 1, 2, 3}));
        QCOMPARE(refitSep->params().pointwiseKernel.data[0], 1.0f);
        QCOMPARE(refitSep->params().pointwiseKernel.data[4], 4.0f);
        QCOMPARE(refitSep->inferShape({1, 5, 5, 2}).output, (Shape{1, 3, 3, 3}));
    }

    void explanationsEqualTheOutput()
    {
        for (const char* activation : {"linear", "relu", "softmax", "glu"}) {
            for (bool nchw : {false, true}) {
                const Case c{1, 6, 8, 3, 2, 3, 3, 2, 1, 1, 1, true};
                DepthwiseConv2DParams d;
                d.stage = stageOf(c, nchw);
                d.activation = activation;
                SeparableConv2DParams s;
                s.filters = 4;
                s.stage = stageOf(c, nchw);
                s.activation = activation;
                const Tensor x = test::randomTensor(nchw ? Shape{1, 3, 6, 8} : Shape{1, 6, 8, 3}, 8);
                for (const Layer* layer : std::initializer_list<const Layer*>{new DepthwiseConv2D("d", d), new SeparableConv2D("s", s)}) {
                    const std::unique_ptr<const Layer> owned(layer);
                    const Tensor y = layer->forward(x, context());
                    const Shape& shape = y.shape();
                    const int64_t C = nchw ? shape[1] : shape[3];
                    for (int64_t oy = 0; oy < (nchw ? shape[2] : shape[1]); ++oy)
                        for (int64_t ox = 0; ox < (nchw ? shape[3] : shape[2]); ox += 2)
                            for (int64_t ch = 0; ch < C; ch += 3) {
                                const CellIndex cell{0, oy, ox, ch};
                                const CellExplanation e = explainCell(*layer, x, cell);
                                const float expected = y[tensorOffset(shape, cell, d.stage.dataFormat)];
                                QVERIFY2(std::fabs(e.value - expected) <= 1e-5f * (1 + std::fabs(expected)),
                                         (layer->className() + " " + activation + " " + cellText(cell) + ": " + e.summary).c_str());
                            }
                }
            }
        }
    }

    void absurdStridesStayInside()
    {
        // Found by fuzzing: a stride of INT64_MAX with 'same' padding overflowed the first-column
        // arithmetic (one output column, its taps from column −5 on).
        const Case c{1, 8, 8, 3, 2, 3, 7, 1, 1, 1, 3, true};
        DepthwiseConv2DParams p;
        p.stage = stageOf(c, false);
        p.stage.strides = {1, std::numeric_limits<int64_t>::max()};
        p.useBias = false;
        const std::vector<float> K = test::randomTensor({3, 7, 3, 2}, 51).toVector();
        p.kernel = {{3, 7, 3, 2}, K};
        const Tensor x = test::randomTensor({1, 8, 8, 3}, 52);
        const Tensor y = DepthwiseConv2D("d", p).forward(x, context());
        QCOMPARE(y.shape(), (Shape{1, 8, 1, 6}));
        // Any stride ≥ 8 gives the same single column (pad max(0, 19 − 8) = 11, 5 on the left).
        Case wide = c;
        wide.sw = 100;
        Shape shape;
        const std::vector<double> expected = referenceDepthwise(x, K, wide, shape);
        QCOMPARE(shape, y.shape());
        for (int64_t i = 0; i < y.size(); ++i)
            QVERIFY(std::fabs(y[i] - expected[static_cast<size_t>(i)]) <= 1e-5);
    }

    void memoryGuard()
    {
        DepthwiseConv2DParams d;
        d.stage.depthMultiplier = 8;
        ExecContext ctx = context();
        ctx.memoryBudgetBytes = 4096;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, DepthwiseConv2D("d", d).forward(Tensor({1, 16, 16, 3}), ctx));
        SeparableConv2DParams s;
        s.filters = 1;
        s.stage.depthMultiplier = 64; // the depthwise result (1, 14, 14, 192) is the large part
        ctx.memoryBudgetBytes = 64 * 1024;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, SeparableConv2D("s", s).forward(Tensor({1, 16, 16, 3}), ctx));
        ctx.memoryBudgetBytes = 1 << 30;
        QCOMPARE(SeparableConv2D("s", s).forward(Tensor({1, 16, 16, 3}), ctx).shape(), (Shape{1, 14, 14, 1}));
    }

    void cancellation()
    {
        std::stop_source source;
        ExecContext ctx = context();
        ctx.stop = source.get_token();
        source.request_stop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, DepthwiseConv2D("d").forward(Tensor({1, 64, 64, 3}), ctx));
        QVERIFY_THROWS_EXCEPTION(CancelledError, SeparableConv2D("s").forward(Tensor({1, 64, 64, 3}), ctx));
    }
};

QTEST_APPLESS_MAIN(TestDepthwiseSeparable)
#include "test_depthwise_separable.moc"
