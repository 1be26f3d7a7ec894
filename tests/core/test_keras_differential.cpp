// Real Keras as the judge. The CTest fixture keras.generate_cases runs tests/keras/generate.py in
// the Keras venv (scripts/keras-venv.sh), which writes one folder per case into the build tree:
// model.json (Keras's model.to_json() plus LayerScope's inline weights), input.npy and either
// expected.npy (Keras's model(x, training=False)) or error.txt (Keras's exception). Every case
// runs here through the real loader and engine:
//   - outputs: same shape, |a − e| ≤ atol + rtol·|e| with atol = rtol = 1e-5 unless the grid
//     states a looser tolerance and why (meta.json "why");
//   - errors: LayerScope refuses too (loading, shape inference and running), with a message that
//     contains Keras's essential text: meta.json "essential" when the grid names it, else Keras's
//     message up to its first "Received" (the arguments are spelled differently: Keras prints
//     `inputs.shape=[None 2 2 3]`, LayerScope the arithmetic) or Python set literal.
// A case whose class the registry does not know fails. The log ends with a table per class:
// cases, max |a − e|, max |a − e| / (1 + |e|) and max |a − e| / |e| (over |e| ≥ 1e-3).

#include "core/errors.h"
#include "core/io/atomic_file.h"
#include "core/io/npy.h"
#include "core/layer_registry.h"
#include "core/graph/graph_json.h"
#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"
#include "core/pipeline.h"
#include "test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

using namespace layerscope;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kCasesDir = LAYERSCOPE_KERAS_CASES_DIR;

const char* kSetupHint =
    "the Keras cases were not generated: set up the Keras venv with `bash scripts/keras-venv.sh "
    "build/keras-venv` (or configure -DLAYERSCOPE_KERAS_PYTHON=/path/to/python with keras 3.15.1 "
    "and tensorflow-cpu 2.21.0) and run ctest again (the keras.generate_cases fixture writes them)";

struct ClassStats {
    int outputs = 0, errors = 0, failed = 0;
    double maxAbs = 0, maxTolRel = 0, maxRel = 0;
};
std::map<std::string, ClassStats>& stats()
{
    static std::map<std::string, ClassStats> s;
    return s;
}

// Keras's message up to its first "Received" or Python set literal ("{'same', 'valid'}": a set's
// order changes with Python's string hashing from run to run), trailing spaces and punctuation
// dropped.
std::string essentialText(const json& meta, const std::string& kerasMessage)
{
    if (meta.contains("essential"))
        return meta.at("essential").get<std::string>();
    std::string text = kerasMessage;
    for (const char* cut : {"Received", "{'"}) {
        const size_t at = text.find(cut);
        if (at != std::string::npos && at > 0)
            text = text.substr(0, at);
    }
    while (!text.empty() && std::string(" \n.:,;").find(text.back()) != std::string::npos)
        text.pop_back();
    return text;
}

// The case's inputs: input.npy, or input_0.npy, input_1.npy, ... for several (and for graphs).
std::vector<TensorPtr> caseInputs(const fs::path& dir, int count, bool numbered = false)
{
    std::vector<TensorPtr> inputs;
    if (count == 1 && !numbered)
        inputs.push_back(std::make_shared<const Tensor>(readNpy(dir / "input.npy")));
    else
        for (int i = 0; i < count; ++i)
            inputs.push_back(std::make_shared<const Tensor>(readNpy(dir / ("input_" + std::to_string(i) + ".npy"))));
    return inputs;
}

std::optional<size_t> firstFailedNode(const GraphShapes& shapes)
{
    for (size_t i = 0; i < shapes.nodes.size(); ++i)
        if (shapes.nodes[i].status == NodeStatus::Failed || shapes.nodes[i].status == NodeStatus::Unsupported)
            return i;
    return std::nullopt;
}

