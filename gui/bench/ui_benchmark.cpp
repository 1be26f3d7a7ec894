#include "ui_benchmark.h"

#include "bench/bench_support.h"
#include "bench/graph_benchmark.h"

#include "engine/pipeline_runner.h"
#include "widgets/app_setup.h"
#include "widgets/feature_map_view.h"
#include "widgets/layer_properties_panel.h"
#include "widgets/main_window.h"

#include "document/document.h"

#include "core/layer_registry.h"

#include <QAbstractScrollArea>
#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace layerscope::gui {

namespace {

using bench::peakResidentMegabytes;
using bench::percentile;
using bench::processUntil;
using bench::StallWatchdog;
using bench::TracingApplication;
using bench::benchmarkWindowOptions;
using bench::useOffscreenWithoutDisplay;

constexpr const char* kUsage =
    "usage: layerscope bench-ui --image IMG --pipeline P.json [--edits N]\n"
    "                           [--normalise channel|layer|fixed] [--json] [--trace-slow MS] [--verbose]\n"
    "       layerscope bench-ui --image IMG --model MODEL.keras|.h5|.json [--scrolls N] [--edits N] [--json]\n"
    "Opens the real main window (offscreen without a display), applies N edits to the first\n"
    "layer's first integer parameter as the properties editor does, and reports edit-to-pixels\n"
    "latency, the longest UI event-loop stall and the peak resident memory. --trace-slow MS\n"
    "prints every event the UI thread took MS or more to handle, with its receiver, and\n"
    "--verbose each edit's latency (both to stderr).\n"
    "With --model it opens the model's graph window instead and reports the time to the drawn\n"
    "graph, to every node computed and to the visible thumbnails, N page scrolls down the graph\n"
    "(each until its thumbnails are drawn), N edits (a node bypassed and back, each until its\n"
    "downstream is computed again), the longest UI stall and the peak resident memory.\n";

struct Options {
    QString image, pipeline, model;
    int edits = 20;
    Normalization normalization = Normalization::PerChannel;
    bool json = false;
    int traceSlowMs = 0; // 0: off
    bool verbose = false;
    int scrolls = 20;
};

struct UsageError {
    std::string message;
};

Options parseOptions(int argc, char** argv)
{
    Options options;
    auto value = [&](int& i) -> std::string {
        if (i + 1 >= argc)
            throw UsageError{std::string(argv[i]) + " needs a value"};
        return argv[++i];
    };
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--image") {
            options.image = QString::fromStdString(value(i));
        } else if (arg == "--pipeline") {
            options.pipeline = QString::fromStdString(value(i));
        } else if (arg == "--model") {
            options.model = QString::fromStdString(value(i));
        } else if (arg == "--edits") {
            const std::string text = value(i);
            char* end = nullptr;
            const long n = std::strtol(text.c_str(), &end, 10);
            if (*end != '\0' || n < 1 || n > 100000)
                throw UsageError{"--edits must be an integer from 1 to 100000, not '" + text + "'"};
            options.edits = static_cast<int>(n);
        } else if (arg == "--normalise" || arg == "--normalize") {
            const std::string mode = value(i);
            if (mode == "channel")
                options.normalization = Normalization::PerChannel;
            else if (mode == "layer")
                options.normalization = Normalization::PerLayer;
            else if (mode == "fixed")
                options.normalization = Normalization::FixedRange;
            else
                throw UsageError{"--normalise must be channel, layer or fixed, not '" + mode + "'"};
        } else if (arg == "--trace-slow") {
            const std::string text = value(i);
            char* end = nullptr;
            const long ms = std::strtol(text.c_str(), &end, 10);
            if (*end != '\0' || ms < 1 || ms > 60000)
                throw UsageError{"--trace-slow must be a number of milliseconds from 1 to 60000, not '" + text + "'"};
            options.traceSlowMs = static_cast<int>(ms);
        } else if (arg == "--scrolls") {
            const std::string text = value(i);
            char* end = nullptr;
            const long n = std::strtol(text.c_str(), &end, 10);
            if (*end != '\0' || n < 0 || n > 10000)
                throw UsageError{"--scrolls must be an integer from 0 to 10000, not '" + text + "'"};
            options.scrolls = static_cast<int>(n);
        } else if (arg == "--verbose") {
            options.verbose = true;
        } else if (arg == "--json") {
            options.json = true;
        } else if (arg == "--help" || arg == "-h") {
            throw UsageError{};
        } else {
            throw UsageError{"unknown argument '" + arg + "'"};
        }
    }
    if (options.image.isEmpty() || (options.pipeline.isEmpty() == options.model.isEmpty()))
        throw UsageError{"--image and one of --pipeline or --model are required"};
    for (const QString& path : {options.image, options.pipeline.isEmpty() ? options.model : options.pipeline})
        if (!QFile::exists(path))
            throw UsageError{"no such file: " + path.toStdString()};
    return options;
}

// Remembers which tensor the feature-map view held at each paint of its viewport in which every
// visible tile had its final picture (pictures are rendered on the worker and arrive after the
// tensor: a paint with placeholders does not count).
class PaintWatcher : public QObject {
public:
    PaintWatcher(FeatureMapView* view, QObject* parent) : QObject(parent), m_view(view)
    {
        view->viewport()->installEventFilter(this);
    }
    // The view has painted `tensor` since reset().
    bool painted(const Tensor* tensor) const { return m_painted.count(tensor) > 0; }
    void reset() { m_painted.clear(); }
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && m_view->imagesComplete())
            m_painted.insert(m_view->tensor().get());
        return QObject::eventFilter(watched, event);
    }

