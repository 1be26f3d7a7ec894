// The reverse direction of the Keras differential suite (test_keras_differential.cpp): what
// LayerScope writes must mean the same thing in real Keras (the venv of scripts/keras-venv.sh).
//   - savedPipelineLoadsInKeras: pipelineToJsonText of pipelines with inline weights loads with
//     keras.models.model_from_json + set_weights (tests/keras/run_saved_pipelines.py) and gives
//     the engine's output;
//   - exportedScriptRuns: the script `layerscope export-keras` writes (generateKerasCode) runs
//     under the venv's python and prints the engine's shapes and min / mean / max for every layer,
//     and its keras_output.npy equals the engine's final output.
// Tolerance as in the differential suite: |a − e| ≤ 1e-5·(1 + |e|); the printed statistics have
// 6 significant digits, so they are compared within 2e-5·(1 + |v|).

#include "core/codegen/graph_code.h"
#include "core/codegen/keras_code.h"
#include "core/graph/graph_json.h"
#include "core/graph/graph_run.h"
#include "core/io/atomic_file.h"
#include "core/io/npy.h"
#include "core/pipeline.h"
#include "core/pipeline_run.h"
#include "test_support.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace layerscope;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kPython = LAYERSCOPE_KERAS_PYTHON;

json weightEntry(const Shape& shape, uint32_t seed, float low = -1.0f, float high = 1.0f)
{
    const Tensor t = test::randomTensor(shape, seed, low, high);
    return {{"shape", shape}, {"data", std::vector<float>(t.data(), t.data() + t.size())}};
}

// Values in 0.5..1.5 (variances, scales).
json positiveEntry(const Shape& shape, uint32_t seed)
{
    return weightEntry(shape, seed, 0.5f, 1.5f);
}

json inputLayer(const Shape& shape)
{
    json batch = json::array({nullptr});
    for (size_t i = 1; i < shape.size(); ++i)
        batch.push_back(shape[i]);
    return {{"class_name", "InputLayer"}, {"config", {{"batch_shape", batch}, {"name", "input"}}}};
}

json sequential(const std::string& name, const Shape& input, std::vector<json> layers)
{
    json all = json::array({inputLayer(input)});
    for (json& l : layers)
        all.push_back(std::move(l));
    return {{"class_name", "Sequential"}, {"config", {{"name", name}, {"layers", all}}}};
}

struct Example {
    std::string name;
    Shape input;
    json model;
};

