// ReLU, LeakyReLU, PReLU, ELU, Softmax and Activation against plain reference loops written here
// (double precision), over odd shapes of ranks 1–4 (a (B, C) tensor after Dense/Flatten as well as
// NHWC), plus their Keras errors, the file forms they load, the memory guard, cancellation and a
// few values computed with real Keras 3.15.1 (TensorFlow 2.21 CPU) typed in as literals.

#include "core/errors.h"
#include "core/explain/cell_explanation.h"
#include "core/explain/receptive_field.h"
#include "core/layer_registry.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>

using namespace layerscope;
using nlohmann::json;

namespace {

// A layer of `cls` from its config (and inline weights), through the registry as the loader does.
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

// Every index tuple of `shape`, in row-major order.
void forEachIndex(const Shape& shape, const std::function<void(const std::vector<int64_t>&)>& body)
{
    std::vector<int64_t> index(shape.size(), 0);
    const int64_t total = elementCount(shape);
    for (int64_t i = 0; i < total; ++i) {
        body(index);
        for (size_t d = shape.size(); d-- > 0;) {
            if (++index[d] < shape[d])
                break;
            index[d] = 0;
        }
    }
}

int64_t flatIndex(const Shape& shape, const std::vector<int64_t>& index)
{
    int64_t flat = 0;
    for (size_t d = 0; d < shape.size(); ++d)
        flat = flat * shape[d] + index[d];
    return flat;
}

// out[i] = f(x[i]) in double, rounded once.
Tensor referenceMap(const Tensor& x, const std::function<double(double)>& f)
{
    Tensor out(x.shape());
    for (int64_t i = 0; i < x.size(); ++i)
        out[i] = static_cast<float>(f(x[i]));
    return out;
}

// Softmax over `axes` by its definition: for each output cell, the sum over every input cell that
// agrees with it off the axes.
Tensor referenceSoftmax(const Tensor& x, const std::vector<size_t>& axes)
{
    const Shape& shape = x.shape();
    Tensor out(shape);
    forEachIndex(shape, [&](const std::vector<int64_t>& at) {
        double maximum = -std::numeric_limits<double>::infinity(), sum = 0;
        forEachIndex(shape, [&](const std::vector<int64_t>& other) {
            for (size_t d = 0; d < shape.size(); ++d)
                if (std::find(axes.begin(), axes.end(), d) == axes.end() && other[d] != at[d])
                    return;
            maximum = std::max(maximum, static_cast<double>(x[flatIndex(shape, other)]));
        });
        forEachIndex(shape, [&](const std::vector<int64_t>& other) {
            for (size_t d = 0; d < shape.size(); ++d)
                if (std::find(axes.begin(), axes.end(), d) == axes.end() && other[d] != at[d])
                    return;
            sum += std::exp(x[flatIndex(shape, other)] - maximum);
        });
        out[flatIndex(shape, at)] = static_cast<float>(std::exp(x[flatIndex(shape, at)] - maximum) / sum);
    });
    return out;
}

const std::vector<Shape>& oddShapes()
{
    static const std::vector<Shape> shapes{{1, 9, 7, 3}, {2, 5, 3, 7}, {1, 1, 5, 16}, {3, 4, 1, 15},
                                           {4, 7},       {1, 16},      {9, 7, 2},     {5}};
    return shapes;
}

void expectClose(const Tensor& actual, const Tensor& expected, const std::string& what, double atol = 1e-6,
                 double rtol = 1e-6)
{
    const std::string mismatch = test::compareTensors(actual, expected, atol, rtol);
    QVERIFY2(mismatch.empty(), (what + ": " + mismatch).c_str());
}

std::vector<float> values(const Tensor& t) { return t.toVector(); }

} // namespace

class TestActivationLayers : public QObject {
    Q_OBJECT
private slots:
    void reluMatchesReference();
    void reluErrorsAndKerasValues();
    void leakyReluMatchesReference();
    void eluMatchesReference();
    void preluMatchesReference();
    void preluShapesAndErrors();
    void softmaxMatchesReference();
    void softmaxErrors();
    void activationLayerMatchesReference();
    void activationFileForms();
    void activationKerasValues();
    void conv2dActivationLayerObject();
    void explanationsAndRegions();
    void memoryGuardAndCancel();
};

