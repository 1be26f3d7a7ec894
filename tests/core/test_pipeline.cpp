// Pipeline files (Keras 3 JSON, tf.keras 2.x JSON, bare lists), shape chains, running, and the
// command line's contract (exit codes, messages, no partial output files).

#include "core/default_pipeline.h"
#include "core/io/atomic_file.h"
#include "core/io/npy.h"
#include "core/layers/average_pooling2d.h"
#include "core/pipeline.h"
#include "test_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include "cli_process.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace layerscope;
namespace fs = std::filesystem;

namespace {

const char* kTfKeras2 = R"({"class_name": "Sequential", "config": {"name": "old", "layers": [
  {"class_name": "AveragePooling2D", "config": {"name": "p", "trainable": true, "batch_input_shape": [null, 8, 8, 3],
   "dtype": "float32", "pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
  {"class_name": "UpSampling2D", "config": {"name": "u", "size": [2, 2], "data_format": "channels_last", "interpolation": "nearest"}}
]}, "keras_version": "2.15.0", "backend": "tensorflow"})";

const char* kBareList = R"([
  {"class_name": "AveragePooling2D", "config": {"pool_size": 2, "strides": null, "padding": "same"}},
  {"class_name": "GlobalAveragePooling2D", "config": {"keepdims": true}},
  {"class_name": "Tile", "config": {"multiples": [1, 3, 3, 1]}}
])";

using test::CliResult;
using test::runCli;

} // namespace

class TestPipeline : public QObject {
    Q_OBJECT

private slots:
    void loadsTfKeras2Json();
    void loadsBareListWithGeneratedNames();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void saveLoadRoundTrip();
    void chainStopsAtFirstError();
    void runReportsEveryLayerAndCancels();
    void defaultPipelineRunsOnSample();
    void cliRunWritesOutputs();
    void cliErrorsLeaveNoFile();
    void cliShapesAndBenchJson();
    void cliUsageErrors();
    void cliInspectListsEveryLayer();
    void cliRunsGraphModels();
};

void TestPipeline::loadsTfKeras2Json()
{
    const Pipeline p = parsePipelineJson(kTfKeras2);
    QCOMPARE(p.layers.size(), size_t(2));
    QCOMPARE(p.name, std::string("old"));
    QVERIFY(p.declaredInputShape);
    QCOMPARE(*p.declaredInputShape, (Shape{-1, 8, 8, 3}));
    const ChainShapes chain = inferChain(p, {1, 8, 8, 3});
    QVERIFY(chain.ok());
    QCOMPARE(chain.layers.back().output, (Shape{1, 8, 8, 3}));
}

void TestPipeline::loadsBareListWithGeneratedNames()
{
    const Pipeline p = parsePipelineJson(kBareList);
    QCOMPARE(p.layers.size(), size_t(3));
    QCOMPARE(p.layers[0]->name(), std::string("average_pooling2d"));
    QCOMPARE(p.layers[1]->name(), std::string("global_average_pooling2d"));
    const auto& pool = dynamic_cast<const AveragePooling2D&>(*p.layers[0]);
    QCOMPARE(pool.params().padding, Padding::Same);
    QCOMPARE(pool.params().effectiveStrides(), (std::array<int64_t, 2>{2, 2})); // null → pool size
    const ChainShapes chain = inferChain(p, {1, 5, 7, 2});
    QVERIFY2(chain.ok(), chain.error.c_str());
    QCOMPARE(chain.layers[0].output, (Shape{1, 3, 4, 2}));
    QCOMPARE(chain.layers[2].output, (Shape{1, 3, 3, 2}));
}