// Every existing class, with explicit weights where a layer has any.
std::vector<Example> examples(bool withDefaultWeights)
{
    std::vector<Example> list;
    list.push_back({"six_classes", {1, 9, 8, 3}, sequential("six_classes", {1, 9, 8, 3}, {
        {{"class_name", "Conv2D"},
         {"config", {{"name", "conv"}, {"filters", 4}, {"kernel_size", {3, 3}}, {"padding", "same"}, {"activation", "relu"}}},
         {"weights", {{"kernel", weightEntry({3, 3, 3, 4}, 11)}, {"bias", weightEntry({4}, 12)}}}},
        {{"class_name", "AveragePooling2D"},
         {"config", {{"name", "pool"}, {"pool_size", {2, 2}}, {"strides", nullptr}, {"padding", "same"}}}},
        {{"class_name", "UpSampling2D"}, {"config", {{"name", "up"}, {"size", {2, 2}}, {"interpolation", "bilinear"}}}},
        {{"class_name", "Resizing"},
         {"config", {{"name", "resize"}, {"height", 7}, {"width", 5}, {"interpolation", "bicubic"}, {"crop_to_aspect_ratio", true}}}},
        {{"class_name", "Tile"}, {"config", {{"name", "tile"}, {"multiples", {1, 2, 1, 1}}}}},
        {{"class_name", "GlobalAveragePooling2D"}, {"config", {{"name", "gap"}, {"keepdims", true}}}}})});
    list.push_back({"channels_first_groups", {1, 4, 10, 9}, sequential("channels_first_groups", {1, 4, 10, 9}, {
        {{"class_name", "Conv2D"},
         {"config", {{"name", "grouped"}, {"filters", 6}, {"kernel_size", {3, 3}}, {"strides", {2, 2}}, {"padding", "same"},
                     {"groups", 2}, {"data_format", "channels_first"}}},
         {"weights", {{"kernel", weightEntry({3, 3, 2, 6}, 21)}, {"bias", weightEntry({6}, 22)}}}},
        {{"class_name", "AveragePooling2D"},
         {"config", {{"name", "pool"}, {"pool_size", {2, 2}}, {"padding", "valid"}, {"data_format", "channels_first"}}}},
        {{"class_name", "Resizing"},
         {"config", {{"name", "resize"}, {"height", 5}, {"width", 6}, {"interpolation", "area"}, {"data_format", "channels_first"}}}}})});
    list.push_back({"dilated_lanczos", {2, 7, 6, 2}, sequential("dilated_lanczos", {2, 7, 6, 2}, {
        {{"class_name", "Conv2D"},
         {"config", {{"name", "dilated"}, {"filters", 3}, {"kernel_size", {3, 3}}, {"dilation_rate", {2, 2}}, {"use_bias", false}}},
         {"weights", {{"kernel", weightEntry({3, 3, 2, 3}, 31)}}}},
        {{"class_name", "UpSampling2D"}, {"config", {{"name", "up"}, {"size", {2, 3}}, {"interpolation", "nearest"}}}},
        {{"class_name", "Resizing"},
         {"config", {{"name", "resize"}, {"height", 4}, {"width", 9}, {"interpolation", "lanczos3"}, {"pad_to_aspect_ratio", true}}}},
        {{"class_name", "GlobalAveragePooling2D"}, {"config", {{"name", "gap"}}}}})});
    // The layers real CNNs use, each with its weights where it has any (Keras's variable names).
    list.push_back({"cnn_layers", {1, 10, 9, 3}, sequential("cnn_layers", {1, 10, 9, 3}, {
        {{"class_name", "Rescaling"}, {"config", {{"name", "scale"}, {"scale", 0.5}, {"offset", 0.1}}}},
        {{"class_name", "Normalization"}, {"config", {{"name", "norm"}, {"axis", -1}}},
         {"weights", {{"mean", weightEntry({3}, 40)}, {"variance", positiveEntry({3}, 41)},
                      {"count", {{"shape", json::array()}, {"data", {10.0}}}}}}},
        {{"class_name", "Conv2DTranspose"},
         {"config", {{"name", "up"}, {"filters", 4}, {"kernel_size", {3, 3}}, {"strides", {2, 2}}, {"padding", "same"}}},
         {"weights", {{"kernel", weightEntry({3, 3, 4, 3}, 42)}, {"bias", weightEntry({4}, 43)}}}},
        {{"class_name", "BatchNormalization"}, {"config", {{"name", "bn"}}},
         {"weights", {{"gamma", positiveEntry({4}, 44)}, {"beta", weightEntry({4}, 45)},
                      {"moving_mean", weightEntry({4}, 46)}, {"moving_variance", positiveEntry({4}, 47)}}}},
        {{"class_name", "PReLU"}, {"config", {{"name", "prelu"}}}, {"weights", {{"alpha", weightEntry({20, 18, 4}, 48)}}}},
        {{"class_name", "DepthwiseConv2D"},
         {"config", {{"name", "dw"}, {"kernel_size", {3, 3}}, {"depth_multiplier", 2}, {"padding", "same"}}},
         {"weights", {{"kernel", weightEntry({3, 3, 4, 2}, 49)}, {"bias", weightEntry({8}, 50)}}}},
        {{"class_name", "MaxPooling2D"}, {"config", {{"name", "max"}, {"pool_size", {2, 2}}, {"padding", "same"}}}},
        {{"class_name", "ZeroPadding2D"}, {"config", {{"name", "pad"}, {"padding", {{1, 0}, {0, 2}}}}}},
        {{"class_name", "Cropping2D"}, {"config", {{"name", "crop"}, {"cropping", {{0, 1}, {1, 0}}}}}},
        {{"class_name", "SeparableConv2D"}, {"config", {{"name", "sep"}, {"filters", 3}, {"kernel_size", {3, 3}}}},
         {"weights", {{"depthwise_kernel", weightEntry({3, 3, 8, 1}, 51)}, {"pointwise_kernel", weightEntry({1, 1, 8, 3}, 52)},
                      {"bias", weightEntry({3}, 53)}}}},
        {{"class_name", "LeakyReLU"}, {"config", {{"name", "leaky"}, {"negative_slope", 0.2}}}},
        {{"class_name", "ELU"}, {"config", {{"name", "elu"}}}},
        {{"class_name", "Permute"}, {"config", {{"name", "permute"}, {"dims", {2, 1, 3}}}}},
        {{"class_name", "Softmax"}, {"config", {{"name", "softmax"}}}},
        {{"class_name", "Activation"}, {"config", {{"name", "gelu"}, {"activation", "gelu"}}}},
        {{"class_name", "RandomFlip"}, {"config", {{"name", "flip"}}}},
        {{"class_name", "GlobalMaxPooling2D"}, {"config", {{"name", "gmp"}}}},
        {{"class_name", "Dense"}, {"config", {{"name", "dense"}, {"units", 5}}},
         {"weights", {{"kernel", weightEntry({3, 5}, 54)}, {"bias", weightEntry({5}, 55)}}}},
        {{"class_name", "Dropout"}, {"config", {{"name", "dropout"}, {"rate", 0.5}}}}})});
    if (withDefaultWeights)
        // No stored weights: the script must carry LayerScope's seeded default kernel.
        list.push_back({"default_weights", {1, 8, 8, 3}, sequential("default_weights", {1, 8, 8, 3}, {
            {{"class_name", "Conv2D"}, {"config", {{"name", "seeded"}, {"filters", 5}, {"kernel_size", 3}, {"padding", "same"}}}},
            {{"class_name", "AveragePooling2D"}, {"config", {{"name", "pool"}, {"pool_size", 3}, {"strides", 2}}}}})});
    return list;
}

