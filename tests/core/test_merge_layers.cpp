// The merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate) against plain
// loops written here, with NumPy broadcasting done by hand (size-1 axes, lower ranks aligned from
// the right after the batch), over odd shapes and channel counts; Keras's shape errors word for
// word (checked against Keras 3.15.1); cell explanations, back mapping, memory guard, cancellation.

#include "core/layer_registry.h"
#include "core/layers/concatenate.h"
#include "core/layers/merge.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>

using namespace layerscope;

namespace {

std::unique_ptr<Layer> make(const std::string& className)
{
    return findLayerFactory(className)->makeDefault(findLayerFactory(className)->nameStem);
}

// Output shape by hand: batch equal, the rest aligned from the right.
Shape broadcastShape(const std::vector<Shape>& shapes)
{
    size_t rank = 0;
    for (const Shape& s : shapes)
        rank = std::max(rank, s.size());
    Shape out(rank, 1);
    out[0] = shapes[0][0];
    for (const Shape& s : shapes)
        for (size_t k = 1; k < s.size(); ++k) {
            const size_t a = rank - s.size() + k;
            out[a] = std::max(out[a], s[k]);
        }
    return out;
}

// The value of `t` at output index `index` (rank of the output) with broadcasting.
float readBroadcast(const Tensor& t, const std::vector<int64_t>& index)
{
    const Shape& s = t.shape();
    const size_t rank = index.size();
    int64_t flat = 0;
    for (size_t k = 0; k < s.size(); ++k) {
        const size_t a = k == 0 ? 0 : rank - s.size() + k;
        const int64_t i = s[k] == 1 ? 0 : index[a];
        flat = flat * s[k] + i;
    }
    return t[flat];
}

Tensor referenceMerge(const std::string& op, const std::vector<Tensor>& xs)
{
    std::vector<Shape> shapes;
    for (const Tensor& x : xs)
        shapes.push_back(x.shape());
    const Shape shape = broadcastShape(shapes);
    Tensor out(shape);
    std::vector<int64_t> index(shape.size());
    for (int64_t flat = 0; flat < out.size(); ++flat) {
        int64_t rest = flat;
        for (size_t k = shape.size(); k-- > 0;) {
            index[k] = rest % shape[k];
            rest /= shape[k];
        }
        float v = readBroadcast(xs[0], index);
        for (size_t i = 1; i < xs.size(); ++i) {
            const float w = readBroadcast(xs[i], index);
            if (op == "Add" || op == "Average")
                v = v + w;
            else if (op == "Subtract")
                v = v - w;
            else if (op == "Multiply")
                v = v * w;
            else if (op == "Maximum")
                v = std::max(v, w);
            else
                v = std::min(v, w);
        }
        if (op == "Average")
            v = v / static_cast<float>(xs.size());
        out[flat] = v;
    }
    return out;
}

Tensor referenceConcat(const std::vector<Tensor>& xs, int axis)
{
    const size_t rank = xs[0].shape().size();
    const size_t a = static_cast<size_t>(axis < 0 ? axis + static_cast<int>(rank) : axis);
    Shape shape = xs[0].shape();
    shape[a] = 0;
    for (const Tensor& x : xs)
        shape[a] += x.shape()[a];
    Tensor out(shape);
    std::vector<int64_t> index(rank);
    for (int64_t flat = 0; flat < out.size(); ++flat) {
        int64_t rest = flat;
        for (size_t k = rank; k-- > 0;) {
            index[k] = rest % shape[k];
            rest /= shape[k];
        }
        int64_t position = index[a];
        size_t which = 0;
        while (position >= xs[which].shape()[a])
            position -= xs[which++].shape()[a];
        std::vector<int64_t> own = index;
        own[a] = position;
        int64_t offset = 0;
        for (size_t k = 0; k < rank; ++k)
            offset = offset * xs[which].shape()[k] + own[k];
        out[flat] = xs[which][offset];
    }
    return out;
}

std::vector<const Tensor*> pointers(const std::vector<Tensor>& xs)
{
    std::vector<const Tensor*> p;
    for (const Tensor& x : xs)
        p.push_back(&x);
    return p;
}

std::string shapesText(const std::vector<Shape>& shapes)
{
    std::string t;
    for (const Shape& s : shapes)
        t += shapeToTuple(s) + " ";
    return t;
}

} // namespace

