#include "graph_benchmark.h"

#include "bench/bench_support.h"
#include "engine/graph_runner.h"
#include "widgets/app_setup.h"
#include "widgets/file_controller.h"
#include "widgets/graph_edit_controller.h"
#include "widgets/graph_view.h"
#include "widgets/graph_window.h"
#include "widgets/main_window.h"

#include "document/document.h"
#include "engine/pipeline_runner.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace layerscope::gui {

using namespace bench;

int runGraphBenchmark(const GraphBenchmarkOptions& options, int argc, char** argv)
{
    useOffscreenWithoutDisplay();
    TracingApplication app(argc, argv, options.traceSlowMs);
    setUpApplication();
    MainWindow window(benchmarkWindowOptions());
    window.show();
    constexpr qint64 kTimeoutMs = 10 * 60 * 1000;
    window.openInitial(options.image, {});
    if (!processUntil([&] { return window.document()->input() && window.runner()->isIdle(); }, kTimeoutMs)) {
        std::fprintf(stderr, "error: the image did not load\n");
        return 1;
    }

    GraphWindow* graph = nullptr;
    QObject::connect(&window, &MainWindow::graphWindowOpened, &window, [&graph](GraphWindow* opened) { graph = opened; });
    StallWatchdog watchdog(&window);
    watchdog.start();
    QElapsedTimer clock;
    clock.start();
    window.openModelFile(options.model);
    if (!processUntil([&] { return graph != nullptr || !window.files()->isLoadingModel(); }, kTimeoutMs) || !graph) {
        std::fprintf(stderr, "error: %s did not open in a graph window (a plain stack opens in the main window; "
                             "bench it with --pipeline)\n", qPrintable(options.model));
        return 1;
    }
    graph->resize(1280, 820);
    GraphView* view = graph->graphView();
    GraphRunner* runner = graph->runner();
    const bool laidOut = processUntil([&] { return view->isLaidOut(); }, kTimeoutMs);
    QApplication::processEvents(); // the first paint of the drawn graph
    const double openMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    if (!laidOut) {
        std::fprintf(stderr, "error: the graph was not laid out\n");
        return 1;
    }
    bool finished = false;
    QObject::connect(runner, &GraphRunner::finished, &window, [&finished] { finished = true; });
    processUntil([&] { return finished || (!runner->isBusy() && runner->computedCount() > 0); }, kTimeoutMs);
    const double computedMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    view->waitForThumbnails(static_cast<int>(kTimeoutMs));
    const double thumbnailsMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;

    std::vector<double> scrolls;
    QScrollBar* bar = view->verticalScrollBar();
    for (int i = 0; i < options.scrolls; ++i) {
        QElapsedTimer step;
        step.start();
        bar->setValue(bar->value() >= bar->maximum() ? bar->minimum() : bar->value() + bar->pageStep());
        if (!view->waitForThumbnails(static_cast<int>(kTimeoutMs))) {
            std::fprintf(stderr, "error: scroll %d: the thumbnails in view did not arrive\n", i + 1);
            return 1;
        }
        scrolls.push_back(static_cast<double>(step.nsecsElapsed()) / 1e6);
    }
    // Edits: a node in the second half whose output has its input's shape (so the model stays
    // valid) bypassed and back, each edit timed until every node downstream is computed again.
    std::vector<double> edits;
    int recomputed = 0;
    std::string edited;
    {
        const ModelGraph& g = runner->graph();
        const GraphShapes& shapes = runner->shapes();
        std::optional<size_t> target;
        for (size_t n = g.nodes.size() / 2; n < g.nodes.size() && !target; ++n)
            if (g.nodes[n].inputs.size() == 1 && g.layerOf(n).layer && n < shapes.nodes.size() && shapes.nodes[n].shape
                && shapes.nodes[g.nodes[n].inputs[0]].shape
                && shapes.nodes[n].shape->output == shapes.nodes[g.nodes[n].inputs[0]].shape->output)
                target = n;
        if (target) {
            edited = g.nodeName(*target);
            for (int i = 0; i < options.edits; ++i) {
                finished = false;
                QElapsedTimer step;
                step.start();
                graph->editor()->setBypassed(static_cast<int>(*target), i % 2 == 0);
                if (!processUntil([&] { return finished && !runner->isBusy(); }, kTimeoutMs)) {
                    std::fprintf(stderr, "error: edit %d did not finish\n", i + 1);
                    return 1;
                }
                edits.push_back(static_cast<double>(step.nsecsElapsed()) / 1e6);
                recomputed = 0;
                for (size_t n = 0; n < runner->graph().nodes.size(); ++n)
                    recomputed += runner->milliseconds(n) >= 0;
            }
        }
    }
    const double editP50 = edits.empty() ? 0 : percentile(edits, 0.5);
    const double editMax = edits.empty() ? 0 : *std::max_element(edits.begin(), edits.end());
    const double stall = watchdog.longestMs();
    const double rss = peakResidentMegabytes();
    const size_t nodes = runner->graph().nodes.size();
    const int computed = runner->computedCount();
    auto round1 = [](double v) { return std::round(v * 10.0) / 10.0; };
    const double p50 = scrolls.empty() ? 0 : percentile(scrolls, 0.5);
    const double max = scrolls.empty() ? 0 : *std::max_element(scrolls.begin(), scrolls.end());
    if (options.json) {
        const nlohmann::json result = {{"nodes", nodes},
                                       {"computed", computed},
                                       {"open_ms", round1(openMs)},
                                       {"computed_ms", round1(computedMs)},
                                       {"thumbnails_ms", round1(thumbnailsMs)},
                                       {"scrolls", scrolls.size()},
                                       {"scroll_ms", {{"p50", round1(p50)}, {"max", round1(max)}}},
                                       {"thumbnails_held", view->thumbnailCount()},
                                       {"edited_node", edited},
                                       {"edits", edits.size()},
                                       {"nodes_recomputed_per_edit", recomputed},
                                       {"edit_to_recomputed_ms", {{"p50", round1(editP50)}, {"max", round1(editMax)}}},
                                       {"longest_ui_stall_ms", round1(stall)},
                                       {"peak_rss_mb", round1(rss)}};
        std::printf("%s\n", result.dump().c_str());
    } else {
        std::printf("%zu nodes (%d computed)\nopen to drawn graph: %.1f ms\nevery node computed: %.1f ms\n"
                    "thumbnails in view: %.1f ms\n%zu page scrolls to thumbnails: p50 %.1f ms, max %.1f ms "
                    "(%d thumbnails held at the end)\n%zu edits (bypass %s and back), %d of %zu nodes recomputed each: "
                    "p50 %.1f ms, max %.1f ms to recomputed\nlongest UI stall: %.1f ms\npeak RSS: %.1f MB\n",
                    nodes, computed, openMs, computedMs, thumbnailsMs, scrolls.size(), p50, max, view->thumbnailCount(),
                    edits.size(), edited.c_str(), recomputed, nodes, editP50, editMax, stall, rss);
    }
    std::fflush(stdout);
    std::_Exit(0);
}

} // namespace layerscope::gui