QProcessEnvironment quietPython()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("TF_CPP_MIN_LOG_LEVEL", "3");
    env.insert("CUDA_VISIBLE_DEVICES", "");
    return env;
}

std::string pythonTuple(const Shape& shape)
{
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

bool closeEnough(double a, double e, double tolerance)
{
    return std::abs(a - e) <= tolerance * (1.0 + std::abs(e));
}

} // namespace

class TestKerasReverse : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void savedPipelineLoadsInKeras();
    void exportedScriptRuns_data();
    void exportedScriptRuns();
    void savedGraphLoadsInKerasAndItsScriptRuns();
};

void TestKerasReverse::initTestCase()
{
    if (!fs::exists(kPython))
        QFAIL((std::string("the Keras venv's python ") + kPython
               + " does not exist: set it up with `bash scripts/keras-venv.sh build/keras-venv` "
                 "(or configure -DLAYERSCOPE_KERAS_PYTHON=...)")
                  .c_str());
}

void TestKerasReverse::savedPipelineLoadsInKeras()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QStringList arguments{QString(LAYERSCOPE_KERAS_TESTS_DIR) + "/run_saved_pipelines.py"};
    std::vector<std::pair<fs::path, Tensor>> engineOutputs;
    uint32_t seed = 100;
    for (const Example& example : examples(false)) {
        const fs::path dir = fs::path(tmp.path().toStdString()) / example.name;
        fs::create_directories(dir);
        const Pipeline pipeline = parsePipelineJson(example.model.dump());
        // What LayerScope saves (File → Save, save_pipeline), not the JSON written above.
        writeTextAtomically(dir / "model.json", pipelineToJsonText(pipeline));
        const Tensor input = test::randomTensor(example.input, seed++, -1.0f, 1.0f);
        writeNpy(dir / "input.npy", input);
        const auto outputs = runWholePipeline(pipeline, std::make_shared<const Tensor>(input), ExecContext{});
        engineOutputs.emplace_back(dir, *outputs.back());
        arguments << QString::fromStdString(dir.string());
    }
    QProcess process;
    process.setProcessEnvironment(quietPython());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(kPython, arguments);
    QVERIFY(process.waitForFinished(240000));
    const QByteArray log = process.readAll();
    qInfo("%s", log.constData());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, log.constData());
    for (const auto& [dir, expected] : engineOutputs) {
        const Tensor keras = readNpy(dir / "keras_output.npy");
        const std::string mismatch = test::compareTensors(expected, keras, 1e-5, 1e-5);
        QVERIFY2(mismatch.empty(), (dir.filename().string() + ": " + mismatch).c_str());
    }
}