class TestMergeLayers : public QObject {
    Q_OBJECT
private slots:
    void elementwiseMatchesReferenceWithBroadcasting();
    void concatenateMatchesReference();
    void shapeRuleAndKerasErrors();
    void explanationsNameInputsAndBroadcastAxes();
    void regionsMapBackToEveryInput();
    void guardAndCancellation();
    void configRoundTrip();
};

void TestMergeLayers::elementwiseMatchesReferenceWithBroadcasting()
{
    const std::vector<std::vector<Shape>> cases = {
        {{1, 9, 7, 3}, {1, 9, 7, 3}},
        {{2, 5, 4, 7}, {2, 1, 1, 7}},             // squeeze-and-excitation scaling
        {{2, 5, 4, 15}, {2, 15}},                 // lower rank: (B, C) → (B, 1, 1, C)
        {{1, 3, 5, 8}, {1, 3, 1, 8}, {1, 1, 5, 1}},
        {{1, 1, 5, 1}, {1, 3, 5, 16}},            // the first input broadcast
        {{3, 4, 2}, {3, 1, 2}, {3, 4, 1}, {3, 4, 2}},
        {{1, 6, 1, 4}, {1, 1, 9, 1}},             // both broadcast
        {{1, 9, 7, 1}},                            // one input
    };
    for (const char* op : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}) {
        const std::unique_ptr<Layer> layer = make(op);
        uint32_t seed = 5;
        for (const auto& shapes : cases) {
            if (std::string(op) == "Subtract" && shapes.size() != 2)
                continue;
            std::vector<Tensor> xs;
            for (const Shape& s : shapes)
                xs.push_back(test::randomTensor(s, seed++, -2.0f, 2.0f));
            const Tensor expected = referenceMerge(op, xs);
            QCOMPARE(layer->inferShapes(shapes).output, expected.shape());
            for (int threads : {1, 2}) {
                ExecContext context;
                context.threads = threads;
                const Tensor actual = layer->forwardInputs(pointers(xs), context);
                const std::string diff = test::compareTensors(actual, expected, 0, 0);
                QVERIFY2(diff.empty(), (std::string(op) + " " + shapesText(shapes) + ": " + diff).c_str());
            }
        }
    }
}

void TestMergeLayers::concatenateMatchesReference()
{
    struct Case {
        std::vector<Shape> shapes;
        int axis;
    };
    const std::vector<Case> cases = {
        {{{1, 9, 7, 3}, {1, 9, 7, 5}}, -1},
        {{{2, 5, 4, 1}, {2, 5, 4, 2}, {2, 5, 4, 16}}, 3},
        {{{1, 3, 7, 2}, {1, 5, 7, 2}}, 1},
        {{{1, 3, 7, 2}, {1, 3, 1, 2}, {1, 3, 4, 2}}, -2},
        {{{1, 3, 2}, {2, 3, 2}}, 0},
        {{{4, 3}, {4, 8}}, -1},
        {{{1, 6, 5, 7}}, -1},
    };
    for (const Case& c : cases) {
        Concatenate layer("concatenate", {c.axis});
        std::vector<Tensor> xs;
        uint32_t seed = 11;
        for (const Shape& s : c.shapes)
            xs.push_back(test::randomTensor(s, seed++));
        const Tensor expected = referenceConcat(xs, c.axis);
        QCOMPARE(layer.inferShapes(c.shapes).output, expected.shape());
        const Tensor actual = layer.forwardInputs(pointers(xs), ExecContext{});
        const std::string diff = test::compareTensors(actual, expected, 0, 0);
        QVERIFY2(diff.empty(), (shapesText(c.shapes) + "axis " + std::to_string(c.axis) + ": " + diff).c_str());
    }
}

