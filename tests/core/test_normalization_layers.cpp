// BatchNormalization, Normalization, Rescaling and the layers that are the identity at inference
// (Dropout, SpatialDropout2D, GaussianNoise, GaussianDropout) against plain reference loops written
// here, over odd shapes of ranks 1–4 and channel axes −1 and 1 (channels_first), plus their Keras
// errors and file forms, Keras code weights, the memory guard, cancellation and values computed
// with real Keras 3.15.1 (TensorFlow 2.21 CPU) typed in as literals.

#include "core/errors.h"
#include "core/explain/cell_explanation.h"
#include "core/layer_registry.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <functional>

using namespace layerscope;
using nlohmann::json;

namespace {

std::unique_ptr<Layer> load(const std::string& cls, json config, json weights = nullptr)
{
    const LayerFactory* f = findLayerFactory(cls);
    if (!f)
        throw std::logic_error("not registered: " + cls);
    if (!config.contains("name"))
        config["name"] = f->nameStem;
    json object = {{"class_name", cls}, {"config", config}};
    if (!weights.is_null())
        object["weights"] = weights;
    return f->fromJson(object);
}

std::string layerError(const Layer& layer, const Shape& input)
{
    try {
        layer.inferShape(input);
    } catch (const LayerError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json entry(const std::vector<float>& values) { return {{"shape", {values.size()}}, {"data", values}}; }

std::vector<float> randomVector(int64_t n, uint32_t seed, float low, float high)
{
    return test::randomTensor({n}, seed, low, high).toVector();
}

// The axis index of flat element i of a row-major tensor of `shape`.
int64_t indexOnAxis(const Shape& shape, int64_t i, size_t axis)
{
    for (size_t d = shape.size(); d-- > axis + 1;)
        i /= shape[d];
    return i % shape[axis];
}

void expectClose(const Tensor& actual, const Tensor& expected, const std::string& what, double atol, double rtol)
{
    const std::string mismatch = test::compareTensors(actual, expected, atol, rtol);
    QVERIFY2(mismatch.empty(), (what + ": " + mismatch).c_str());
}

const std::vector<Shape>& oddShapes()
{
    static const std::vector<Shape> shapes{{1, 9, 7, 3}, {2, 5, 3, 7}, {1, 1, 5, 16}, {3, 4, 1, 15},
                                           {4, 7},       {1, 16},      {9, 7, 2},     {5},
                                           // 17 MB: written through L1 with non-temporal stores, a short last block
                                           {1, 257, 256, 65}};
    return shapes;
}

} // namespace

class TestNormalizationLayers : public QObject {
    Q_OBJECT
private slots:
    void batchNormMatchesReference();
    void batchNormKerasValues();
    void batchNormAxesAndErrors();
    void normalizationMatchesReference();
    void normalizationStatisticsAndErrors();
    void rescalingMatchesReference();
    void rescalingForms();
    void identityLayers();
    void explanations();
    void kerasWeights();
    void memoryGuardAndCancel();
};

void TestNormalizationLayers::batchNormMatchesReference()
{
    for (const Shape& shape : oddShapes()) {
        for (int64_t axisArg : {int64_t{-1}, int64_t{1}}) {
            if (axisArg == 1 && shape.size() < 2)
                continue;
            const size_t axis = axisArg < 0 ? shape.size() - 1 : 1;
            const int64_t C = shape[axis];
            const std::vector<float> gamma = randomVector(C, 1, 0.5f, 2.0f), beta = randomVector(C, 2, -1.0f, 1.0f),
                                     mean = randomVector(C, 3, -1.0f, 1.0f), var = randomVector(C, 4, 0.01f, 3.0f);
            for (const auto& [center, scale] : {std::pair{true, true}, std::pair{false, true}, std::pair{true, false}}) {
                json weights = {{"moving_mean", entry(mean)}, {"moving_variance", entry(var)}};
                if (scale)
                    weights["gamma"] = entry(gamma);
                if (center)
                    weights["beta"] = entry(beta);
                const double eps = 1e-3;
                const auto layer = load("BatchNormalization",
                                        {{"axis", axisArg}, {"epsilon", eps}, {"center", center}, {"scale", scale}}, weights);
                const Tensor x = test::randomTensor(shape, 5, -3.0f, 3.0f);
                // (x − mean) / sqrt(var + eps) · gamma + beta, in double.
                Tensor expected(shape);
                for (int64_t i = 0; i < x.size(); ++i) {
                    const size_t c = static_cast<size_t>(indexOnAxis(shape, i, axis));
                    const double eps32 = static_cast<float>(eps);
                    expected[i] = static_cast<float>((x[i] - static_cast<double>(mean[c])) / std::sqrt(var[c] + eps32)
                                                         * (scale ? gamma[c] : 1.0)
                                                     + (center ? beta[c] : 0.0));
                }
                expectClose(layer->forward(x, ExecContext{}), expected,
                            "BN axis " + std::to_string(axisArg) + " center " + std::to_string(center) + " scale "
                                + std::to_string(scale) + " " + shapeToTuple(shape),
                            2e-6, 2e-6);
            }
        }
    }
    // Without stored weights: Keras's initial gamma 1, beta 0, mean 0, variance 1.
    const Tensor x = test::randomTensor({2, 3, 4, 5}, 6);
    Tensor expected(x.shape());
    for (int64_t i = 0; i < x.size(); ++i)
        expected[i] = static_cast<float>(x[i] / std::sqrt(1.0 + static_cast<double>(1e-3f)));
    expectClose(load("BatchNormalization", json::object())->forward(x, ExecContext{}), expected, "BN defaults", 1e-7, 1e-6);
}

void TestNormalizationLayers::batchNormKerasValues()
{
    // Keras 3.15.1: BatchNormalization() built on (None, 3) with gamma [2, 0.5, 1], beta
    // [0.1, −0.2, 0], moving_mean [0.5, 1, −2], moving_variance [0.25, 4, 0.01], on
    // [[1, 2, −3], [0, −1, 0.5]] — bit for bit (TF's unfused formula, SEMANTICS_MORE §17.3).
    const auto bn = load("BatchNormalization", json::object(),
                         {{"gamma", entry({2, 0.5f, 1})}, {"beta", entry({0.1f, -0.2f, 0})},
                          {"moving_mean", entry({0.5f, 1, -2})}, {"moving_variance", entry({0.25f, 4, 0.01f})}});
    QCOMPARE(bn->forward(Tensor({2, 3}, {1, 2, -3, 0, -1, 0.5f}), ExecContext{}).toVector(),
             (std::vector<float>{2.0960121154785156f, 0.04996877908706665f, -9.534626007080078f, -1.8960120677947998f,
                                 -0.6999375224113464f, 23.836565017700195f}));
    // Keras 3.15.1: BatchNormalization(axis=1, epsilon=1e-5, center=False) on (2, 2, 2, 2) =
    // arange(16) / 3, gamma [2, 0.5], moving_mean [0.5, 1], moving_variance [0.25, 4].
    const auto nchw = load("BatchNormalization", {{"axis", 1}, {"epsilon", 1e-5}, {"center", false}},
                           {{"gamma", entry({2, 0.5f})}, {"moving_mean", entry({0.5f, 1})}, {"moving_variance", entry({0.25f, 4})}});
    Tensor x({2, 2, 2, 2});
    for (int i = 0; i < 16; ++i)
        x[i] = static_cast<float>(i) / 3.0f;
    QCOMPARE(nchw->forward(x, ExecContext{}).toVector(),
             (std::vector<float>{-1.999959945678711f, -0.6666532754898071f, 0.6666533946990967f, 1.999959945678711f,
                                 0.08333325386047363f, 0.1666664481163025f, 0.24999970197677612f, 0.333332896232605f,
                                 8.66649341583252f, 9.999799728393555f, 11.33310604095459f, 12.666413307189941f,
                                 0.7499991059303284f, 0.833332359790802f, 0.9166654944419861f, 0.9999988675117493f}));
}

void TestNormalizationLayers::batchNormAxesAndErrors()
{
    // tf.keras 2 files store axis as [3]; the legacy loader unwraps a one-element list.
    QCOMPARE(load("BatchNormalization", {{"axis", {3}}})->config().at("axis"), json(3));
    // A longer list: Keras's int() TypeError.
    try {
        load("BatchNormalization", {{"axis", {1, 2}}});
        QFAIL("expected an error");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(contains(e.what(), "int() argument must be a string, a bytes-like object or a real number, not 'list'"), e.what());
    }
    // An axis outside the rank: Keras's build fails reading input_shape[axis].
    QVERIFY(contains(layerError(*load("BatchNormalization", {{"axis", 3}}), {2, 3}), "tuple index out of range"));
    QVERIFY(contains(layerError(*load("BatchNormalization", {{"axis", -5}}), {2, 3, 4, 5}), "tuple index out of range"));
    QVERIFY(layerError(*load("BatchNormalization", {{"axis", -4}}), {2, 3, 4, 5}).empty());
    // Stored statistics for another channel count: the InputSpec message.
    const auto stored = load("BatchNormalization", json::object(), {{"moving_mean", entry({1, 2, 3})}});
    QVERIFY(layerError(*stored, {1, 4, 4, 3}).empty());
    QVERIFY(contains(layerError(*stored, {1, 4, 4, 5}),
                     "expected axis -1 of input shape to have value 3, but received input with shape (1, 4, 4, 5)"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             load("BatchNormalization", json::object(), {{"gamma", {{"shape", {2, 2}}, {"data", {1, 2, 3, 4}}}}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             load("BatchNormalization", json::object(), {{"gamma", {{"shape", {3}}, {"data", {1, 2}}}}}));
    // Saved with its weights, equal after a reload.
    const json saved = {{"class_name", "BatchNormalization"}, {"config", stored->config()}, {"weights", stored->extras().at("weights")}};
    QVERIFY(*findLayerFactory("BatchNormalization")->fromJson(saved) == *stored);
}

void TestNormalizationLayers::normalizationMatchesReference()
{
    for (const Shape& shape : oddShapes()) {
        const int64_t C = shape.back();
        std::vector<float> mean = randomVector(C, 7, -1.0f, 1.0f), variance = randomVector(C, 8, 0.0f, 4.0f);
        variance[0] = 0.0f; // a zero variance meets the 1e-7 floor on the standard deviation
        for (bool invert : {false, true}) {
            const auto layer = load("Normalization", {{"axis", -1}, {"mean", mean}, {"variance", variance}, {"invert", invert}});
            const Tensor x = test::randomTensor(shape, 9, -3.0f, 3.0f);
            Tensor expected(shape);
            for (int64_t i = 0; i < x.size(); ++i) {
                const size_t c = static_cast<size_t>(i % C);
                const double sd = std::max(std::sqrt(static_cast<double>(variance[c])), static_cast<double>(1e-7f));
                expected[i] = static_cast<float>(invert ? mean[c] + x[i] * sd : (x[i] - mean[c]) / sd);
            }
            expectClose(layer->forward(x, ExecContext{}), expected,
                        "Normalization invert " + std::to_string(invert) + " " + shapeToTuple(shape), 1e-6, 1e-6);
        }
    }
    // Adapted statistics as weights, kept axes (1, 3) of an NHWC input.
    const Shape shape{2, 5, 3, 4};
    const std::vector<float> mean = randomVector(20, 10, -1.0f, 1.0f), variance = randomVector(20, 11, 0.5f, 2.0f);
    const auto adapted = load("Normalization", {{"axis", {1, 3}}, {"mean", nullptr}, {"variance", nullptr}},
                              {{"mean", {{"shape", {5, 4}}, {"data", mean}}},
                               {"variance", {{"shape", {5, 4}}, {"data", variance}}},
                               {"count", {{"shape", json::array()}, {"data", {30}}}}});
    const Tensor x = test::randomTensor(shape, 12, -3.0f, 3.0f);
    Tensor expected(shape);
    for (int64_t i = 0; i < x.size(); ++i) {
        const size_t k = static_cast<size_t>(indexOnAxis(shape, i, 1) * 4 + indexOnAxis(shape, i, 3));
        expected[i] = static_cast<float>((x[i] - mean[k]) / std::sqrt(static_cast<double>(variance[k])));
    }
    expectClose(adapted->forward(x, ExecContext{}), expected, "Normalization adapted (1, 3)", 1e-6, 1e-6);
}

void TestNormalizationLayers::normalizationStatisticsAndErrors()
{
    // Keras 3.15.1: Normalization(mean=[1, 2, 3], variance=[4, 0, 2]) on [[3, 2, 0]] = [1, 0, −2.1213205].
    QCOMPARE(load("Normalization", {{"mean", {1, 2, 3}}, {"variance", {4, 0, 2}}})
                 ->forward(Tensor({1, 3}, {3, 2, 0}), ExecContext{})
                 .toVector(),
             (std::vector<float>{1.0f, 0.0f, -2.1213204860687256f}));
    // axis None: one scalar; a scalar mean broadcasts everywhere.
    const auto scalar = load("Normalization", {{"axis", nullptr}, {"mean", 0.5}, {"variance", 4.0}});
    QCOMPARE(scalar->forward(Tensor({2, 2}, {0.5f, 2.5f, -1.5f, 4.5f}), ExecContext{}).toVector(),
             (std::vector<float>{0.0f, 1.0f, -1.0f, 2.0f}));
    QCOMPARE(scalar->config().at("axis"), json::array());
    // Found by fuzz_execute: shape inference of an absurd input allocated the statistics (the
    // kept axis's size, here 2^40 floats); it only checks shapes now.
    const auto perChannel = load("Normalization", {{"mean", 0.5}, {"variance", 4.0}});
    QCOMPARE(perChannel->inferShape({1, 1, 1, int64_t{1} << 40}).output, (Shape{1, 1, 1, int64_t{1} << 40}));
    const auto perChannelDefault = load("Normalization", json::object());
    QCOMPARE(perChannelDefault->inferShape({1, 1, int64_t{1} << 40}).output, (Shape{1, 1, int64_t{1} << 40}));
    // A lower-rank mean aligns with the last kept axes: axis (1, 3), mean of shape (C,).
    const auto low = load("Normalization", {{"axis", {1, 3}}, {"mean", {1, 2}}, {"variance", {1, 1}}});
    QCOMPARE(low->forward(Tensor({1, 3, 1, 2}, {1, 2, 3, 4, 5, 6}), ExecContext{}).toVector(),
             (std::vector<float>{0, 0, 2, 2, 4, 4}));
    // Neither config statistics nor weights: mean 0, variance 1.
    const Tensor x = test::randomTensor({2, 3}, 13);
    QCOMPARE(load("Normalization", json::object())->forward(x, ExecContext{}).toVector(), x.toVector());
    // Keras 3.15.1 messages.
    try {
        load("Normalization", {{"mean", {1.0, 2.0}}});
        QFAIL("expected an error");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(contains(e.what(), "When setting values directly, both `mean` and `variance` must be set. Received: "
                                    "mean=[1.0,2.0] and variance=None"),
                 e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Normalization", {{"mean", {1, 2}}, {"variance", {1, 2, 3}}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Normalization", {{"mean", {{1, 2}}}, {"variance", {{1, 2}}}}));
    QVERIFY(contains(layerError(*load("Normalization", {{"axis", 3}, {"mean", {1, 2}}, {"variance", {4, 9}}}), {2, 3}),
                     "All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=2, while axis=(3,)"));
    QVERIFY(contains(layerError(*load("Normalization", {{"mean", {1, 2}}, {"variance", {4, 9}}}), {2, 3}),
                     "Incompatible shapes: [1,2] vs. [1,3] [Op:BroadcastTo]"));
    const auto stored = load("Normalization", json::object(),
                             {{"mean", entry({1, 2})}, {"variance", entry({1, 1})}, {"count", {{"shape", json::array()}, {"data", {4}}}}});
    QVERIFY(layerError(*stored, {5, 2}).empty());
    const std::string keeps = layerError(*stored, {5, 3});
    QVERIFY2(contains(keeps, "the stored mean and variance have shape (2,)") && contains(keeps, "keeps (3,)"), keeps.c_str());
    const json saved = {{"class_name", "Normalization"}, {"config", stored->config()}, {"weights", stored->extras().at("weights")}};
    QVERIFY(*findLayerFactory("Normalization")->fromJson(saved) == *stored);
}

void TestNormalizationLayers::rescalingMatchesReference()
{
    for (const Shape& shape : oddShapes()) {
        const int64_t C = shape.back();
        const std::vector<float> scale = randomVector(C, 14, -2.0f, 2.0f), offset = randomVector(C, 15, -1.0f, 1.0f);
        const Tensor x = test::randomTensor(shape, 16, 0.0f, 255.0f);
        // Per-channel scale, scalar offset; scalar scale, per-channel offset.
        const auto a = load("Rescaling", {{"scale", scale}, {"offset", 0.5}});
        const auto b = load("Rescaling", {{"scale", 1.0 / 255}, {"offset", offset}});
        Tensor ea(shape), eb(shape);
        for (int64_t i = 0; i < x.size(); ++i) {
            const size_t c = static_cast<size_t>(i % C);
            // f32(f32(x · scale) + offset): the multiply rounds before the add.
            ea[i] = x[i] * scale[c] + 0.5f;
            eb[i] = x[i] * static_cast<float>(1.0 / 255) + offset[c];
        }
        expectClose(a->forward(x, ExecContext{}), ea, "Rescaling per-channel scale " + shapeToTuple(shape), 0, 0);
        expectClose(b->forward(x, ExecContext{}), eb, "Rescaling per-channel offset " + shapeToTuple(shape), 0, 0);
    }
    // Keras 3.15.1: Rescaling(1/255) on [200, 255, 1] multiplies by f32(1/255): 200 → 0.7843138
    // (200/255 would round to 0.78431374).
    QCOMPARE(load("Rescaling", {{"scale", 1.0 / 255}})->forward(Tensor({1, 3}, {200, 255, 1}), ExecContext{}).toVector(),
             (std::vector<float>{0.7843137979507446f, 1.0f, 0.003921568859368563f}));
}

void TestNormalizationLayers::rescalingForms()
{
    // Keras's numpy form and nested lists; a (H, W, C) array broadcasts on the trailing axes.
    const json numpy = {{"class_name", "__numpy__"}, {"config", {{"value", {1.0, 2.0, 3.0}}, {"dtype", "float64"}}}};
    const auto fromNumpy = load("Rescaling", {{"scale", numpy}, {"offset", -1.0}});
    QCOMPARE(fromNumpy->forward(Tensor({1, 1, 2, 3}, {1, 1, 1, 2, 2, 2}), ExecContext{}).toVector(),
             (std::vector<float>{0, 1, 2, 1, 3, 5}));
    QCOMPARE(fromNumpy->config().at("scale"), json({1.0, 2.0, 3.0}));
    const auto nested = load("Rescaling", {{"scale", {{1.0, 2.0}, {3.0, 4.0}}}});
    QCOMPARE(nested->forward(Tensor({1, 2, 2}, {1, 1, 1, 1}), ExecContext{}).toVector(), (std::vector<float>{1, 2, 3, 4}));
    QVERIFY(contains(layerError(*nested, {1, 3, 2}), "Incompatible shapes"));
    QVERIFY(contains(layerError(*load("Rescaling", {{"scale", {1, 2, 3, 4}}}), {1, 9, 7, 3}),
                     "Incompatible shapes: [1,9,7,3] vs. [4] [Op:Mul]"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Rescaling", {{"scale", {{1, 2}, {3}}}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Rescaling", {{"scale", "x"}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Rescaling", {{"scale", json::array()}}));
}

void TestNormalizationLayers::identityLayers()
{
    const Tensor x = test::randomTensor({2, 5, 3, 7}, 17);
    for (const char* cls : {"Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout"}) {
        const char* key = std::string(cls) == "GaussianNoise" ? "stddev" : "rate";
        const auto layer = load(cls, {{key, 0.25}});
        QCOMPARE(layer->forward(x, ExecContext{}).toVector(), x.toVector());
        // Keras 3.15.1's constructor message, here in shape inference.
        QVERIFY2(contains(layerError(*load(cls, {{key, 1.5}}), x.shape()),
                          std::string("Invalid value received for argument `") + key
                              + "`. Expected a float value between 0 and 1. Received: " + key + "=1.5"),
                 cls);
        QVERIFY(!layerError(*load(cls, {{key, -0.1}}), x.shape()).empty());
        QVERIFY(layerError(*load(cls, {{key, 1.0}}), x.shape()).empty());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load(cls, json::object()));
        if (std::string(cls) != "SpatialDropout2D") {
            const Tensor dense = test::randomTensor({4, 7}, 18);
            QCOMPARE(layer->forward(dense, ExecContext{}).toVector(), dense.toVector());
        }
    }
    // SpatialDropout2D: InputSpec(ndim=4) in Keras's wording.
    QVERIFY(contains(layerError(*load("SpatialDropout2D", {{"rate", 0.5}}), {2, 3}),
                     "expected ndim=4, found ndim=2. Full shape received: (2, 3)"));
    QCOMPARE(load("SpatialDropout2D", {{"rate", 0.5}, {"data_format", "channels_first"}})->config().at("data_format"),
             json("channels_first"));
    QVERIFY(contains(layerError(*load("Dropout", {{"rate", 0.5}, {"noise_shape", {nullptr, -1}}}), {2, 3}),
                     "Expected all dimensions to be positive integers or None. Received negative or zero value at index 1: -1"));
}

void TestNormalizationLayers::explanations()
{
    const auto bn = load("BatchNormalization", json::object(),
                         {{"gamma", entry({2, 0.5f, 1})}, {"beta", entry({0.1f, -0.2f, 0})},
                          {"moving_mean", entry({0.5f, 1, -2})}, {"moving_variance", entry({0.25f, 4, 0.01f})}});
    const Tensor x({2, 3}, {1, 2, -3, 0, -1, 0.5f});
    const CellExplanation e = explainCell(*bn, x, CellIndex{0, 0, 0, 0});
    QCOMPARE(e.value, 2.0960121154785156f);
    QVERIFY(e.exact);
    QVERIFY2(contains(e.summary, "(x − mean) / sqrt(var + eps) · gamma + beta = (1 − 0.5) / sqrt(0.25 + 0.001) · 2 + 0.1"),
             e.summary.c_str());
    const CellExplanation r = explainCell(*load("Rescaling", {{"scale", 0.5}, {"offset", -1}}), x, CellIndex{1, 0, 0, 2});
    QCOMPARE(r.value, -0.75f);
    QVERIFY2(contains(r.summary, "0.5 · 0.5 + (−1) = −0.75"), r.summary.c_str());
    const CellExplanation d = explainCell(*load("Dropout", {{"rate", 0.5}}), x, CellIndex{0, 0, 0, 1});
    QVERIFY2(contains(d.summary, "identity at inference"), d.summary.c_str());
    QCOMPARE(d.value, 2.0f);
}

void TestNormalizationLayers::kerasWeights()
{
    // No stored weights: Keras's own initial values are the engine's, nothing to set.
    QVERIFY(load("BatchNormalization", json::object())->kerasWeights({1, 4, 4, 3}).empty());
    // Stored: get_weights order, without gamma when scale is off.
    const auto bn = load("BatchNormalization", {{"scale", false}}, {{"moving_mean", entry({1, 2})}});
    const std::vector<NamedArray> w = bn->kerasWeights({1, 4, 4, 2});
    QCOMPARE(w.size(), size_t{3});
    QCOMPARE(w[0].name, std::string("beta"));
    QCOMPARE(w[1].name, std::string("moving_mean"));
    QCOMPARE(w[1].values, (std::vector<float>{1, 2}));
    QCOMPARE(w[2].values, (std::vector<float>{1, 1}));
    const auto norm = load("Normalization", json::object(),
                           {{"mean", entry({1, 2})}, {"variance", entry({3, 4})}, {"count", {{"shape", json::array()}, {"data", {9}}}}});
    const std::vector<NamedArray> n = norm->kerasWeights({5, 2});
    QCOMPARE(n.size(), size_t{3});
    QCOMPARE(n[2].name, std::string("count"));
    QCOMPARE(n[2].shape, Shape{});
}

void TestNormalizationLayers::memoryGuardAndCancel()
{
    const Tensor x = test::randomTensor({1, 64, 64, 8}, 1);
    ExecContext tiny;
    tiny.memoryBudgetBytes = 1000;
    std::stop_source stop;
    stop.request_stop();
    ExecContext cancelled;
    cancelled.stop = stop.get_token();
    const std::vector<std::pair<std::string, json>> layers{{"BatchNormalization", json::object()},
                                                           {"Normalization", json::object()},
                                                           {"Rescaling", {{"scale", 0.5}}},
                                                           {"Dropout", {{"rate", 0.5}}},
                                                           {"SpatialDropout2D", {{"rate", 0.5}}},
                                                           {"GaussianNoise", {{"stddev", 0.5}}},
                                                           {"GaussianDropout", {{"rate", 0.5}}}};
    for (const auto& [cls, config] : layers) {
        const auto layer = load(cls, config);
        try {
            layer->forward(x, tiny);
            QFAIL((cls + ": expected a memory budget error").c_str());
        } catch (const MemoryBudgetError& e) {
            QVERIFY2(contains(e.what(), cls) && contains(e.what(), "1×64×64×8"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(CancelledError, layer->forward(x, cancelled));
    }
}

QTEST_APPLESS_MAIN(TestNormalizationLayers)
#include "test_normalization_layers.moc"
