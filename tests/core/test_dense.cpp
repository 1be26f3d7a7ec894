// Dense against a plain loop written here (double accumulation) on ranks 2, 3 and 4 with odd
// sizes; values computed with Keras 3.15.1; errors in Keras's wording; explanations; the memory
// guard and cancellation.

#include "core/explain/cell_explanation.h"
#include "core/explain/receptive_field.h"
#include "core/layer_registry.h"
#include "core/layers/dense.h"
#include "test_support.h"
#include "weighted_test_patterns.h"

#include <QtTest>

#include <cmath>

using namespace layerscope;
using nlohmann::json;

namespace {

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

class TestDense : public QObject {
    Q_OBJECT
private slots:
    void matchesTheReferenceLoop()
    {
        const std::vector<Shape> shapes = {{1, 1}, {3, 7}, {2, 5, 16}, {1, 9, 7, 3}, {2, 7, 9, 15}, {1, 33, 17, 8},
                                           {1, 1, 1, 1}, {4, 2, 3, 1}, {1, 300, 2}};
        for (const Shape& shape : shapes) {
            for (int64_t units : {1, 2, 3, 7, 16, 33}) {
                for (bool useBias : {true, false}) {
                    const int64_t C = shape.back();
                    DenseParams p;
                    p.units = units;
                    p.useBias = useBias;
                    const std::vector<float> K = test::randomTensor({C, units}, 41).toVector();
                    const std::vector<float> bias = test::randomTensor({units}, 42).toVector();
                    p.kernel = {{C, units}, K};
                    if (useBias)
                        p.bias = {{units}, bias};
                    const Dense layer("dense", p);
                    const Tensor x = test::randomTensor(shape, 43);
                    Shape outShape = shape;
                    outShape.back() = units;
                    Tensor expected(outShape);
                    for (int64_t r = 0; r < x.size() / C; ++r)
                        for (int64_t j = 0; j < units; ++j) {
                            double sum = useBias ? bias[static_cast<size_t>(j)] : 0.0;
                            for (int64_t i = 0; i < C; ++i)
                                sum += static_cast<double>(x[r * C + i]) * K[static_cast<size_t>(i * units + j)];
                            expected[r * units + j] = static_cast<float>(sum);
                        }
                    const Tensor actual = layer.forward(x, context());
                    const std::string diff = test::compareTensors(actual, expected, 1e-5, 1e-5);
                    QVERIFY2(diff.empty(), (shapeToTuple(shape) + " units " + std::to_string(units) + ": " + diff).c_str());
                }
            }
        }
    }

    void valuesFromKeras()
    {
        // Computed with Keras 3.15.1 (TensorFlow 2.21 CPU) from the patterns of weighted_test_patterns.h.
        {
            DenseParams p;
            p.units = 3;
            p.activation = "softmax";
            p.kernel = {{3, 3}, test::patternWeights({3, 3})};
            p.bias = {{3}, test::patternBias(3)};
            const Tensor y = Dense("d", p).forward(test::patternInput({2, 2, 3}), context());
            QCOMPARE(y.shape(), (Shape{2, 2, 3}));
            // the whole output from Keras 3.15.1
            const std::vector<float> keras = {0.5199292898178101f, 0.3356916308403015f, 0.1443791389465332f,
                                              0.18533365428447723f, 0.26136231422424316f, 0.5533040165901184f,
                                              0.027642015367746353f, 0.08514340221881866f, 0.8872146010398865f,
                                              0.07519635558128357f, 0.09070411324501038f, 0.834099531173706f};
            for (size_t i = 0; i < keras.size(); ++i)
                QVERIFY(std::fabs(y[static_cast<int64_t>(i)] - keras[i]) <= 1e-6f);
        }
        {
            DenseParams p;
            p.units = 2;
            p.kernel = {{3, 2}, test::patternWeights({3, 2})};
            p.bias = {{2}, test::patternBias(2)};
            const Tensor y = Dense("d", p).forward(test::patternInput({1, 5, 6, 3}), context());
            QCOMPARE(y.shape(), (Shape{1, 5, 6, 2}));
            // y[0, 0, :3, :] from Keras 3.15.1
            const std::vector<float> keras = {0.21875, 0.59375, -1.78125, 0.1875, -0.34375, -1.25};
            for (size_t i = 0; i < keras.size(); ++i)
                QCOMPARE(y[static_cast<int64_t>(i)], keras[i]);
        }
    }