private:
    FeatureMapView* m_view;
    std::set<const Tensor*> m_painted;
};

// The first integer (or integer pair) editor field of the layer, as the properties panel shows it.
std::optional<FieldSpec> firstIntegerField(const std::string& className)
{
    if (const LayerFactory* descriptor = findLayerFactory(className))
        for (const FieldSpec& field : descriptor->fields)
            if (field.kind == FieldKind::Int || field.kind == FieldKind::IntPair)
                return field;
    return std::nullopt;
}

int run(const Options& options, int argc, char** argv)
{
    useOffscreenWithoutDisplay();
    TracingApplication app(argc, argv, options.traceSlowMs);
    setUpApplication();
    MainWindow window(benchmarkWindowOptions());
    window.show();
    RenderOptions render = window.renderOptions();
    render.normalization = options.normalization;
    window.setRenderOptions(render);

    PipelineRunner* runner = window.runner();
    quint64 finishedGeneration = 0;
    QObject::connect(runner, &PipelineRunner::finished, &window,
                     [&finishedGeneration](quint64 generation) { finishedGeneration = generation; });
    auto* paints = new PaintWatcher(window.featureView(), &window);

    constexpr qint64 kTimeoutMs = 30 * 60 * 1000;
    window.openInitial(options.image, options.pipeline);
    Document* document = window.document();
    if (document->layerCount() == 0) {
        std::fprintf(stderr, "error: the pipeline has no layers to edit\n");
        return 1;
    }
    if (!processUntil([&] { return runner->isIdle() && finishedGeneration > 0; }, kTimeoutMs)) {
        std::fprintf(stderr, "error: the first run did not finish within 30 minutes\n");
        return 1;
    }
    window.selectLayer(0);
    const std::string className = document->layer(0).className();
    const std::optional<FieldSpec> field = firstIntegerField(className);
    if (!field) {
        std::fprintf(stderr, "error: the first layer (%s) has no integer parameter to edit\n", className.c_str());
        return 1;
    }
    const nlohmann::json original = document->layerJson(0).at("config").at(field->key);

    const bool verbose = options.verbose;
    StallWatchdog watchdog(&window);
    watchdog.start();
    std::vector<double> latencies;
    for (int i = 0; i < options.edits; ++i) {
        nlohmann::json value = original;
        if (i % 2 == 0) {
            if (value.is_array())
                for (auto& v : value)
                    v = v.get<int64_t>() + 1;
            else
                value = value.get<int64_t>() + 1;
        }
        const quint64 generationBefore = runner->generation();
        QElapsedTimer clock;
        clock.start();
        if (!window.propertiesPanel()->applyConfigValue(field->key, value)) {
            std::fprintf(stderr, "error: %s '%s' rejected %s = %s\n", className.c_str(),
                         document->layer(0).name().c_str(), field->key.c_str(), value.dump().c_str());
            return 1;
        }
        // The run answering this edit has computed the first layer, and the view has painted
        // that output (the rest of the pipeline may still be running).
        paints->reset();
        auto answered = [&] { return finishedGeneration > generationBefore || runner->generation() > generationBefore; };
        const bool shown = processUntil(
            [&] {
                const auto output = runner->output(0);
                return answered() && output && runner->info(0).status == LayerStatus::Ok
                    && paints->painted(output.get());
            },
            kTimeoutMs);
        if (!shown) {
            std::fprintf(stderr, "error: edit %d was not shown within %lld s\n", i + 1, kTimeoutMs / 1000);
            return 1;
        }
        latencies.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        if (verbose)
            std::fprintf(stderr, "edit %d: %s = %s shown after %.1f ms\n", i + 1, field->key.c_str(),
                         value.dump().c_str(), latencies.back());
    }

    const double stall = watchdog.longestMs();
    const double rss = peakResidentMegabytes();
    const double p50 = percentile(latencies, 0.50), p95 = percentile(latencies, 0.95);
    const double max = *std::max_element(latencies.begin(), latencies.end());
    auto round1 = [](double v) { return std::round(v * 10.0) / 10.0; };
    if (options.json) {
        const nlohmann::json result = {
            {"edits", options.edits},
            {"edit_to_pixels_ms", {{"p50", round1(p50)}, {"p95", round1(p95)}, {"max", round1(max)}}},
            {"longest_ui_stall_ms", round1(stall)},
            {"peak_rss_mb", round1(rss)}};
        std::printf("%s\n", result.dump().c_str());
    } else {
        std::printf("edits: %d of %s.%s (%s)\n", options.edits, document->layer(0).name().c_str(),
                    field->key.c_str(), className.c_str());
        std::printf("edit to pixels: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", p50, p95, max);
        std::printf("longest UI stall: %.1f ms\npeak RSS: %.1f MB\n", stall, rss);
    }
    std::fflush(stdout);
    // Leave without tearing down a window whose worker may still hold a large run.
    std::_Exit(0);
}

} // namespace

bool isUiBenchmarkInvocation(int argc, char** argv)
{
    return argc >= 2 && std::strcmp(argv[1], "bench-ui") == 0;
}

int runUiBenchmark(int argc, char** argv)
{
    Options options;
    try {
        options = parseOptions(argc, argv);
    } catch (const UsageError& e) {
        if (e.message.empty()) {
            std::fputs(kUsage, stdout);
            return 0;
        }
        std::fprintf(stderr, "error: %s\n%s", e.message.c_str(), kUsage);
        return 2;
    }
    if (!options.model.isEmpty())
        return runGraphBenchmark({options.image, options.model, options.scrolls, options.edits, options.json, options.traceSlowMs},
                                 argc, argv);
    return run(options, argc, argv);
}

} // namespace layerscope::gui
