// The graph window's edits (core/graph/graph_edit.h) on a small functional model: each result is
// checked as a graph (order, inputs, outputs, names) and by running it through runGraph against
// values computed here by hand; carryOutputs is checked by which nodes a re-run computes.

#include "core/graph/graph_edit.h"
#include "core/graph/graph_json.h"
#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"
#include "core/layer_registry.h"
#include "test_support.h"

#include <QtTest>

using namespace layerscope;
using layerscope::test::arangeTensor;

namespace {

// image (1×4×4×2) → pool (AveragePooling2D 2×2) → up (UpSampling2D 2×2) → diff = image − up.
const char* kModel = R"({"class_name": "Functional", "config": {"name": "m", "layers": [
 {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 4, 2], "name": "image"}, "name": "image", "inbound_nodes": []},
 {"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": [2, 2], "strides": [2, 2], "padding": "valid"},
  "name": "pool", "inbound_nodes": [[["image", 0, 0, {}]]]},
 {"class_name": "UpSampling2D", "config": {"name": "up", "size": [2, 2], "interpolation": "nearest"},
  "name": "up", "inbound_nodes": [[["pool", 0, 0, {}]]]},
 {"class_name": "Subtract", "config": {"name": "diff"}, "name": "diff",
  "inbound_nodes": [[["image", 0, 0, {}], ["up", 0, 0, {}]]]}],
 "input_layers": [["image", 0, 0]], "output_layers": [["diff", 0, 0]]}})";

size_t nodeNamed(const ModelGraph& graph, const std::string& name)
{
    for (size_t n = 0; n < graph.nodes.size(); ++n)
        if (graph.nodeName(n) == name)
            return n;
    throw std::runtime_error("no node " + name);
}

std::shared_ptr<const Layer> makeLayer(const ModelGraph& graph, const std::string& className)
{
    const LayerFactory* factory = findLayerFactory(className);
    if (!factory)
        throw std::runtime_error("no factory " + className);
    return factory->makeDefault(graph.uniqueLayerName(factory->nameStem));
}

bool topological(const ModelGraph& graph)
{
    for (size_t i = 0; i < graph.nodes.size(); ++i)
        for (size_t in : graph.nodes[i].inputs)
            if (in >= i)
                return false;
    return true;
}

GraphRunResult run(const ModelGraph& graph, const Tensor& image, const std::vector<TensorPtr>& previous = {},
                   const std::vector<size_t>& changed = {})
{
    GraphRunRequest request;
    request.graph = &graph;
    request.inputs = {std::make_shared<const Tensor>(image)};
    request.previous = previous;
    request.changed = changed;
    return runGraph(request, ExecContext{});
}

std::vector<size_t> computedNodes(const GraphRunResult& result)
{
    std::vector<size_t> nodes;
    for (size_t i = 0; i < result.computed.size(); ++i)
        if (result.computed[i])
            nodes.push_back(i);
    return nodes;
}

// 2×2 average of each 2×2 block, per channel, spread back over the block: what pool → up makes.
Tensor blockMeans(const Tensor& x)
{
    Tensor out(x.shape());
    for (int64_t y = 0; y < 4; ++y)
        for (int64_t xx = 0; xx < 4; ++xx)
            for (int64_t c = 0; c < 2; ++c) {
                const int64_t y0 = y / 2 * 2, x0 = xx / 2 * 2;
                out.at(0, y, xx, c) = (x.at(0, y0, x0, c) + x.at(0, y0, x0 + 1, c) + x.at(0, y0 + 1, x0, c)
                                       + x.at(0, y0 + 1, x0 + 1, c)) / 4.0f;
            }
    return out;
}

} // namespace

class TestGraphEdit : public QObject {
    Q_OBJECT
private slots:
    void aBranchComputesOnlyItself()
    {
        const ModelGraph graph = parseModelJson(kModel);
        const Tensor image = arangeTensor({1, 4, 4, 2});
        const GraphRunResult before = run(graph, image);
        QVERIFY(before.ok());

        const ModelGraph edited = addBranch(graph, nodeNamed(graph, "pool"), makeLayer(graph, "GlobalAveragePooling2D"));
        QCOMPARE(edited.nodes.size(), graph.nodes.size() + 1);
        const size_t branch = nodeNamed(edited, "global_average_pooling2d");
        QCOMPARE(edited.nodes[branch].inputs, (std::vector<size_t>{nodeNamed(edited, "pool")}));
        QCOMPARE(edited.outputs.size(), size_t{2});
        QCOMPARE(edited.outputs.back(), branch);

        const CarriedOutputs carried = carryOutputs(graph, before.outputs, edited);
        QCOMPARE(carried.changed, (std::vector<size_t>{branch}));
        const GraphRunResult after = run(edited, image, carried.previous, carried.changed);
        QCOMPARE(computedNodes(after), (std::vector<size_t>{branch}));
        QCOMPARE(after.outputs[nodeNamed(edited, "diff")], before.outputs[nodeNamed(graph, "diff")]); // the same tensor
        // The global average of the 2×2 pool is the image's mean per channel.
        const Tensor& g = *after.outputs[branch];
        QCOMPARE(g.shape(), (Shape{1, 2}));
        float mean0 = 0, mean1 = 0;
        for (int64_t i = 0; i < 16; ++i) {
            mean0 += image[2 * i] / 16.0f;
            mean1 += image[2 * i + 1] / 16.0f;
        }
        QCOMPARE(g[0], mean0);
        QCOMPARE(g[1], mean1);
        // A name already used is refused.
        QVERIFY_THROWS_EXCEPTION(GraphEditError, addBranch(edited, 0, makeLayer(graph, "GlobalAveragePooling2D")));
    }

