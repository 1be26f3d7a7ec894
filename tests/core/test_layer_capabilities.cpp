// Every registered layer class (layerFactories) against everything the program asks of it, so that
// a class registered without one of its capabilities fails here rather than in a view: a complete
// registry entry (icon, editor fields, fuzz constructor), cell explanations equal to the computed
// values, receptive fields that contain every contributing cell, step-through windows, editor
// fields that round-trip through the Keras JSON, a Keras code line, the sliding window of shape
// what-if, and a fuzz constructor whose JSON the loader accepts or rejects with its own errors.
// Each layer runs with its defaults ("Add layer") on a 1×9×7×3 random input.

#include "core/codegen/graph_code.h"
#include "core/codegen/keras_code.h"
#include "core/explain/cell_explanation.h"
#include "core/explain/receptive_field.h"
#include "core/explain/shape_what_if.h"
#include "core/layer_registry.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace layerscope;
using nlohmann::json;

namespace {

const Shape kInputShape{1, 9, 7, 3};

Tensor testInput() { return test::randomTensor(kInputShape, /*seed=*/91); }

// How many inputs a layer is fed: one, or two (of the same shape) for a layer taking several.
size_t inputCount(const Layer& layer)
{
    const Layer::Arity arity = layer.inputArity();
    return arity.maximum == 1 ? 1 : static_cast<size_t>(std::max(2, arity.minimum));
}

std::vector<Tensor> testInputs(const Layer& layer)
{
    std::vector<Tensor> inputs{testInput()};
    for (size_t i = 1; i < inputCount(layer); ++i)
        inputs.push_back(test::randomTensor(kInputShape, /*seed=*/91 + static_cast<uint32_t>(i)));
    return inputs;
}

std::vector<const Tensor*> pointers(const std::vector<Tensor>& inputs)
{
    std::vector<const Tensor*> p;
    for (const Tensor& t : inputs)
        p.push_back(&t);
    return p;
}

std::vector<Shape> testShapes(const Layer& layer) { return std::vector<Shape>(inputCount(layer), kInputShape); }

std::unique_ptr<Layer> defaultLayer(const LayerFactory& f)
{
    return f.makeDefault(f.nameStem);
}

// The semantic cell of flat index `flat` of a tensor of `shape` read in `format`.
CellIndex cellAt(const Shape& shape, DataFormat format, int64_t flat)
{
    std::vector<int64_t> index(shape.size());
    for (size_t a = shape.size(); a-- > 0;) {
        index[a] = flat % shape[a];
        flat /= shape[a];
    }
    const AxisRoles roles = axisRoles(shape.size(), format);
    auto at = [&](int axis) { return axis >= 0 ? index[static_cast<size_t>(axis)] : int64_t{0}; };
    return {at(roles.batch), at(roles.rows), at(roles.cols), at(roles.channels)};
}

// About `count` flat indices spread over a tensor of `size` elements, first and last included.
std::vector<int64_t> sampleIndices(int64_t size, int64_t count)
{
    std::vector<int64_t> indices;
    const int64_t step = std::max<int64_t>(1, size / count);
    for (int64_t i = 0; i < size; i += step)
        indices.push_back(i);
    if (indices.back() != size - 1)
        indices.push_back(size - 1);
    return indices;
}

bool contains(const Interval& v, int64_t i) { return i >= v.first && i <= v.last; }

// A different value of the same kind for an editor field (all its choices for an enum).
std::vector<json> otherValues(const FieldSpec& field, const json& current)
{
    auto clampInt = [&](int64_t v) { return std::clamp<int64_t>(v, field.minimum, field.maximum); };
    switch (field.kind) {
    case FieldKind::Int:
        return {clampInt(current.get<int64_t>() + 1)};
    case FieldKind::IntPair:
        return {json{clampInt(current[0].get<int64_t>() + 1), clampInt(current[1].get<int64_t>() + 2)}};
    case FieldKind::OptionalIntPair:
        return {json{clampInt(2), clampInt(3)}, json()};
    case FieldKind::Bool:
        return {!current.get<bool>()};
    case FieldKind::Enum: {
        std::vector<json> values;
        for (const std::string& choice : field.choices)
            values.push_back(choice.empty() ? json() : json(choice));
        return values;
    }
    case FieldKind::Float:
        return {0.5, -2.25};
    case FieldKind::String:
        return {"changed"};
    case FieldKind::IntList:
        return {json(std::vector<int64_t>(static_cast<size_t>(field.listLength), clampInt(2)))};
    case FieldKind::IntPairPair:
        return {json{{clampInt(0), clampInt(1)}, {clampInt(2), clampInt(3)}}};
    }
    return {};
}

} // namespace

