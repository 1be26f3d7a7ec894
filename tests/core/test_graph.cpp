// Model graphs: parsing Keras 3 and tf.keras 2 Functional JSON, Sequential, nested models and the
// pipeline file; running them (node outputs against Keras's own outputs saved by
// scripts/make_graph_fixtures.py, and against values computed here by plain loops); downstream-
// only re-runs; unsupported layers; shape errors; serialisation round trip; receptive fields
// over branches; functional-API code generation.

#include "core/codegen/graph_code.h"
#include "core/graph/graph_json.h"
#include "core/graph/graph_receptive_field.h"
#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"
#include "core/graph/model_file.h"
#include "core/layer_registry.h"
#include "core/pipeline.h"
#include "test_support.h"

#include <QtTest>

#include <fstream>
#include <random>
#include <sstream>

using namespace layerscope;
using nlohmann::json;

namespace {

json readJson(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return json::parse(s.str());
}

Tensor tensorFrom(const json& object)
{
    return Tensor(object.at("shape").get<Shape>(), object.at("data").get<std::vector<float>>());
}

TensorPtr shared(Tensor t) { return std::make_shared<const Tensor>(std::move(t)); }

std::optional<size_t> nodeNamed(const ModelGraph& g, const std::string& name)
{
    for (size_t i = 0; i < g.nodes.size(); ++i)
        if (g.nodeName(i) == name)
            return i;
    return std::nullopt;
}

GraphRunResult runAll(const ModelGraph& g, const std::vector<TensorPtr>& inputs)
{
    GraphRunRequest request;
    request.graph = &g;
    request.inputs = inputs;
    return runGraph(request, ExecContext{});
}

// ---- Keras 3 JSON written by hand ----

json kTensor(const std::string& layer, int node = 0)
{
    return {{"class_name", "__keras_tensor__"},
            {"config", {{"shape", nullptr}, {"dtype", "float32"}, {"keras_history", {layer, node, 0}}}}};
}

json kLayer(const std::string& cls, json config, const std::string& name, json inbound)
{
    config["name"] = name;
    return {{"module", "keras.layers"}, {"class_name", cls}, {"config", config}, {"registered_name", nullptr},
            {"name", name}, {"inbound_nodes", inbound}};
}

json kCall(json args) { return {{"args", args}, {"kwargs", json::object()}}; }

json kInput(const std::string& name, Shape batchShape)
{
    json shape = json::array();
    for (int64_t d : batchShape)
        shape.push_back(d < 0 ? json() : json(d));
    return kLayer("InputLayer", {{"batch_shape", shape}, {"dtype", "float32"}}, name, json::array());
}

json functional(const std::string& name, json layers, json inputs, json outputs)
{
    return {{"module", "keras.src.models.functional"}, {"class_name", "Functional"},
            {"config", {{"name", name}, {"trainable", true}, {"layers", layers}, {"input_layers", inputs},
                        {"output_layers", outputs}}},
            {"registered_name", "Functional"}};
}

json conv1x1(const std::string& name, int inC, int outC, const std::vector<float>& kernel, const std::vector<float>& bias,
             json inbound, const std::string& activation = "linear")
{
    json layer = kLayer("Conv2D",
                        {{"filters", outC}, {"kernel_size", {1, 1}}, {"strides", {1, 1}}, {"padding", "valid"},
                         {"data_format", "channels_last"}, {"dilation_rate", {1, 1}}, {"groups", 1},
                         {"activation", activation}, {"use_bias", true}},
                        name, inbound);
    layer["weights"] = {{"kernel", {{"shape", {1, 1, inC, outC}}, {"data", kernel}}},
                        {"bias", {{"shape", {outC}}, {"data", bias}}}};
    return layer;
}

// ---- plain loops ----

Tensor naiveGlobalMean(const Tensor& x) // (B, H, W, C) → (B, 1, 1, C)
{
    Tensor out({x.dim(0), 1, 1, x.dim(3)});
    for (int64_t b = 0; b < x.dim(0); ++b)
        for (int64_t c = 0; c < x.dim(3); ++c) {
            double s = 0;
            for (int64_t y = 0; y < x.dim(1); ++y)
                for (int64_t i = 0; i < x.dim(2); ++i)
                    s += x.at(b, y, i, c);
            out.at(b, 0, 0, c) = static_cast<float>(s / static_cast<double>(x.dim(1) * x.dim(2)));
        }
    return out;
}

Tensor naiveConv1x1(const Tensor& x, int outC, const std::vector<float>& k, const std::vector<float>& bias)
{
    Tensor out({x.dim(0), x.dim(1), x.dim(2), outC});
    for (int64_t b = 0; b < x.dim(0); ++b)
        for (int64_t y = 0; y < x.dim(1); ++y)
            for (int64_t i = 0; i < x.dim(2); ++i)
                for (int64_t o = 0; o < outC; ++o) {
                    double s = bias[static_cast<size_t>(o)];
                    for (int64_t c = 0; c < x.dim(3); ++c)
                        s += static_cast<double>(x.at(b, y, i, c)) * k[static_cast<size_t>(c * outC + o)];
                    out.at(b, y, i, o) = static_cast<float>(s);
                }
    return out;
}

Tensor naivePool2(const Tensor& x) // 2×2 valid average pooling
{
    Tensor out({x.dim(0), x.dim(1) / 2, x.dim(2) / 2, x.dim(3)});
    for (int64_t b = 0; b < out.dim(0); ++b)
        for (int64_t y = 0; y < out.dim(1); ++y)
            for (int64_t i = 0; i < out.dim(2); ++i)
                for (int64_t c = 0; c < out.dim(3); ++c)
                    out.at(b, y, i, c) = (x.at(b, 2 * y, 2 * i, c) + x.at(b, 2 * y, 2 * i + 1, c)
                                          + x.at(b, 2 * y + 1, 2 * i, c) + x.at(b, 2 * y + 1, 2 * i + 1, c))
                                       / 4.0f;
    return out;
}

const std::vector<float> kSeKernel{0.5f, -1.0f, 0.25f, 2.0f, 0.0f, -0.5f, 1.0f, 1.5f, 0.75f};
const std::vector<float> kSeBias{0.1f, -0.2f, 0.3f};

// Squeeze-and-excitation-like: GlobalAveragePooling2D (keepdims) → Conv2D 1×1 → Multiply with the
// main branch.
json seModel()
{
    return functional(
        "se",
        {kInput("image", {-1, 5, 4, 3}),
         kLayer("GlobalAveragePooling2D", {{"keepdims", true}, {"data_format", "channels_last"}}, "squeeze",
                {kCall({kTensor("image")})}),
         conv1x1("excite", 3, 3, kSeKernel, kSeBias, {kCall({kTensor("squeeze")})}),
         kLayer("Multiply", json::object(), "scale", {kCall({{kTensor("image"), kTensor("excite")}})})},
        {{"image", 0, 0}}, {{"scale", 0, 0}});
}

Tensor seExpected(const Tensor& x)
{
    const Tensor e = naiveConv1x1(naiveGlobalMean(x), 3, kSeKernel, kSeBias);
    Tensor out(x.shape());
    for (int64_t y = 0; y < x.dim(1); ++y)
        for (int64_t i = 0; i < x.dim(2); ++i)
            for (int64_t c = 0; c < 3; ++c)
                out.at(0, y, i, c) = x.at(0, y, i, c) * e.at(0, 0, 0, c);
    return out;
}

// The same model as tf.keras 2.x writes it: nested-list inbound_nodes, batch_input_shape.
const char* kSeTfKeras2 = R"({"class_name": "Functional", "config": {"name": "se", "layers": [
 {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 4, 3], "dtype": "float32", "sparse": false,
  "ragged": false, "name": "image"}, "name": "image", "inbound_nodes": []},
 {"class_name": "GlobalAveragePooling2D", "config": {"name": "squeeze", "trainable": true, "dtype": "float32",
  "data_format": "channels_last", "keepdims": true}, "name": "squeeze", "inbound_nodes": [[["image", 0, 0, {}]]]},
 {"class_name": "Conv2D", "config": {"name": "excite", "trainable": true, "dtype": "float32", "filters": 3,
  "kernel_size": [1, 1], "strides": [1, 1], "padding": "valid", "data_format": "channels_last",
  "dilation_rate": [1, 1], "groups": 1, "activation": "linear", "use_bias": true},
  "weights": {"kernel": {"shape": [1, 1, 3, 3], "data": [0.5, -1.0, 0.25, 2.0, 0.0, -0.5, 1.0, 1.5, 0.75]},
              "bias": {"shape": [3], "data": [0.1, -0.2, 0.3]}},
  "name": "excite", "inbound_nodes": [[["squeeze", 0, 0, {}]]]},
 {"class_name": "Multiply", "config": {"name": "scale", "trainable": true, "dtype": "float32"}, "name": "scale",
  "inbound_nodes": [[["image", 0, 0, {}], ["excite", 0, 0, {}]]]}],
 "input_layers": [["image", 0, 0]], "output_layers": [["scale", 0, 0]]},
 "keras_version": "2.15.0", "backend": "tensorflow"})";

