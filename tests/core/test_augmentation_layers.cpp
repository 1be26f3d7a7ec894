// The augmentation layers as Keras 3.15.1 (TF 2.21) runs them under model.predict: every one is
// the identity, RandomCrop included (predict returned the 1×4×5×2 input unchanged for
// RandomCrop(2, 3), RandomCrop(8, 9) and RandomCrop(3, 9)); their constructor checks with Keras's
// messages (typed in from Keras 3.15.1), the rank check, the memory guard and cancellation.

#include "core/explain/cell_explanation.h"
#include "core/layer_registry.h"
#include "core/layers/augmentation.h"
#include "test_support.h"

#include <QtTest>

using namespace layerscope;
using nlohmann::json;

namespace {

const char* const kClasses[] = {"RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
                                "RandomContrast", "RandomBrightness", "RandomCrop"};

std::unique_ptr<Layer> load(const std::string& className, json config)
{
    config["name"] = "aug";
    return findLayerFactory(className)->fromJson({{"class_name", className}, {"config", config}});
}

std::string layerError(const Layer& layer, const Shape& input)
{
    try {
        layer.inferShape(input);
    } catch (const LayerError& e) {
        return e.detail();
    }
    return {};
}

} // namespace

class TestAugmentationLayers : public QObject {
    Q_OBJECT

private slots:
    void identityAtInference();
    void configsRoundTrip();
    void factorChecks();
    void rankChecks();
    void guardAndCancel();
};

void TestAugmentationLayers::identityAtInference()
{
    for (const char* name : kClasses) {
        const std::unique_ptr<Layer> layer = findLayerFactory(name)->makeDefault("aug");
        for (const Shape& shape : {Shape{2, 9, 7, 3}, Shape{5, 4, 1}, Shape{1, 4, 5, 2}}) {
            const Tensor x = test::randomTensor(shape, 3);
            QVERIFY2(layer->forward(x, ExecContext{}) == x, name);
            QCOMPARE(layer->inferShape(shape).output, shape);
        }
        const Tensor x = test::randomTensor({1, 4, 5, 2}, 4);
        const CellExplanation e = explainCell(*layer, x, {0, 2, 3, 1});
        QCOMPARE(e.value, x.at(0, 2, 3, 1));
        QVERIFY2(e.summary.find("identity at inference") != std::string::npos, e.summary.c_str());
    }
    // RandomCrop keeps the input size at inference (Keras's symbolic shape would say (2, 3)).
    const auto crop = load("RandomCrop", {{"height", 2}, {"width", 3}, {"seed", 1}});
    QCOMPARE(crop->inferShape({1, 4, 5, 2}).output, (Shape{1, 4, 5, 2}));
    const auto larger = load("RandomCrop", {{"height", 8}, {"width", 9}});
    const Tensor x = test::randomTensor({1, 4, 5, 2}, 5);
    QCOMPARE(larger->forward(x, ExecContext{}), x);
}