    void errorsInKerasWording()
    {
        DenseParams p;
        p.units = 0;
        QVERIFY(contains(errorOf(Dense("d", p), {1, 4}),
                         "Received an invalid value for `units`, expected a positive integer. Received: units=0"));
        p.units = 3;
        QVERIFY(contains(errorOf(Dense("dense", p), {2}),
                         "Input 0 of layer 'dense' is incompatible with the layer: expected min_ndim=2, found ndim=1. "
                         "Full shape received: (2,)"));
        p.kernel = {{4, 3}, std::vector<float>(12, 1.0f)};
        QVERIFY(contains(errorOf(Dense("dense", p), {1, 5}),
                         "Input 0 of layer 'dense' is incompatible with the layer: expected axis -1 of input shape to "
                         "have value 4, but received input with shape (1, 5)"));
        DenseParams g;
        g.units = 1;
        g.activation = "glu";
        QVERIFY(contains(errorOf(Dense("d", g), {1, 3}), "axis size must be divisible by 2. Received: x.shape=(1, 1) with axis=-1"));
        g.units = 4;
        QCOMPARE(Dense("d", g).inferShape({2, 5, 3}).output, (Shape{2, 5, 2}));
        g.activation = "nope";
        QVERIFY(contains(errorOf(Dense("d", g), {1, 3}), "Could not interpret activation function identifier: nope"));
    }

    void explanationsAndReceptiveFields()
    {
        for (const Shape& shape : {Shape{3, 5}, Shape{2, 4, 3}, Shape{1, 4, 5, 3}}) {
            for (const char* activation : {"linear", "gelu", "softmax", "glu"}) {
                DenseParams p;
                p.units = 4;
                p.activation = activation;
                p.bias = {};
                const Dense layer("dense", p);
                const Tensor x = test::randomTensor(shape, 7);
                const Tensor y = layer.forward(x, context());
                for (int64_t flat = 0; flat < y.size(); flat += 3) {
                    std::vector<int64_t> index(y.shape().size());
                    int64_t rest = flat;
                    for (size_t a = index.size(); a-- > 0;) {
                        index[a] = rest % y.shape()[a];
                        rest /= y.shape()[a];
                    }
                    const CellExplanation e = explainCell(layer, x, cellFromAxesForTest(index));
                    QVERIFY2(std::fabs(e.value - y[flat]) <= 1e-5f * (1 + std::fabs(y[flat])), e.summary.c_str());
                    QCOMPARE(static_cast<int64_t>(e.cells.size()), shape.back());
                }
            }
        }
        // Every unit reads the whole last axis at its own leading index.
        const Dense layer("dense");
        std::vector<Interval> box = {{0, 0}, {2, 3}, {1, 1}, {0, 0}};
        const RegionMapping m = mapRegionBack(layer, {1, 4, 5, 3}, box, box);
        QCOMPARE(m.clipped[1], (Interval{2, 3}));
        QCOMPARE(m.clipped[2], (Interval{1, 1}));
        QCOMPARE(m.clipped[3], (Interval{0, 2}));
    }

    void refitKeepsTheOverlap()
    {
        DenseParams p;
        p.units = 2;
        p.kernel = {{3, 2}, {1, 2, 3, 4, 5, 6}};
        p.bias = {{2}, {0.5, -0.5}};
        const Dense layer("dense", p);
        json edited = {{"class_name", "Dense"}, {"config", layer.config()}, {"weights", layer.extras()["weights"]}};
        edited["config"]["units"] = 3;
        layer.refitStoredWeights(edited, {1, 3});
        const auto refit = Dense::fromJson(edited);
        QCOMPARE(refit->params().kernel.shape, (Shape{3, 3}));
        const std::vector<float>& k = refit->params().kernel.data;
        QCOMPARE(k[0], 1.0f);
        QCOMPARE(k[1], 2.0f);
        QCOMPARE(k[3], 3.0f);
        QCOMPARE(k[7], 6.0f);
        QCOMPARE(refit->params().bias.data, (std::vector<float>{0.5f, -0.5f, 0.0f}));
        // The added unit is the seeded draw a new layer of this name has.
        const std::vector<float> fresh = Dense("dense", DenseParams{3}).resolvedKernel(3);
        QCOMPARE(k[2], fresh[2]);
    }