// tf.keras 2.15 with a nested Sequential: references to it count its own node as 0 (index 1 =
// first outer call), inside inbound_nodes too.
const char* kNestedTfKeras2 = R"({"class_name": "Functional", "config": {"name": "outer", "layers": [
 {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 6, 2], "name": "x"}, "name": "x",
  "inbound_nodes": []},
 {"class_name": "Sequential", "config": {"name": "seq", "layers": [
   {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 6, 2], "name": "seq_input"}},
   {"class_name": "AveragePooling2D", "config": {"name": "p", "pool_size": [2, 2], "strides": [2, 2],
    "padding": "valid", "data_format": "channels_last"}}]},
  "name": "seq", "inbound_nodes": [[["x", 0, 0, {}]]]},
 {"class_name": "Add", "config": {"name": "twice"}, "name": "twice",
  "inbound_nodes": [[["seq", 1, 0, {}], ["seq", 1, 0, {}]]]}],
 "input_layers": [["x", 0, 0]], "output_layers": [["twice", 0, 0]]}})";

} // namespace

class TestGraph : public QObject {
    Q_OBJECT
private slots:
    void kerasFixturesMatchKerasOutputs();
    void keras3SqueezeExcitationByHand();
    void tfKeras2FormsParseAndRun();
    void pspLikeBranchesAndSharedLayerWithTwoOutputs();
    void rerunComputesOnlyDownstream();
    void unsupportedLayersAreKept();
    void shapeErrorsBlockOnlyDownstream();
    void serialisationRoundTrips();
    void pipelineFileBecomesLinearGraph();
    void receptiveFieldIsUnionOverBranches();
    void brokenGraphsAreRejected();
    void kerasCodeBuildsTheGraph();
    void memoryBudgetAndCancellation();
    void damagedFilesFailWithFormatErrors();
    void functionalInputsAreCheckedAsKerasDoes();
};