void TestAugmentationLayers::configsRoundTrip()
{
    // Keras 3.15.1 get_config of RandomRotation(0.2, seed=3) (dtype and trainable aside).
    const json rotation = {{"data_format", "channels_last"}, {"factor", {-0.2, 0.2}}, {"fill_mode", "reflect"},
                           {"fill_value", 0.0}, {"interpolation", "bilinear"}, {"seed", 3}};
    json saved = load("RandomRotation", rotation)->config();
    for (auto it = rotation.begin(); it != rotation.end(); ++it)
        QCOMPARE(saved.at(it.key()), it.value());
    // Defaults fill what a config leaves out.
    const json flip = load("RandomFlip", json::object())->config();
    QCOMPARE(flip.at("mode"), json("horizontal_and_vertical"));
    QVERIFY(flip.at("seed").is_null());
    const json zoom = load("RandomZoom", {{"height_factor", -0.5}})->config();
    QVERIFY(zoom.at("width_factor").is_null());
    QCOMPARE(zoom.at("fill_mode"), json("reflect"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("RandomRotation", {{"fill_mode", 3}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load("RandomFlip", {{"data_format", "nhwc"}}));
}

void TestAugmentationLayers::factorChecks()
{
    auto message = [](const std::string& className, json config) { return layerError(*load(className, config), {1, 4, 5, 2}); };
    // Keras 3.15.1 constructor messages.
    QCOMPARE(message("RandomRotation", {{"factor", 2.0}}),
             std::string("The `factor` argument should be a number (or a list of two numbers) in the range [-1, 1]. "
                         "Received: factor=2.0"));
    QCOMPARE(message("RandomRotation", {{"factor", {0.3, -0.3}}}), std::string());
    QCOMPARE(message("RandomRotation", {{"fill_mode", "foo"}}),
             std::string("Unknown `fill_mode` foo. Expected of one ('reflect', 'wrap', 'constant', 'nearest')."));
    QCOMPARE(message("RandomRotation", {{"interpolation", "area"}}),
             std::string("Unknown `interpolation` area. Expected of one ('nearest', 'bilinear')."));
    QCOMPARE(message("RandomZoom", {{"height_factor", 1.5}}),
             std::string("The `height_factor` and `width_factor` arguments should be a number (or a list of two "
                         "numbers) in the range (-1.0, 1.0]. Received: input_number=1.5"));
    QCOMPARE(message("RandomZoom", {{"height_factor", 0.1}, {"width_factor", -1.2}}),
             std::string("The `height_factor` and `width_factor` arguments should be a number (or a list of two "
                         "numbers) in the range (-1.0, 1.0]. Received: input_number=-1.2"));
    QCOMPARE(message("RandomZoom", {{"height_factor", -1.0}}).find("Received: input_number=-1.0") != std::string::npos, true);
    QCOMPARE(message("RandomZoom", {{"height_factor", {0.5, -0.2}}}), std::string());
    QCOMPARE(message("RandomTranslation", {{"height_factor", 1.5}, {"width_factor", 0.1}}),
             std::string("The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "
                         "Received: input_number=1.5"));
    QCOMPARE(message("RandomTranslation", {{"height_factor", 0.1}, {"width_factor", -1.5}}),
             std::string("The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "
                         "Received: input_number=-1.5"));
    QCOMPARE(message("RandomContrast", {{"factor", 1.5}}),
             std::string("The `factor` argument should be a number (or a list of two numbers) in the range [0, 1]. "
                         "Received: factor=1.5"));
    QCOMPARE(message("RandomContrast", {{"factor", -0.5}}),
             std::string("The `factor` argument should be a number (or a list of two numbers) in the range [0, 1]. "
                         "Received: factor=-0.5"));
    QCOMPARE(message("RandomContrast", {{"factor", 1.0}}), std::string());
    QCOMPARE(message("RandomBrightness", {{"factor", 1.5}}),
             std::string("The `factor` argument should be a number (or a list of two numbers) in the range [-1, 1]. "
                         "Received: factor=1.5"));
    QCOMPARE(message("RandomBrightness", {{"factor", {0.5, -0.2}}}), std::string());
    QCOMPARE(message("RandomBrightness", {{"factor", 0.2}, {"value_range", {0, 1, 2}}}),
             std::string("The `value_range` argument should be a list of two numbers. Received: value_range=[0, 1, 2]"));
    // Keras checks nothing of RandomFlip's mode or RandomCrop's size.
    QCOMPARE(message("RandomFlip", {{"mode", "diag"}}), std::string());
    QCOMPARE(message("RandomCrop", {{"height", -3}, {"width", 4}}), std::string());
}

void TestAugmentationLayers::rankChecks()
{
    // Keras 3.15.1 call messages for a (3, 4) input.
    QCOMPARE(layerError(*load("RandomFlip", json::object()), {3, 4}),
             std::string("Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: "
                         "data.shape=(3, 4)"));
    QCOMPARE(layerError(*load("RandomContrast", {{"factor", 0.1}}), {3, 4}),
             std::string("Expected the input image to be rank 3 or 4. Received inputs.shape=(3, 4)"));
    QCOMPARE(layerError(*load("RandomBrightness", {{"factor", 0.1}}), {3}),
             std::string("Expected the input image to be rank 3 or 4. Received inputs.shape=(3,)"));
}

void TestAugmentationLayers::guardAndCancel()
{
    const Tensor x = test::randomTensor({1, 16, 16, 4}, 2);
    for (const char* name : kClasses) {
        const std::unique_ptr<Layer> layer = findLayerFactory(name)->makeDefault("aug");
        ExecContext tiny;
        tiny.memoryBudgetBytes = 64;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, layer->forward(x, tiny));
        std::stop_source stop;
        stop.request_stop();
        ExecContext cancelled;
        cancelled.stop = stop.get_token();
        QVERIFY_THROWS_EXCEPTION(CancelledError, layer->forward(x, cancelled));
    }
}

QTEST_APPLESS_MAIN(TestAugmentationLayers)
#include "test_augmentation_layers.moc"