void TestPipeline::rejectsMalformedFiles_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("truncated") << R"({"class_name": "Sequential", "config": {"layers": [)" << "malformed JSON";
    QTest::newRow("not json") << "hello" << "malformed JSON";
    QTest::newRow("number") << "42" << "must be a JSON object";
    QTest::newRow("unknown class") << R"([{"class_name": "LSTM", "config": {"units": 3}}])"
                                   << "unknown layer class 'LSTM' (layer 1); supported: InputLayer, ";
    QTest::newRow("functional") << R"({"class_name": "Functional", "config": {}})" << "only Sequential";
    QTest::newRow("bad pool type") << R"([{"class_name": "AveragePooling2D", "config": {"name": "p1", "pool_size": "big"}}])"
                                   << "AveragePooling2D 'p1': The `pool_size` argument must be a tuple of 2 integers";
    QTest::newRow("bad padding") << R"([{"class_name": "AveragePooling2D", "config": {"name": "p1", "padding": "full"}}])"
                                 << "Argument `padding` must be either 'valid' or 'same'. Received: padding=full";
    // Keras 3.15 refuses an upper-case pooling padding when it builds the model (Conv2D
    // lowercases; pooling does not): found by the Keras differential suite.
    QTest::newRow("upper-case pooling padding") << R"([{"class_name": "AveragePooling2D", "config": {"name": "p1", "padding": "SAME"}}])"
                                 << "Argument `padding` must be either 'valid' or 'same'. Received: padding=SAME";
    QTest::newRow("bad data_format") << R"([{"class_name": "AveragePooling2D", "config": {"name": "p1", "data_format": "NHWC"}}])"
                                     << "Received: data_format=nhwc";
    QTest::newRow("no class") << R"([{"config": {}}])" << "class_name";
    QTest::newRow("tile strings") << R"([{"class_name": "Tile", "config": {"multiples": ["a"]}}])" << "`multiples` must be a list of integers";
}

void TestPipeline::rejectsMalformedFiles()
{
    QFETCH(QString, json);
    QFETCH(QString, messagePart);
    try {
        parsePipelineJson(json.toStdString());
        QFAIL("expected a PipelineFormatError");
    } catch (const PipelineFormatError& e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(messagePart), e.what());
    }
}

void TestPipeline::saveLoadRoundTrip()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "p.json";
    for (const Pipeline& original : {parsePipelineJson(kTfKeras2), parsePipelineJson(kBareList)}) {
        savePipelineFile(original, path);
        const Pipeline reloaded = loadPipelineFile(path);
        QVERIFY(reloaded == original);
        QCOMPARE(pipelineToJsonText(reloaded), pipelineToJsonText(original));
        // What we write is Keras 3's Sequential shape.
        const auto document = nlohmann::json::parse(readTextFile(path));
        QCOMPARE(document["class_name"].get<std::string>(), std::string("Sequential"));
        QVERIFY(document["config"]["layers"].is_array());
        // Keras built-ins have registered_name null; Tile, which Keras lacks, is a custom object
        // that model_from_json finds by its registered name (custom_objects={"Tile": ...}).
        for (const auto& layer : document["config"]["layers"]) {
            const std::string module = layer["module"].get<std::string>();
            if (module.rfind("keras", 0) == 0)
                QVERIFY(layer["registered_name"].is_null());
            else
                QCOMPARE(layer["registered_name"].get<std::string>(), layer["class_name"].get<std::string>());
        }
    }
    // Changing one parameter makes pipelines unequal.
    Pipeline a = parsePipelineJson(kBareList);
    Pipeline b = a;
    auto& pool = dynamic_cast<AveragePooling2D&>(*b.layers[0]);
    auto params = pool.params();
    params.poolSize = {3, 3};
    pool.setParams(params);
    QVERIFY(!(a == b));
}

void TestPipeline::chainStopsAtFirstError()
{
    const Pipeline p = parsePipelineJson(R"([
      {"class_name": "AveragePooling2D", "config": {"name": "pool1", "pool_size": 2}},
      {"class_name": "AveragePooling2D", "config": {"name": "pool2", "pool_size": 3}},
      {"class_name": "AveragePooling2D", "config": {"name": "pool3", "pool_size": 1}}])");
    const ChainShapes chain = inferChain(p, {1, 5, 5, 1});
    QVERIFY(!chain.ok());
    QCOMPARE(*chain.failedLayer, size_t(1));
    QCOMPARE(chain.layers.size(), size_t(1));
    QVERIFY2(chain.error.find("AveragePooling2D 'pool2': Computed output size would be zero or negative: ⌊(2 − 3) / 3⌋ + 1 = 0 rows")
                 == 0,
             chain.error.c_str());
    QVERIFY_THROWS_EXCEPTION(LayerError, runPipeline(p, Tensor({1, 5, 5, 1}), ExecContext{}));
}