void TestGraph::kerasFixturesMatchKerasOutputs()
{
    for (const char* name :
         {"squeeze_excitation", "pspnet_like", "shared_two_outputs", "nested_sequential", "nested_functional"}) {
        const json fixture = readJson(std::string(LAYERSCOPE_TEST_DATA_DIR) + "/graphs/" + name + ".json");
        const ModelGraph g = parseModelJsonDocument(fixture.at("model"));
        std::vector<TensorPtr> inputs;
        for (const json& x : fixture.at("inputs"))
            inputs.push_back(shared(tensorFrom(x)));
        const GraphRunResult r = runAll(g, inputs);
        QVERIFY2(r.ok(), name);
        int compared = 0;
        for (auto it = fixture.at("nodes").begin(); it != fixture.at("nodes").end(); ++it) {
            std::string node = it.key();
            if (fixture.at("aliases").contains(node))
                node = fixture.at("aliases").at(node).get<std::string>();
            const std::optional<size_t> index = nodeNamed(g, node);
            QVERIFY2(index, (std::string(name) + ": no node " + node).c_str());
            const std::string diff = test::compareTensors(*r.outputs[*index], tensorFrom(it.value()), 2e-5, 2e-5);
            QVERIFY2(diff.empty(), (std::string(name) + " " + node + ": " + diff).c_str());
            ++compared;
        }
        QVERIFY(compared >= 3);
        // The model outputs are the nodes Keras returns (the nested model's second call included).
        const json& outputRefs = fixture.at("model").at("config").at("output_layers");
        for (size_t k = 0; k < g.outputs.size() && !outputRefs.at(0).is_string(); ++k) {
            std::string expectedNode = outputRefs[k][0].get<std::string>();
            if (expectedNode == "encoder")
                expectedNode = "enc_conv#1"; // ["encoder", 2, 0]: the second call (its built-in node is 0)
            QCOMPARE(g.nodeName(g.outputs[k]), expectedNode);
        }
        const json& outputs = fixture.at("model").at("config").at("output_layers");
        QCOMPARE(g.outputs.size(), outputs.at(0).is_string() ? size_t{1} : outputs.size());
    }
}

void TestGraph::keras3SqueezeExcitationByHand()
{
    const ModelGraph g = parseModelJsonDocument(seModel());
    QCOMPARE(g.nodes.size(), size_t{4});
    QCOMPARE(g.inputs, (std::vector<size_t>{0}));
    QCOMPARE(g.layerOf(g.outputs.at(0)).name, std::string("scale"));
    const size_t scale = *nodeNamed(g, "scale");
    QCOMPARE(g.nodes[scale].inputs, (std::vector<size_t>{*nodeNamed(g, "image"), *nodeNamed(g, "excite")}));
    const Tensor x = test::randomTensor({1, 5, 4, 3}, 17);
    const GraphRunResult r = runAll(g, {shared(x)});
    QVERIFY(r.ok());
    QVERIFY(test::compareTensors(*r.outputs[*nodeNamed(g, "squeeze")], naiveGlobalMean(x), 1e-6, 1e-6).empty());
    const std::string diff = test::compareTensors(*r.outputs[scale], seExpected(x), 1e-5, 1e-5);
    QVERIFY2(diff.empty(), diff.c_str());
    // Shapes with explanations, per node.
    const GraphShapes shapes = inferGraphShapes(g, {x.shape()});
    QVERIFY(shapes.ok());
    QCOMPARE(shapes.nodes[scale].shape->output, x.shape());
    QCOMPARE(shapes.nodes[scale].shape->axes[1].rule, std::string("broadcast"));
}

void TestGraph::tfKeras2FormsParseAndRun()
{
    const ModelGraph legacy = parseModelJson(kSeTfKeras2);
    const ModelGraph modern = parseModelJsonDocument(seModel());
    QCOMPARE(legacy.nodes, modern.nodes);
    QCOMPARE(legacy.layerOf(0).declaredShape, (Shape{-1, 5, 4, 3}));
    const Tensor x = test::randomTensor({1, 5, 4, 3}, 23);
    const GraphRunResult r = runAll(legacy, {shared(x)});
    QVERIFY(r.ok());
    QVERIFY(test::compareTensors(*r.modelOutputs(legacy)[0], seExpected(x), 1e-5, 1e-5).empty());

    // Nested Sequential in tf.keras 2.15 form: inlined, its InputLayer dropped, node index 1 → call 0.
    const ModelGraph nested = parseModelJson(kNestedTfKeras2);
    QCOMPARE(nested.nodes.size(), size_t{3});
    QCOMPARE(nested.nodeName(1), std::string("p"));
    QCOMPARE(nested.nodes[2].inputs, (std::vector<size_t>{1, 1}));
    const Tensor y = test::randomTensor({1, 4, 6, 2}, 29);
    const GraphRunResult n = runAll(nested, {shared(y)});
    QVERIFY(n.ok());
    Tensor expected = naivePool2(y);
    for (int64_t i = 0; i < expected.size(); ++i)
        expected[i] = expected[i] + expected[i];
    QVERIFY(test::compareTensors(*n.outputs[2], expected, 0, 0).empty());

    // Keras 2.0-style flat node reference and a Model class name.
    json flat = json::parse(kNestedTfKeras2);
    flat["class_name"] = "Model";
    flat["config"]["layers"][2]["inbound_nodes"] = json::parse(R"([["seq", 1, 0, {}]])");
    const ModelGraph single = parseModelJsonDocument(flat);
    QCOMPARE(single.nodes[2].inputs, (std::vector<size_t>{1}));
}

