// The generated Keras script: valid Python (py_compile), the same layers with the same arguments,
// and the same Conv2D weights as the engine uses (explicit or the seeded defaults).

#include "core/codegen/keras_code.h"
#include "core/io/atomic_file.h"
#include "core/layers/conv2d.h"
#include "core/pipeline.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace layerscope;

namespace {

const char* kPipeline = R"({"class_name": "Sequential", "config": {"name": "demo", "layers": [
  {"class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 3]}},
  {"class_name": "Conv2D", "config": {"name": "edges", "filters": 2, "kernel_size": [1, 1], "padding": "same", "activation": "relu"},
   "weights": {"kernel": {"shape": [1, 1, 3, 2], "data": [0.5, -1.25, 2, 0.1, 3e-8, 7]}, "bias": {"shape": [2], "data": [0.25, -0.5]}}},
  {"class_name": "Conv2D", "config": {"name": "seeded", "filters": 3, "kernel_size": 3, "use_bias": false}},
  {"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": [2, 2], "strides": null, "padding": "same"}},
  {"class_name": "UpSampling2D", "config": {"name": "up", "size": [2, 2], "interpolation": "bilinear"}},
  {"class_name": "Resizing", "config": {"name": "resize", "height": 5, "width": 7, "interpolation": "bicubic", "crop_to_aspect_ratio": true}},
  {"class_name": "Tile", "config": {"name": "tile", "multiples": [1, 2, 1, 1]}},
  {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "keepdims": true}}
]}})";

std::vector<double> numbersIn(const QString& text)
{
    std::vector<double> values;
    static const QRegularExpression number(R"([-+]?\d+\.?\d*(?:[eE][-+]?\d+)?)");
    for (auto it = number.globalMatch(text); it.hasNext();)
        values.push_back(it.next().captured().toDouble());
    return values;
}

// The text between "kernel = np.array(" and ")" of the n-th weights block.
QString arrayAfter(const QString& script, const QString& marker, int occurrence)
{
    int at = -1;
    for (int i = 0; i <= occurrence; ++i)
        at = script.indexOf(marker, at + 1);
    if (at < 0)
        return {};
    const int start = at + marker.size();
    return script.mid(start, script.indexOf(']', start) - start + 1);
}

} // namespace

class TestKerasCode : public QObject {
    Q_OBJECT

private slots:
    void buildsEveryLayerWithItsArguments();
    void carriesTheEngineWeights();
    void isValidPython();
    void hugeOrInvalidKernelsAreNotWrittenOut();
    void cliWritesScript();
};

void TestKerasCode::buildsEveryLayerWithItsArguments()
{
    const Pipeline p = parsePipelineJson(kPipeline);
    const QString script = QString::fromStdString(generateKerasCode(p, {"cat.png", {1, 8, 8, 3}}));
    QVERIFY(script.contains("import keras"));
    QVERIFY(script.contains("class Tile(keras.layers.Layer):"));
    QVERIFY(script.contains("keras.ops.tile(x, self.multiples)"));
    QVERIFY(script.contains(
        R"(model.add(layers.AveragePooling2D(name="pool", data_format="channels_last", padding="same", pool_size=[2, 2], strides=None)))"));
    QVERIFY(!script.contains("kernel_initializer"));
    QVERIFY(script.contains(R"(layers.Resizing(name="resize")") && script.contains("interpolation=\"bicubic\"")
            && script.contains("crop_to_aspect_ratio=True"));
    QVERIFY(script.contains(R"(Tile(name="tile", multiples=[1, 2, 1, 1]))"));
    QVERIFY(script.contains(R"(layers.GlobalAveragePooling2D(name="gap", data_format="channels_last", keepdims=True))"));
    QVERIFY(script.contains("activation=\"relu\""));
    QVERIFY(script.contains("keras.utils.load_img(path, color_mode=\"rgb\")"));
    QVERIFY(script.contains("INPUT_PATH = \"cat.png\""));
    // Layers appear in pipeline order.
    int last = -1;
    for (const char* name : {"\"edges\"", "\"seeded\"", "\"pool\"", "\"up\"", "\"resize\"", "\"tile\"", "\"gap\""}) {
        const int at = script.indexOf(QString("name=") + name);
        QVERIFY2(at > last, name);
        last = at;
    }
    QVERIFY(QString::fromStdString(generateKerasCode(p, {"gray.png", {1, 8, 8, 1}})).contains("color_mode=\"grayscale\""));
}