class TestLayerCapabilities : public QObject {
    Q_OBJECT
private slots:
    void registryEntriesAreComplete();
    void cellExplanationsEqualTheOutput();
    void receptiveFieldsContainTheContributingCells();
    void editorFieldsRoundTripThroughJson();
    void kerasCodeHasEveryLayer();
    void slidingWindowsMatchTheShape();
    void fuzzConstructorsMakeLoadableJson();
};

void TestLayerCapabilities::registryEntriesAreComplete()
{
    QVERIFY(!layerFactories().empty());
    std::vector<std::string> labels;
    for (const LayerFactory& f : layerFactories()) {
        const std::string what = (f.className);
        QVERIFY2(f.fromJson && f.makeDefault && f.fuzzJson, what.c_str());
        QVERIFY2(!f.nameStem.empty(), what.c_str());
        QVERIFY2(!f.iconLabel.empty() && f.iconLabel.size() <= 3, what.c_str());
        QVERIFY2(f.iconColour <= 0xffffff, what.c_str());
        QVERIFY2(std::find(labels.begin(), labels.end(), f.iconLabel) == labels.end(), what.c_str());
        labels.push_back(f.iconLabel);
        // A merge layer has no parameter to edit (Add, Multiply, ...); every other class has some.
        QVERIFY2(!f.fields.empty() || defaultLayer(f)->inputArity().maximum != 1, what.c_str());
        for (const FieldSpec& field : f.fields) {
            QVERIFY2(!field.key.empty() && !field.label.empty(), what.c_str());
            QVERIFY2(field.kind != FieldKind::Enum || !field.choices.empty(), (what + " " + field.key).c_str());
            QVERIFY2(field.minimum <= field.maximum, (what + " " + field.key).c_str());
        }
        const std::unique_ptr<Layer> layer = defaultLayer(f);
        QCOMPARE(layer->className(), f.className);
        QCOMPARE(layer->name(), f.nameStem);
        QCOMPARE(findLayerFactory(f.className), &f);
    }
}

void TestLayerCapabilities::cellExplanationsEqualTheOutput()
{
    for (const LayerFactory& f : layerFactories()) {
        const std::unique_ptr<Layer> layer = defaultLayer(f);
        const std::vector<Tensor> inputs = testInputs(*layer);
        const Tensor output = layer->forwardInputs(pointers(inputs), ExecContext{});
        const DataFormat format = layer->dataFormat().value_or(DataFormat::ChannelsLast);
        for (int64_t flat : sampleIndices(output.size(), 40)) {
            const CellIndex cell = cellAt(output.shape(), format, flat);
            const CellExplanation e = inputs.size() == 1 ? explainCell(*layer, inputs[0], cell)
                                                         : explainCellInputs(*layer, pointers(inputs), cell);
            const float expected = output[flat];
            const std::string what = (f.className + " cell " + cellText(cell) + ": "
                                                              + e.summary);
            QCOMPARE(e.layerClass, f.className);
            QCOMPARE(e.output, cell);
            QVERIFY2(!e.summary.empty(), what.c_str());
            QVERIFY2(e.cellCount > 0 && !e.cells.empty(), what.c_str());
            if (e.exact)
                QVERIFY2(e.value == expected, (what + " exact, engine " + std::to_string(expected)).c_str());
            else
                QVERIFY2(std::fabs(e.value - expected) <= 1e-5 * (1.0 + std::fabs(expected)),
                         (what + " engine " + std::to_string(expected)).c_str());
        }
    }
}