void TestGraph::pspLikeBranchesAndSharedLayerWithTwoOutputs()
{
    // PSPNet-like: a pooled branch upsampled back and concatenated with the input.
    const json psp = functional(
        "psp",
        {kInput("image", {-1, 6, 4, 2}),
         kLayer("AveragePooling2D", {{"pool_size", {2, 2}}, {"strides", {2, 2}}, {"padding", "valid"}}, "pool",
                {kCall({kTensor("image")})}),
         kLayer("UpSampling2D", {{"size", {2, 2}}, {"interpolation", "nearest"}}, "up", {kCall({kTensor("pool")})}),
         kLayer("Concatenate", {{"axis", -1}}, "concat", {kCall({{kTensor("image"), kTensor("up")}})})},
        {{"image", 0, 0}}, {{"concat", 0, 0}});
    const ModelGraph g = parseModelJsonDocument(psp);
    const Tensor x = test::randomTensor({1, 6, 4, 2}, 31);
    const GraphRunResult r = runAll(g, {shared(x)});
    QVERIFY(r.ok());
    const Tensor pooled = naivePool2(x);
    Tensor expected({1, 6, 4, 4});
    for (int64_t y = 0; y < 6; ++y)
        for (int64_t i = 0; i < 4; ++i)
            for (int64_t c = 0; c < 2; ++c) {
                expected.at(0, y, i, c) = x.at(0, y, i, c);
                expected.at(0, y, i, 2 + c) = pooled.at(0, y / 2, i / 2, c);
            }
    QVERIFY(test::compareTensors(*r.outputs[*nodeNamed(g, "concat")], expected, 0, 0).empty());

    // One Conv2D called on two inputs (one set of weights), two model outputs.
    const std::vector<float> k{1.0f, -2.0f, 0.5f, 3.0f}, bias{0.25f, -1.0f};
    const json siamese = functional(
        "siamese",
        {kInput("a", {-1, 3, 3, 2}), kInput("b", {-1, 3, 3, 2}),
         conv1x1("shared", 2, 2, k, bias, {kCall({kTensor("a")}), kCall({kTensor("b")})}),
         kLayer("Add", json::object(), "sum", {kCall({{kTensor("shared", 0), kTensor("shared", 1)}})}),
         kLayer("Subtract", json::object(), "diff", {kCall({{kTensor("shared", 0), kTensor("b")}})})},
        {{"a", 0, 0}, {"b", 0, 0}}, {{"sum", 0, 0}, {"diff", 0, 0}});
    const ModelGraph s = parseModelJsonDocument(siamese);
    QCOMPARE(s.layers.size(), size_t{5});
    QCOMPARE(s.nodes.size(), size_t{6});
    QCOMPARE(s.nodesOfLayer(*s.findLayer("shared")).size(), size_t{2});
    QCOMPARE(s.nodeName(*nodeNamed(s, "shared#1")), std::string("shared#1"));
    QCOMPARE(s.outputs.size(), size_t{2});
    const Tensor a = test::randomTensor({1, 3, 3, 2}, 37), b = test::randomTensor({1, 3, 3, 2}, 41);
    const GraphRunResult rs = runAll(s, {shared(a), shared(b)});
    QVERIFY(rs.ok());
    const Tensor ca = naiveConv1x1(a, 2, k, bias), cb = naiveConv1x1(b, 2, k, bias);
    Tensor sum(ca.shape()), diff(ca.shape());
    for (int64_t i = 0; i < ca.size(); ++i) {
        sum[i] = ca[i] + cb[i];
        diff[i] = ca[i] - b[i];
    }
    const std::vector<TensorPtr> outs = rs.modelOutputs(s);
    QVERIFY(test::compareTensors(*outs[0], sum, 1e-5, 1e-5).empty());
    QVERIFY(test::compareTensors(*outs[1], diff, 1e-5, 1e-5).empty());
    // A shared layer's change reaches every call.
    const std::vector<bool> down = s.downstreamOfLayer(*s.findLayer("shared"));
    QVERIFY(down[*nodeNamed(s, "sum")] && down[*nodeNamed(s, "diff")] && !down[*nodeNamed(s, "a")]);
}

void TestGraph::rerunComputesOnlyDownstream()
{
    const json fixture = readJson(std::string(LAYERSCOPE_TEST_DATA_DIR) + "/graphs/pspnet_like.json");
    ModelGraph g = parseModelJsonDocument(fixture.at("model"));
    const std::vector<TensorPtr> inputs{shared(tensorFrom(fixture.at("inputs")[0]))};
    const GraphRunResult first = runAll(g, inputs);
    QVERIFY(first.ok());
    // Change pool_conv's weights (a new layer object with an edited kernel).
    const size_t layer = *g.findLayer("pool_conv");
    json object = {{"class_name", "Conv2D"}, {"config", g.layers[layer].layer->config()}};
    object.update(g.layers[layer].layer->extras());
    for (json& v : object["weights"]["kernel"]["data"])
        v = v.get<double>() * 2.0;
    g.layers[layer].layer = std::shared_ptr<const Layer>(findLayerFactory("Conv2D")->fromJson(object));
    const size_t changed = g.nodesOfLayer(layer).front();
    std::vector<size_t> computedNodes;
    GraphRunCallbacks callbacks;
    callbacks.nodeDone = [&](size_t node, const TensorPtr&, double) { computedNodes.push_back(node); };
    const GraphRunResult second = rerunDownstream(g, inputs, first.outputs, changed, ExecContext{}, callbacks);
    QVERIFY(second.ok());
    const std::vector<bool> downstream = g.downstreamOf({changed});
    const GraphRunResult fresh = runAll(g, inputs);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const std::string what = g.nodeName(i);
        if (downstream[i]) {
            QVERIFY2(second.outputs[i] != first.outputs[i], what.c_str());
            QVERIFY2(second.computed[i], what.c_str());
            QVERIFY2(*second.outputs[i] == *fresh.outputs[i], what.c_str());
        } else {
            QVERIFY2(second.outputs[i] == first.outputs[i], what.c_str()); // the same tensor object
            QVERIFY2(!second.computed[i], what.c_str());
        }
    }
    QVERIFY(!downstream[*nodeNamed(g, "features")] && !downstream[*nodeNamed(g, "global")]);
    QVERIFY(downstream[*nodeNamed(g, "up")] && downstream[*nodeNamed(g, "stack_rows")]);
    QCOMPARE(computedNodes.size(), static_cast<size_t>(std::count(downstream.begin(), downstream.end(), true)));
}

