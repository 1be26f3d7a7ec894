#pragma once
// Runs the document's pipeline on a worker thread, the way Qt's mandelbrot example renders:
// a request is a value (a copied Pipeline, the bypass flags, the input as shared_ptr, the cached
// output it starts from) handed to a worker thread, where core's runLayers (pipeline_run.h)
// computes it; the worker checks a std::stop_token between and inside layers; after each layer
// it also summarises the output (ranges, statistics: LayerSummary) so no view scans a tensor on
// the GUI thread; every result comes back immutable (shared_ptr<const ...>) tagged with the
// generation of its request, and anything but the newest generation is dropped. Progress arrives
// from the worker alone (runLayers throttles it), already as a RunProgress. Results travel through
// a UiHandoff (std::mutex-ordered, so ThreadSanitizer checks them; see ui_handoff.h).
// Only the layers from the first changed one onwards are recomputed: each layer's output is
// cached under a key made of the input revision and the JSON of that layer and all before it.

#include "core/pipeline.h"
#include "core/pipeline_run.h"
#include "core/render/layer_summary.h"
#include "engine/worker_threads.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <stop_token>
#include <vector>

namespace layerscope::gui {

class Document;
class UiHandoff;

enum class LayerStatus { Pending, Computing, Ok, Error, Blocked };

struct LayerRunInfo {
    LayerStatus status = LayerStatus::Pending;
    QString message;
    double milliseconds = -1.0;
    std::shared_ptr<const Tensor> output;
    // Of output; null until the worker made it, ranges only (hasHistograms() false) until the
    // histograms follow.
    std::shared_ptr<const LayerSummary> summary;
};

class PipelineRunner : public QObject {
    Q_OBJECT
public:
    explicit PipelineRunner(Document* document, QObject* parent = nullptr);
    ~PipelineRunner() override;

    // Starts a run for the document's current state (cancelling any older one).
    void run();
    // Coalesces: runs once when control returns to the event loop.
    void schedule();
    // Starts the run at once, from inside the document's change signal, so the worker computes
    // while the rest of the window updates for the same change (on a 1024² image those updates
    // took 15–30 ms that the run used to wait for). Its signals (statuses, busy, finished) are
    // sent from the event loop: no view hears about a layer before it has seen the change.
    void startOnChange();
    // Stops the current run: its results are dropped and the layers it had not finished go back
    // to Pending with wasCancelled() true until the next run.
    void cancel();
    // Blocks until no worker is running (tests, shutdown).
    void waitForIdle();
    // Like waitForIdle, but gives up after `timeoutMs`; true when no worker is left running.
    bool waitForIdle(int timeoutMs);

    bool isBusy() const { return m_busy; }
    // Nothing to compute and nothing coming: no run, none scheduled, no input being loaded.
    bool isIdle() const;
    quint64 generation() const { return m_generation; }
    // The last run was cancelled (cleared by the next run).
    bool wasCancelled() const { return m_cancelled; }
    // The layer the worker is computing (-1 when idle).
    int computingLayer() const { return m_computing; }
    // The first layer recomputed by the latest run (layerCount when nothing had to run).
    int lastStart() const { return m_lastStart; }
    int layerCount() const { return static_cast<int>(m_info.size()); }
    const LayerRunInfo& info(int index) const { return m_info.at(static_cast<size_t>(index)); }
    // Output of layer `index`; index -1 is the input. Null while unknown.
    std::shared_ptr<const Tensor> output(int index) const;
    // Its summary (null for the input, which the views summarise themselves, and while unknown).
    std::shared_ptr<const LayerSummary> summary(int index) const;

    int64_t memoryBudgetBytes() const { return m_memoryBudget; }
    // A new budget forgets the cached outputs, so the next run applies it to every layer.
    void setMemoryBudgetBytes(int64_t bytes)
    {
        if (bytes != m_memoryBudget)
            m_keys.assign(m_keys.size(), std::string());
        m_memoryBudget = bytes;
    }

signals:
    void layerStatusChanged(int index);
    void progressChanged(const layerscope::RunProgress& progress);
    void busyChanged(bool busy);
    // The newest run completed (successfully or with a layer error); not emitted when cancelled.
    void finished(quint64 generation);

private:
    struct Request;
    static void work(PipelineRunner* runner, UiHandoff* handoff, std::shared_ptr<Request> request);
    void onLayerStarted(quint64 generation, int index);
    void onLayerDone(quint64 generation, int index, std::shared_ptr<const Tensor> output,
                     std::shared_ptr<const LayerSummary> summary, double ms);
    void onLayerSummary(quint64 generation, int index, const std::shared_ptr<const Tensor>& output,
                        std::shared_ptr<const LayerSummary> summary);
    void onLayerFailed(quint64 generation, int index, const QString& message);
    void onProgress(quint64 generation, const RunProgress& progress);
    void onFinished(quint64 generation);
    void setBusy(bool busy);
    // Emits now, or from the event loop while startOnChange() runs (only if no newer run has
    // started by then; that one announces its own state).
    void announce(quint64 generation, std::function<void()> signal);

    Document* m_document;
    quint64 m_generation = 0;
    bool m_busy = false;
    bool m_scheduled = false;
    bool m_announceLater = false;
    bool m_cancelled = false;
    int m_computing = -1;
    int m_lastStart = 0;
    int64_t m_memoryBudget;
    std::vector<LayerRunInfo> m_info;
    std::vector<std::string> m_keys;      // key each m_info[i].output was computed under
    std::vector<std::string> m_pendingKeys;
    std::shared_ptr<std::stop_source> m_stop;
    UiHandoff* m_handoff;
    WorkerThreads m_workers;
};

QString layerStatusName(LayerStatus status);

} // namespace layerscope::gui
