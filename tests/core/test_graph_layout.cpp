// The graph view's layout (core/graph/graph_layout.h): Graphviz dot places a model's boxes top to
// bottom. Checked on the geometry itself: chains stack, branches share a rank, boxes keep their
// sizes and never overlap, edges run from the bottom of one box to the top of the other, the
// drawing contains everything; plus speed on a 150-node ResNet-like graph and a real model,
// hostile layer names, argument errors, the size limit and two threads at once.

#include "core/graph/graph_layout.h"
#include "core/graph/model_file.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

using namespace layerscope;

namespace {

// A graph whose node i reads `inputs[i]`; nodes without inputs are InputLayers. Layer names are
// `names[i]` when given (hostile names), else "layer_i".
ModelGraph makeGraph(const std::vector<std::vector<size_t>>& inputs, const std::vector<std::string>& names = {})
{
    ModelGraph g;
    for (size_t i = 0; i < inputs.size(); ++i) {
        GraphLayer layer;
        layer.name = names.empty() ? "layer_" + std::to_string(i) : names[i];
        layer.className = inputs[i].empty() ? "InputLayer" : "Add";
        g.layers.push_back(layer);
        GraphNode node;
        node.layer = i;
        node.inputs = inputs[i];
        g.nodes.push_back(node);
        if (inputs[i].empty())
            g.inputs.push_back(i);
    }
    if (!inputs.empty())
        g.outputs.push_back(inputs.size() - 1);
    return g;
}

std::vector<GraphLayoutBox> uniformBoxes(size_t n, double width = 120, double height = 32)
{
    return std::vector<GraphLayoutBox>(n, GraphLayoutBox{width, height});
}

// Widths vary like layer names do.
std::vector<GraphLayoutBox> variedBoxes(size_t n)
{
    std::vector<GraphLayoutBox> boxes;
    for (size_t i = 0; i < n; ++i)
        boxes.push_back({90.0 + 17.0 * static_cast<double>(i % 7), 28.0 + 4.0 * static_cast<double>(i % 3)});
    return boxes;
}

// input, stem; `blocks` residual blocks (conv, bn, relu, conv, bn, add(block input, bn), relu);
// a head.
ModelGraph resnetLike(int blocks)
{
    std::vector<std::vector<size_t>> inputs{{}, {0}};
    size_t last = 1;
    for (int b = 0; b < blocks; ++b) {
        const size_t blockInput = last;
        size_t k = inputs.size();
        inputs.push_back({blockInput}); // conv
        inputs.push_back({k});          // bn
        inputs.push_back({k + 1});      // relu
        inputs.push_back({k + 2});      // conv
        inputs.push_back({k + 3});      // bn
        inputs.push_back({blockInput, k + 4}); // add
        inputs.push_back({k + 5});      // relu
        last = k + 6;
    }
    inputs.push_back({last});
    return makeGraph(inputs);
}

bool sameLayout(const GraphLayout& a, const GraphLayout& b)
{
    if (a.width != b.width || a.height != b.height || a.nodes.size() != b.nodes.size() ||
        a.edges.size() != b.edges.size())
        return false;
    for (size_t i = 0; i < a.nodes.size(); ++i)
        if (a.nodes[i].x != b.nodes[i].x || a.nodes[i].y != b.nodes[i].y ||
            a.nodes[i].width != b.nodes[i].width || a.nodes[i].height != b.nodes[i].height)
            return false;
    for (size_t i = 0; i < a.edges.size(); ++i)
        if (a.edges[i].from != b.edges[i].from || a.edges[i].to != b.edges[i].to ||
            a.edges[i].points != b.edges[i].points)
            return false;
    return true;
}

// Everything the drawing relies on, for any graph: "" when it holds, else what does not.
// Edges start at the bottom of their producer and end at the top of their consumer.
std::string checkLayout(const ModelGraph& g, const std::vector<GraphLayoutBox>& boxes, const GraphLayout& layout,
                        const GraphLayoutOptions& options = {})
{
    constexpr double tol = 2.0; // Graphviz works in whole points in places
    const auto where = [](size_t i) { return " (node " + std::to_string(i) + ")"; };
    if (layout.nodes.size() != g.nodes.size())
        return "node count";
    for (size_t i = 0; i < layout.nodes.size(); ++i) {
        const GraphLayoutNode& n = layout.nodes[i];
        if (n.width != boxes[i].width || n.height != boxes[i].height)
            return "box size differs from the requested one" + where(i);
        if (n.x - n.width / 2 < -1e-9 || n.y - n.height / 2 < -1e-9 || n.x + n.width / 2 > layout.width + 1e-9 ||
            n.y + n.height / 2 > layout.height + 1e-9)
            return "box outside the drawing" + where(i);
        // Every node is below its inputs.
        for (size_t input : g.nodes[i].inputs) {
            const GraphLayoutNode& p = layout.nodes[input];
            if (n.y - n.height / 2 < p.y + p.height / 2 + options.rankSeparation - tol)
                return "node not a rank below its input " + std::to_string(input) + where(i);
        }
    }
    for (size_t i = 0; i < layout.nodes.size(); ++i)
        for (size_t j = i + 1; j < layout.nodes.size(); ++j) {
            const GraphLayoutNode& a = layout.nodes[i];
            const GraphLayoutNode& b = layout.nodes[j];
            const double gapX = std::abs(a.x - b.x) - (a.width + b.width) / 2;
            const double gapY = std::abs(a.y - b.y) - (a.height + b.height) / 2;
            if (gapX < -1e-9 && gapY < -1e-9)
                return "boxes overlap" + where(i) + where(j);
            if (std::abs(a.y - b.y) < 1e-6 && gapX < options.nodeSeparation - tol)
                return "boxes of one rank closer than nodeSeparation" + where(i) + where(j);
        }
    // Edges: one per input slot, ordered by consumer then slot.
    size_t k = 0;
    for (size_t to = 0; to < g.nodes.size(); ++to)
        for (size_t from : g.nodes[to].inputs) {
            if (k >= layout.edges.size())
                return "too few edges";
            const GraphLayoutEdge& e = layout.edges[k++];
            if (e.from != from || e.to != to)
                return "edge " + std::to_string(k - 1) + " out of order";
            if (e.points.size() < 4 || (e.points.size() - 1) % 3 != 0)
                return "edge " + std::to_string(k - 1) + " is not 1 + 3n points";
            const GraphLayoutNode& a = layout.nodes[from];
            const GraphLayoutNode& b = layout.nodes[to];
            const auto& first = e.points.front();
            const auto& last = e.points.back();
            if (std::abs(first[1] - (a.y + a.height / 2)) > tol || std::abs(first[0] - a.x) > a.width / 2 + tol)
                return "edge " + std::to_string(k - 1) + " does not start at the bottom of its producer";
            if (std::abs(last[1] - (b.y - b.height / 2)) > tol || std::abs(last[0] - b.x) > b.width / 2 + tol)
                return "edge " + std::to_string(k - 1) + " does not end at the top of its consumer";
            for (const auto& p : e.points)
                if (!std::isfinite(p[0]) || !std::isfinite(p[1]))
                    return "edge " + std::to_string(k - 1) + " has a non-finite point";
        }
    if (k != layout.edges.size())
        return "too many edges";
    return {};
}

#define QVERIFY_LAYOUT(g, boxes, layout) \
    do { const std::string problem_ = checkLayout(g, boxes, layout); QVERIFY2(problem_.empty(), problem_.c_str()); } while (0)

double elapsedMs(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

class TestGraphLayout : public QObject {
    Q_OBJECT

private slots:
    void linearChainStacksTopToBottom()
    {
        const ModelGraph g = makeGraph({{}, {0}, {1}, {2}, {3}});
        const auto boxes = variedBoxes(5);
        const GraphLayout layout = layoutGraph(g, boxes);
        QVERIFY_LAYOUT(g, boxes, layout);
        for (size_t i = 1; i < 5; ++i) {
            QVERIFY(layout.nodes[i].y > layout.nodes[i - 1].y);
            QVERIFY(std::abs(layout.nodes[i].x - layout.nodes[0].x) <= 1.0);
        }
        // The drawing is the column plus the margins: as wide as the widest box, the boxes and
        // rank separations tall.
        const GraphLayoutOptions defaults;
        double widest = 0, tall = 4 * defaults.rankSeparation;
        for (const auto& b : boxes) {
            widest = std::max(widest, b.width);
            tall += b.height;
        }
        QVERIFY(std::abs(layout.width - (widest + 2 * defaults.margin)) <= 2.0);
        QVERIFY(std::abs(layout.height - (tall + 2 * defaults.margin)) <= 4.0);
        QCOMPARE(layout.edges.size(), size_t(4));
    }

    void separationsAreHonoured()
    {
        const ModelGraph g = makeGraph({{}, {0}, {0}, {0}, {1, 2, 3}});
        const auto boxes = uniformBoxes(5);
        GraphLayoutOptions wide;
        wide.nodeSeparation = 60;
        wide.rankSeparation = 100;
        wide.margin = 0;
        const GraphLayout layout = layoutGraph(g, boxes, wide);
        const std::string problem = checkLayout(g, boxes, layout, wide);
        QVERIFY2(problem.empty(), problem.c_str());
        // The three branches: one rank, 60 apart; the ranks 100 apart.
        QCOMPARE(layout.nodes[1].y, layout.nodes[2].y);
        QCOMPARE(layout.nodes[2].y, layout.nodes[3].y);
        std::vector<double> xs{layout.nodes[1].x, layout.nodes[2].x, layout.nodes[3].x};
        std::sort(xs.begin(), xs.end());
        QVERIFY(std::abs((xs[1] - xs[0]) - (120 + 60)) <= 2.0);
        QVERIFY(std::abs((xs[2] - xs[1]) - (120 + 60)) <= 2.0);
        QVERIFY(std::abs((layout.nodes[1].y - layout.nodes[0].y) - (32 + 100)) <= 2.0);
        // No margin: the drawing starts at 0.
        double minX = 1e9, minY = 1e9;
        for (const auto& n : layout.nodes) {
            minX = std::min(minX, n.x - n.width / 2);
            minY = std::min(minY, n.y - n.height / 2);
        }
        QVERIFY(minX >= 0 && minX <= 1.0);
        QVERIFY(minY >= 0 && minY <= 1.0);
    }

    void diamondPutsBranchesSideBySide()
    {
        // input → a, input → b, Add(a, b)
        const ModelGraph g = makeGraph({{}, {0}, {0}, {1, 2}});
        const auto boxes = uniformBoxes(4, 140, 36);
        const GraphLayout layout = layoutGraph(g, boxes);
        QVERIFY_LAYOUT(g, boxes, layout);
        const auto& in = layout.nodes[0];
        const auto& a = layout.nodes[1];
        const auto& b = layout.nodes[2];
        const auto& add = layout.nodes[3];
        QCOMPARE(a.y, b.y);
        QVERIFY(std::abs(a.x - b.x) >= 140 + GraphLayoutOptions{}.nodeSeparation - 1);
        QVERIFY(a.y > in.y);
        QVERIFY(add.y > a.y && add.y > b.y);
        // Symmetric: input and Add centred between the branches.
        QVERIFY(std::abs(in.x - (a.x + b.x) / 2) <= 2.0);
        QVERIFY(std::abs(add.x - (a.x + b.x) / 2) <= 2.0);
        QCOMPARE(layout.edges.size(), size_t(4));
        QCOMPARE(layout.edges[2].from, size_t(1));
        QCOMPARE(layout.edges[3].from, size_t(2));
        QCOMPARE(layout.edges[3].to, size_t(3));
    }

    void twoInputsFromOneProducerAreTwoEdges()
    {
        // x = input; Add(x, x); then a consumer of the sum.
        const ModelGraph g = makeGraph({{}, {0, 0}, {1}});
        const auto boxes = uniformBoxes(3);
        const GraphLayout layout = layoutGraph(g, boxes);
        QVERIFY_LAYOUT(g, boxes, layout);
        QCOMPARE(layout.edges.size(), size_t(3));
        QCOMPARE(layout.edges[0].from, size_t(0));
        QCOMPARE(layout.edges[1].from, size_t(0));
        QCOMPARE(layout.edges[1].to, size_t(1));
        // Drawn apart, not on top of each other.
        QVERIFY(layout.edges[0].points != layout.edges[1].points);
    }

    void resnetLikeGraphIsFast()
    {
        const ModelGraph g = resnetLike(21);
        QCOMPARE(g.nodes.size(), size_t(150));
        const auto boxes = variedBoxes(g.nodes.size());
        const auto start = std::chrono::steady_clock::now();
        const GraphLayout layout = layoutGraph(g, boxes);
        const double ms = elapsedMs(start);
        qInfo("150-node ResNet-like graph (172 edges): laid out in %.1f ms, drawing %.0f x %.0f",
              ms, layout.width, layout.height);
        QVERIFY_LAYOUT(g, boxes, layout);
        QVERIFY2(ms < 2000, qPrintable(QString("took %1 ms").arg(ms)));
        // The main path goes straight down: every block's Add is below the previous one.
        for (size_t i = 1; i + 1 < g.nodes.size(); ++i)
            for (size_t input : g.nodes[i].inputs)
                QVERIFY(layout.nodes[i].y > layout.nodes[input].y);
        // Deterministic: the same graph gives the same layout.
        QVERIFY(sameLayout(layout, layoutGraph(g, boxes)));
    }

    void realModelLaysOut()
    {
        const std::filesystem::path path =
            std::filesystem::path(LAYERSCOPE_REAL_MODELS_DIR) / "05_tfk2.8_mobilenetv2_035_128.h5";
        QVERIFY2(std::filesystem::exists(path), qPrintable(QString::fromStdString(path.string()) + " is missing"));
        ModelFileOptions options;
        // A trusted fixture: read in-process, keeping this test free of fork() (ThreadSanitizer).
        options.isolateHdf5 = false;
        const ModelGraph g = loadModelFile(path, options);
        QVERIFY(g.nodes.size() >= 150);
        std::vector<GraphLayoutBox> boxes;
        for (size_t i = 0; i < g.nodes.size(); ++i) // about as wide as the box's text would be
            boxes.push_back({std::max(80.0, 7.0 * static_cast<double>(g.nodeName(i).size()) + 24), 40});
        size_t edges = 0;
        for (const auto& node : g.nodes)
            edges += node.inputs.size();
        const auto start = std::chrono::steady_clock::now();
        const GraphLayout layout = layoutGraph(g, boxes);
        const double ms = elapsedMs(start);
        qInfo("05_tfk2.8_mobilenetv2_035_128.h5 (%zu nodes, %zu edges): laid out in %.1f ms, drawing %.0f x %.0f",
              g.nodes.size(), edges, ms, layout.width, layout.height);
        QVERIFY_LAYOUT(g, boxes, layout);
        QVERIFY2(ms < 2000, qPrintable(QString("took %1 ms").arg(ms)));
    }

    // Every real model file that loads as a whole model (not the weights-only ones), laid out.
    void everyRealModelLaysOut()
    {
        const std::filesystem::path dir(LAYERSCOPE_REAL_MODELS_DIR);
        std::ifstream in(dir / "index.json");
        QVERIFY2(in, "index.json is missing");
        const nlohmann::json index = nlohmann::json::parse(in);
        int laidOut = 0;
        for (const auto& entry : index) {
            const std::string file = entry.at("file").get<std::string>();
            ModelFileOptions options;
            options.isolateHdf5 = false; // trusted fixtures; no fork() (ThreadSanitizer)
            ModelGraph g;
            try {
                g = loadModelFile(dir / file, options);
            } catch (const std::exception& e) {
                qInfo("%s: not a whole model here (%s)", file.c_str(), e.what());
                continue;
            }
            std::vector<GraphLayoutBox> boxes;
            for (size_t i = 0; i < g.nodes.size(); ++i)
                boxes.push_back({std::max(80.0, 7.0 * static_cast<double>(g.nodeName(i).size()) + 24), 40});
            const auto start = std::chrono::steady_clock::now();
            const GraphLayout layout = layoutGraph(g, boxes);
            const double ms = elapsedMs(start);
            qInfo("%s: %zu nodes, layout size %zu, %.1f ms", file.c_str(), g.nodes.size(), graphLayoutSize(g), ms);
            const std::string problem = checkLayout(g, boxes, layout);
            QVERIFY2(problem.empty(), (file + ": " + problem).c_str());
            ++laidOut;
        }
        QVERIFY(laidOut >= 20);
    }

    void hostileNamesDoNotMatter()
    {
        const std::vector<std::vector<size_t>> inputs{{}, {0}, {0}, {1, 2}, {3}};
        const std::vector<std::string> hostile{
            "in\"put", "a -> b; c", "}\n digraph x { y", "n0", std::string("nul\0byte", 8)};
        const std::vector<std::string> duplicated{"same", "same", "same", "same", "same"};
        const auto boxes = variedBoxes(5);
        const GraphLayout plain = layoutGraph(makeGraph(inputs), boxes);
        QVERIFY(sameLayout(plain, layoutGraph(makeGraph(inputs, hostile), boxes)));
        QVERIFY(sameLayout(plain, layoutGraph(makeGraph(inputs, duplicated), boxes)));
    }

    void rejectsBadArguments()
    {
        const ModelGraph g = makeGraph({{}, {0}, {1}});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, layoutGraph(g, uniformBoxes(2)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, layoutGraph(g, uniformBoxes(4)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, layoutGraph(g, {{10, 10}, {-1, 10}, {10, 10}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, layoutGraph(g, {{10, 10}, {NAN, 10}, {10, 10}}));
        GraphLayoutOptions bad;
        bad.rankSeparation = INFINITY;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, layoutGraph(g, uniformBoxes(3), bad));
        // An input that is not an earlier node (out of range, or a cycle).
        ModelGraph broken = g;
        broken.nodes[1].inputs = {7};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, layoutGraph(broken, uniformBoxes(3)));
        broken.nodes[1].inputs = {2};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, layoutGraph(broken, uniformBoxes(3)));
        // An empty graph is an empty drawing.
        const GraphLayout empty = layoutGraph(ModelGraph{}, {});
        QVERIFY(empty.nodes.empty() && empty.edges.empty());
        // Zero-sized boxes are laid out (as points).
        const GraphLayout dots = layoutGraph(g, uniformBoxes(3, 0, 0));
        QCOMPARE(dots.nodes.size(), size_t(3));
        QVERIFY(dots.nodes[2].y > dots.nodes[0].y);
    }

    void refusesHugeGraphsQuickly()
    {
        std::vector<std::vector<size_t>> inputs{{}};
        for (size_t i = 1; i <= 20000; ++i)
            inputs.push_back({i - 1});
        const ModelGraph g = makeGraph(inputs);
        const auto start = std::chrono::steady_clock::now();
        try {
            layoutGraph(g, uniformBoxes(g.nodes.size()));
            QFAIL("no error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("too large for the graph view (20001 nodes, 20000 connections"),
                     e.what());
            QVERIFY2(QString(e.what()).contains("at most 8000"), e.what());
        }
        QVERIFY(elapsedMs(start) < 500);
    }

    void layoutSizeBoundsDotsWork()
    {
        // A chain: n nodes, n − 1 edges of one rank each.
        QCOMPARE(graphLayoutSize(makeGraph({{}, {0}, {1}, {2}, {3}})), size_t(9));
        // The diamond: 4 nodes, 4 one-rank edges.
        QCOMPARE(graphLayoutSize(makeGraph({{}, {0}, {0}, {1, 2}})), size_t(8));
        // A skip over three ranks: two virtual nodes, three segments.
        QCOMPARE(graphLayoutSize(makeGraph({{}, {0}, {1}, {0, 2}})), size_t(4 + 3 + 5));
        // A second input read late is drawn next to its consumer: no long edge.
        QCOMPARE(graphLayoutSize(makeGraph({{}, {}, {1}, {2}, {3}, {0, 4}})), size_t(6 + 5));
        // Fan-in of m earlier layers: quadratic.
        std::vector<std::vector<size_t>> inputs{{}};
        std::vector<size_t> all{0};
        for (size_t i = 1; i < 100; ++i) {
            inputs.push_back({i - 1});
            all.push_back(i);
        }
        inputs.push_back(all);
        QVERIFY(graphLayoutSize(makeGraph(inputs)) > kGraphLayoutMaxSize);
    }

    // The largest graphs accepted, of the two kinds dot finds hardest: long edges into one wide
    // rank (a Concatenate of many earlier layers) and a long ResNet-like chain.
    void largestAcceptedGraphsStayFast()
    {
        size_t m = 2;
        const auto fanIn = [](size_t count) {
            std::vector<std::vector<size_t>> inputs{{}};
            std::vector<size_t> all{0};
            for (size_t i = 1; i < count; ++i) {
                inputs.push_back({i - 1});
                all.push_back(i);
            }
            inputs.push_back(all);
            return makeGraph(inputs);
        };
        while (graphLayoutSize(fanIn(m + 1)) <= kGraphLayoutMaxSize)
            ++m;
        int blocks = 1;
        while (graphLayoutSize(resnetLike(blocks + 1)) <= kGraphLayoutMaxSize)
            ++blocks;
        for (const ModelGraph& g : {fanIn(m), resnetLike(blocks)}) {
            const auto boxes = variedBoxes(g.nodes.size());
            const auto start = std::chrono::steady_clock::now();
            const GraphLayout layout = layoutGraph(g, boxes);
            const double ms = elapsedMs(start);
            qInfo("%zu nodes, layout size %zu (limit %zu): laid out in %.0f ms", g.nodes.size(),
                  graphLayoutSize(g), kGraphLayoutMaxSize, ms);
            const std::string problem = checkLayout(g, boxes, layout);
            QVERIFY2(problem.empty(), problem.c_str());
            // A guard against minutes-long stalls, not a speed target: 1.1–2.4 s alone, 11.5 s
            // measured with both cores busy (ctest -j2 beside other builds).
            QVERIFY2(ms < 30000, qPrintable(QString("took %1 ms").arg(ms)));
        }
        // One layer more: refused at once (laid out, it would take about a minute).
        const ModelGraph over = fanIn(m + 1);
        const auto start = std::chrono::steady_clock::now();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, layoutGraph(over, variedBoxes(over.nodes.size())));
        QVERIFY(elapsedMs(start) < 500);
    }

    void twoThreadsAtOnce()
    {
        const ModelGraph g = resnetLike(10);
        const auto boxes = variedBoxes(g.nodes.size());
        const GraphLayout reference = layoutGraph(g, boxes);
        GraphLayout results[2];
        std::string errors[2];
        std::thread threads[2];
        for (int t = 0; t < 2; ++t)
            threads[t] = std::thread([&, t] {
                try {
                    for (int repeat = 0; repeat < 3; ++repeat)
                        results[t] = layoutGraph(g, boxes);
                } catch (const std::exception& e) {
                    errors[t] = e.what();
                }
            });
        for (auto& thread : threads)
            thread.join();
        QVERIFY2(errors[0].empty(), errors[0].c_str());
        QVERIFY2(errors[1].empty(), errors[1].c_str());
        QVERIFY(sameLayout(results[0], results[1]));
        QVERIFY(sameLayout(results[0], reference));
    }
};

QTEST_APPLESS_MAIN(TestGraphLayout)
#include "test_graph_layout.moc"