void TestGraph::unsupportedLayersAreKept()
{
    json model = seModel();
    // A class LayerScope does not have, on a side branch, feeding a merge; and a Lambda.
    model["config"]["layers"].push_back(kLayer("LSTM", {{"units", 3}}, "dense", {kCall({kTensor("image")})}));
    model["config"]["layers"].push_back(
        kLayer("Add", json::object(), "after_dense", {kCall({{kTensor("dense"), kTensor("image")}})}));
    model["config"]["layers"].push_back(kLayer("Lambda", {{"function", {{"class_name", "__lambda__"}}}}, "lam",
                                               {kCall({kTensor("scale")})}));
    model["config"]["output_layers"] = {{"scale", 0, 0}, {"after_dense", 0, 0}, {"lam", 0, 0}};
    const ModelGraph g = parseModelJsonDocument(model);
    const size_t dense = *g.findLayer("dense");
    QVERIFY(!g.layers[dense].supported());
    QCOMPARE(g.layers[dense].unsupported->className, std::string("LSTM"));
    QCOMPARE(g.layers[dense].unsupported->object.at("config").at("units").get<int>(), 3);
    QVERIFY(g.layers[*g.findLayer("lam")].unsupported->reason.find("code-carrying") != std::string::npos);
    const Tensor x = test::randomTensor({1, 5, 4, 3}, 43);
    const GraphRunResult r = runAll(g, {shared(x)});
    QVERIFY(!r.ok());
    QVERIFY(!r.firstFailed); // unsupported is not a layer error
    QVERIFY(r.outputs[*nodeNamed(g, "scale")]); // the supported path ran
    QVERIFY(test::compareTensors(*r.outputs[*nodeNamed(g, "scale")], seExpected(x), 1e-5, 1e-5).empty());
    QVERIFY(!r.outputs[*nodeNamed(g, "dense")]);
    QVERIFY(r.errors[*nodeNamed(g, "dense")].find("not supported") != std::string::npos);
    QVERIFY(!r.outputs[*nodeNamed(g, "after_dense")]);
    QVERIFY2(r.errors[*nodeNamed(g, "after_dense")].find("not computed: dense") == 0,
             r.errors[*nodeNamed(g, "after_dense")].c_str());
    const GraphShapes shapes = inferGraphShapes(g, {x.shape()});
    QCOMPARE(shapes.nodes[*nodeNamed(g, "dense")].status, NodeStatus::Unsupported);
    QCOMPARE(shapes.nodes[*nodeNamed(g, "after_dense")].status, NodeStatus::Blocked);
    QCOMPARE(*shapes.nodes[*nodeNamed(g, "after_dense")].blockedBy, *nodeNamed(g, "dense"));
    QCOMPARE(shapes.nodes[*nodeNamed(g, "scale")].status, NodeStatus::Ok);
    // A known class with a config the engine rejects is unsupported too, with the reason.
    json bad = seModel();
    bad["config"]["layers"][1]["config"]["data_format"] = "channels_middle";
    const ModelGraph b = parseModelJsonDocument(bad);
    QVERIFY(b.layers[1].unsupported && b.layers[1].unsupported->reason.find("config") != std::string::npos);
}

void TestGraph::shapeErrorsBlockOnlyDownstream()
{
    json model = seModel();
    // A 2×2 pooled branch added to the full-size input: Keras's merge error on that node only.
    model["config"]["layers"].push_back(kLayer("AveragePooling2D", {{"pool_size", {2, 2}}}, "half",
                                               {kCall({kTensor("image")})}));
    model["config"]["layers"].push_back(
        kLayer("Add", json::object(), "bad_add", {kCall({{kTensor("image"), kTensor("half")}})}));
    model["config"]["layers"].push_back(kLayer("UpSampling2D", {{"size", {2, 2}}}, "after", {kCall({kTensor("bad_add")})}));
    model["config"]["output_layers"] = {{"scale", 0, 0}, {"after", 0, 0}};
    const ModelGraph g = parseModelJsonDocument(model);
    const GraphShapes shapes = inferGraphShapes(g, {{1, 5, 4, 3}});
    const size_t bad = *nodeNamed(g, "bad_add");
    QCOMPARE(shapes.nodes[bad].status, NodeStatus::Failed);
    QCOMPARE(shapes.nodes[bad].error,
             std::string("Add 'bad_add': Inputs have incompatible shapes. Received shapes (5, 4, 3) and (2, 2, 3)"));
    QCOMPARE(shapes.nodes[*nodeNamed(g, "after")].status, NodeStatus::Blocked);
    QVERIFY(!shapes.nodes[*nodeNamed(g, "after")].shape);
    QCOMPARE(shapes.nodes[*nodeNamed(g, "scale")].status, NodeStatus::Ok);
    const GraphRunResult r = runAll(g, {shared(test::randomTensor({1, 5, 4, 3}, 47))});
    QCOMPARE(*r.firstFailed, bad);
    QCOMPARE(r.errors[bad], shapes.nodes[bad].error);
    QVERIFY(r.outputs[*nodeNamed(g, "scale")]);
    QVERIFY(!r.outputs[*nodeNamed(g, "after")]);
}