    void jsonRoundTripAndKerasWeights()
    {
        const json object = {{"class_name", "Dense"},
                             {"config", {{"name", "fc"}, {"units", 2}, {"activation", nullptr}}},
                             {"weights", {{"kernel", {{"shape", {3, 2}}, {"data", {1, 2, 3, 4, 5, 6}}}},
                                          {"bias", {{"shape", {2}}, {"data", {0.5, 0.25}}}}}}};
        const auto layer = findLayerFactory("Dense")->fromJson(object);
        QCOMPARE(layer->config()["activation"], json("linear"));
        const auto again = findLayerFactory("Dense")->fromJson(
            {{"class_name", "Dense"}, {"config", layer->config()}, {"weights", layer->extras()["weights"]}});
        QVERIFY(*again == *layer);
        QCOMPARE(layer->forward(Tensor({1, 3}, {1, 1, 1}), ExecContext{}).toVector(), (std::vector<float>{9.5f, 12.25f}));
        const std::vector<NamedArray> w = Dense("d").kerasWeights({1, 5, 4});
        QCOMPARE(w.size(), size_t{2});
        QCOMPARE(w[0].shape, (Shape{4, 1}));
        QCOMPARE(w[1].name, std::string("bias"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 Dense::fromJson({{"class_name", "Dense"}, {"config", {{"units", 2}}},
                                                  {"weights", {{"kernel", {{"shape", {3, 2}}, {"data", {1, 2}}}}}}}));
    }

    // Small batches take the packed few-rows kernel (dense_few_rows.cpp): every row count it
    // covers and one beyond, column counts with and without 16- and 8-wide tails, depths shorter
    // and longer than a pass, stored and default kernels, on 1 and 2 threads, each layer run twice
    // (the second run reuses its packed kernel) and once more as a copy.
    void smallBatchesMatchTheReferenceLoop()
    {
        for (int64_t rows : {1, 2, 5, 6, 7, 8, 13, 16, 17}) {
            for (int64_t C : {1, 5, 130, 1031}) {
                for (int64_t units : {16, 17, 24, 31, 100}) {
                    for (bool stored : {true, false}) {
                        DenseParams p;
                        p.units = units;
                        const std::vector<float> bias = test::randomTensor({units}, 52).toVector();
                        p.bias = {{units}, bias};
                        if (stored)
                            p.kernel = {{C, units}, test::randomTensor({C, units}, 51).toVector()};
                        else
                            p.bias = {};
                        const Dense layer("few_rows", p);
                        const std::vector<float> K = layer.resolvedKernel(C);
                        const Tensor x = test::randomTensor({rows, C}, 53);
                        Tensor expected({rows, units});
                        for (int64_t r = 0; r < rows; ++r)
                            for (int64_t j = 0; j < units; ++j) {
                                double sum = stored ? bias[static_cast<size_t>(j)] : 0.0;
                                for (int64_t i = 0; i < C; ++i)
                                    sum += static_cast<double>(x[r * C + i]) * K[static_cast<size_t>(i * units + j)];
                                expected[r * units + j] = static_cast<float>(sum);
                            }
                        const Dense copy = layer;
                        for (int threads : {1, 2}) {
                            ExecContext ctx;
                            ctx.threads = threads;
                            for (const Dense* run : {&layer, &layer, &copy}) {
                                const std::string diff = test::compareTensors(run->forward(x, ctx), expected, 1e-5, 1e-5);
                                QVERIFY2(diff.empty(), (std::to_string(rows) + " × " + std::to_string(C) + " → "
                                                        + std::to_string(units) + (stored ? " stored" : " default")
                                                        + ", " + std::to_string(threads) + " threads: " + diff)
                                                           .c_str());
                            }
                        }
                    }
                }
            }
        }
    }

    void memoryGuard()
    {
        DenseParams p;
        p.units = 64;
        ExecContext ctx = context();
        ctx.memoryBudgetBytes = 16 * 1024;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, Dense("d", p).forward(Tensor({1, 16, 16, 3}), ctx));
    }

    void cancellation()
    {
        std::stop_source source;
        ExecContext ctx = context();
        ctx.stop = source.get_token();
        source.request_stop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, Dense("d").forward(Tensor({1, 64, 64, 3}), ctx));
    }

private:
    // The semantic cell of a per-axis index of a Dense output (no data_format: channels_last roles).
    static CellIndex cellFromAxesForTest(const std::vector<int64_t>& index)
    {
        const AxisRoles roles = axisRoles(index.size(), DataFormat::ChannelsLast);
        auto at = [&](int axis) { return axis >= 0 ? index[static_cast<size_t>(axis)] : int64_t{0}; };
        return {at(roles.batch), at(roles.rows), at(roles.cols), at(roles.channels)};
    }
};

QTEST_APPLESS_MAIN(TestDense)
#include "test_dense.moc"