void TestActivationLayers::reluMatchesReference()
{
    struct Case {
        json config;
        double t, a, m; // m < 0: no max_value
    };
    const std::vector<Case> cases{{json::object(), 0, 0, -1},
                                  {{{"max_value", 6.0}}, 0, 0, 6},
                                  {{{"max_value", 0.4}}, 0, 0, 0.4},
                                  {{{"negative_slope", 0.1}}, 0, 0.1, -1},
                                  {{{"threshold", 0.25}}, 0.25, 0, -1},
                                  {{{"threshold", 0.5}, {"negative_slope", 0.3}, {"max_value", 0.8}}, 0.5, 0.3, 0.8},
                                  {{{"threshold", 0.9}, {"max_value", 0.2}}, 0.9, 0, 0.2},
                                  {{{"max_value", 0.0}}, 0, 0, 0}};
    for (const Case& c : cases) {
        const auto layer = load("ReLU", c.config);
        // The piecewise function Keras's ReLU computes: x ≤ t → a·(x − t); else x clipped to m.
        auto f = [&](double x) {
            if (x <= c.t)
                return c.a * (x - c.t);
            return c.m >= 0 ? std::min(x, c.m) : x;
        };
        for (const Shape& shape : oddShapes()) {
            const Tensor x = test::randomTensor(shape, 11, -2.0f, 2.0f);
            expectClose(layer->forward(x, ExecContext{}), referenceMap(x, f),
                        "ReLU " + c.config.dump() + " " + shapeToTuple(shape), 1e-7, 1e-6);
        }
    }
}

