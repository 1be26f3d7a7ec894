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
#include <QtTest>

#include <filesystem>

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

struct CliResult {
    int exitCode;
    QString out;
    QString err;
};

CliResult runCli(const QStringList& arguments)
{
    QProcess process;
    process.start(LAYERSCOPE_CLI_PATH, arguments);
    process.waitForFinished(120000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

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
    QTest::newRow("unknown class") << R"([{"class_name": "Dense", "config": {"units": 3}}])"
                                   << "unknown layer class 'Dense' (layer 1); supported: InputLayer, AveragePooling2D";
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

QTEST_APPLESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