void TestMergeLayers::shapeRuleAndKerasErrors()
{
    auto message = [](const Layer& layer, const std::vector<Shape>& shapes) -> std::string {
        try {
            layer.inferShapes(shapes);
        } catch (const LayerError& e) {
            return e.what();
        }
        return "(no error)";
    };
    // The messages Keras 3.15.1 raises for the same calls (eager, concrete shapes).
    QCOMPARE(message(*make("Add"), {{1, 4, 4, 3}, {1, 2, 2, 3}}),
             std::string("Add 'add': Inputs have incompatible shapes. Received shapes (4, 4, 3) and (2, 2, 3)"));
    QCOMPARE(message(*make("Multiply"), {{1, 8, 6, 6}, {1, 1, 1, 12}}),
             std::string("Multiply 'multiply': Inputs have incompatible shapes. Received shapes (8, 6, 6) and (1, 1, 12)"));
    QCOMPARE(message(*make("Add"), {{1, 4}, {2, 4}}),
             std::string("Add 'add': Cannot merge tensors with different batch sizes. Received tensors with shapes "
                         "[(1, 4), (2, 4)]"));
    QCOMPARE(message(*make("Subtract"), {{1, 4}, {1, 4}, {1, 4}}),
             std::string("Subtract 'subtract': A `Subtract` layer should be called on exactly 2 inputs. Received: "
                         "input_shape=[(1, 4), (1, 4), (1, 4)]"));
    QCOMPARE(message(*make("Concatenate"), {{1, 4, 4, 3}, {1, 2, 2, 3}}),
             std::string("Concatenate 'concatenate': A `Concatenate` layer requires inputs with matching shapes "
                         "except for the concatenation axis. Received: input_shape=[(1, 4, 4, 3), (1, 2, 2, 3)]"));
    QCOMPARE(message(*make("Concatenate"), {{1, 4, 4, 3}, {2, 4, 4, 3}}),
             std::string("Concatenate 'concatenate': A `Concatenate` layer requires inputs with matching shapes "
                         "except for the concatenation axis. Received: input_shape=[(1, 4, 4, 3), (2, 4, 4, 3)]"));
    // Longer shape first in the message, whichever input it is.
    QCOMPARE(message(*make("Maximum"), {{1, 3}, {1, 4, 4}}),
             std::string("Maximum 'maximum': Inputs have incompatible shapes. Received shapes (4, 4) and (3,)"));
    // Allowed: channel-wise scaling, (B, C) against (B, H, W, C), broadcasting on both sides.
    QCOMPARE(make("Multiply")->inferShapes({{1, 32, 32, 64}, {1, 1, 1, 64}}).output, (Shape{1, 32, 32, 64}));
    QCOMPARE(make("Multiply")->inferShapes({{2, 4, 4, 3}, {2, 3}}).output, (Shape{2, 4, 4, 3}));
    QCOMPARE(make("Maximum")->inferShapes({{2, 4, 1, 3}, {2, 1, 5, 1}}).output, (Shape{2, 4, 5, 3}));
    // Explanations of the axes name who is broadcast.
    const LayerShape s = make("Multiply")->inferShapes({{1, 6, 5, 4}, {1, 1, 1, 4}});
    QCOMPARE(s.axes.size(), size_t{4});
    QCOMPARE(s.axes[1].rule, std::string("broadcast"));
    QVERIFY(s.axes[1].arithmetic.find("input 1 broadcast along rows") != std::string::npos);
    QCOMPARE(s.axes[3].rule, std::string("copied"));
    const LayerShape c = Concatenate("cat", {-1}).inferShapes({{1, 2, 2, 3}, {1, 2, 2, 5}});
    QCOMPARE(c.axes[3].arithmetic, std::string("3 + 5 = 8"));
    QCOMPARE(make("Subtract")->inputArity().maximum, 2);
    QCOMPARE(make("Add")->inputArity().maximum, -1);
}

