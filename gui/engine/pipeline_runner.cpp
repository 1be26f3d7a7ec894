#include "pipeline_runner.h"

#include "document/document.h"
#include "document/layer_json.h"
#include "engine/ui_handoff.h"

#include "core/background_priority.h"
#include "core/errors.h"

#include <QDeadlineTimer>
#include <QMetaObject>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace layerscope::gui {

struct PipelineRunner::Request {
    quint64 generation = 0;
    Pipeline pipeline;
    std::vector<bool> bypassed;
    std::shared_ptr<const Tensor> start; // input of layer `first`
    std::shared_ptr<const LayerSummary> startSummary;
    int first = 0;
    int64_t heldBytes = 0; // the input and the cached outputs before `first`
    struct Incomplete {
        int layer;
        std::shared_ptr<const Tensor> output;
        std::shared_ptr<const LayerSummary> ranges;
    };
    std::vector<Incomplete> incomplete; // kept layers still without histograms
    int64_t memoryBudget = 0;
    std::stop_token stop;
};

QString layerStatusName(LayerStatus status)
{
    switch (status) {
    case LayerStatus::Pending: return QStringLiteral("pending");
    case LayerStatus::Computing: return QStringLiteral("computing");
    case LayerStatus::Ok: return QStringLiteral("ok");
    case LayerStatus::Error: return QStringLiteral("error");
    case LayerStatus::Blocked: return QStringLiteral("blocked");
    }
    return {};
}

PipelineRunner::PipelineRunner(Document* document, QObject* parent)
    : QObject(parent), m_document(document), m_memoryBudget(defaultMemoryBudget()), m_handoff(new UiHandoff(this))
{
}

PipelineRunner::~PipelineRunner()
{
    if (m_stop)
        m_stop->request_stop();
    waitForIdle();
}

void PipelineRunner::waitForIdle()
{
    m_workers.joinAll();
}

bool PipelineRunner::waitForIdle(int timeoutMs)
{
    return m_workers.waitAll(std::chrono::milliseconds(timeoutMs));
}

std::shared_ptr<const LayerSummary> PipelineRunner::summary(int index) const
{
    if (index < 0 || index >= layerCount())
        return nullptr;
    return m_info[static_cast<size_t>(index)].summary;
}

std::shared_ptr<const Tensor> PipelineRunner::output(int index) const
{
    if (index < 0)
        return m_document->input();
    if (index >= layerCount())
        return nullptr;
    return m_info[static_cast<size_t>(index)].output;
}

bool PipelineRunner::isIdle() const
{
    return !m_busy && !m_scheduled && !m_document->isInputLoading();
}

void PipelineRunner::schedule()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    QTimer::singleShot(0, this, [this] {
        if (m_scheduled)
            run();
    });
}

void PipelineRunner::startOnChange()
{
    m_announceLater = true;
    run();
    m_announceLater = false;
}

void PipelineRunner::announce(quint64 generation, std::function<void()> signal)
{
    if (!m_announceLater) {
        signal();
        return;
    }
    QTimer::singleShot(0, this, [this, generation, signal = std::move(signal)] {
        if (generation == m_generation)
            signal();
    });
}

void PipelineRunner::cancel()
{
    if (m_stop)
        m_stop->request_stop();
    if (m_busy || m_scheduled)
        m_cancelled = true;
    m_scheduled = false;
    m_computing = -1;
    ++m_generation; // results of the cancelled run are dropped
    for (LayerRunInfo& info : m_info)
        if (info.status == LayerStatus::Computing || (info.status == LayerStatus::Pending && !info.output))
            info.status = LayerStatus::Pending;
    for (int i = 0; i < layerCount(); ++i)
        emit layerStatusChanged(i);
    setBusy(false);
}