void TestLayerCapabilities::receptiveFieldsContainTheContributingCells()
{
    for (const LayerFactory& f : layerFactories()) {
        const std::unique_ptr<Layer> layer = defaultLayer(f);
        const std::vector<Tensor> inputs = testInputs(*layer);
        const bool several = inputs.size() > 1;
        const Shape outShape = layer->inferShapes(testShapes(*layer)).output;
        const DataFormat format = layer->dataFormat().value_or(DataFormat::ChannelsLast);
        const AxisRoles in = axisRoles(kInputShape.size(), format), out = axisRoles(outShape.size(), format);
        // Step-through windows of the first input (all inputs have its shape here).
        const std::vector<AxisWindow> rows = several ? layer->outputAxisWindows(kInputShape, outShape, 0)
                                                     : spatialAxisWindows(*layer, kInputShape, 0);
        const std::vector<AxisWindow> cols = several ? layer->outputAxisWindows(kInputShape, outShape, 1)
                                                     : spatialAxisWindows(*layer, kInputShape, 1);
        QCOMPARE(static_cast<int64_t>(rows.size()), out.rows >= 0 ? outShape[static_cast<size_t>(out.rows)] : 1);
        QCOMPARE(static_cast<int64_t>(cols.size()), out.cols >= 0 ? outShape[static_cast<size_t>(out.cols)] : 1);
        for (int64_t flat : sampleIndices(elementCount(outShape), 40)) {
            const CellIndex cell = cellAt(outShape, format, flat);
            std::vector<Interval> box(outShape.size());
            int64_t rest = flat;
            for (size_t a = outShape.size(); a-- > 0;) {
                box[a] = {rest % outShape[a], rest % outShape[a]};
                rest /= outShape[a];
            }
            const std::vector<RegionMapping> mappings
                = several ? mapRegionBackInputs(*layer, testShapes(*layer), box, box)
                          : std::vector<RegionMapping>{mapRegionBack(*layer, kInputShape, box, box)};
            QCOMPARE(mappings.size(), inputs.size());
            const AxisWindow& row = rows[static_cast<size_t>(out.rows >= 0 ? cell.y : 0)];
            const AxisWindow& col = cols[static_cast<size_t>(out.cols >= 0 ? cell.x : 0)];
            const CellExplanation e = several ? explainCellInputs(*layer, pointers(inputs), cell)
                                              : explainCell(*layer, inputs[0], cell);
            for (const ContributingCell& c : e.cells) {
                if (c.padding || c.dilationGap || c.weight == 0.0f)
                    continue;
                const RegionMapping& m = mappings.at(static_cast<size_t>(c.input));
                QCOMPARE(m.clipped.size(), kInputShape.size());
                const std::string what = (f.className + " output " + cellText(cell)
                                                                  + " reads " + cellText(c.cell));
                QVERIFY2(contains(m.clipped[static_cast<size_t>(in.batch)], c.cell.b), what.c_str());
                QVERIFY2(contains(m.clipped[static_cast<size_t>(in.rows)], c.cell.y), what.c_str());
                QVERIFY2(contains(m.clipped[static_cast<size_t>(in.cols)], c.cell.x), what.c_str());
                QVERIFY2(contains(m.clipped[static_cast<size_t>(in.channels)], c.cell.c), what.c_str());
                if (c.input == 0)
                    QVERIFY2(contains(row.clipped, c.cell.y) && contains(col.clipped, c.cell.x),
                             (what + " (step-through)").c_str());
            }
        }
    }
}

void TestLayerCapabilities::editorFieldsRoundTripThroughJson()
{
    for (const LayerFactory& f : layerFactories()) {
        const std::unique_ptr<Layer> layer = defaultLayer(f);
        const json config = layer->config();
        for (const FieldSpec& field : f.fields) {
            const std::string what = (f.className + "." + field.key);
            QVERIFY2(config.contains(field.key), (what + " is not in the config").c_str());
            std::vector<json> values = otherValues(field, config.at(field.key));
            values.push_back(config.at(field.key));
            for (const json& value : values) {
                json edited = config;
                edited[field.key] = value;
                const std::unique_ptr<Layer> loaded = f.fromJson({{"class_name", f.className}, {"config", edited}});
                QVERIFY2(loaded->config() == edited,
                         (what + " = " + value.dump() + " came back as " + loaded->config().dump()).c_str());
            }
        }
    }
}