void TestGraph::serialisationRoundTrips()
{
    for (const char* name :
         {"squeeze_excitation", "pspnet_like", "shared_two_outputs", "nested_sequential", "nested_functional"}) {
        const json fixture = readJson(std::string(LAYERSCOPE_TEST_DATA_DIR) + "/graphs/" + name + ".json");
        const ModelGraph g = parseModelJsonDocument(fixture.at("model"));
        const json written = graphToKerasJson(g);
        QCOMPARE(written.at("class_name").get<std::string>(), std::string("Functional"));
        const ModelGraph again = parseModelJson(graphToKerasJsonText(g));
        QVERIFY2(again == g, name);
        QVERIFY(parseModelJsonDocument(graphToKerasJson(again)) == g);
    }
    // Unsupported layers come back as they were read; dict outputs keep their keys.
    json model = seModel();
    model["config"]["layers"].push_back(kLayer("LSTM", {{"units", 3}}, "dense", {kCall({kTensor("image")})}));
    model["config"]["output_layers"] = {{"main", {"scale", 0, 0}}, {"side", {"dense", 0, 0}}};
    const ModelGraph g = parseModelJsonDocument(model);
    QCOMPARE(g.outputNames.size(), size_t{2});
    const ModelGraph again = parseModelJsonDocument(graphToKerasJson(g));
    QVERIFY(again == g);
    QCOMPARE(again.outputNames, g.outputNames);
    QCOMPARE(again.layers[*again.findLayer("dense")].unsupported->object.at("config").at("units").get<int>(), 3);
}

void TestGraph::pipelineFileBecomesLinearGraph()
{
    const std::string text = R"([{"class_name": "AveragePooling2D", "config": {"pool_size": [2, 2]}},
                                  {"class_name": "UpSampling2D", "config": {"size": [2, 2]}}])";
    const ModelGraph g = parseModelJson(text);
    QCOMPARE(g.nodes.size(), size_t{3});
    QVERIFY(g.layerOf(0).isInput());
    QCOMPARE(g.nodeName(1), std::string("average_pooling2d"));
    QCOMPARE(g.outputs, (std::vector<size_t>{2}));
    const std::optional<Pipeline> p = pipelineFromGraph(g);
    QVERIFY(p);
    QVERIFY(*p == parsePipelineJson(text));
    QVERIFY(graphFromPipeline(*p) == g);
    // A tf.keras 2 Sequential with batch_input_shape on the first layer.
    const ModelGraph s = parseModelJson(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "AveragePooling2D", "config": {"name": "p", "batch_input_shape": [null, 8, 8, 3]}}]}})");
    QCOMPARE(s.layerOf(0).declaredShape, (Shape{-1, 8, 8, 3}));
    QVERIFY(!pipelineFromGraph(parseModelJsonDocument(seModel())));
    // A Functional model nested first in a Sequential (transfer learning): inlined, the input
    // shape taken from its InputLayer.
    json outer = {{"class_name", "Sequential"},
                  {"config", {{"name", "transfer"}, {"layers", {seModel(), {{"class_name", "UpSampling2D"},
                                                                            {"config", {{"name", "head"}}}}}}}}};
    const ModelGraph t = parseModelJsonDocument(outer);
    QCOMPARE(t.layerOf(0).declaredShape, (Shape{-1, 5, 4, 3}));
    QCOMPARE(t.nodes.size(), size_t{5});
    QCOMPARE(t.nodes[*nodeNamed(t, "head")].inputs, (std::vector<size_t>{*nodeNamed(t, "scale")}));
    QCOMPARE(t.nodes[*nodeNamed(t, "scale")].inputs.front(), size_t{0});
}

void TestGraph::receptiveFieldIsUnionOverBranches()
{
    // Two pooled branches of different windows merged: the input region is their union.
    const json model = functional(
        "rf",
        {kInput("image", {-1, 8, 8, 1}),
         kLayer("AveragePooling2D", {{"pool_size", {2, 2}}, {"strides", {1, 1}}, {"padding", "same"}}, "small",
                {kCall({kTensor("image")})}),
         kLayer("AveragePooling2D", {{"pool_size", {4, 4}}, {"strides", {1, 1}}, {"padding", "same"}}, "big",
                {kCall({kTensor("image")})}),
         kLayer("Add", json::object(), "sum", {kCall({{kTensor("small"), kTensor("big")}})})},
        {{"image", 0, 0}}, {{"sum", 0, 0}});
    const ModelGraph g = parseModelJsonDocument(model);
    const GraphShapes shapes = inferGraphShapes(g, {{1, 8, 8, 1}});
    const std::vector<Interval> cell{{0, 0}, {4, 4}, {4, 4}, {0, 0}};
    const GraphReceptiveField f = graphReceptiveField(g, shapes, *nodeNamed(g, "sum"), cell, cell);
    // 2×2 SAME at stride 1 pads after: rows 4…5; 4×4 SAME pads 1 before, 2 after: rows 3…6.
    QCOMPARE(f.nodes[*nodeNamed(g, "small")]->clipped[1], (Interval{4, 4}));
    QCOMPARE(f.inputs.at(0)->clipped[1], (Interval{3, 6}));
    QCOMPARE(f.inputs.at(0)->clipped[2], (Interval{3, 6}));
    // Through the squeeze-and-excitation model: the global branch reaches the whole image.
    const ModelGraph se = parseModelJsonDocument(seModel());
    const GraphShapes seShapes = inferGraphShapes(se, {{1, 5, 4, 3}});
    const std::vector<Interval> one{{0, 0}, {2, 2}, {1, 1}, {0, 0}};
    const GraphReceptiveField s = graphReceptiveField(se, seShapes, *nodeNamed(se, "scale"), one, one);
    QCOMPARE(s.inputs.at(0)->clipped[1], (Interval{0, 4}));
    QCOMPARE(s.inputs.at(0)->clipped[2], (Interval{0, 3}));
}

