#include "graph_runner.h"

#include "engine/ui_handoff.h"

#include "core/background_priority.h"
#include "core/errors.h"
#include "core/graph/graph_edit.h"

#include <chrono>

namespace layerscope::gui {

struct GraphRunner::Request {
    quint64 generation = 0;
    std::shared_ptr<const ModelGraph> graph;
    std::shared_ptr<const Tensor> image;
    InputFit fit = InputFit::Resize;
    int64_t memoryBudget = 0;
    std::stop_token stop;
    // After an edit: the outputs kept and the nodes to compute (runGraph's previous / changed).
    std::vector<std::shared_ptr<const Tensor>> previous;
    std::vector<size_t> changed;
};

GraphRunner::GraphRunner(std::shared_ptr<const ModelGraph> graph, QObject* parent)
    : QObject(parent), m_graph(std::move(graph)), m_memoryBudget(defaultMemoryBudget()),
      m_handoff(new UiHandoff(this))
{
    const size_t n = m_graph->nodes.size();
    m_outputs.resize(n);
    m_errors.resize(n);
    m_ms.assign(n, -1.0);
}

GraphRunner::~GraphRunner()
{
    cancel();
    m_workers.joinAll();
}

void GraphRunner::cancel()
{
    if (m_stop)
        m_stop->request_stop();
}

bool GraphRunner::waitForIdle(int timeoutMs)
{
    return m_workers.waitAll(std::chrono::milliseconds(timeoutMs));
}

std::shared_ptr<const Tensor> GraphRunner::output(size_t node) const
{
    return node < m_outputs.size() ? m_outputs[node] : nullptr;
}

QString GraphRunner::error(size_t node) const
{
    return node < m_errors.size() ? m_errors[node] : QString();
}

double GraphRunner::milliseconds(size_t node) const
{
    return node < m_ms.size() ? m_ms[node] : -1.0;
}

int GraphRunner::computedCount() const
{
    int count = 0;
    for (const auto& output : m_outputs)
        count += output != nullptr;
    return count;
}

void GraphRunner::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

void GraphRunner::run(std::shared_ptr<const Tensor> image, InputFit fit)
{
    start(std::move(image), fit, {}, {});
}

void GraphRunner::setGraph(std::shared_ptr<const ModelGraph> graph, std::shared_ptr<const Tensor> image, InputFit fit)
{
    cancel();
    // What the newest run had (a run still going has some of them): kept where the edit left them.
    CarriedOutputs carried = carryOutputs(*m_graph, m_outputs, *graph);
    const bool fitted = m_fittedInput != nullptr;
    m_graph = std::move(graph);
    if (!fitted) {
        start(std::move(image), fit, {}, {});
        return;
    }
    start(std::move(image), fit, std::move(carried.previous), std::move(carried.changed));
}

void GraphRunner::start(std::shared_ptr<const Tensor> image, InputFit fit, std::vector<std::shared_ptr<const Tensor>> previous,
                        std::vector<size_t> changed)
{
    cancel();
    auto request = std::make_shared<Request>();
    request->generation = ++m_generation;
    request->graph = m_graph;
    request->image = std::move(image);
    request->fit = fit;
    request->memoryBudget = m_memoryBudget;
    m_stop = std::make_shared<std::stop_source>();
    request->stop = m_stop->get_token();
    const size_t n = m_graph->nodes.size();
    m_outputs = previous.empty() ? std::vector<std::shared_ptr<const Tensor>>(n) : previous;
    m_errors.assign(n, QString());
    m_ms.assign(n, -1.0);
    m_shapes = {};
    if (previous.empty()) {
        m_inputDescription.clear();
        m_fittedInput.reset();
    }
    request->previous = std::move(previous);
    request->changed = std::move(changed);
    setBusy(true);
    m_workers.start([this, handoff = m_handoff, request] { work(this, handoff, request); });
}

void GraphRunner::work(GraphRunner* runner, UiHandoff* handoff, std::shared_ptr<const Request> request)
{
    const quint64 gen = request->generation;
    lowerThreadPriority(/*openMpTeam=*/true);
    const auto started = std::chrono::steady_clock::now();
    ExecContext context;
    context.stop = request->stop;
    context.memoryBudgetBytes = request->memoryBudget;
    context.memoryBudgetHint = "Run ▸ Memory Budget…";
    const ModelGraph& graph = *request->graph;

    // The input: the image fitted to the model (or the reason it cannot be).
    std::shared_ptr<const Tensor> input;
    QString description;
    if (request->image) {
        try {
            FittedInput fitted = fitInputToModel(*request->image, declaredImageInput(graph), request->fit, context);
            description = QString::fromStdString(fitted.description);
            input = std::make_shared<const Tensor>(std::move(fitted.tensor));
        } catch (const CancelledError&) {
            return;
        } catch (const std::exception& e) {
            description = QObject::tr("The input could not be fitted to the model: %1").arg(QString::fromStdString(e.what()));
        }
    } else {
        description = QObject::tr("No input loaded");
    }
    std::vector<Shape> inputShapes;
    if (input)
        inputShapes.assign(graph.inputs.size(), input->shape());
    GraphShapes shapes = inferGraphShapes(graph, inputShapes);
    handoff->post([runner, gen, shapes = std::move(shapes), description, input]() mutable {
        if (gen != runner->m_generation)
            return;
        runner->m_shapes = std::move(shapes);
        runner->m_inputDescription = description;
        runner->m_fittedInput = input;
        emit runner->shapesReady();
    });
    if (!input || request->stop.stop_requested()) {
        handoff->post([runner, gen] {
            if (gen != runner->m_generation)
                return;
            runner->setBusy(false);
            emit runner->finished(0.0);
        });
        return;
    }

    GraphRunRequest run;
    run.graph = &graph;
    // Every model input gets the image (models with several image inputs see the same one).
    run.inputs.assign(graph.inputs.size(), input);
    run.previous = request->previous;
    run.changed = request->changed;
    GraphRunCallbacks callbacks;
    callbacks.nodeDone = [&](size_t node, const TensorPtr& output, double ms) {
        handoff->post([runner, gen, node, output, ms] {
            if (gen != runner->m_generation)
                return;
            runner->m_outputs[node] = output;
            runner->m_ms[node] = ms;
            emit runner->nodeDone(static_cast<int>(node));
        });
    };
    callbacks.progress = [&](const GraphRunProgress& progress) {
        const double fraction = progress.overall();
        handoff->post([runner, gen, fraction] {
            if (gen == runner->m_generation)
                emit runner->progressChanged(fraction);
        });
    };
    GraphRunResult result;
    try {
        result = runGraph(run, context, callbacks);
    } catch (const std::exception& e) {
        result.errors.assign(graph.nodes.size(), e.what());
    }
    if (result.cancelled)
        return;
    const double total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::vector<QString> errors;
    errors.reserve(result.errors.size());
    for (const std::string& e : result.errors)
        errors.push_back(QString::fromStdString(e));
    handoff->post([runner, gen, errors = std::move(errors), outputs = std::move(result.outputs), total]() mutable {
        if (gen != runner->m_generation)
            return;
        if (errors.size() == runner->m_errors.size())
            runner->m_errors = std::move(errors);
        // Input nodes are not "computed" by the run; their outputs come with the result.
        for (size_t i = 0; i < outputs.size() && i < runner->m_outputs.size(); ++i)
            if (!runner->m_outputs[i] && outputs[i])
                runner->m_outputs[i] = outputs[i];
        runner->setBusy(false);
        emit runner->finished(total);
    });
}

} // namespace layerscope::gui