// Adds one comparison's differences to `s`; returns the largest |a − e| (0 when bit-exact).
double accumulateDifferences(const Tensor& actual, const Tensor& expected, ClassStats& s)
{
    double caseMaxAbs = 0;
    if (actual.shape() != expected.shape())
        return caseMaxAbs; // compareTensors reports it
    for (int64_t i = 0; i < actual.size(); ++i) {
        const double a = actual[i], e = expected[i];
        const double diff = std::abs(a - e);
        if (std::isnan(diff)) {
            if (!(std::isnan(a) && std::isnan(e)))
                s.maxAbs = INFINITY;
            continue;
        }
        caseMaxAbs = std::max(caseMaxAbs, diff);
        s.maxAbs = std::max(s.maxAbs, diff);
        s.maxTolRel = std::max(s.maxTolRel, diff / (1.0 + std::abs(e)));
        if (std::abs(e) >= 1e-3)
            s.maxRel = std::max(s.maxRel, diff / std::abs(e));
    }
    return caseMaxAbs;
}

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

} // namespace

class TestKerasDifferential : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void everyEnabledClassIsRegisteredAndHasCases();
    void kerasCase_data();
    void kerasCase();
    void kerasGraph_data();
    void kerasGraph();
    void cleanupTestCase();
};

void TestKerasDifferential::initTestCase()
{
    const fs::path index = kCasesDir / "index.json";
    if (!fs::exists(index))
        QFAIL((std::string("no ") + index.string() + ": " + kSetupHint).c_str());
}

void TestKerasDifferential::everyEnabledClassIsRegisteredAndHasCases()
{
    const json index = json::parse(readTextFile(kCasesDir / "index.json"));
    qInfo("Keras %s, TensorFlow %s: %zu cases of %zu classes", index.at("versions").at("keras").get<std::string>().c_str(),
          index.at("versions").at("tensorflow").get<std::string>().c_str(), index.at("cases").size(),
          index.at("classes").size());
    QCOMPARE(index.at("versions").at("keras").get<std::string>(), std::string("3.15.1"));
    QCOMPARE(index.at("versions").at("tensorflow").get<std::string>(), std::string("2.21.0"));
    for (const auto& c : index.at("classes")) {
        const std::string name = c.get<std::string>();
        QVERIFY2(findLayerFactory(name) != nullptr,
                 ("tests/keras/enabled.py enables " + name + ", which the layer registry does not know").c_str());
        const bool hasCases = std::any_of(index.at("cases").begin(), index.at("cases").end(), [&](const json& n) {
            return n.get<std::string>().rfind(name + "__", 0) == 0;
        });
        QVERIFY2(hasCases, ("no generated case for " + name).c_str());
    }
}

void TestKerasDifferential::kerasCase_data()
{
    QTest::addColumn<QString>("directory");
    const fs::path index = kCasesDir / "index.json";
    if (!fs::exists(index))
        return; // initTestCase has failed with the setup hint
    const json parsed = json::parse(readTextFile(index));
    for (const auto& name : parsed.at("cases")) {
        const std::string n = name.get<std::string>();
        QTest::newRow(n.c_str()) << QString::fromStdString((kCasesDir / "cases" / n).string());
    }
}