    void aMergeReadsThePickedNodesAndEndsTheirBranches()
    {
        const ModelGraph graph = parseModelJson(kModel);
        const ModelGraph branched = addBranch(graph, nodeNamed(graph, "image"), makeLayer(graph, "UpSampling2D"));
        // Concatenate `diff` (4×4) with ... the pool (2×2) would not fit; the image fits.
        const ModelGraph merged = addMerge(branched, {nodeNamed(branched, "diff"), nodeNamed(branched, "image")},
                                           makeLayer(branched, "Concatenate"));
        const size_t concat = nodeNamed(merged, "concatenate");
        QCOMPARE(merged.nodes[concat].inputs, (std::vector<size_t>{nodeNamed(merged, "diff"), nodeNamed(merged, "image")}));
        // diff was an output; it ends in the merge now. The other branch stays an output.
        QCOMPARE(merged.outputs, (std::vector<size_t>{nodeNamed(merged, "up_sampling2d"), concat}));
        const Tensor image = arangeTensor({1, 4, 4, 2});
        const GraphRunResult result = run(merged, image);
        QVERIFY(result.ok());
        QCOMPARE(result.outputs[concat]->shape(), (Shape{1, 4, 4, 4}));
        const Tensor means = blockMeans(image);
        for (int64_t y = 0; y < 4; ++y)
            for (int64_t x = 0; x < 4; ++x)
                for (int64_t c = 0; c < 2; ++c) {
                    QCOMPARE(result.outputs[concat]->at(0, y, x, c), image.at(0, y, x, c) - means.at(0, y, x, c));
                    QCOMPARE(result.outputs[concat]->at(0, y, x, c + 2), image.at(0, y, x, c));
                }
        // Subtract takes exactly two inputs.
        try {
            addMerge(graph, {0, 1, 2}, makeLayer(graph, "Subtract"));
            QFAIL("three inputs to Subtract were accepted");
        } catch (const GraphEditError& e) {
            QCOMPARE(QString(e.what()), QString("Subtract 'subtract' takes 2 inputs; 3 picked"));
        }
    }

    void reconnectingReordersAndRefusesCycles()
    {
        const ModelGraph graph = parseModelJson(kModel);
        // A second pooling branch from the image, then `up` reads it instead of `pool`.
        const ModelGraph branched = addBranch(graph, nodeNamed(graph, "image"), makeLayer(graph, "MaxPooling2D"));
        const ModelGraph reconnected = reconnectInput(branched, nodeNamed(branched, "up"), 0, nodeNamed(branched, "max_pooling2d"));
        QVERIFY(topological(reconnected)); // max_pooling2d was added last and now comes before up
        QCOMPARE(reconnected.nodes[nodeNamed(reconnected, "up")].inputs,
                 (std::vector<size_t>{nodeNamed(reconnected, "max_pooling2d")}));
        QCOMPARE(reconnected.nodeName(reconnected.outputs[0]), std::string("diff"));
        const Tensor image = arangeTensor({1, 4, 4, 2});
        const GraphRunResult result = run(reconnected, image);
        QVERIFY(result.ok());
        // arange grows along x and y: each 2×2 block's maximum is its bottom-right value.
        const Tensor& diff = *result.outputs[nodeNamed(reconnected, "diff")];
        for (int64_t y = 0; y < 4; ++y)
            for (int64_t x = 0; x < 4; ++x)
                QCOMPARE(diff.at(0, y, x, 1), image.at(0, y, x, 1) - image.at(0, y / 2 * 2 + 1, x / 2 * 2 + 1, 1));
        try {
            reconnectInput(graph, nodeNamed(graph, "pool"), 0, nodeNamed(graph, "diff"));
            QFAIL("a cycle was accepted");
        } catch (const GraphEditError& e) {
            QCOMPARE(QString(e.what()), QString("that would make a cycle: diff depends on pool"));
        }
        QVERIFY_THROWS_EXCEPTION(GraphEditError, reconnectInput(graph, nodeNamed(graph, "image"), 0, 1));
    }

