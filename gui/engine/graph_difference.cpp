#include "graph_difference.h"

#include "core/background_priority.h"
#include "core/errors.h"
#include "core/explain/compare.h"
#include "core/graph/graph_run.h"

#include <QtConcurrent>

namespace layerscope::gui {

GraphDifference::GraphDifference(std::shared_ptr<const ModelGraph> opened, QObject* parent)
    : QObject(parent), m_opened(std::move(opened))
{
    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, [this] {
        if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0)
            return;
        Result result = m_watcher.result();
        if (!result.openedOutputs.empty()) {
            m_cachedInput = result.input;
            m_cachedOutputs = std::move(result.openedOutputs);
        }
        if (result.generation == m_generation)
            emit ready(result.node, result.difference, result.summary);
        if (m_pending) {
            Pending next = std::move(*m_pending);
            m_pending.reset();
            start(next.node, std::move(next.current), std::move(next.input));
        }
    });
}

GraphDifference::~GraphDifference()
{
    cancel();
    m_watcher.waitForFinished();
}

void GraphDifference::cancel()
{
    if (m_stop)
        m_stop->request_stop();
}

bool GraphDifference::waitForIdle(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (m_watcher.isRunning() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QCoreApplication::processEvents();
    return !m_watcher.isRunning();
}

void GraphDifference::request(const QString& node, std::shared_ptr<const Tensor> current, std::shared_ptr<const Tensor> input)
{
    ++m_generation;
    if (m_watcher.isRunning()) {
        // The older one stops at its next check; this one starts when it has (never waiting here).
        cancel();
        m_pending = Pending{node, std::move(current), std::move(input)};
        return;
    }
    start(node, std::move(current), std::move(input));
}

void GraphDifference::start(const QString& node, std::shared_ptr<const Tensor> current, std::shared_ptr<const Tensor> input)
{
    m_stop = std::make_shared<std::stop_source>();
    const quint64 generation = m_generation;
    // The opened model's outputs for this input, if already computed.
    std::vector<std::shared_ptr<const Tensor>> cached = m_cachedInput == input ? m_cachedOutputs
                                                                               : std::vector<std::shared_ptr<const Tensor>>{};
    m_watcher.setFuture(QtConcurrent::run([opened = m_opened, node, current = std::move(current), input = std::move(input),
                                           cached = std::move(cached), stop = m_stop->get_token(), generation]() {
        lowerThreadPriority(/*openMpTeam=*/true);
        Result result;
        result.generation = generation;
        result.node = node;
        if (!current || !input) {
            result.summary = QObject::tr("Not computed in the edited model");
            return result;
        }
        std::optional<size_t> found;
        for (size_t n = 0; n < opened->nodes.size(); ++n)
            if (QString::fromStdString(opened->nodeName(n)) == node)
                found = n;
        if (!found) {
            result.summary = QObject::tr("%1 is not in the opened model: the edits added it").arg(node);
            return result;
        }
        std::vector<std::shared_ptr<const Tensor>> outputs = cached;
        if (outputs.empty()) {
            GraphRunRequest request;
            request.graph = opened.get();
            request.inputs.assign(opened->inputs.size(), input);
            ExecContext context;
            context.stop = stop;
            const GraphRunResult run = runGraph(request, context);
            if (run.cancelled)
                return result;
            outputs = run.outputs;
            result.input = input;
            result.openedOutputs = outputs;
        }
        const std::shared_ptr<const Tensor> before = *found < outputs.size() ? outputs[*found] : nullptr;
        if (!before) {
            result.summary = QObject::tr("%1 is not computed in the opened model").arg(node);
            return result;
        }
        if (before->shape() != current->shape()) {
            result.summary = QObject::tr("The shape changed: %1 in the opened model, %2 now")
                                 .arg(QString::fromStdString(shapeToString(before->shape())),
                                      QString::fromStdString(shapeToString(current->shape())));
            return result;
        }
        TensorDifference difference = tensorDifference(*current, *before);
        result.summary = QObject::tr("Now − opened: %1").arg(QString::fromStdString(difference.summary()));
        result.difference = std::make_shared<const Tensor>(std::move(difference.difference));
        return result;
    }));
}

} // namespace layerscope::gui