void TestGraph::brokenGraphsAreRejected()
{
    json model = seModel();
    model["config"]["layers"][3]["inbound_nodes"] = {kCall({{kTensor("image"), kTensor("nowhere")}})};
    try {
        parseModelJsonDocument(model);
        QFAIL("a reference to a missing layer was accepted");
    } catch (const PipelineFormatError& e) {
        QVERIFY2(std::string(e.what()).find("Invalid Functional model configuration") == 0, e.what());
        QVERIFY2(std::string(e.what()).find("scale") != std::string::npos, e.what());
    }
    // Found by fuzz_model_json: two layers of one name (Keras refuses the model).
    json twice = seModel();
    twice["config"]["layers"][3]["name"] = "excite";
    twice["config"]["layers"][3]["config"]["name"] = "excite";
    try {
        parseModelJsonDocument(twice);
        QFAIL("a duplicate layer name was accepted");
    } catch (const PipelineFormatError& e) {
        QCOMPARE(std::string(e.what()),
                 std::string("The name \"excite\" is used 2 times in the model. All operation names should be unique."));
    }
    // Found by fuzz_model_json: node / tensor indices that are no non-negative int (a float far
    // beyond int's range was converted: undefined behaviour) are format errors.
    for (const char* index : {"8.9e110", "-1", "2.5", "\"0\"", "4294967296"}) {
        const std::string text = std::string(R"({"class_name": "Functional", "config": {"name": "m", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 6, 2], "name": "x"}, "name": "x", "inbound_nodes": []},
            {"class_name": "ReLU", "config": {"name": "r"}, "name": "r", "inbound_nodes": [[["x", )") + index
                                 + R"(, 0, {}]]]}],
            "input_layers": [["x", 0, 0]], "output_layers": [["r", 0, 0]]}})";
        try {
            parseModelJson(text);
            QFAIL(qPrintable(QString("node index %1 was accepted").arg(index)));
        } catch (const PipelineFormatError& e) {
            QVERIFY2(std::string(e.what()).find("must be a non-negative integer") != std::string::npos, e.what());
        }
    }
    // Found by fuzz_model_json: a declared axis that is no size (-6) is unknown, as the writer's
    // null says, so parse → write → parse is the identity.
    const ModelGraph negative = parseModelJson(R"({"class_name": "Functional", "config": {"name": "m", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2, -6, 2], "name": "x"}, "name": "x", "inbound_nodes": []},
        {"class_name": "ReLU", "config": {"name": "r"}, "name": "r", "inbound_nodes": [[["x", 0, 0, {}]]]}],
        "input_layers": [["x", 0, 0]], "output_layers": [["r", 0, 0]]}})");
    QCOMPARE(negative.layerOf(negative.inputs[0]).declaredShape, (Shape{-1, 2, -1, 2}));
    QVERIFY(parseModelJson(graphToKerasJsonText(negative)) == negative);
    QVERIFY_THROWS_EXCEPTION(PipelineFormatError, parseModelJson("{not json"));
    QVERIFY_THROWS_EXCEPTION(PipelineFormatError, parseModelJson(R"({"class_name": "Conv2D", "config": {}})"));
    QVERIFY_THROWS_EXCEPTION(PipelineFormatError, loadModelFile(std::string(LAYERSCOPE_TEST_DATA_DIR) + "/no_such.json"));
}

void TestGraph::kerasCodeBuildsTheGraph()
{
    const json fixture = readJson(std::string(LAYERSCOPE_TEST_DATA_DIR) + "/graphs/shared_two_outputs.json");
    const ModelGraph g = parseModelJsonDocument(fixture.at("model"));
    const std::string code = generateGraphKerasCode(g, {});
    QVERIFY(code.find("layer_shared_conv = layers.Conv2D(name=\"shared_conv\"") != std::string::npos);
    // One constructor, two calls.
    QVERIFY(code.find("= layer_shared_conv(t0_left)") != std::string::npos);
    QVERIFY(code.find("= layer_shared_conv(t1_right)") != std::string::npos);
    QVERIFY(code.find("layer_diff([") != std::string::npos);
    QVERIFY(code.find("model.get_layer(\"shared_conv\").set_weights([kernel, bias])") != std::string::npos);
    QVERIFY(code.find("keras.Model(inputs=[t0_left, t1_right], outputs=[") != std::string::npos);
}