void TestPipeline::runReportsEveryLayerAndCancels()
{
    const Pipeline p = parsePipelineJson(kBareList);
    std::vector<size_t> reported;
    const auto outputs = runPipeline(p, test::arangeTensor({1, 5, 7, 2}), ExecContext{},
                                     [&](size_t i, const Tensor& out, double ms) {
                                         reported.push_back(i);
                                         QVERIFY(ms >= 0);
                                         QVERIFY(out.size() > 0);
                                     });
    QCOMPARE(reported, (std::vector<size_t>{0, 1, 2}));
    QCOMPARE(outputs.size(), size_t(3));
    std::stop_source stop;
    ExecContext context;
    context.stop = stop.get_token();
    // Cancel after the first layer: the run stops between layers.
    QVERIFY_THROWS_EXCEPTION(CancelledError,
                             runPipeline(p, test::arangeTensor({1, 5, 7, 2}), context,
                                         [&](size_t, const Tensor&, double) { stop.request_stop(); }));
}

void TestPipeline::defaultPipelineRunsOnSample()
{
    const Pipeline p = defaultPipeline(3);
    const ChainShapes chain = inferChain(p, {1, 300, 451, 3});
    QVERIFY2(chain.ok(), chain.error.c_str());
    QCOMPARE(p.layers.size(), size_t(5));
    QCOMPARE(chain.layers[0].output, (Shape{1, 300, 451, 4}));
    QCOMPARE(chain.layers[1].output, (Shape{1, 150, 225, 4}));
}

void TestPipeline::cliRunWritesOutputs()
{
    QTemporaryDir dir;
    const fs::path d = dir.path().toStdString();
    writeTextAtomically(d / "p.json", kBareList);
    writeNpy(d / "in.npy", test::arangeTensor({1, 5, 7, 2}));
    const CliResult r = runCli({"run", "--pipeline", QString::fromStdString((d / "p.json").string()), "--input",
                                QString::fromStdString((d / "in.npy").string()), "--output",
                                QString::fromStdString((d / "out.npy").string()), "--outputs-dir",
                                QString::fromStdString((d / "layers").string())});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Tensor out = readNpy(d / "out.npy");
    const auto expected = runPipeline(parsePipelineJson(kBareList), test::arangeTensor({1, 5, 7, 2}), ExecContext{});
    QVERIFY(out == expected.back());
    QVERIFY(fs::exists(d / "layers" / "01_average_pooling2d.npy"));
    QVERIFY(fs::exists(d / "layers" / "03_tile.png"));
    QVERIFY(readNpy(d / "layers" / "02_global_average_pooling2d.npy") == expected[1]);
}

void TestPipeline::cliErrorsLeaveNoFile()
{
    QTemporaryDir dir;
    const fs::path d = dir.path().toStdString();
    writeTextAtomically(d / "bad.json", R"([{"class_name": "AveragePooling2D", "config": {"name": "pool1", "pool_size": 3}}])");
    writeNpy(d / "in.npy", test::arangeTensor({2, 5}));
    const CliResult r = runCli({"run", "--pipeline", QString::fromStdString((d / "bad.json").string()), "--input",
                                QString::fromStdString((d / "in.npy").string()), "--output",
                                QString::fromStdString((d / "out.npy").string())});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.startsWith("error: AveragePooling2D 'pool1': Computed output size would be zero or negative"), qPrintable(r.err));
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(!fs::exists(d / "out.npy"));
    QCOMPARE(std::distance(fs::directory_iterator(d), fs::directory_iterator()), 2); // no temporaries either

    // Missing and corrupt inputs are exit 1 with a message too.
    writeTextAtomically(d / "garbage.npy", "\x93NUMPY garbage");
    const CliResult corrupt = runCli({"run", "--pipeline", QString::fromStdString((d / "bad.json").string()), "--input",
                                      QString::fromStdString((d / "garbage.npy").string())});
    QCOMPARE(corrupt.exitCode, 1);
    QVERIFY(corrupt.err.startsWith("error: "));
    // The memory guard is reachable from the command line.
    writeTextAtomically(d / "tile.json", R"([{"class_name": "Tile", "config": {"name": "t", "multiples": [1, 4000, 4000, 1]}}])");
    const CliResult memory = runCli({"run", "--pipeline", QString::fromStdString((d / "tile.json").string()), "--input",
                                     QString::fromStdString((d / "in.npy").string()), "--max-memory", "64M",
                                     "--output", QString::fromStdString((d / "out.npy").string())});
    QCOMPARE(memory.exitCode, 1);
    QVERIFY2(memory.err.contains("Tile 't': the output of shape 1×8000×20000×1 needs") && memory.err.contains("memory budget of 64.00 MiB"),
             qPrintable(memory.err));
    QVERIFY(!fs::exists(d / "out.npy"));

    // So is the multiply-add limit: a 5×5 Conv2D with 8 filters over in.npy, limited to 1000.
    writeTextAtomically(d / "conv.json", R"([{"class_name": "Conv2D", "config": {"name": "c", "filters": 8, "kernel_size": [5, 5], "padding": "same"}}])");
    const CliResult work = runCli({"run", "--pipeline", QString::fromStdString((d / "conv.json").string()), "--input",
                                   QString::fromStdString((d / "in.npy").string()), "--max-multiply-adds", "1e3",
                                   "--output", QString::fromStdString((d / "out.npy").string())});
    QCOMPARE(work.exitCode, 1);
    QVERIFY2(work.err.startsWith("error: Conv2D 'c': ") && work.err.contains("5×5 kernel")
                 && work.err.contains("multiply-adds, more than this run's limit of 1e+03"),
             qPrintable(work.err));
    QVERIFY(!fs::exists(d / "out.npy"));
    const CliResult enough = runCli({"run", "--pipeline", QString::fromStdString((d / "conv.json").string()), "--input",
                                     QString::fromStdString((d / "in.npy").string()), "--max-multiply-adds", "1e12",
                                     "--output", QString::fromStdString((d / "out.npy").string())});
    QVERIFY2(enough.exitCode == 0, qPrintable(enough.err));
    QVERIFY(fs::exists(d / "out.npy"));
    const CliResult badLimit = runCli({"run", "--pipeline", QString::fromStdString((d / "conv.json").string()), "--input",
                                       QString::fromStdString((d / "in.npy").string()), "--max-multiply-adds", "lots"});
    QCOMPARE(badLimit.exitCode, 2);
    QVERIFY2(badLimit.err.contains("--max-multiply-adds must be a positive whole number"), qPrintable(badLimit.err));
}