void TestKerasCode::carriesTheEngineWeights()
{
    const Pipeline p = parsePipelineJson(kPipeline);
    const QString script = QString::fromStdString(generateKerasCode(p, {"cat.png", {1, 8, 8, 3}}));
    // Explicit weights, exactly (9 significant digits round-trip float32).
    const auto explicitKernel = numbersIn(arrayAfter(script, "kernel = np.array(", 0));
    const std::vector<float> expectedKernel{0.5f, -1.25f, 2.0f, 0.1f, 3e-8f, 7.0f};
    QCOMPARE(explicitKernel.size(), expectedKernel.size());
    for (size_t i = 0; i < expectedKernel.size(); ++i)
        QCOMPARE(static_cast<float>(explicitKernel[i]), expectedKernel[i]);
    QVERIFY(script.contains("reshape([1, 1, 3, 2])"));
    const auto bias = numbersIn(arrayAfter(script, "bias = np.array(", 0));
    QCOMPARE(bias, (std::vector<double>{0.25, -0.5}));
    QVERIFY(script.contains("model.get_layer(\"edges\").set_weights([kernel, bias])"));

    // The seeded default kernel of "seeded" (input has 2 channels after "edges"), no bias.
    const auto& seeded = dynamic_cast<const Conv2D&>(*p.layers[1]);
    const Conv2DWeights w = seeded.resolvedWeights(2);
    QCOMPARE(w.kernelShape, (Shape{3, 3, 2, 3}));
    const auto seededKernel = numbersIn(arrayAfter(script, "kernel = np.array(", 1));
    QCOMPARE(seededKernel.size(), w.kernel.size());
    for (size_t i = 0; i < w.kernel.size(); ++i)
        QCOMPARE(static_cast<float>(seededKernel[i]), w.kernel[i]);
    QVERIFY(script.contains("reshape([3, 3, 2, 3])"));
    QVERIFY(script.contains("model.get_layer(\"seeded\").set_weights([kernel])"));
}

void TestKerasCode::hugeOrInvalidKernelsAreNotWrittenOut()
{
    // Found by fuzz_pipeline_json: an absurd kernel size made the generator build the default
    // kernel (int64 overflow, then terabytes). An invalid layer gets no weights at all.
    const Pipeline invalid = parsePipelineJson(R"([{"class_name":"Conv2D","config":{"name":"c","filters":1,"kernel_size":3222222222}}])");
    const QString a = QString::fromStdString(generateKerasCode(invalid, {"x.png", {1, 8, 8, 3}}));
    QVERIFY(a.contains("layers.Conv2D(name=\"c\""));
    QVERIFY(!a.contains("get_layer(\"c\")"));
    // Valid but 64·64·3·5000 = 61 M default values: named in a comment instead of written out.
    const Pipeline huge = parsePipelineJson(
        R"([{"class_name":"Conv2D","config":{"name":"big","filters":5000,"kernel_size":64,"padding":"same"}}])");
    const QString b = QString::fromStdString(generateKerasCode(huge, {"x.png", {1, 64, 64, 3}}));
    QVERIFY(b.contains("# big: the default kernel is too large to write out"));
    QVERIFY(b.size() < 100000);
}

void TestKerasCode::isValidPython()
{
    const QString python = QStandardPaths::findExecutable("python3");
    if (python.isEmpty())
        QSKIP("python3 is not installed, so py_compile cannot run (scripts/install-deps.sh installs it)");
    QTemporaryDir dir;
    const QString path = dir.filePath("model.py");
    writeTextAtomically(path.toStdString(), generateKerasCode(parsePipelineJson(kPipeline), {"cat.png", {1, 8, 8, 3}}));
    QProcess process;
    process.start(python, {"-m", "py_compile", path});
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
}

void TestKerasCode::cliWritesScript()
{
    QTemporaryDir dir;
    writeTextAtomically(dir.filePath("p.json").toStdString(), kPipeline);
    QProcess process;
    process.start(LAYERSCOPE_CLI_PATH, {"export-keras", "--pipeline", dir.filePath("p.json"), "--input-shape", "1,8,8,3",
                                        "--output", dir.filePath("model.py")});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);
    QFile file(dir.filePath("model.py"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("def build_model(input_shape):"));
}

QTEST_APPLESS_MAIN(TestKerasCode)
#include "test_keras_code.moc"