void TestGraph::memoryBudgetAndCancellation()
{
    const ModelGraph g = parseModelJsonDocument(seModel());
    const auto x = shared(test::randomTensor({1, 5, 4, 3}, 53));
    GraphRunRequest request;
    request.graph = &g;
    request.inputs = {x};
    ExecContext tight;
    tight.memoryBudgetBytes = x->byteSize() + 64; // room for the squeeze, not for the full-size product
    const GraphRunResult r = runGraph(request, tight);
    QVERIFY(r.outputs[*nodeNamed(g, "squeeze")]);
    QCOMPARE(*r.firstFailed, *nodeNamed(g, "scale"));
    QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, std::rethrow_exception(r.firstException));
    // Progress: every computed node starts, reports and finishes in order; overall() grows to 1.
    std::vector<size_t> started, finished;
    std::vector<GraphRunProgress> reports;
    GraphRunCallbacks callbacks;
    callbacks.progressInterval = std::chrono::milliseconds(0);
    callbacks.nodeStarted = [&](size_t node) { started.push_back(node); };
    callbacks.nodeDone = [&](size_t node, const TensorPtr&, double) { finished.push_back(node); };
    callbacks.progress = [&](const GraphRunProgress& p) { reports.push_back(p); };
    ExecContext oneThread;
    oneThread.threads = 1;
    QVERIFY(runGraph(request, oneThread, callbacks).ok());
    QCOMPARE(started, (std::vector<size_t>{1, 2, 3}));
    QCOMPARE(finished, started);
    QVERIFY(!reports.empty());
    for (const GraphRunProgress& p : reports) {
        QCOMPARE(p.total, size_t{3});
        QVERIFY(p.overall() >= 0.0 && p.overall() <= 1.0);
    }
    // Cancelling from a callback ends the run.
    std::stop_source stopLater;
    ExecContext cancellable;
    cancellable.stop = stopLater.get_token();
    GraphRunCallbacks stopAfterFirst;
    stopAfterFirst.nodeDone = [&](size_t, const TensorPtr&, double) { stopLater.request_stop(); };
    const GraphRunResult stoppedRun = runGraph(request, cancellable, stopAfterFirst);
    QVERIFY(stoppedRun.cancelled);
    QVERIFY(stoppedRun.outputs[1] && !stoppedRun.outputs[3]);
    std::stop_source stop;
    stop.request_stop();
    ExecContext cancelled;
    cancelled.stop = stop.get_token();
    QVERIFY(runGraph(request, cancelled).cancelled);
    request.inputs = {};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, runGraph(request, ExecContext{}));
}

// Random damage to real files (values replaced by other types, keys removed, lists emptied): the
// parser either builds a graph or throws PipelineFormatError, nothing else; a built graph runs.
void TestGraph::damagedFilesFailWithFormatErrors()
{
    std::mt19937 random(99);
    const std::vector<json> replacements{json(), json(7), json(-1), json("x"), json::array(), json::object(),
                                         json::array({"a", 0, 0}), json(2.5)};
    for (const char* name : {"squeeze_excitation", "pspnet_like", "shared_two_outputs", "nested_sequential"}) {
        const json original = readJson(std::string(LAYERSCOPE_TEST_DATA_DIR) + "/graphs/" + name + ".json").at("model");
        for (int round = 0; round < 150; ++round) {
            json model = original;
            for (int edits = 0; edits < 3; ++edits) {
                // Walk to a random value.
                json* at = &model;
                for (int depth = 0; depth < 12 && (at->is_object() || at->is_array()) && !at->empty(); ++depth) {
                    auto it = at->begin();
                    std::advance(it, static_cast<long>(random() % at->size()));
                    if (random() % 5 == 0)
                        break;
                    at = &*it;
                }
                *at = replacements[random() % replacements.size()];
            }
            try {
                const ModelGraph g = parseModelJsonDocument(model);
                std::vector<Shape> shapes(g.inputs.size(), Shape{1, 4, 4, 2});
                inferGraphShapes(g, shapes);
            } catch (const PipelineFormatError&) {
            } catch (const std::exception& e) {
                QFAIL((std::string(name) + " round " + std::to_string(round) + ": " + e.what() + "\n"
                       + model.dump().substr(0, 600)).c_str());
            }
        }
    }
}

void TestGraph::functionalInputsAreCheckedAsKerasDoes()
{
    // Messages from Keras 3.15.1 for Model(Input((5, 4, 3))) called on other shapes.
    const ModelGraph g = parseModelJsonDocument(seModel());
    QVERIFY(g.checkDeclaredInputs);
    QCOMPARE(inferGraphShapes(g, {{1, 6, 4, 3}}).nodes[0].error,
             std::string("Input 0 with name 'image' of layer 'se' is incompatible with the layer: expected "
                         "shape=(None, 5, 4, 3), found shape=(1, 6, 4, 3)"));
    QCOMPARE(inferGraphShapes(g, {{1, 5, 4, 2}}).nodes[0].status, NodeStatus::Failed);
    QCOMPARE(inferGraphShapes(g, {{1, 5, 4, 3}}).nodes[0].status, NodeStatus::Ok);
    QCOMPARE(inferGraphShapes(g, {{3, 5, 4, 3}}).nodes[0].status, NodeStatus::Ok); // any batch
    QCOMPARE(inferGraphShapes(g, {{5, 4, 3}}).nodes[0].error,
             std::string("Input 0 with name 'image' of layer 'se' is incompatible with the layer: expected "
                         "shape=(None, 5, 4, 3), found shape=(5, 4, 3)"));
    const GraphRunResult r = runAll(g, {shared(test::randomTensor({1, 6, 4, 3}, 3))});
    QCOMPARE(*r.firstFailed, size_t{0});
    QVERIFY(r.errors[*nodeNamed(g, "scale")].find("not computed") == 0);
    // A Sequential model or pipeline file keeps LayerScope's rule: the declared shape informs.
    const ModelGraph s = parseModelJson(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 3]}},
        {"class_name": "AveragePooling2D", "config": {"name": "p"}}]}})");
    QVERIFY(!s.checkDeclaredInputs);
    QVERIFY(inferGraphShapes(s, {{1, 6, 6, 3}}).ok());
}

QTEST_APPLESS_MAIN(TestGraph)
#include "test_graph.moc"