void TestPipeline::cliShapesAndBenchJson()
{
    QTemporaryDir dir;
    const fs::path d = dir.path().toStdString();
    writeTextAtomically(d / "p.json", kBareList);
    const CliResult shapes = runCli({"shapes", "--pipeline", QString::fromStdString((d / "p.json").string()),
                                     "--input-shape", "1,5,7,2", "--json"});
    QVERIFY2(shapes.exitCode == 0, qPrintable(shapes.err));
    const auto s = nlohmann::json::parse(shapes.out.toStdString());
    QCOMPARE(s["layers"][0]["output_shape"].get<Shape>(), (Shape{1, 3, 4, 2}));
    QCOMPARE(s["layers"][0]["axes"][1]["arithmetic"].get<std::string>(),
             std::string("⌈5 / 2⌉ = 3; padding max(0, (3 − 1)·2 + 2 − 5) = 1 → 0 top / 1 bottom"));

    const CliResult text = runCli({"shapes", "--pipeline", QString::fromStdString((d / "p.json").string()), "--input-shape", "1,5,7,2"});
    QVERIFY(text.out.contains("width: ⌈7 / 2⌉ = 4"));

    const CliResult bench = runCli({"bench", "--pipeline", QString::fromStdString((d / "p.json").string()),
                                    "--input-shape", "1,16,16,3", "--repeat", "3", "--threads", "2", "--json"});
    QVERIFY2(bench.exitCode == 0, qPrintable(bench.err));
    const auto b = nlohmann::json::parse(bench.out.toStdString());
    QCOMPARE(b["threads"].get<int>(), 2);
    QCOMPARE(b["layers"].size(), size_t(3));
    for (const auto& l : b["layers"]) {
        QVERIFY(l.contains("name") && l.contains("class_name") && l.contains("output_shape"));
        QVERIFY(l["min_ms"].get<double>() <= l["median_ms"].get<double>());
    }
    QVERIFY(b.contains("total_median_ms"));
}