void TestActivationLayers::reluErrorsAndKerasValues()
{
    // Keras 3.15.1 constructor messages (surfaced here in shape inference).
    QCOMPARE(layerError(*load("ReLU", {{"max_value", -1}}), {1, 4}).find(
                 "max_value of a ReLU layer cannot be a negative value. Received: max_value=-1") != std::string::npos,
             true);
    QVERIFY(contains(layerError(*load("ReLU", {{"negative_slope", -0.5}}), {1, 4}),
                     "negative_slope of a ReLU layer cannot be None or a negative value. Received: negative_slope=-0.5"));
    QVERIFY(contains(layerError(*load("ReLU", {{"threshold", -2}}), {1, 4}),
                     "threshold of a ReLU layer cannot be None or a negative value. Received: threshold=-2"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("ReLU", {{"threshold", nullptr}}));
    // Keras 3.15.1: ReLU(max_value=2.5, threshold=1, negative_slope=0.3) on
    // [-3.5, -1, -0.25, 0, 0.4, 1, 2.5, 7].
    const Tensor x({1, 8}, {-3.5f, -1.0f, -0.25f, 0.0f, 0.4f, 1.0f, 2.5f, 7.0f});
    const auto layer = load("ReLU", {{"max_value", 2.5}, {"threshold", 1.0}, {"negative_slope", 0.3}});
    QCOMPARE(values(layer->forward(x, ExecContext{})),
             (std::vector<float>{-1.350000023841858f, -0.6000000238418579f, -0.375f, -0.30000001192092896f,
                                 -0.18000000715255737f, 0.0f, 2.5f, 2.5f}));
}

void TestActivationLayers::leakyReluMatchesReference()
{
    for (double slope : {0.3, 0.01, 0.0, 1.5}) {
        const auto layer = load("LeakyReLU", {{"negative_slope", slope}});
        for (const Shape& shape : oddShapes()) {
            const Tensor x = test::randomTensor(shape, 12, -3.0f, 3.0f);
            expectClose(layer->forward(x, ExecContext{}), referenceMap(x, [&](double v) { return v > 0 ? v : slope * v; }),
                        "LeakyReLU " + std::to_string(slope) + " " + shapeToTuple(shape), 1e-7, 1e-6);
        }
    }
    // The default slope is the layer's 0.3; tf.keras 2 files name it `alpha` (saved back as negative_slope).
    QCOMPARE(load("LeakyReLU", json::object())->config().at("negative_slope").get<double>(), 0.3);
    const auto legacy = load("LeakyReLU", {{"alpha", 0.1}});
    QCOMPARE(legacy->config().at("negative_slope").get<double>(), 0.1);
    QVERIFY(!legacy->config().contains("alpha"));
    QVERIFY(contains(layerError(*load("LeakyReLU", {{"negative_slope", -1}}), {2, 3}),
                     "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a "
                     "float. Received: negative_slope=-1"));
    // Keras 3.15.1: LeakyReLU() on [-3.5, -1, -0.25, 0, 0.4].
    const Tensor x({5}, {-3.5f, -1.0f, -0.25f, 0.0f, 0.4f});
    QCOMPARE(values(load("LeakyReLU", json::object())->forward(x, ExecContext{})),
             (std::vector<float>{-1.0500000715255737f, -0.30000001192092896f, -0.07500000298023224f, 0.0f, 0.4f}));
}

void TestActivationLayers::eluMatchesReference()
{
    for (double alpha : {1.0, 0.7, -0.5, 2.0}) {
        const auto layer = load("ELU", {{"alpha", alpha}});
        for (const Shape& shape : oddShapes()) {
            const Tensor x = test::randomTensor(shape, 13, -4.0f, 3.0f);
            expectClose(layer->forward(x, ExecContext{}),
                        referenceMap(x, [&](double v) { return v > 0 ? v : alpha * (std::exp(v) - 1); }),
                        "ELU " + std::to_string(alpha) + " " + shapeToTuple(shape), 1e-7, 2e-6);
        }
    }
    // Keras 3.15.1: ELU(alpha=0.7) on [-3.5, -1, -0.25, 0, 0.4] (TF's exp may differ from ours in
    // the last bit).
    const Tensor x({1, 5}, {-3.5f, -1.0f, -0.25f, 0.0f, 0.4f});
    expectClose(load("ELU", {{"alpha", 0.7}})->forward(x, ExecContext{}),
                Tensor({1, 5}, {-0.6788617968559265f, -0.44248437881469727f, -0.1548394411802292f, 0.0f, 0.4f}),
                "ELU Keras values", 0, 2.5e-7);
}

void TestActivationLayers::preluMatchesReference()
{
    for (const Shape& shape : oddShapes()) {
        if (shape.size() < 2)
            continue;
        // shared_axes over every axis but the last: one alpha per channel.
        std::vector<int64_t> shared;
        for (size_t d = 1; d + 1 < shape.size(); ++d)
            shared.push_back(static_cast<int64_t>(d));
        const int64_t channels = shape.back();
        Shape alphaShape(shape.size() - 1, 1);
        alphaShape.back() = channels;
        const Tensor alpha = test::randomTensor(alphaShape, 21, -1.0f, 1.0f);
        const auto perChannel = load("PReLU", {{"shared_axes", shared.empty() ? json(nullptr) : json(shared)}},
                                     {{"alpha", {{"shape", alphaShape}, {"data", alpha.toVector()}}}});
        const Tensor x = test::randomTensor(shape, 22, -2.0f, 2.0f);
        Tensor expected(shape);
        forEachIndex(shape, [&](const std::vector<int64_t>& at) {
            const double v = x[flatIndex(shape, at)];
            const double a = alpha[at.back()];
            expected[flatIndex(shape, at)] = static_cast<float>(v > 0 ? v : a * v);
        });
        expectClose(perChannel->forward(x, ExecContext{}), expected, "PReLU per channel " + shapeToTuple(shape), 0, 0);
        // No shared axes: one alpha per position (input_shape[1:]).
        const Shape full(shape.begin() + 1, shape.end());
        const Tensor alphaFull = test::randomTensor(full, 23, -1.0f, 1.0f);
        const auto perPosition = load("PReLU", json::object(), {{"alpha", {{"shape", full}, {"data", alphaFull.toVector()}}}});
        forEachIndex(shape, [&](const std::vector<int64_t>& at) {
            const double v = x[flatIndex(shape, at)];
            const double a = alphaFull[flatIndex(full, std::vector<int64_t>(at.begin() + 1, at.end()))];
            expected[flatIndex(shape, at)] = static_cast<float>(v > 0 ? v : a * v);
        });
        expectClose(perPosition->forward(x, ExecContext{}), expected, "PReLU per position " + shapeToTuple(shape), 0, 0);
    }
    // Default: alpha_initializer Zeros, so PReLU is relu until weights are stored.
    const Tensor x = test::randomTensor({2, 5, 3, 4}, 24);
    expectClose(load("PReLU", json::object())->forward(x, ExecContext{}),
                referenceMap(x, [](double v) { return std::max(v, 0.0); }), "PReLU default", 0, 0);
    // Keras 3.15.1: PReLU with alpha [0.25, -0.5, 2] on [[-2, -2, -2], [3, -0.5, 0]].
    const auto keras = load("PReLU", json::object(), {{"alpha", {{"shape", {3}}, {"data", {0.25, -0.5, 2.0}}}}});
    QCOMPARE(values(keras->forward(Tensor({2, 3}, {-2.0f, -2.0f, -2.0f, 3.0f, -0.5f, 0.0f}), ExecContext{})),
             (std::vector<float>{-0.5f, 1.0f, -4.0f, 3.0f, 0.25f, 0.0f}));
    QCOMPARE(keras->kerasWeights({2, 3}).size(), size_t{1});
    QCOMPARE(keras->kerasWeights({2, 3})[0].name, std::string("alpha"));
}

void TestActivationLayers::preluShapesAndErrors()
{
    auto shared = [](json axes) { return load("PReLU", {{"shared_axes", axes}}); };
    const auto s12 = load("PReLU", {{"shared_axes", {1, 2}}});
    QVERIFY(layerError(*s12, {1, 9, 7, 3}).empty());
    // An int shared_axes is one axis; Python indexes param_shape[axis − 1], so 0 is the last axis
    // and an axis beyond the rank is an IndexError.
    QVERIFY(layerError(*shared(3), {2, 4, 5, 6}).empty());
    QVERIFY(contains(layerError(*shared(json{4}), {2, 4, 5, 6}), "list assignment index out of range"));
    QVERIFY(contains(layerError(*shared(json{2}), {2, 4}), "list assignment index out of range"));
    // Stored alpha of another shape than the input needs.
    const auto stored = load("PReLU", {{"shared_axes", {1, 2}}}, {{"alpha", {{"shape", {1, 1, 4}}, {"data", {1, 2, 3, 4}}}}});
    QVERIFY(layerError(*stored, {1, 5, 5, 4}).empty());
    QVERIFY(contains(layerError(*stored, {1, 5, 5, 3}), "needs alpha of shape (1, 1, 3)"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             load("PReLU", json::object(), {{"alpha", {{"shape", {3}}, {"data", {1, 2}}}}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("PReLU", {{"alpha_initializer", "glorot_uniform"}}));
    // Constant initializers fill alpha.
    const auto ones = load("PReLU", {{"alpha_initializer", {{"class_name", "Constant"}, {"config", {{"value", 0.5}}}}}});
    QCOMPARE(values(ones->forward(Tensor({1, 2}, {-2.0f, 2.0f}), ExecContext{})), (std::vector<float>{-1.0f, 2.0f}));
    // Saved back with its weights, equal after a reload.
    const json saved = {{"class_name", "PReLU"}, {"config", stored->config()}, {"weights", stored->extras().at("weights")}};
    QVERIFY(*findLayerFactory("PReLU")->fromJson(saved) == *stored);
}

void TestActivationLayers::softmaxMatchesReference()
{
    struct Case {
        json axis;
        std::function<std::vector<size_t>(size_t)> axes;
    };
    const std::vector<Case> cases{
        {-1, [](size_t r) { return std::vector<size_t>{r - 1}; }},
        {json{-1}, [](size_t r) { return std::vector<size_t>{r - 1}; }},
        {0, [](size_t) { return std::vector<size_t>{0}; }},
        {json{0, -1}, [](size_t r) { return std::vector<size_t>{0, r - 1}; }},
    };
    for (const Case& c : cases) {
        const auto layer = load("Softmax", {{"axis", c.axis}});
        for (const Shape& shape : oddShapes()) {
            if (c.axis == json{0, -1} && shape.size() == 1) {
                // Axes 0 and −1 of a rank-1 tensor are the same axis: TF rejects the repeat.
                QVERIFY(contains(layerError(*layer, shape), "duplicate dimension: 0"));
                continue;
            }
            const Tensor x = test::randomTensor(shape, 31, -4.0f, 4.0f);
            expectClose(layer->forward(x, ExecContext{}), referenceSoftmax(x, c.axes(shape.size())),
                        "Softmax axis " + c.axis.dump() + " " + shapeToTuple(shape), 1e-7, 4e-6);
        }
    }
    for (const Shape& shape : {Shape{2, 5, 3, 7}, Shape{1, 9, 7, 3}}) {
        const Tensor x = test::randomTensor(shape, 32, -4.0f, 4.0f);
        for (const json& axis : {json(1), json(2), json{1, 2}, json{1, 2, 3}}) {
            std::vector<size_t> axes;
            for (const json& a : axis.is_array() ? axis : json{axis})
                axes.push_back(a.get<size_t>());
            expectClose(load("Softmax", {{"axis", axis}})->forward(x, ExecContext{}), referenceSoftmax(x, axes),
                        "Softmax axis " + axis.dump() + " " + shapeToTuple(shape), 1e-7, 4e-6);
        }
    }
    // Keras 3.15.1: Softmax(axis=[1, 2]) on arange(24).reshape(1, 2, 3, 4) / 7 − 1, first 8 values.
    Tensor x({1, 2, 3, 4});
    for (int i = 0; i < 24; ++i)
        x[i] = static_cast<float>(i) / 7.0f - 1.0f;
    const Tensor y = load("Softmax", {{"axis", {1, 2}}})->forward(x, ExecContext{});
    const std::vector<float> keras{0.025837363675236702f, 0.025837363675236702f, 0.0258373711258173f,
                                   0.0258373711258173f,   0.04575267434120178f,  0.04575267434120178f,
                                   0.04575268179178238f,  0.04575268179178238f};
    for (size_t i = 0; i < keras.size(); ++i)
        QVERIFY2(std::fabs(y[static_cast<int64_t>(i)] - keras[i]) <= 4e-7f * keras[i], std::to_string(i).c_str());
}

void TestActivationLayers::softmaxErrors()
{
    // TF's message (Keras does not validate the axis).
    QVERIFY(contains(layerError(*load("Softmax", {{"axis", 5}}), {2, 3}),
                     "`dim` must be in the range [-2, 2) where 2 is the number of dimensions in the input. Received: dim=5"));
    // Keras 3.15.1 (TF's reduce_max) for several axes.
    QVERIFY(contains(layerError(*load("Softmax", {{"axis", {1, 4}}}), {2, 3, 4, 5}),
                     "Invalid reduction dimension (4 for input with 4 dimension(s) [Op:Max]"));
    QVERIFY(contains(layerError(*load("Softmax", {{"axis", {1, 1}}}), {2, 3, 4, 5}),
                     "Invalid reduction arguments: Axes contains duplicate dimension: 1 [Op:Max]"));
    QVERIFY(layerError(*load("Softmax", {{"axis", -4}}), {2, 3, 4, 5}).empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Softmax", {{"axis", "x"}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Softmax", {{"axis", json::array()}}));
    // A list stays a list in the file, an int an int.
    QCOMPARE(load("Softmax", {{"axis", {-1}}})->config().at("axis"), json({-1}));
    QCOMPARE(load("Softmax", {{"axis", 1}})->config().at("axis"), json(1));
}

void TestActivationLayers::activationLayerMatchesReference()
{
    auto sig = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
    const std::vector<std::pair<std::string, std::function<double(double)>>> formulas{
        {"linear", [](double x) { return x; }},
        {"relu", [](double x) { return std::max(x, 0.0); }},
        {"relu6", [](double x) { return std::min(std::max(x, 0.0), 6.0); }},
        {"leaky_relu", [](double x) { return x > 0 ? x : 0.2 * x; }},
        {"elu", [](double x) { return x > 0 ? x : std::exp(x) - 1; }},
        {"selu", [](double x) { return x > 0 ? 1.0507009873554805 * x : 1.7580993408473766 * (std::exp(x) - 1); }},
        {"gelu", [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }},
        {"sigmoid", sig},
        {"hard_sigmoid", [](double x) { return std::min(std::max(x + 3, 0.0), 6.0) / 6; }},
        {"swish", [&](double x) { return x * sig(x); }},
        {"silu", [&](double x) { return x * sig(x); }},
        {"hard_silu", [](double x) { return x * std::min(std::max(x + 3, 0.0), 6.0) / 6; }},
        {"mish", [](double x) { return x * std::tanh(std::log1p(std::exp(x))); }},
        {"softplus", [](double x) { return std::log1p(std::exp(x)); }},
        {"softsign", [](double x) { return x / (1 + std::fabs(x)); }},
        {"tanh", [](double x) { return std::tanh(x); }},
        {"exponential", [](double x) { return std::exp(x); }},
    };
    for (const auto& [name, f] : formulas) {
        const auto layer = load("Activation", {{"activation", name}});
        for (const Shape& shape : oddShapes()) {
            const Tensor x = test::randomTensor(shape, 41, -5.0f, 5.0f);
            expectClose(layer->forward(x, ExecContext{}), referenceMap(x, f), "Activation " + name + " " + shapeToTuple(shape),
                        1e-6, 4e-6);
        }
    }
    // Along axis −1 on a (B, C) tensor and NHWC: softmax, log_softmax, glu.
    for (const Shape& shape : {Shape{4, 6}, Shape{2, 3, 5, 8}, Shape{1, 16}}) {
        const Tensor x = test::randomTensor(shape, 42, -3.0f, 3.0f);
        const Tensor soft = referenceSoftmax(x, {shape.size() - 1});
        expectClose(load("Activation", {{"activation", "softmax"}})->forward(x, ExecContext{}), soft,
                    "Activation softmax " + shapeToTuple(shape), 1e-7, 4e-6);
        expectClose(load("Activation", {{"activation", "log_softmax"}})->forward(x, ExecContext{}),
                    referenceMap(soft, [](double v) { return std::log(v); }), "Activation log_softmax " + shapeToTuple(shape),
                    2e-6, 4e-6);
        Shape half = shape;
        half.back() /= 2;
        Tensor glu(half);
        const int64_t n = shape.back();
        for (int64_t i = 0; i < glu.size(); ++i) {
            const int64_t row = i / (n / 2), col = i % (n / 2);
            glu[i] = static_cast<float>(x[row * n + col] * sig(x[row * n + col + n / 2]));
        }
        const auto gluLayer = load("Activation", {{"activation", "glu"}});
        QCOMPARE(gluLayer->inferShape(shape).output, half);
        expectClose(gluLayer->forward(x, ExecContext{}), glu, "Activation glu " + shapeToTuple(shape), 1e-7, 4e-6);
    }
}

void TestActivationLayers::activationFileForms()
{
    // Keras's messages for names it does not know, threshold by name, and glu on an odd axis.
    QVERIFY(contains(layerError(*load("Activation", {{"activation", "nope"}}), {1, 4}),
                     "Could not interpret activation function identifier: nope"));
    QVERIFY(contains(layerError(*load("Activation", {{"activation", "Relu"}}), {1, 4}), "identifier: Relu"));
    QVERIFY(contains(layerError(*load("Activation", {{"activation", "threshold"}}), {1, 4}), "threshold()"));
    QVERIFY(contains(layerError(*load("Activation", {{"activation", "glu"}}), {1, 5}),
                     "axis size must be divisible by 2. Received: x.shape=(1, 5) with axis=-1"));
    // null is linear; a serialized function object is its name.
    QCOMPARE(load("Activation", {{"activation", nullptr}})->config().at("activation"), json("linear"));
    const auto function = load("Activation", {{"activation", {{"module", "keras.activations"}, {"class_name", "function"},
                                                               {"config", "relu"}, {"registered_name", "relu"}}}});
    QCOMPARE(function->config().at("activation"), json("relu"));
    // A serialized layer object (as Keras 3.3 files write a LeakyReLU activation): run as that layer.
    const json leaky = {{"module", "keras.layers"},
                        {"class_name", "LeakyReLU"},
                        {"config", {{"name", "leaky_re_lu"}, {"trainable", true}, {"dtype", "float32"}, {"negative_slope", 0.3}}},
                        {"registered_name", nullptr},
                        {"build_config", {{"input_shape", {8, 96, 96, 64}}}}};
    const auto object = load("Activation", {{"activation", leaky}});
    QCOMPARE(values(object->forward(Tensor({1, 3}, {-1.0f, 0.0f, 2.0f}), ExecContext{})),
             (std::vector<float>{-0.30000001192092896f, 0.0f, 2.0f}));
    QCOMPARE(object->config().at("activation"), leaky);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             load("Activation", {{"activation", {{"class_name", "Dense"}, {"config", json::object()}}}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Activation", {{"activation", 7}}));
}

void TestActivationLayers::activationKerasValues()
{
    // Keras 3.15.1 (TF 2.21 CPU): keras.layers.Activation(name) on x, to float32. Transcendental
    // functions go through TF's (Eigen's) exp/tanh/erfc: compared within a few ulps.
    const Tensor x({1, 8}, {-3.5f, -1.0f, -0.25f, 0.0f, 0.4f, 1.0f, 2.5f, 7.0f});
    const std::vector<std::pair<std::string, std::vector<float>>> keras{
        {"elu", {-0.9698026180267334f, -0.6321205496788025f, -0.22119921445846558f, 0.0f, 0.4000000059604645f, 1.0f, 2.5f, 7.0f}},
        {"selu", {-1.7050093412399292f, -1.1113307476043701f, -0.38889017701148987f, 0.0f, 0.42028042674064636f,
                  1.0507010221481323f, 2.6267526149749756f, 7.354907035827637f}},
        {"gelu", {-0.0008142015431076288f, -0.15865525603294373f, -0.10032341629266739f, 0.0f, 0.2621687054634094f,
                  0.8413447141647339f, 2.48447585105896f, 7.0f}},
        {"hard_sigmoid", {0.0f, 0.3333333432674408f, 0.4583333432674408f, 0.5f, 0.5666666626930237f, 0.6666666865348816f,
                          0.9166666865348816f, 1.0f}},
        {"hard_silu", {-0.0f, -0.3333333432674408f, -0.1145833358168602f, 0.0f, 0.2266666740179062f, 0.6666666865348816f,
                       2.2916667461395264f, 7.0f}},
        {"mish", {-0.10409577190876007f, -0.30340149998664856f, -0.12992697954177856f, 0.0f, 0.2890305519104004f,
                  0.8650984168052673f, 2.4713923931121826f, 6.999989032745361f}},
        {"softmax", {2.7077934646513313e-05f, 0.0003298768133390695f, 0.0006983492057770491f, 0.0008966980967670679f,
                     0.0013377164723351598f, 0.0024374781642109156f, 0.010924018919467926f, 0.9833488464355469f}},
        {"log_softmax", {-10.516791343688965f, -8.016791343688965f, -7.266791343688965f, -7.016791343688965f,
                         -6.616791248321533f, -6.016791343688965f, -4.516791343688965f, -0.016791317611932755f}},
    };
    for (const auto& [name, expected] : keras) {
        const Tensor y = load("Activation", {{"activation", name}})->forward(x, ExecContext{});
        for (size_t i = 0; i < expected.size(); ++i) {
            const float e = expected[i], a = y[static_cast<int64_t>(i)];
            const std::string what = name + "[" + std::to_string(i) + "]: engine " + std::to_string(a) + ", Keras " + std::to_string(e);
            // log_softmax near 0 is a difference of two larger numbers: its error is absolute.
            const float atol = name == "log_softmax" ? 1e-7f : 1e-9f;
            QVERIFY2(std::fabs(a - e) <= 4.0f * std::numeric_limits<float>::epsilon() * std::fabs(e) + atol, what.c_str());
        }
    }
    // Keras 3.15.1: keras.activations.sparsemax([[1, 0.5, -1]]) = [[0.25, 0, 0]] and
    // sparsemax([[0.3, -0.2, 0.9, 0.1]]) = [[0, 0, 0.35000002, 0]] (Keras's τ, see activations.h).
    QCOMPARE(values(load("Activation", {{"activation", "sparsemax"}})->forward(Tensor({1, 3}, {1.0f, 0.5f, -1.0f}), ExecContext{})),
             (std::vector<float>{0.25f, 0.0f, 0.0f}));
    QCOMPARE(values(load("Activation", {{"activation", "sparsemax"}})
                        ->forward(Tensor({1, 4}, {0.3f, -0.2f, 0.9f, 0.1f}), ExecContext{})),
             (std::vector<float>{0.0f, 0.0f, 0.35000002f, 0.0f}));
}

void TestActivationLayers::conv2dActivationLayerObject()
{
    // Keras 3.3 files write a Conv2D's activation as a whole serialized LeakyReLU (KERAS_FILES §1.4):
    // the convolution, then that layer.
    const json leaky = {{"module", "keras.layers"},
                        {"class_name", "LeakyReLU"},
                        {"config", {{"name", "leaky_re_lu"}, {"trainable", true}, {"dtype", "float32"}, {"negative_slope", 0.3}}},
                        {"registered_name", nullptr}};
    const json conv = {{"filters", 4}, {"kernel_size", {3, 3}}, {"padding", "same"}};
    json withObject = conv, linear = conv;
    withObject["activation"] = leaky;
    linear["activation"] = "linear";
    const auto a = load("Conv2D", withObject), b = load("Conv2D", linear);
    const Tensor x = test::randomTensor({1, 7, 5, 3}, 51);
    const Tensor expected = referenceMap(b->forward(x, ExecContext{}), [](double v) { return v > 0 ? v : 0.3 * v; });
    expectClose(a->forward(x, ExecContext{}), expected, "Conv2D + LeakyReLU object", 1e-7, 1e-6);
    QCOMPARE(a->config().at("activation"), leaky);
    const CellExplanation e = explainCell(*a, x, CellIndex{0, 3, 2, 1});
    QVERIFY2(std::fabs(e.value - a->forward(x, ExecContext{})[tensorOffset({1, 7, 5, 4}, CellIndex{0, 3, 2, 1})]) < 1e-5f,
             e.summary.c_str());
    QVERIFY2(contains(e.summary, "LeakyReLU"), e.summary.c_str());
    // A Softmax object over axis −1 is the "softmax" activation; other axes and classes are refused.
    json softmax = conv;
    softmax["activation"] = {{"class_name", "Softmax"}, {"config", {{"axis", -1}}}};
    json named = conv;
    named["activation"] = "softmax";
    expectClose(load("Conv2D", softmax)->forward(x, ExecContext{}), load("Conv2D", named)->forward(x, ExecContext{}),
                "Conv2D + Softmax object", 0, 0);
    softmax["activation"]["config"]["axis"] = 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Conv2D", softmax));
    json custom = conv;
    custom["activation"] = {{"class_name", "STCustomDoReFa"}, {"config", {{"k_bit", 8}}}};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("Conv2D", custom));
    json negative = conv;
    negative["activation"] = {{"class_name", "LeakyReLU"}, {"config", {{"negative_slope", -1}}}};
    QVERIFY(contains(layerError(*load("Conv2D", negative), {1, 7, 5, 3}), "negative_slope"));
}

void TestActivationLayers::explanationsAndRegions()
{
    // An element-wise cell reads its own input cell; the text carries the formula and numbers.
    const Tensor x({1, 2, 2, 2}, {-2.0f, 1.0f, 0.5f, -0.25f, 3.0f, -1.0f, 0.0f, 4.0f});
    const auto leaky = load("LeakyReLU", {{"negative_slope", 0.5}});
    const CellExplanation e = explainCell(*leaky, x, CellIndex{0, 0, 0, 0});
    QCOMPARE(e.cells.size(), size_t{1});
    QCOMPARE(e.cells[0].cell, (CellIndex{0, 0, 0, 0}));
    QCOMPARE(e.value, -1.0f);
    QVERIFY2(contains(e.summary, "negative_slope · x = 0.5 · (−2) = −1"), e.summary.c_str());
    // Rank 2: (b, c).
    const Tensor dense({3, 4}, {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12});
    const CellExplanation d = explainCell(*load("ReLU", json::object()), dense, CellIndex{2, 0, 0, 1});
    QCOMPARE(d.value, 0.0f);
    QCOMPARE(d.cells[0].value, -10.0f);
    // Softmax explains over its axis: every cell of the slice.
    const CellExplanation s = explainCell(*load("Softmax", {{"axis", 1}}), x, CellIndex{0, 1, 0, 1});
    QCOMPARE(s.cellCount, int64_t{2});
    QVERIFY2(contains(s.summary, "softmax over axis 1 (height)"), s.summary.c_str());
    // Region back mapping: identity for element-wise layers, the whole axis along a softmax axis.
    const std::vector<Interval> box{{0, 0}, {1, 1}, {0, 1}, {1, 1}};
    QCOMPARE(mapRegionBack(*leaky, x.shape(), box, box).clipped, box);
    const RegionMapping m = mapRegionBack(*load("Softmax", json::object()), x.shape(), box, box);
    QCOMPARE(m.clipped[3], (Interval{0, 1}));
    QCOMPARE(m.clipped[1], (Interval{1, 1}));
    // Step-through windows: one index each.
    const std::vector<AxisWindow> rows = spatialAxisWindows(*leaky, {1, 5, 3, 2}, 0);
    QCOMPARE(rows.size(), size_t{5});
    QCOMPARE(rows[3].clipped, (Interval{3, 3}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, spatialAxisWindows(*leaky, {4, 7}, 0));
    const std::vector<AxisWindow> softRows = spatialAxisWindows(*load("Softmax", {{"axis", 1}}), {1, 5, 3, 2}, 0);
    QCOMPARE(softRows[3].clipped, (Interval{0, 4}));
}

void TestActivationLayers::memoryGuardAndCancel()
{
    const Tensor x = test::randomTensor({1, 64, 64, 8}, 1);
    ExecContext tiny;
    tiny.memoryBudgetBytes = 1000;
    std::stop_source stop;
    stop.request_stop();
    ExecContext cancelled;
    cancelled.stop = stop.get_token();
    for (const char* cls : {"ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Activation"}) {
        const auto layer = load(cls, json::object());
        try {
            layer->forward(x, tiny);
            QFAIL((std::string(cls) + ": expected a memory budget error").c_str());
        } catch (const MemoryBudgetError& e) {
            QVERIFY2(contains(e.what(), cls) && contains(e.what(), "1×64×64×8"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(CancelledError, layer->forward(x, cancelled));
    }
    QVERIFY_THROWS_EXCEPTION(CancelledError, load("Softmax", {{"axis", 1}})->forward(x, cancelled));
}

QTEST_APPLESS_MAIN(TestActivationLayers)
#include "test_activation_layers.moc"
