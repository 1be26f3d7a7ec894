#pragma once
// Runs an opened model graph on a worker thread for the graph window, as PipelineRunner does for
// the stack: a request is a value (the immutable graph, the image, how to fit it to the model's
// input), the worker fits the image (core's fitInputToModel), infers every node's shape with its
// arithmetic (inferGraphShapes) and runs the graph (core's runGraph, every node's output kept);
// a newer request cancels the older one through its stop token, results carry their generation
// and anything but the newest is dropped. Results travel through a UiHandoff (ui_handoff.h).

#include "engine/worker_threads.h"

#include "core/graph/graph.h"
#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"
#include "core/graph/model_input_fit.h"

#include <QObject>
#include <QString>

#include <memory>
#include <stop_token>
#include <vector>

namespace layerscope::gui {

class UiHandoff;

class GraphRunner : public QObject {
    Q_OBJECT
public:
    explicit GraphRunner(std::shared_ptr<const ModelGraph> graph, QObject* parent = nullptr);
    ~GraphRunner() override;

    const ModelGraph& graph() const { return *m_graph; }
    std::shared_ptr<const ModelGraph> graphPointer() const { return m_graph; }

    // Starts a run on `image` fitted as `fit` says (cancelling any older run).
    void run(std::shared_ptr<const Tensor> image, InputFit fit);
    // An edited graph (graph_edit.h): every output the edit did not change is kept (carryOutputs,
    // shown at once) and a run on `image` computes only the changed nodes and their downstream.
    void setGraph(std::shared_ptr<const ModelGraph> graph, std::shared_ptr<const Tensor> image, InputFit fit);
    void cancel();
    bool waitForIdle(int timeoutMs);
    bool isBusy() const { return m_busy; }
    quint64 generation() const { return m_generation; }

    int64_t memoryBudgetBytes() const { return m_memoryBudget; }
    void setMemoryBudgetBytes(int64_t bytes) { m_memoryBudget = bytes; }

    // Of the newest run (empty/null until it reports them).
    std::shared_ptr<const Tensor> output(size_t node) const;
    QString error(size_t node) const;       // "" when computed or not reached yet
    double milliseconds(size_t node) const; // -1 when not computed
    const GraphShapes& shapes() const { return m_shapes; }
    // What was done to the image ("resized 451×300 → 128×128 ..."), or why it could not be.
    QString inputDescription() const { return m_inputDescription; }
    std::shared_ptr<const Tensor> fittedInput() const { return m_fittedInput; }
    int computedCount() const;

signals:
    void shapesReady();
    void nodeDone(int node);
    void progressChanged(double fraction);
    void busyChanged(bool busy);
    // The newest run ended (also with failing nodes); not emitted when cancelled.
    void finished(double milliseconds);

private:
    struct Request;
    void start(std::shared_ptr<const Tensor> image, InputFit fit, std::vector<std::shared_ptr<const Tensor>> previous,
               std::vector<size_t> changed);
    static void work(GraphRunner* runner, UiHandoff* handoff, std::shared_ptr<const Request> request);
    void setBusy(bool busy);

    std::shared_ptr<const ModelGraph> m_graph;
    quint64 m_generation = 0;
    bool m_busy = false;
    int64_t m_memoryBudget;
    std::vector<std::shared_ptr<const Tensor>> m_outputs;
    std::vector<QString> m_errors;
    std::vector<double> m_ms;
    GraphShapes m_shapes;
    QString m_inputDescription;
    std::shared_ptr<const Tensor> m_fittedInput;
    std::shared_ptr<std::stop_source> m_stop;
    UiHandoff* m_handoff;
    WorkerThreads m_workers;
};

} // namespace layerscope::gui