void PipelineRunner::run()
{
    m_scheduled = false;
    m_cancelled = false;
    m_computing = -1;
    if (m_stop)
        m_stop->request_stop();

    const Document& doc = *m_document;
    const int n = doc.layerCount();
    const quint64 generation = ++m_generation;

    // Cache keys: the input revision, then every layer's JSON and bypass flag so far.
    std::vector<std::string> keys(static_cast<size_t>(n));
    std::string key = "input:" + std::to_string(doc.inputRevision());
    for (int i = 0; i < n; ++i) {
        key += '\n';
        key += doc.isBypassed(i) ? "bypass:" : "";
        key += doc.layerJson(i).dump();
        keys[static_cast<size_t>(i)] = key;
    }

    std::vector<LayerRunInfo> info(static_cast<size_t>(n));
    std::vector<std::string> kept(static_cast<size_t>(n));
    int first = 0;
    // Outputs are kept by key: for each new layer, the old layer computed under the same key.
    for (int i = 0; i < n; ++i) {
        bool found = false;
        for (size_t j = 0; j < m_keys.size(); ++j) {
            if (m_keys[j] == keys[static_cast<size_t>(i)] && m_info[j].output) {
                info[static_cast<size_t>(i)] = m_info[j];
                kept[static_cast<size_t>(i)] = keys[static_cast<size_t>(i)];
                found = true;
                break;
            }
        }
        if (!found)
            break;
        first = i + 1;
    }
    // Outputs dropped here that a view still shows (the picture of a layer being recomputed stays
    // up until the new one arrives) stay in memory during the run: the budget counts them.
    int64_t stillShown = 0;
    std::vector<const Tensor*> counted{m_document->input().get()};
    for (const LayerRunInfo& k : info)
        counted.push_back(k.output.get());
    for (const LayerRunInfo& old : m_info) {
        // Bypassed layers share one tensor: only references from outside m_info mean "shown".
        const auto ownRefs = std::count_if(m_info.begin(), m_info.end(),
                                           [&](const LayerRunInfo& o) { return o.output == old.output; });
        if (old.output && old.output.use_count() > ownRefs
            && std::find(counted.begin(), counted.end(), old.output.get()) == counted.end()) {
            stillShown += old.output->byteSize();
            counted.push_back(old.output.get());
        }
    }
    m_info = std::move(info);
    m_keys = std::move(kept);
    m_pendingKeys = keys;
    m_lastStart = first;

    const ShapeChain& chain = doc.shapeChain();
    for (int i = first; i < n; ++i) {
        LayerRunInfo& li = m_info[static_cast<size_t>(i)];
        if (!doc.input()) {
            li.status = LayerStatus::Blocked;
            li.message = doc.inputError();
        } else if (chain.layers[static_cast<size_t>(i)].blocked) {
            li.status = LayerStatus::Blocked;
        } else if (!chain.layers[static_cast<size_t>(i)].ok) {
            li.status = LayerStatus::Error;
            li.message = chain.layers[static_cast<size_t>(i)].error;
        } else {
            li.status = LayerStatus::Pending;
        }
    }
    announce(generation, [this] {
        for (int i = 0; i < layerCount(); ++i)
            emit layerStatusChanged(i);
    });

    const bool anyToRun = first < n && doc.input()
        && m_info[static_cast<size_t>(first)].status == LayerStatus::Pending;
    // Kept outputs whose histograms an earlier, cancelled run did not finish.
    std::vector<int> incomplete;
    for (int i = 0; i < first; ++i)
        if (m_info[static_cast<size_t>(i)].summary && !m_info[static_cast<size_t>(i)].summary->hasHistograms())
            incomplete.push_back(i);
    if (!anyToRun && incomplete.empty()) {
        setBusy(false);
        announce(generation, [this, generation] { emit finished(generation); });
        return;
    }

    auto request = std::make_shared<Request>();
    request->generation = generation;
    request->pipeline = doc.pipeline();
    request->bypassed = doc.bypassFlags();
    request->start = first == 0 ? doc.input() : m_info[static_cast<size_t>(first - 1)].output;
    request->startSummary = first == 0 ? nullptr : m_info[static_cast<size_t>(first - 1)].summary;
    request->first = anyToRun ? first : n; // only the histograms when nothing has to compute
    for (int i : incomplete)
        request->incomplete.push_back({i, m_info[static_cast<size_t>(i)].output, m_info[static_cast<size_t>(i)].summary});
    // What stays in memory while the new layers compute (bypassed layers share their input).
    request->heldBytes = (doc.input() ? doc.input()->byteSize() : 0) + stillShown;
    for (int i = 0; i < first; ++i)
        if (m_info[static_cast<size_t>(i)].output != (i == 0 ? doc.input() : m_info[static_cast<size_t>(i - 1)].output))
            request->heldBytes += m_info[static_cast<size_t>(i)].output->byteSize();
    request->memoryBudget = m_memoryBudget;
    m_stop = std::make_shared<std::stop_source>();
    request->stop = m_stop->get_token();
    setBusy(true);
    m_workers.start([this, handoff = m_handoff, request] { work(this, handoff, request); });
}