void TestKerasReverse::exportedScriptRuns_data()
{
    QTest::addColumn<QString>("name");
    for (const Example& example : examples(true))
        QTest::newRow(example.name.c_str()) << QString::fromStdString(example.name);
}

void TestKerasReverse::exportedScriptRuns()
{
    QFETCH(QString, name);
    Example example;
    for (Example& e : examples(true))
        if (e.name == name.toStdString())
            example = std::move(e);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path dir = tmp.path().toStdString();
    const Pipeline pipeline = parsePipelineJson(example.model.dump());
    const Tensor input = test::randomTensor(example.input, 7, -1.0f, 1.0f);
    writeNpy(dir / "input.npy", input);
    writeTextAtomically(dir / "model.py", generateKerasCode(pipeline, {"input.npy", example.input}));
    const auto outputs = runWholePipeline(pipeline, std::make_shared<const Tensor>(input), ExecContext{});

    QProcess process;
    process.setProcessEnvironment(quietPython());
    process.setWorkingDirectory(tmp.path());
    process.start(kPython, {"model.py", "input.npy"});
    QVERIFY(process.waitForFinished(240000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    const QByteArray err = process.readAllStandardError();
    qInfo("%s", out.toUtf8().constData());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, err.constData());

    // "name  Class  (1, 9, 8, 4)  min  mean  max", one line for the input and one per layer.
    static const QRegularExpression row(R"(^(\S+)\s.*?(\([0-9, ]*\))\s+(\S+)\s+(\S+)\s+(\S+)\s*$)");
    std::vector<QRegularExpressionMatch> rows;
    for (const QString& line : out.split('\n')) {
        const auto m = row.match(line);
        if (m.hasMatch())
            rows.push_back(m);
    }
    QCOMPARE(rows.size(), pipeline.layers.size() + 1);
    for (size_t i = 0; i < rows.size(); ++i) {
        const Tensor& t = i == 0 ? input : *outputs[i - 1];
        const std::string label = i == 0 ? "input" : pipeline.layers[i - 1]->name();
        QCOMPARE(rows[i].captured(1).toStdString(), label);
        QCOMPARE(rows[i].captured(2).toStdString(), pythonTuple(t.shape()));
        double lo = INFINITY, hi = -INFINITY, sum = 0;
        for (int64_t k = 0; k < t.size(); ++k) {
            lo = std::min<double>(lo, t[k]);
            hi = std::max<double>(hi, t[k]);
            sum += t[k];
        }
        const double mean = sum / static_cast<double>(t.size());
        const double printed[3] = {rows[i].captured(3).toDouble(), rows[i].captured(4).toDouble(), rows[i].captured(5).toDouble()};
        const double engine[3] = {lo, mean, hi};
        for (int s = 0; s < 3; ++s)
            QVERIFY2(closeEnough(printed[s], engine[s], 2e-5),
                     (label + ": Keras prints " + std::to_string(printed[s]) + ", the engine has " + std::to_string(engine[s]))
                         .c_str());
    }
    const Tensor keras = readNpy(dir / "keras_output.npy");
    const std::string mismatch = test::compareTensors(*outputs.back(), keras, 1e-5, 1e-5);
    QVERIFY2(mismatch.empty(), mismatch.c_str());
}

// A Functional model (squeeze-and-excitation: a broadcast Multiply of a GAP → Dense gate, a
// residual Add): LayerScope's Keras 3 JSON (export-keras --json) loads with model_from_json and
// gives the engine's output, and the functional-API script (export-keras) saves every node's
// output equal to the engine's node by node.
void TestKerasReverse::savedGraphLoadsInKerasAndItsScriptRuns()
{
    const json fixture = json::parse(readTextFile(fs::path(LAYERSCOPE_SOURCE_DIR) / "tests/data/graphs/squeeze_excitation.json"));
    const ModelGraph graph = parseModelJsonDocument(fixture.at("model"));
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path dir = tmp.path().toStdString();
    std::vector<TensorPtr> inputs;
    for (size_t i = 0; i < graph.inputs.size(); ++i) {
        Shape shape = graph.layerOf(graph.inputs[i]).declaredShape;
        shape[0] = 1;
        inputs.push_back(std::make_shared<const Tensor>(test::randomTensor(shape, 60 + static_cast<uint32_t>(i))));
        writeNpy(dir / ("input_" + std::to_string(i) + ".npy"), *inputs.back());
    }
    const GraphRunResult run = runGraph({&graph, inputs, {}, {}}, ExecContext{});
    QVERIFY(run.ok());

    // 1. The saved JSON in Keras.
    writeTextAtomically(dir / "model.json", graphToKerasJsonText(graph));
    QProcess load;
    load.setProcessEnvironment(quietPython());
    load.setProcessChannelMode(QProcess::MergedChannels);
    load.start(kPython, {QString(LAYERSCOPE_KERAS_TESTS_DIR) + "/run_saved_pipelines.py", QString::fromStdString(dir.string())});
    QVERIFY(load.waitForFinished(240000));
    const QByteArray log = load.readAll();
    QVERIFY2(load.exitStatus() == QProcess::NormalExit && load.exitCode() == 0, log.constData());
    const std::vector<TensorPtr> outputs = run.modelOutputs(graph);
    QCOMPARE(outputs.size(), size_t{1});
    const std::string mismatch = test::compareTensors(*outputs[0], readNpy(dir / "keras_output.npy"), 1e-5, 1e-5);
    QVERIFY2(mismatch.empty(), mismatch.c_str());

    // 2. The exported functional-API script.
    GraphKerasCodeOptions options;
    for (size_t i = 0; i < inputs.size(); ++i)
        options.inputPaths.push_back("input_" + std::to_string(i) + ".npy");
    writeTextAtomically(dir / "model.py", generateGraphKerasCode(graph, options));
    QProcess script;
    script.setProcessEnvironment(quietPython());
    script.setWorkingDirectory(tmp.path());
    script.start(kPython, {"model.py"});
    QVERIFY(script.waitForFinished(240000));
    const QByteArray err = script.readAllStandardError();
    QVERIFY2(script.exitStatus() == QProcess::NormalExit && script.exitCode() == 0, err.constData());
    int compared = 0;
    for (const auto& entry : fs::directory_iterator(dir / "keras_outputs")) {
        // NN_<node>.npy, NN = the node's topological index.
        const size_t node = std::stoul(entry.path().filename().string().substr(0, 2));
        QVERIFY(node < graph.nodes.size() && run.outputs[node]);
        const std::string m = test::compareTensors(*run.outputs[node], readNpy(entry.path()), 1e-5, 1e-5);
        QVERIFY2(m.empty(), (entry.path().filename().string() + ": " + m).c_str());
        ++compared;
    }
    QCOMPARE(compared, static_cast<int>(graph.nodes.size()));
}

QTEST_APPLESS_MAIN(TestKerasReverse)
#include "test_keras_reverse.moc"