void TestMergeLayers::explanationsNameInputsAndBroadcastAxes()
{
    const Tensor a = test::randomTensor({1, 4, 3, 2}, 1);
    const Tensor b = test::randomTensor({1, 1, 1, 2}, 2);
    const std::unique_ptr<Layer> multiply = make("Multiply");
    const Tensor out = multiply->forwardInputs({&a, &b}, ExecContext{});
    const CellExplanation e = multiply->explainOutputCellInputs({&a, &b}, out.shape(), CellIndex{0, 3, 2, 1});
    QCOMPARE(e.value, out.at(0, 3, 2, 1));
    QVERIFY(e.exact);
    QCOMPARE(e.cells.size(), size_t{2});
    QCOMPARE(e.cells[1].input, 1);
    QCOMPARE(e.cells[1].cell, (CellIndex{0, 0, 0, 1}));
    QVERIFY2(e.summary.find(" · ") != std::string::npos, e.summary.c_str());
    QVERIFY2(e.text().find("broadcast along rows, columns") != std::string::npos, e.text().c_str());

    const Tensor c = test::randomTensor({1, 4, 3, 5}, 3);
    Concatenate cat("cat", {-1});
    const Tensor joined = cat.forwardInputs({&a, &c}, ExecContext{});
    const CellExplanation j = cat.explainOutputCellInputs({&a, &c}, joined.shape(), CellIndex{0, 2, 1, 4});
    QCOMPARE(j.value, joined.at(0, 2, 1, 4));
    QCOMPARE(j.cells.front().input, 1);
    QCOMPARE(j.cells.front().cell, (CellIndex{0, 2, 1, 2}));
    QVERIFY2(j.summary.find("input 1") != std::string::npos && j.summary.find("index 2") != std::string::npos,
             j.summary.c_str());
}

void TestMergeLayers::regionsMapBackToEveryInput()
{
    const std::unique_ptr<Layer> add = make("Add");
    const std::vector<Interval> box{{0, 0}, {1, 2}, {0, 3}, {1, 1}};
    const auto m = add->mapOutputRegionInputs({{1, 4, 5, 2}, {1, 1, 1, 2}, {1, 2}}, {1, 4, 5, 2}, box, box);
    QCOMPARE(m.size(), size_t{3});
    QCOMPARE(m[0].clipped, box);
    QCOMPARE(m[1].clipped, (std::vector<Interval>{{0, 0}, {0, 0}, {0, 0}, {1, 1}}));
    QCOMPARE(m[2].clipped, (std::vector<Interval>{{0, 0}, {1, 1}}));
    Concatenate cat("cat", {-1});
    const auto c = cat.mapOutputRegionInputs({{1, 4, 5, 2}, {1, 4, 5, 3}}, {1, 4, 5, 5}, box, box);
    QCOMPARE(c[0].clipped[3], (Interval{1, 1}));
    QVERIFY(c[1].clipped[3].empty());
    const std::vector<Interval> wide{{0, 0}, {0, 3}, {0, 4}, {1, 3}};
    const auto w = cat.mapOutputRegionInputs({{1, 4, 5, 2}, {1, 4, 5, 3}}, {1, 4, 5, 5}, wide, wide);
    QCOMPARE(w[0].clipped[3], (Interval{1, 1}));
    QCOMPARE(w[1].clipped[3], (Interval{0, 1}));
}

void TestMergeLayers::guardAndCancellation()
{
    const Tensor a = test::randomTensor({1, 64, 64, 8}, 1);
    ExecContext tight;
    tight.memoryBudgetBytes = 1024;
    QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, make("Add")->forwardInputs({&a, &a}, tight));
    QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, Concatenate("cat").forwardInputs({&a, &a}, tight));
    std::stop_source stop;
    stop.request_stop();
    ExecContext cancelled;
    cancelled.stop = stop.get_token();
    QVERIFY_THROWS_EXCEPTION(CancelledError, make("Multiply")->forwardInputs({&a, &a}, cancelled));
    QVERIFY_THROWS_EXCEPTION(CancelledError, Concatenate("cat").forwardInputs({&a, &a}, cancelled));
}

void TestMergeLayers::configRoundTrip()
{
    for (const char* cls : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"}) {
        const LayerFactory* f = findLayerFactory(cls);
        QVERIFY(f);
        nlohmann::json object = {{"class_name", cls}, {"config", {{"name", "m1"}, {"trainable", true}, {"dtype", "float32"}}}};
        if (std::string(cls) == "Concatenate")
            object["config"]["axis"] = 1;
        const std::unique_ptr<Layer> layer = f->fromJson(object);
        QCOMPARE(layer->name(), std::string("m1"));
        QCOMPARE(layer->config(), object["config"]);
    }
}

QTEST_APPLESS_MAIN(TestMergeLayers)
#include "test_merge_layers.moc"