void TestKerasDifferential::kerasCase()
{
    QFETCH(QString, directory);
    const fs::path dir = directory.toStdString();
    const json meta = json::parse(readTextFile(dir / "meta.json"));
    const std::string className = meta.at("class_name").get<std::string>();
    ClassStats& classStats = stats()[className];
    const bool isError = meta.at("kind") == "error";
    (isError ? classStats.errors : classStats.outputs)++;
    ++classStats.failed; // until the case has passed
    QVERIFY2(findLayerFactory(className) != nullptr,
             ("the layer registry does not know " + className + " (supported: " + supportedLayerClasses() + ")").c_str());

    // Every case goes through the model loader the app and the CLI use: a Sequential for one
    // input, a Functional model with two Inputs for a merge.
    const std::vector<TensorPtr> inputs = caseInputs(dir, meta.at("inputs").get<int>());
    std::vector<Shape> inputShapes;
    for (const TensorPtr& t : inputs)
        inputShapes.push_back(t->shape());
    const std::string modelJson = readTextFile(dir / "model.json");

    if (isError) {
        const std::string kerasMessage = trimmed(readTextFile(dir / "error.txt"));
        const std::string essential = essentialText(meta, kerasMessage);
        std::string message;
        try {
            const ModelGraph graph = parseModelJson(modelJson);
            const GraphShapes shapes = inferGraphShapes(graph, inputShapes);
            const std::optional<size_t> failed = firstFailedNode(shapes);
            if (!failed)
                QFAIL(("Keras raises \"" + kerasMessage + "\" but LayerScope accepts the case (output shape "
                       + shapeToString(shapes.nodes[graph.outputs.at(0)].shape->output) + ")").c_str());
            message = shapes.nodes[*failed].error;
            const GraphRunResult run = runGraph({&graph, inputs, {}, {}}, ExecContext{});
            QVERIFY2(!run.ok(), "shape inference refused the case but running did not");
            QCOMPARE(run.errors[*failed], message);
        } catch (const PipelineFormatError& e) {
            message = e.what();
        }
        qInfo("Keras:      %s\nLayerScope: %s", kerasMessage.c_str(), message.c_str());
        QVERIFY2(message.find(essential) != std::string::npos,
                 ("Keras's message \"" + kerasMessage + "\": LayerScope's must contain \"" + essential
                  + "\"; got \"" + message + "\"")
                     .c_str());
        --classStats.failed;
        return;
    }

    const double atol = meta.at("atol").get<double>();
    const double rtol = meta.at("rtol").get<double>();
    const Tensor expected = readNpy(dir / "expected.npy");
    TensorPtr output;
    try {
        const ModelGraph graph = parseModelJson(modelJson);
        const GraphRunResult run = runGraph({&graph, inputs, {}, {}}, ExecContext{});
        if (run.firstException)
            std::rethrow_exception(run.firstException);
        output = run.modelOutputs(graph).at(0);
    } catch (const std::exception& e) {
        QFAIL((std::string("Keras computes an output of shape ") + shapeToString(expected.shape())
               + " but LayerScope raises: " + e.what())
                  .c_str());
    }
    QVERIFY2(output, "the model output was not computed");
    const double caseMaxAbs = accumulateDifferences(*output, expected, classStats);
    if (caseMaxAbs > 0)
        qInfo("max |LayerScope - Keras| = %.3g (not bit-exact)", caseMaxAbs);
    const std::string mismatch = test::compareTensors(*output, expected, atol, rtol);
    QVERIFY2(mismatch.empty(), mismatch.c_str());
    --classStats.failed;
}

void TestKerasDifferential::kerasGraph_data()
{
    QTest::addColumn<QString>("directory");
    const fs::path index = kCasesDir / "index.json";
    if (!fs::exists(index))
        return; // initTestCase has failed with the setup hint
    const json parsed = json::parse(readTextFile(index));
    for (const auto& name : parsed.value("graphs", json::array())) {
        const std::string n = name.get<std::string>();
        QTest::newRow(n.c_str()) << QString::fromStdString((kCasesDir / "graphs" / n).string());
    }
}