void TestLayerCapabilities::kerasCodeHasEveryLayer()
{
    for (const LayerFactory& f : layerFactories()) {
        if (defaultLayer(f)->inputArity().maximum != 1) {
            // A layer taking several inputs: the functional-API script, called on two inputs.
            ModelGraph graph;
            for (const char* input : {"a", "b"}) {
                GraphLayer l;
                l.name = input;
                l.className = "InputLayer";
                l.declaredShape = {-1, 9, 7, 3};
                graph.layers.push_back(l);
                graph.nodes.push_back(GraphNode{graph.layers.size() - 1, 0, {}, nlohmann::json::object()});
                graph.inputs.push_back(graph.nodes.size() - 1);
            }
            GraphLayer merge;
            merge.name = f.nameStem;
            merge.className = f.className;
            merge.layer = std::shared_ptr<const Layer>(defaultLayer(f));
            graph.layers.push_back(merge);
            graph.nodes.push_back(GraphNode{2, 0, {0, 1}, nlohmann::json::object()});
            graph.outputs = {2};
            const std::string code = generateGraphKerasCode(graph, {});
            const KerasConstructor constructor = merge.layer->kerasConstructor();
            QVERIFY2(code.find("layer_" + f.nameStem + " = " + constructor.call + "(name=\"" + f.nameStem + "\"")
                         != std::string::npos,
                     code.c_str());
            QVERIFY2(code.find("= layer_" + f.nameStem + "([t0_a, t1_b])") != std::string::npos, code.c_str());
            continue;
        }
        Pipeline pipeline;
        pipeline.name = "capabilities";
        pipeline.layers.push_back(defaultLayer(f));
        const Layer& layer = *pipeline.layers.front();
        KerasCodeOptions options;
        options.inputPath = "input.npy";
        options.inputShape = kInputShape;
        const std::string code = generateKerasCode(pipeline, options);
        const KerasConstructor constructor = layer.kerasConstructor();
        const std::string what = (f.className);
        QVERIFY2(!constructor.call.empty() && !constructor.module.empty(), what.c_str());
        QVERIFY2(code.find("model.add(" + constructor.call + "(name=\"" + layer.name() + "\"") != std::string::npos, what.c_str());
        if (!constructor.helperSource.empty())
            QVERIFY2(code.find(constructor.helperSource) != std::string::npos, what.c_str());
        const std::vector<NamedArray> weights = layer.kerasWeights(kInputShape);
        for (const NamedArray& w : weights)
            QVERIFY2(static_cast<int64_t>(w.values.size()) == elementCount(w.shape), (what + " " + w.name).c_str());
        QCOMPARE(code.find("model.get_layer(\"" + layer.name() + "\").set_weights(") != std::string::npos,
                 !weights.empty());
    }
}

void TestLayerCapabilities::slidingWindowsMatchTheShape()
{
    for (const LayerFactory& f : layerFactories()) {
        const std::unique_ptr<Layer> layer = defaultLayer(f);
        const Shape outShape = layer->inferShapes(testShapes(*layer)).output;
        const AxisRoles out = axisRoles(outShape.size(), layer->dataFormat().value_or(DataFormat::ChannelsLast));
        for (int axis = 0; axis < 2; ++axis) {
            const std::optional<WindowConfig> window = layer->slidingWindow(kInputShape, axis);
            if (!window) {
                QVERIFY_THROWS_EXCEPTION(std::invalid_argument, shapeWhatIf(*layer, kInputShape, axis));
                continue;
            }
            const ShapeWhatIf w = shapeWhatIf(*layer, kInputShape, axis);
            QVERIFY2(w.current.valid, f.className.c_str());
            QCOMPARE(w.current.output, outShape[static_cast<size_t>(axis == 0 ? out.rows : out.cols)]);
        }
    }
}

void TestLayerCapabilities::fuzzConstructorsMakeLoadableJson()
{
    std::mt19937 generator(7);
    for (const LayerFactory& f : layerFactories()) {
        int accepted = 0;
        for (int run = 0; run < 300; ++run) {
            std::vector<uint8_t> bytes(generator() % 48);
            for (uint8_t& b : bytes)
                b = static_cast<uint8_t>(generator());
            FuzzBytes in{bytes.data(), bytes.size()};
            const json object = f.fuzzJson(in, "fuzzed");
            const std::string what = (f.className + ": " + object.dump());
            QVERIFY2(object.value("class_name", "") == f.className, what.c_str());
            try {
                const std::unique_ptr<Layer> layer = f.fromJson(object);
                ++accepted;
                // Shape inference of an accepted layer: valid, the Keras error, or arithmetic
                // overflow on an absurd size (which inferChain reports as the layer's error).
                try {
                    layer->inferShapes(testShapes(*layer));
                } catch (const LayerError&) {
                } catch (const std::overflow_error&) {
                }
            } catch (const std::invalid_argument&) {
            } catch (const LayerError&) {
            } catch (const std::exception& e) {
                QFAIL((what + " threw " + e.what()).c_str());
            }
        }
        QVERIFY2(accepted > 0, f.className.c_str());
    }
}

QTEST_APPLESS_MAIN(TestLayerCapabilities)
#include "test_layer_capabilities.moc"