    void deletingTakesTheDanglingBranch()
    {
        const ModelGraph graph = parseModelJson(kModel);
        std::vector<std::string> removed;
        // Subtract needs both inputs: without `up` it dangles and goes. No output is left, and
        // `pool` lost its consumer, so it becomes the output.
        const ModelGraph edited = deleteNodeAndDanglingBranch(graph, nodeNamed(graph, "up"), &removed);
        QCOMPARE(removed, (std::vector<std::string>{"up", "diff"}));
        QCOMPARE(edited.nodes.size(), size_t{2});
        QCOMPARE(edited.layers.size(), size_t{2});
        QCOMPARE(edited.nodeName(edited.outputs.at(0)), std::string("pool"));
        QVERIFY(run(edited, arangeTensor({1, 4, 4, 2})).ok());

        // A Concatenate of three keeps the two that are left.
        const ModelGraph three = addMerge(addBranch(graph, 0, makeLayer(graph, "ReLU")),
                                          {0, nodeNamed(graph, "diff"), 4}, makeLayer(graph, "Concatenate"));
        const ModelGraph two = deleteNodeAndDanglingBranch(three, nodeNamed(three, "re_lu"));
        QCOMPARE(two.nodes[nodeNamed(two, "concatenate")].inputs.size(), size_t{2});
        QVERIFY(run(two, arangeTensor({1, 4, 4, 2})).ok());
        QVERIFY_THROWS_EXCEPTION(GraphEditError, deleteNodeAndDanglingBranch(graph, nodeNamed(graph, "image")));
    }

    void bypassPassesTheInputThroughAndIsNotSaved()
    {
        const ModelGraph graph = parseModelJson(kModel);
        const Tensor image = arangeTensor({1, 4, 4, 2});
        const GraphRunResult before = run(graph, image);
        const ModelGraph bypassed = setBypassed(graph, nodeNamed(graph, "up"), true);
        // Shapes: up passes pool's 2×2 through, so Subtract(4×4, 2×2) fails as Keras would.
        const GraphShapes shapes = inferGraphShapes(bypassed, {image.shape()});
        QCOMPARE(shapes.nodes[nodeNamed(bypassed, "up")].shape->output, (Shape{1, 2, 2, 2}));
        QCOMPARE(shapes.nodes[nodeNamed(bypassed, "diff")].status, NodeStatus::Failed);
        // Bypassing the pool instead: up doubles the 4×4 image.
        const ModelGraph poolOff = setBypassed(graph, nodeNamed(graph, "pool"), true);
        const CarriedOutputs carried = carryOutputs(graph, before.outputs, poolOff);
        QCOMPARE(carried.changed, (std::vector<size_t>{nodeNamed(poolOff, "pool"), nodeNamed(poolOff, "up"), nodeNamed(poolOff, "diff")}));
        const GraphRunResult after = run(poolOff, image, carried.previous, carried.changed);
        QCOMPARE(after.outputs[nodeNamed(poolOff, "pool")], after.outputs[nodeNamed(poolOff, "image")]);
        QCOMPARE(after.outputs[nodeNamed(poolOff, "up")]->shape(), (Shape{1, 8, 8, 2}));
        // Saved without it: up reads the image.
        const ModelGraph saved = parseModelJsonDocument(graphToKerasJson(poolOff));
        QVERIFY(!saved.findLayer("pool"));
        QCOMPARE(saved.nodeName(saved.nodes[nodeNamed(saved, "up")].inputs.at(0)), std::string("image"));
        // Undo: the original graph carries everything back but the bypassed path.
        const CarriedOutputs back = carryOutputs(poolOff, after.outputs, graph);
        QCOMPARE(back.changed.size(), size_t{3});
        QVERIFY_THROWS_EXCEPTION(GraphEditError, setBypassed(graph, nodeNamed(graph, "diff"), true));
    }

    void newParametersRecomputeTheLayerAndItsDownstream()
    {
        const ModelGraph graph = parseModelJson(kModel);
        const Tensor image = arangeTensor({1, 4, 4, 2});
        const GraphRunResult before = run(graph, image);
        const size_t upLayer = *graph.findLayer("up");
        nlohmann::json object = {{"class_name", "UpSampling2D"},
                                 {"config", {{"name", "up"}, {"size", {2, 2}}, {"interpolation", "bilinear"}}}};
        const ModelGraph edited = replaceLayer(graph, upLayer, findLayerFactory("UpSampling2D")->fromJson(object));
        const CarriedOutputs carried = carryOutputs(graph, before.outputs, edited);
        QCOMPARE(carried.changed, (std::vector<size_t>{nodeNamed(edited, "up"), nodeNamed(edited, "diff")}));
        const GraphRunResult after = run(edited, image, carried.previous, carried.changed);
        QCOMPARE(computedNodes(after), (std::vector<size_t>{nodeNamed(edited, "up"), nodeNamed(edited, "diff")}));
        QCOMPARE(after.outputs[nodeNamed(edited, "pool")], before.outputs[nodeNamed(graph, "pool")]);
        QVERIFY(after.outputs[nodeNamed(edited, "up")]->toVector() != before.outputs[nodeNamed(graph, "up")]->toVector());
        object["config"]["name"] = "other";
        QVERIFY_THROWS_EXCEPTION(GraphEditError, replaceLayer(graph, upLayer, findLayerFactory("UpSampling2D")->fromJson(object)));
    }
};

QTEST_MAIN(TestGraphEdit)
#include "test_graph_edit.moc"