// A random Keras graph (tests/keras/random_graphs.py): every node Keras recorded is compared with
// the node of the same name (ModelGraph::nodeName, "conv#1" for a shared layer's second call),
// and every model output with Keras's (a nested Sequential's output is its last inner layer's).
void TestKerasDifferential::kerasGraph()
{
    QFETCH(QString, directory);
    const fs::path dir = directory.toStdString();
    const json meta = json::parse(readTextFile(dir / "meta.json"));
    ClassStats& graphStats = stats()["(random graphs)"];
    ++graphStats.outputs;
    ++graphStats.failed;
    const ModelGraph graph = parseModelJson(readTextFile(dir / "model.json"));
    const std::vector<TensorPtr> inputs = caseInputs(dir, meta.at("inputs").get<int>(), /*numbered=*/true);
    const GraphRunResult run = runGraph({&graph, inputs, {}, {}}, ExecContext{});
    QVERIFY2(run.ok(), run.firstFailed ? run.errors[*run.firstFailed].c_str() : "not every node was computed");

    // Keras's value of every node it recorded (and of the model inputs), by LayerScope's node name.
    std::map<std::string, Tensor> keras;
    for (const auto& nodeName : meta.at("nodes"))
        keras.emplace(nodeName.get<std::string>(),
                      readNpy(dir / "nodes" / (nodeName.get<std::string>() + ".npy")));
    for (size_t i = 0; i < graph.inputs.size(); ++i)
        keras.emplace(graph.nodeName(graph.inputs[i]), *inputs[i]);

    // 1. Each layer alone: fed Keras's values of its inputs, it must give Keras's value of its
    //    output within the single-layer tolerance (1e-5 · (1 + |e|)).
    // 2. The whole graph from the model inputs: every node within kChainTolerance, because float32
    //    rounding differences (summation order in convolutions) compound through up to eight
    //    convolutions and merges in series (largest seen: 1.5e-5 after six convolutions).
    constexpr double kChainTolerance = 1e-4;
    int isolated = 0, chained = 0;
    for (size_t node = 0; node < graph.nodes.size(); ++node) {
        const auto own = keras.find(graph.nodeName(node));
        const GraphLayer& layer = graph.layerOf(node);
        if (own == keras.end() || !layer.layer)
            continue; // an input, or a nested model's call (its inner layers are the graph's nodes)
        const std::string name = graph.nodeName(node);
        std::vector<const Tensor*> producers;
        for (size_t p : graph.nodes[node].inputs) {
            const auto it = keras.find(graph.nodeName(p));
            if (it == keras.end()) {
                producers.clear();
                break;
            }
            producers.push_back(&it->second);
        }
        if (!producers.empty()) {
            const Tensor alone = layer.layer->forwardInputs(producers, ExecContext{});
            accumulateDifferences(alone, own->second, stats()["(graph nodes, alone)"]);
            const std::string mismatch = test::compareTensors(alone, own->second, 1e-5, 1e-5);
            QVERIFY2(mismatch.empty(), (name + " fed Keras's inputs: " + mismatch).c_str());
            ++isolated;
        }
        accumulateDifferences(*run.outputs[node], own->second, graphStats);
        const std::string mismatch =
            test::compareTensors(*run.outputs[node], own->second, kChainTolerance, kChainTolerance);
        QVERIFY2(mismatch.empty(), (name + " in the whole graph: " + mismatch).c_str());
        ++chained;
    }
    const std::vector<TensorPtr> outputs = run.modelOutputs(graph);
    QCOMPARE(outputs.size(), meta.at("outputs").size());
    for (size_t i = 0; i < outputs.size(); ++i) {
        const std::string name = meta.at("outputs")[i].get<std::string>();
        const Tensor& expected = keras.at(name);
        const std::string mismatch = test::compareTensors(*outputs[i], expected, kChainTolerance, kChainTolerance);
        QVERIFY2(mismatch.empty(), ("output " + name + ": " + mismatch).c_str());
    }
    QVERIFY2(chained >= static_cast<int>(meta.at("nodes").size()) / 2, "too few nodes matched by name");
    stats()["(graph nodes, alone)"].outputs += isolated;
    qInfo("%zu Keras nodes: %d compared in the whole graph, %d alone", meta.at("nodes").size(), chained, isolated);
    --graphStats.failed;
}

void TestKerasDifferential::cleanupTestCase()
{
    if (stats().empty())
        return;
    std::string table = "\nKeras differential cases (Keras 3.15.1 + TensorFlow 2.21.0 are the reference)\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-24s %7s %6s %6s %12s %14s %12s\n", "class", "outputs", "errors", "failed",
                  "max|a-e|", "max|a-e|/(1+|e|)", "max rel");
    table += line;
    ClassStats total;
    for (const auto& [name, s] : stats()) {
        std::snprintf(line, sizeof line, "%-24s %7d %6d %6d %12.3g %16.3g %12.3g\n", name.c_str(), s.outputs, s.errors,
                      s.failed, s.maxAbs, s.maxTolRel, s.maxRel);
        table += line;
        total.outputs += s.outputs;
        total.errors += s.errors;
        total.failed += s.failed;
        total.maxAbs = std::max(total.maxAbs, s.maxAbs);
        total.maxTolRel = std::max(total.maxTolRel, s.maxTolRel);
        total.maxRel = std::max(total.maxRel, s.maxRel);
    }
    std::snprintf(line, sizeof line, "%-24s %7d %6d %6d %12.3g %16.3g %12.3g", "all", total.outputs, total.errors,
                  total.failed, total.maxAbs, total.maxTolRel, total.maxRel);
    table += line;
    qInfo("%s", table.c_str());
}

QTEST_APPLESS_MAIN(TestKerasDifferential)
#include "test_keras_differential.moc"
