#pragma once
// "Difference from the opened model" in the graph window: a node's output after edits against
// the same node of the model as it was opened, on the same fitted image, as the Compare window
// shows two pipelines (core's tensorDifference: a − b, max and mean |difference|). The opened
// model's outputs are computed once per input on a worker (runGraph) and kept; a newer request
// cancels an older one and only the newest result is reported.

#include "core/graph/graph.h"
#include "core/tensor.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

namespace layerscope::gui {

class GraphDifference : public QObject {
    Q_OBJECT
public:
    explicit GraphDifference(std::shared_ptr<const ModelGraph> opened, QObject* parent = nullptr);
    ~GraphDifference() override;

    // Compares `current` (the output of the node named `node` in the edited model) with that
    // node's output in the opened model run on `input`; ready() follows.
    void request(const QString& node, std::shared_ptr<const Tensor> current, std::shared_ptr<const Tensor> input);
    void cancel();
    bool isBusy() const { return m_watcher.isRunning(); }
    bool waitForIdle(int timeoutMs);

    struct Result {
        quint64 generation = 0;
        QString node;
        std::shared_ptr<const Tensor> difference; // null: nothing to show (`summary` says why)
        QString summary;
        std::shared_ptr<const Tensor> input;      // what the opened outputs below were computed on
        std::vector<std::shared_ptr<const Tensor>> openedOutputs;
    };

signals:
    void ready(const QString& node, std::shared_ptr<const Tensor> difference, const QString& summary);

private:
    void start(const QString& node, std::shared_ptr<const Tensor> current, std::shared_ptr<const Tensor> input);

    struct Pending {
        QString node;
        std::shared_ptr<const Tensor> current, input;
    };
    std::optional<Pending> m_pending;
    std::shared_ptr<const ModelGraph> m_opened;
    std::shared_ptr<const Tensor> m_cachedInput;
    std::vector<std::shared_ptr<const Tensor>> m_cachedOutputs;
    quint64 m_generation = 0;
    std::shared_ptr<std::stop_source> m_stop;
    QFutureWatcher<Result> m_watcher;
};

} // namespace layerscope::gui