void PipelineRunner::work(PipelineRunner* runner, UiHandoff* handoff, std::shared_ptr<Request> request)
{
    const quint64 gen = request->generation;
    lowerThreadPriority(/*openMpTeam=*/true);
    ExecContext context;
    context.stop = request->stop;
    context.memoryBudgetBytes = request->memoryBudget;
    context.memoryBudgetHint = "Run ▸ Memory Budget…";
    std::vector<bool> enabled(request->bypassed.size());
    for (size_t i = 0; i < enabled.size(); ++i)
        enabled[i] = !request->bypassed[i];

    std::shared_ptr<const Tensor> previous = request->start;
    std::shared_ptr<const LayerSummary> previousSummary = request->startSummary;
    RunCallbacks callbacks;
    callbacks.layerStarted = [&](size_t layer) {
        const int i = static_cast<int>(layer);
        handoff->post([runner, gen, i] { runner->onLayerStarted(gen, i); });
    };
    callbacks.layerDone = [&](size_t layer, const std::shared_ptr<const Tensor>& out, double ms) {
        const int i = static_cast<int>(layer);
        // A bypassed layer's output is its input: the summary is the same too.
        if (out == previous && previousSummary) {
            handoff->post([runner, gen, i, out, summary = previousSummary, ms] {
                runner->onLayerDone(gen, i, out, summary, ms);
            });
            return;
        }
        // The ranges first: the layer and its pictures can be shown while the histograms for
        // the Statistics panel are counted.
        std::shared_ptr<const LayerSummary> ranges;
        try {
            ranges = std::make_shared<const LayerSummary>(summarizeRanges(*out, context));
        } catch (const CancelledError&) {
            throw;
        } catch (const std::exception&) {
            // A tensor no view can show (rank 5, empty) has no summary; the views say why.
        }
        handoff->post([runner, gen, i, out, ranges, ms] {
            runner->onLayerDone(gen, i, out, ranges, ms);
        });
        std::shared_ptr<const LayerSummary> full = ranges;
        if (ranges) {
            full = std::make_shared<const LayerSummary>(addHistograms(*ranges, *out, context));
            handoff->post([runner, gen, i, out, full] {
                runner->onLayerSummary(gen, i, out, full);
            });
        }
        previous = out;
        previousSummary = full;
    };
    callbacks.progress = [runner, handoff, gen](const RunProgress& progress) {
        handoff->post([runner, gen, progress] { runner->onProgress(gen, progress); });
    };

    try {
        for (const Request::Incomplete& kept : request->incomplete) {
            auto full = std::make_shared<const LayerSummary>(addHistograms(*kept.ranges, *kept.output, context));
            handoff->post([runner, gen, i = kept.layer, out = kept.output, full] {
                runner->onLayerSummary(gen, i, out, full);
            });
        }
    } catch (const CancelledError&) {
        return;
    }

    RunRequest run;
    run.pipeline = &request->pipeline;
    run.enabled = std::move(enabled);
    run.first = static_cast<size_t>(request->first);
    run.start = request->start;
    run.heldBytes = request->heldBytes;
    const RunResult result = runLayers(run, context, callbacks);
    if (result.cancelled)
        return;
    if (result.failedLayer) {
        const int i = static_cast<int>(*result.failedLayer);
        const QString message = QString::fromStdString(result.error);
        handoff->post([runner, gen, i, message] {
            runner->onLayerFailed(gen, i, message);
            runner->onFinished(gen);
        });
        return;
    }
    handoff->post([runner, gen] { runner->onFinished(gen); });
}

void PipelineRunner::onLayerStarted(quint64 generation, int index)
{
    if (generation != m_generation || index >= layerCount())
        return;
    m_info[static_cast<size_t>(index)].status = LayerStatus::Computing;
    m_computing = index;
    emit layerStatusChanged(index);
}

void PipelineRunner::onLayerDone(quint64 generation, int index, std::shared_ptr<const Tensor> output,
                                 std::shared_ptr<const LayerSummary> summary, double ms)
{
    if (generation != m_generation || index >= layerCount())
        return;
    LayerRunInfo& li = m_info[static_cast<size_t>(index)];
    li.status = LayerStatus::Ok;
    li.message.clear();
    li.milliseconds = ms;
    li.output = std::move(output);
    li.summary = std::move(summary);
    m_keys[static_cast<size_t>(index)] = m_pendingKeys[static_cast<size_t>(index)];
    emit layerStatusChanged(index);
}

void PipelineRunner::onLayerSummary(quint64 generation, int index, const std::shared_ptr<const Tensor>& output,
                                    std::shared_ptr<const LayerSummary> summary)
{
    if (generation != m_generation || index >= layerCount() || m_info[static_cast<size_t>(index)].output != output)
        return;
    m_info[static_cast<size_t>(index)].summary = std::move(summary);
    emit layerStatusChanged(index);
}

void PipelineRunner::onLayerFailed(quint64 generation, int index, const QString& message)
{
    if (generation != m_generation || index >= layerCount())
        return;
    m_info[static_cast<size_t>(index)].status = LayerStatus::Error;
    m_info[static_cast<size_t>(index)].message = message;
    emit layerStatusChanged(index);
    for (int i = index + 1; i < layerCount(); ++i) {
        m_info[static_cast<size_t>(i)].status = LayerStatus::Blocked;
        emit layerStatusChanged(i);
    }
}

void PipelineRunner::onProgress(quint64 generation, const RunProgress& progress)
{
    if (generation == m_generation)
        emit progressChanged(progress);
}

void PipelineRunner::onFinished(quint64 generation)
{
    if (generation != m_generation)
        return;
    setBusy(false);
    emit finished(generation);
}

void PipelineRunner::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    if (!busy)
        m_computing = -1;
    // Deferred, it tells the state at that time (a quick run may have ended in between).
    announce(m_generation, [this] { emit busyChanged(m_busy); });
}

} // namespace layerscope::gui
