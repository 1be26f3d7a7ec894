// Conv2DTranspose against a plain scatter loop written here (double accumulation), over odd
// non-square shapes, channel counts, strides, dilation, output_padding and both data formats; the
// output-size table of SEMANTICS_MORE.md §25.3; values computed with Keras 3.15.1; the errors in
// Keras's wording; explanations; the memory guard and cancellation.

#include "core/explain/cell_explanation.h"
#include "core/layer_registry.h"
#include "core/layers/conv2d_transpose.h"
#include "test_support.h"
#include "weighted_test_patterns.h"

#include <QtTest>

#include <cmath>
#include <optional>

using namespace layerscope;
using nlohmann::json;

namespace {

struct Case {
    int64_t B, H, W, C, F, kh, kw, sh, sw, dh, dw;
    bool same;
    std::optional<std::array<int64_t, 2>> op;
};

// Output size and crop of one axis, from Keras's compute_conv_transpose_output_shape and TF's
// forward-SAME padding of the output.
std::pair<int64_t, int64_t> referenceAxis(int64_t n, int64_t k, int64_t s, int64_t d, bool same, std::optional<int64_t> op)
{
    const int64_t ek = d * (k - 1) + 1;
    int64_t out = 0;
    if (!same)
        out = op ? (n - 1) * s + ek + *op : (n - 1) * s + std::max(ek, s);
    else
        out = op ? (n - 1) * s + ek % 2 + *op : n * s;
    const int64_t crop = same ? std::max<int64_t>(0, (n - 1) * s + ek - out) / 2 : 0;
    return {out, crop};
}

// Every input cell stamps x·K[ky, kx, f, :] at (iy·s + ky·d − P, ix·s + kx·d − P); NHWC.
Tensor referenceTranspose(const Tensor& x, const std::vector<float>& K, const std::vector<float>& bias, const Case& c)
{
    const auto [OH, top] = referenceAxis(c.H, c.kh, c.sh, c.dh, c.same, c.op ? std::optional<int64_t>((*c.op)[0]) : std::nullopt);
    const auto [OW, left] = referenceAxis(c.W, c.kw, c.sw, c.dw, c.same, c.op ? std::optional<int64_t>((*c.op)[1]) : std::nullopt);
    std::vector<double> acc(static_cast<size_t>(c.B * OH * OW * c.F), 0.0);
    for (int64_t b = 0; b < c.B; ++b)
        for (int64_t iy = 0; iy < c.H; ++iy)
            for (int64_t ix = 0; ix < c.W; ++ix)
                for (int64_t ky = 0; ky < c.kh; ++ky)
                    for (int64_t kx = 0; kx < c.kw; ++kx) {
                        const int64_t oy = iy * c.sh + ky * c.dh - top, ox = ix * c.sw + kx * c.dw - left;
                        if (oy < 0 || oy >= OH || ox < 0 || ox >= OW)
                            continue;
                        for (int64_t f = 0; f < c.F; ++f)
                            for (int64_t ci = 0; ci < c.C; ++ci)
                                acc[static_cast<size_t>(((b * OH + oy) * OW + ox) * c.F + f)] +=
                                    static_cast<double>(x.at(b, iy, ix, ci))
                                    * K[static_cast<size_t>(((ky * c.kw + kx) * c.F + f) * c.C + ci)];
                    }
    Tensor out({c.B, OH, OW, c.F});
    for (int64_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>(acc[static_cast<size_t>(i)] + bias[static_cast<size_t>(i % c.F)]);
    return out;
}

Conv2DTransposeParams paramsOf(const Case& c, bool nchw)
{
    Conv2DTransposeParams p;
    p.filters = c.F;
    p.kernelSize = {c.kh, c.kw};
    p.strides = {c.sh, c.sw};
    p.dilationRate = {c.dh, c.dw};
    p.padding = c.same ? Padding::Same : Padding::Valid;
    p.outputPadding = c.op;
    p.dataFormat = nchw ? DataFormat::ChannelsFirst : DataFormat::ChannelsLast;
    return p;
}

std::string caseText(const Case& c)
{
    return "B" + std::to_string(c.B) + " H" + std::to_string(c.H) + " W" + std::to_string(c.W) + " C" + std::to_string(c.C)
         + " F" + std::to_string(c.F) + " k" + std::to_string(c.kh) + "x" + std::to_string(c.kw) + " s"
         + std::to_string(c.sh) + "x" + std::to_string(c.sw) + " d" + std::to_string(c.dh) + "x" + std::to_string(c.dw)
         + (c.same ? " same" : " valid")
         + (c.op ? " op" + std::to_string((*c.op)[0]) + "x" + std::to_string((*c.op)[1]) : " op None");
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

} // namespace

class TestConvTranspose : public QObject {
    Q_OBJECT
private slots:
    void matchesTheReferenceLoop()
    {
        const std::vector<Case> cases = {
            {1, 3, 4, 2, 3, 3, 2, 2, 1, 1, 1, false, std::nullopt},
            {2, 5, 3, 3, 2, 4, 3, 2, 3, 1, 1, true, std::nullopt},
            {1, 4, 4, 1, 2, 3, 3, 2, 2, 1, 1, true, std::array<int64_t, 2>{0, 1}},
            {1, 4, 5, 2, 2, 3, 2, 3, 2, 1, 1, false, std::array<int64_t, 2>{2, 1}},
            {2, 5, 4, 2, 3, 3, 3, 1, 1, 2, 2, true, std::nullopt},
            {1, 5, 4, 2, 3, 3, 2, 1, 1, 2, 3, false, std::nullopt},
            {1, 3, 3, 2, 2, 1, 1, 2, 2, 1, 1, false, std::nullopt}, // odd outputs are the bias alone
            {1, 2, 3, 2, 2, 4, 4, 3, 3, 1, 1, true, std::array<int64_t, 2>{2, 1}},
            {1, 6, 5, 3, 4, 5, 3, 2, 2, 1, 1, true, std::array<int64_t, 2>{1, 1}},
            {1, 9, 7, 7, 15, 3, 3, 2, 2, 1, 1, true, std::nullopt},
            {1, 7, 9, 16, 8, 2, 2, 2, 2, 1, 1, false, std::nullopt},
            {2, 1, 5, 4, 16, 3, 5, 1, 4, 1, 1, false, std::nullopt},
            {1, 8, 3, 3, 7, 7, 1, 4, 1, 1, 1, true, std::nullopt},
            {1, 5, 6, 15, 1, 2, 3, 1, 1, 3, 1, true, std::nullopt},
        };
        for (const Case& c : cases) {
            for (bool nchw : {false, true}) {
                for (bool bias : {false, true}) {
                    Conv2DTransposeParams p = paramsOf(c, nchw);
                    const std::vector<float> K = test::randomTensor({c.kh, c.kw, c.F, c.C}, 11).toVector();
                    p.kernel = {{c.kh, c.kw, c.F, c.C}, K};
                    std::vector<float> b(static_cast<size_t>(c.F), 0.0f);
                    if (bias) {
                        b = test::randomTensor({c.F}, 12).toVector();
                        p.bias = {{c.F}, b};
                    }
                    p.useBias = bias;
                    const Conv2DTranspose layer("t", p);
                    const Tensor x = test::randomTensor({c.B, c.H, c.W, c.C}, 13);
                    Tensor expected = referenceTranspose(x, K, b, c);
                    Tensor actual = layer.forward(nchw ? test::nhwcToNchwLoop(x) : x, context());
                    if (nchw)
                        expected = test::nhwcToNchwLoop(expected);
                    QCOMPARE(layer.inferShape(nchw ? test::nhwcToNchwLoop(x).shape() : x.shape()).output, expected.shape());
                    const std::string diff = test::compareTensors(actual, expected, 1e-5, 1e-5);
                    QVERIFY2(diff.empty(), (caseText(c) + (nchw ? " NCHW" : " NHWC") + (bias ? " bias: " : ": ") + diff).c_str());
                }
            }
        }
    }

    void smallScratchBlocksGiveTheSameResult()
    {
        // Blocks of one input row (the column buffer's minimum) against one block for the image.
        const Case c{2, 7, 5, 3, 4, 3, 3, 2, 2, 1, 1, true, std::nullopt};
        const Tensor x = test::randomTensor({c.B, c.H, c.W, c.C}, 5);
        const std::vector<float> K = test::randomTensor({3, 3, 4, 3}, 6).toVector();
        const auto [OH, top] = referenceAxis(c.H, 3, 2, 1, true, std::nullopt);
        const auto [OW, left] = referenceAxis(c.W, 3, 2, 1, true, std::nullopt);
        Tensor oneRow = Tensor::uninitialized({c.B, OH, OW, c.F});
        conv2dTransposeNhwc(x, oneRow, K.data(), nullptr, {3, 3}, {2, 2}, {1, 1}, {top, left}, context(), /*maxScratchBytes=*/1);
        QCOMPARE(conv2dTransposeScratchBytes(x.shape(), {3, 3}, c.F, 1), int64_t{c.W * 9 * c.F * 4});
        const std::string diff = test::compareTensors(oneRow, referenceTranspose(x, K, std::vector<float>(4, 0.0f), c), 1e-5, 1e-5);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void outputSizeTable()
    {
        // SEMANTICS_MORE.md §25.3 (n, k, s, d, padding, op → out, P), checked in Keras 3.15.1.
        struct Row { int64_t n, k, s, d; bool same; std::optional<int64_t> op; int64_t out, crop; };
        const std::vector<Row> rows = {
            {8, 2, 2, 1, false, std::nullopt, 16, 0}, {8, 3, 2, 1, false, std::nullopt, 17, 0},
            {8, 1, 2, 1, false, std::nullopt, 16, 0}, {8, 3, 2, 1, true, std::nullopt, 16, 0},
            {8, 4, 2, 1, true, std::nullopt, 16, 1},  {8, 3, 2, 1, true, 0, 15, 1},
            {8, 2, 3, 1, true, 2, 23, 0},             {14, 7, 16, 1, false, std::nullopt, 224, 0},
            {5, 3, 1, 2, true, std::nullopt, 5, 2},
        };
        for (const Row& r : rows) {
            const TransposeAxis t = transposeAxis("height", r.n, r.k, r.s, r.d, r.same ? Padding::Same : Padding::Valid, r.op);
            QCOMPARE(t.output, r.out);
            QCOMPARE(t.crop, r.crop);
            QVERIFY(contains(t.explanation.arithmetic, "= " + std::to_string(r.out)));
        }
        // op = 0 is not op = None (k 3, s 2, same, n 2: 4 against 3).
        QCOMPARE(transposeAxis("width", 2, 3, 2, 1, Padding::Same, std::nullopt).output, int64_t{4});
        QCOMPARE(transposeAxis("width", 2, 3, 2, 1, Padding::Same, 0).output, int64_t{3});
    }

    void oneDimensionalExamples()
    {
        // SEMANTICS_MORE.md §14.4: x = [1, 2], K = [1, 10, 100], s = 2, as a 1×2 image.
        auto run = [](std::vector<float> k, int64_t s, int64_t d, Padding padding, std::optional<int64_t> op) {
            Conv2DTransposeParams p;
            p.kernelSize = {1, static_cast<int64_t>(k.size())};
            p.strides = {1, s};
            p.dilationRate = {1, d};
            p.padding = padding;
            if (op)
                p.outputPadding = std::array<int64_t, 2>{0, *op};
            p.kernel = {{1, static_cast<int64_t>(k.size()), 1, 1}, k};
            return Conv2DTranspose("t", p).forward(Tensor({1, 1, 2, 1}, {1, 2}), ExecContext{}).toVector();
        };
        QCOMPARE(run({1, 10, 100}, 2, 1, Padding::Valid, std::nullopt), (std::vector<float>{1, 10, 102, 20, 200}));
        QCOMPARE(run({1, 10, 100}, 2, 1, Padding::Same, std::nullopt), (std::vector<float>{1, 10, 102, 20}));
        QCOMPARE(run({1, 10, 100}, 2, 1, Padding::Same, 0), (std::vector<float>{10, 102, 20}));
        QCOMPARE(run({1, 10, 100, 1000}, 2, 1, Padding::Same, std::nullopt), (std::vector<float>{10, 102, 1020, 200}));
        QCOMPARE(run({1, 10, 100}, 1, 2, Padding::Same, std::nullopt), (std::vector<float>{10, 20}));
    }

    void valuesFromKeras()
    {
        // Computed with Keras 3.15.1 (TensorFlow 2.21 CPU) from the patterns of weighted_test_patterns.h.
        const Tensor x = test::patternInput({1, 3, 4, 2});
        {
            Conv2DTransposeParams p;
            p.filters = 3;
            p.strides = {2, 2};
            p.padding = Padding::Same;
            p.kernel = {{3, 3, 3, 2}, test::patternWeights({3, 3, 3, 2})};
            p.bias = {{3}, test::patternBias(3)};
            const Tensor y = Conv2DTranspose("t", p).forward(x, context());
            QCOMPARE(y.shape(), (Shape{1, 6, 8, 3}));
            // y[0, :3, :3, :] from Keras 3.15.1
            const std::vector<float> keras = {0.5, -0.375, -0.03125, -0.375, 0.78125, -0.09375, -0.75, -0.46875, 1.84375,
                                              -1.3125, -0.15625, 0.1875, -0.15625, 1.0, 0.125, -1.09375, -0.40625, 1.90625,
                                              -0.53125, -0.3125, 0.3125, 0.25, -0.34375, -0.125, -1.625, 0.75, 1.5};
            size_t i = 0;
            for (int64_t oy = 0; oy < 3; ++oy)
                for (int64_t ox = 0; ox < 3; ++ox)
                    for (int64_t f = 0; f < 3; ++f)
                        QCOMPARE(y.at(0, oy, ox, f), keras[i++]);
        }
        {
            Conv2DTransposeParams p;
            p.filters = 3;
            p.kernelSize = {3, 2};
            p.strides = {2, 3};
            p.outputPadding = std::array<int64_t, 2>{1, 2};
            p.activation = "relu";
            p.kernel = {{3, 2, 3, 2}, test::patternWeights({3, 2, 3, 2})};
            p.bias = {{3}, test::patternBias(3)};
            const Tensor y = Conv2DTranspose("t", p).forward(x, context());
            QCOMPARE(y.shape(), (Shape{1, 8, 13, 3}));
            // y[0, :4, :4, 0] from Keras 3.15.1
            const std::vector<float> keras = {0.5, 0, 0, 0, 0, 0, 0, 0, 0.40625, 0, 0, 0, 0, 0, 0, 0.625};
            size_t i = 0;
            for (int64_t oy = 0; oy < 4; ++oy)
                for (int64_t ox = 0; ox < 4; ++ox)
                    QCOMPARE(y.at(0, oy, ox, 0), keras[i++]);
        }
        {
            // channels_first with dilation 2 runs on a CPU TF 2.21 (oneDNN) and gives the formula.
            Conv2DTransposeParams p;
            p.filters = 3;
            p.dilationRate = {2, 2};
            p.padding = Padding::Same;
            p.dataFormat = DataFormat::ChannelsFirst;
            p.kernel = {{3, 3, 3, 2}, test::patternWeights({3, 3, 3, 2})};
            p.bias = {{3}, test::patternBias(3)};
            const Tensor y = Conv2DTranspose("t", p).forward(test::nhwcToNchwLoop(x), context());
            QCOMPARE(y.shape(), (Shape{1, 3, 3, 4}));
            // y[0, 1, :, :] from Keras 3.15.1
            const std::vector<float> keras = {0.5625, -2.0625, 1.1875, 0.03125, 0.21875, 0.59375,
                                              0.53125, -1.28125, -1.21875, -1.875, -0.1875, 0.625};
            for (size_t i = 0; i < keras.size(); ++i)
                QCOMPARE(y[12 + static_cast<int64_t>(i)], keras[i]);
        }
    }

    void errorsInKerasWording()
    {
        Conv2DTransposeParams p;
        p.filters = 2;
        p.strides = {2, 2};
        p.outputPadding = std::array<int64_t, 2>{2, 2};
        QVERIFY(contains(errorOf(Conv2DTranspose("t", p), {1, 4, 4, 3}),
                         "`output_padding` must be strictly less than `strides` for all dimensions. At dimension 0, "
                         "`output_padding` is 2 but `strides` is 2. Received: output_padding=(2, 2), strides=(2, 2)"));
        p.outputPadding = std::array<int64_t, 2>{-1, 0};
        QVERIFY(contains(errorOf(Conv2DTranspose("t", p), {1, 4, 4, 3}),
                         "The `output_padding` argument must be a tuple of 2 integers. Received output_padding=(-1, 0), "
                         "including values {-1} that do not satisfy `value >= 0`"));
        p.outputPadding.reset();
        p.dilationRate = {2, 2};
        QVERIFY(contains(errorOf(Conv2DTranspose("t", p), {1, 4, 4, 3}),
                         "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 2) "
                         "and dilation_rate=(2, 2)"));
        p = {};
        p.filters = 0;
        QVERIFY(contains(errorOf(Conv2DTranspose("t", p), {1, 4, 4, 3}),
                         "Invalid value for argument `filters`. Expected a strictly positive value. Received filters=0."));
        p = {};
        p.kernelSize = {0, 3};
        QVERIFY(contains(errorOf(Conv2DTranspose("t", p), {1, 4, 4, 3}), "The `kernel_size` argument must be a tuple of 2 integers"));
        p = {};
        QVERIFY(contains(errorOf(Conv2DTranspose("conv2d_transpose", p), {3, 4, 2}),
                         "Input 0 of layer 'conv2d_transpose' is incompatible with the layer: expected min_ndim=4, "
                         "found ndim=3. Full shape received: (3, 4, 2)"));
        p.kernel = {{3, 3, 1, 3}, std::vector<float>(9 * 3, 0.5f)};
        QVERIFY(contains(errorOf(Conv2DTranspose("t", p), {1, 5, 5, 4}),
                         "Input 0 of layer 't' is incompatible with the layer: expected axis -1 of input shape to have "
                         "value 3, but received input with shape (1, 5, 5, 4)"));
        // TF's own failure: same, even kernel, output_padding 0 (Keras 3.15.1 raises from the op).
        p = {};
        p.kernelSize = {2, 2};
        p.strides = {2, 2};
        p.padding = Padding::Same;
        p.outputPadding = std::array<int64_t, 2>{0, 0};
        const std::string tf = errorOf(Conv2DTranspose("t", p), {1, 8, 8, 1});
        QVERIFY2(contains(tf, "could not create a primitive descriptor") && contains(tf, "actual = 8, computed = 7"), tf.c_str());
        // tf.keras 2 configs carry groups: 1 (no grouping, read as Keras 3's layer); any other value
        // is refused in Keras's words.
        const auto withGroups = [](json groups) {
            return json{{"class_name", "Conv2DTranspose"},
                        {"config", {{"filters", 2}, {"kernel_size", 2}, {"groups", groups}}}};
        };
        QCOMPARE(Conv2DTranspose::fromJson(withGroups(1))->params().filters, int64_t{2});
        try {
            Conv2DTranspose::fromJson(withGroups(2));
            QFAIL("groups: 2 was accepted");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(std::string(e.what()), std::string("Unrecognized keyword arguments passed to Conv2DTranspose: {'groups': 2}"));
        }
    }

    void explanationsListTheStamps()
    {
        for (const Case& c : {Case{1, 3, 4, 2, 3, 3, 2, 2, 1, 1, 1, false, std::nullopt},
                              Case{1, 3, 3, 2, 2, 1, 1, 2, 2, 1, 1, false, std::nullopt},
                              Case{1, 4, 3, 3, 2, 3, 3, 2, 2, 1, 1, true, std::array<int64_t, 2>{1, 0}}}) {
            for (bool nchw : {false, true}) {
                Conv2DTransposeParams p = paramsOf(c, nchw);
                p.bias = {{c.F}, test::randomTensor({c.F}, 3).toVector()};
                const Conv2DTranspose layer("t", p);
                const Tensor x = test::randomTensor(nchw ? Shape{1, c.C, c.H, c.W} : Shape{1, c.H, c.W, c.C}, 4);
                const Tensor y = layer.forward(x, context());
                const Shape& s = y.shape();
                const int64_t OH = nchw ? s[2] : s[1], OW = nchw ? s[3] : s[2];
                for (int64_t oy = 0; oy < OH; ++oy)
                    for (int64_t ox = 0; ox < OW; ++ox) {
                        const CellIndex cell{0, oy, ox, c.F - 1};
                        const CellExplanation e = explainCell(layer, x, cell);
                        const float expected = y[tensorOffset(s, cell, p.dataFormat)];
                        QVERIFY2(std::fabs(e.value - expected) <= 1e-5f * (1 + std::fabs(expected)), e.summary.c_str());
                        // k 1, s 2: odd positions get no stamp, only the bias.
                        if (c.kh == 1 && (oy % 2 == 1 || ox % 2 == 1))
                            QVERIFY2(e.cells.empty() && contains(e.summary, "no input cell"), e.summary.c_str());
                    }
            }
        }
    }

    void jsonRoundTrip()
    {
        const json object = {{"class_name", "Conv2DTranspose"},
                             {"config", {{"name", "up"}, {"filters", 2}, {"kernel_size", {2, 3}}, {"strides", {2, 2}},
                                         {"padding", "same"}, {"output_padding", {1, 0}}, {"activation", "relu"}}},
                             {"weights", {{"kernel", {{"shape", {2, 3, 2, 1}}, {"data", std::vector<float>(12, 0.25f)}}},
                                          {"bias", {{"shape", {2}}, {"data", {0.5, -0.5}}}}}}};
        const auto layer = findLayerFactory("Conv2DTranspose")->fromJson(object);
        QCOMPARE(layer->config()["output_padding"], json({1, 0}));
        QCOMPARE(layer->extras()["weights"]["kernel"]["shape"], json({2, 3, 2, 1}));
        const auto again = findLayerFactory("Conv2DTranspose")->fromJson(
            {{"class_name", "Conv2DTranspose"}, {"config", layer->config()}, {"weights", layer->extras()["weights"]}});
        QVERIFY(*again == *layer);
        // same: (4 − 1)·2 + (2 mod 2) + 1 = 7 rows, (5 − 1)·2 + (3 mod 2) + 0 = 9 columns.
        QCOMPARE(layer->inferShape({1, 4, 5, 1}).output, (Shape{1, 7, 9, 2}));
        const std::vector<NamedArray> weights = layer->kerasWeights({1, 4, 5, 1});
        QCOMPARE(weights.size(), size_t{2});
        QCOMPARE(weights[0].name, std::string("kernel"));
        QCOMPARE(weights[0].shape, (Shape{2, 3, 2, 1}));
        QCOMPARE(layer->config()["output_padding"], json({1, 0}));
        Conv2DTranspose none("n");
        QVERIFY(none.config()["output_padding"].is_null());
        QVERIFY(!none.config().contains("groups"));
    }

    void refitKeepsTheOverlap()
    {
        Conv2DTransposeParams p;
        p.filters = 2;
        p.kernelSize = {1, 1};
        p.kernel = {{1, 1, 2, 3}, {1, 2, 3, 4, 5, 6}};
        p.bias = {{2}, {0.5, -0.5}};
        const Conv2DTranspose layer("up", p);
        json edited = {{"class_name", "Conv2DTranspose"}, {"config", layer.config()}, {"weights", layer.extras()["weights"]}};
        edited["config"]["filters"] = 3;
        layer.refitStoredWeights(edited, {1, 4, 4, 3});
        const auto refit = Conv2DTranspose::fromJson(edited);
        QCOMPARE(refit->params().kernel.shape, (Shape{1, 1, 3, 3}));
        const std::vector<float>& k = refit->params().kernel.data;
        QCOMPARE(std::vector<float>(k.begin(), k.begin() + 6), (std::vector<float>{1, 2, 3, 4, 5, 6}));
        // The added filter is the seeded draw a new layer of this name has.
        Conv2DTransposeParams three;
        three.filters = 3;
        three.kernelSize = {1, 1};
        QCOMPARE(k[6], Conv2DTranspose("up", three).resolvedKernel(3)[6]);
        QCOMPARE(refit->params().bias.data, (std::vector<float>{0.5f, -0.5f, 0.0f}));
        QCOMPARE(refit->inferShape({1, 4, 4, 3}).output, (Shape{1, 4, 4, 3}));
        // Beyond 2^22 values the weights are dropped rather than built.
        edited["config"]["filters"] = 1 << 22;
        layer.refitStoredWeights(edited, {1, 4, 4, 3});
        QVERIFY(!edited.contains("weights"));
    }

    void memoryGuard()
    {
        Conv2DTransposeParams p;
        p.filters = 8;
        p.strides = {4, 4};
        const Conv2DTranspose layer("t", p);
        ExecContext ctx = context();
        ctx.memoryBudgetBytes = 64 * 1024;
        // The output (1, 64, 64, 8) alone is 128 KiB.
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, layer.forward(Tensor({1, 16, 16, 3}), ctx));
        ctx.memoryBudgetBytes = 1 << 30;
        // valid: (16 − 1)·4 + max(3, 4) = 64.
        QCOMPARE(layer.forward(Tensor({1, 16, 16, 3}), ctx).shape(), (Shape{1, 64, 64, 8}));
    }

    void cancellation()
    {
        Conv2DTransposeParams p;
        p.filters = 8;
        p.strides = {2, 2};
        p.padding = Padding::Same;
        const Conv2DTranspose layer("t", p);
        std::stop_source source;
        ExecContext ctx = context();
        ctx.stop = source.get_token();
        source.request_stop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, layer.forward(Tensor({1, 64, 64, 3}), ctx));
    }
};

QTEST_APPLESS_MAIN(TestConvTranspose)
#include "test_conv_transpose.moc"