void TestPipeline::cliUsageErrors()
{
    QCOMPARE(runCli({"run"}).exitCode, 2);
    QCOMPARE(runCli({"shapes", "--pipeline", "x.json", "--input-shape", "1,a,3"}).exitCode, 2);
    QCOMPARE(runCli({"bench", "--bogus"}).exitCode, 2);
    for (const char* command : {"run", "shapes", "bench", "demo"}) {
        const CliResult help = runCli({command, "--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.startsWith("Usage: layerscope " + QString(command)));
    }
    const CliResult missing = runCli({"shapes", "--pipeline", "/nonexistent.json", "--input-shape", "1,4,4,1"});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("nonexistent.json"), qPrintable(missing.err));
}

namespace {

nlohmann::json graphFixture(const std::string& name)
{
    std::ifstream in(std::string(LAYERSCOPE_TEST_DATA_DIR) + "/graphs/" + name + ".json");
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
}

Tensor fixtureTensor(const nlohmann::json& object)
{
    return Tensor(object.at("shape").get<Shape>(), object.at("data").get<std::vector<float>>());
}

QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

} // namespace

void TestPipeline::cliInspectListsEveryLayer()
{
    QTemporaryDir dir;
    const fs::path d = dir.path().toStdString();
    nlohmann::json model = graphFixture("shared_two_outputs").at("model");
    // A layer LayerScope cannot run, fed by the diff branch.
    model["config"]["layers"].push_back(nlohmann::json::parse(R"({"class_name": "LSTM", "name": "dense",
        "config": {"name": "dense", "units": 4}, "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
        "config": {"keras_history": ["diff", 0, 0]}}], "kwargs": {}}]})"));
    writeTextAtomically(d / "m.json", model.dump());
    const CliResult r = runCli({"inspect", q(d / "m.json"), "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = nlohmann::json::parse(r.out.toStdString());
    QCOMPARE(j["inputs"].get<std::vector<std::string>>(), (std::vector<std::string>{"left", "right"}));
    QCOMPARE(j["outputs"].get<std::vector<std::string>>(), (std::vector<std::string>{"diff", "mini"}));
    std::map<std::string, nlohmann::json> layers;
    for (const auto& l : j["layers"])
        layers[l["name"].get<std::string>()] = l;
    QCOMPARE(layers.size(), size_t{8});
    const auto& conv = layers.at("shared_conv");
    QCOMPARE(conv["class_name"].get<std::string>(), std::string("Conv2D"));
    QCOMPARE(conv["params"].get<int>(), 3 * 3 * 2 * 3 + 3);
    QCOMPARE(conv["calls"].size(), size_t{2});
    QCOMPARE(conv["calls"][1]["inbound"].get<std::vector<std::string>>(), (std::vector<std::string>{"right"}));
    QCOMPARE(conv["output_shape"].get<Shape>(), (Shape{1, 5, 7, 3}));
    QVERIFY(conv["supported"].get<bool>());
    QCOMPARE(layers.at("avg")["inbound"].get<std::vector<std::string>>(),
             (std::vector<std::string>{"shared_conv", "shared_conv#1", "maxi"}));
    const auto& dense = layers.at("dense");
    QVERIFY(!dense["supported"].get<bool>());
    QVERIFY(dense["reason"].get<std::string>().find("LSTM") != std::string::npos);
    QVERIFY(dense["output_shape"].is_null());
    // Text form, and --model as well as the positional file.
    const CliResult text = runCli({"inspect", "--model", q(d / "m.json")});
    QVERIFY2(text.exitCode == 0, qPrintable(text.err));
    QVERIFY2(text.out.contains("UNSUPPORTED") && text.out.contains("called 2 times"), qPrintable(text.out));
    QCOMPARE(runCli({"inspect"}).exitCode, 2);
    QCOMPARE(runCli({"inspect", q(d / "missing.json")}).exitCode, 1);
}

void TestPipeline::cliRunsGraphModels()
{
    QTemporaryDir dir;
    const fs::path d = dir.path().toStdString();
    const nlohmann::json fixture = graphFixture("shared_two_outputs");
    writeTextAtomically(d / "m.json", fixture.at("model").dump());
    writeNpy(d / "a.npy", fixtureTensor(fixture.at("inputs")[0]));
    writeNpy(d / "b.npy", fixtureTensor(fixture.at("inputs")[1]));
    const CliResult r = runCli({"run", "--model", q(d / "m.json"), "--input", q(d / "a.npy"), "--input", q(d / "b.npy"),
                                "--output", q(d / "out.npy"), "--outputs-dir", q(d / "nodes")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // Every node, numbered in topological order, against Keras's own outputs.
    const std::vector<std::pair<std::string, std::string>> files = {
        {"00_left", ""}, {"01_right", ""}, {"02_shared_conv", "shared_conv"}, {"03_shared_conv_1", "shared_conv#1"},
        {"04_maxi", "maxi"}, {"05_diff", "diff"}, {"06_avg", "avg"}, {"07_mini", "mini"}};
    for (const auto& [stem, node] : files) {
        QVERIFY2(fs::exists(d / "nodes" / (stem + ".npy")) && fs::exists(d / "nodes" / (stem + ".png")), stem.c_str());
        if (node.empty())
            continue;
        const std::string diff = test::compareTensors(readNpy(d / "nodes" / (stem + ".npy")),
                                                      fixtureTensor(fixture.at("nodes").at(node)), 2e-5, 2e-5);
        QVERIFY2(diff.empty(), (stem + ": " + diff).c_str());
    }
    QVERIFY(readNpy(d / "out.npy") == readNpy(d / "nodes" / "05_diff.npy")); // the first model output
    // One input for a two-input model: exit 1 naming the inputs.
    const CliResult one = runCli({"run", "--model", q(d / "m.json"), "--input", q(d / "a.npy")});
    QCOMPARE(one.exitCode, 1);
    QVERIFY2(one.err.contains("2 input(s) (left, right)"), qPrintable(one.err));
    // shapes on a graph, several --input-shape.
    const CliResult shapes = runCli({"shapes", "--model", q(d / "m.json"), "--input-shape", "1,5,7,2", "--input-shape",
                                     "1,5,7,2", "--json"});
    QVERIFY2(shapes.exitCode == 0, qPrintable(shapes.err));
    const auto s = nlohmann::json::parse(shapes.out.toStdString());
    QCOMPARE(s["layers"].size(), size_t{6});
    QCOMPARE(s["layers"][2]["inbound"].get<std::vector<std::string>>(),
             (std::vector<std::string>{"shared_conv", "shared_conv#1"}));
    // An input the model does not declare: Keras's input check, exit 1.
    const CliResult declared = runCli({"shapes", "--model", q(d / "m.json"), "--input-shape", "1,5,7,2",
                                       "--input-shape", "1,4,7,2"});
    QCOMPARE(declared.exitCode, 1);
    QVERIFY2(declared.err.startsWith("error: Input 1 with name 'right' of layer 'siamese' is incompatible with the "
                                     "layer: expected shape=(None, 5, 7, 2), found shape=(1, 4, 7, 2)"),
             qPrintable(declared.err));
    // With free spatial sizes, a merge error is the node's Keras message, exit 1.
    nlohmann::json free = fixture.at("model");
    for (auto& layer : free["config"]["layers"])
        if (layer["class_name"] == "InputLayer")
            layer["config"]["batch_shape"] = nlohmann::json::parse("[null, null, null, 2]");
    writeTextAtomically(d / "free.json", free.dump());
    const CliResult bad = runCli({"shapes", "--model", q(d / "free.json"), "--input-shape", "1,5,7,2", "--input-shape",
                                  "1,4,7,2"});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.startsWith("error: Maximum 'maxi': Inputs have incompatible shapes. Received shapes (5, 7, 3) and (4, 7, 3)"),
             qPrintable(bad.err));
    // bench and export-keras accept graphs.
    const CliResult bench = runCli({"bench", "--model", q(d / "free.json"), "--input-shape", "1,8,8,2", "--input-shape",
                                    "1,8,8,2", "--repeat", "2", "--json"});
    QVERIFY2(bench.exitCode == 0, qPrintable(bench.err));
    QCOMPARE(nlohmann::json::parse(bench.out.toStdString())["layers"].size(), size_t{6});
    const CliResult code = runCli({"export-keras", "--model", q(d / "m.json")});
    QVERIFY2(code.exitCode == 0, qPrintable(code.err));
    QVERIFY(code.out.contains("keras.Model(inputs=[t0_left, t1_right]"));
    // An unsupported layer: what can run runs; the rest is noted.
    nlohmann::json model = fixture.at("model");
    model["config"]["layers"].push_back(nlohmann::json::parse(R"({"class_name": "LSTM", "name": "dense",
        "config": {"name": "dense", "units": 4}, "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
        "config": {"keras_history": ["mini", 0, 0]}}], "kwargs": {}}]})"));
    writeTextAtomically(d / "u.json", model.dump());
    const CliResult partial = runCli({"run", "--pipeline", q(d / "u.json"), "--input", q(d / "a.npy"), "--input",
                                      q(d / "b.npy"), "--outputs-dir", q(d / "partial")});
    QVERIFY2(partial.exitCode == 0, qPrintable(partial.err));
    QVERIFY(partial.err.contains("note: dense: LSTM 'dense' is not supported"));
    QVERIFY(fs::exists(d / "partial" / "07_mini.npy") && !fs::exists(d / "partial" / "08_dense.npy"));
}

QTEST_APPLESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
