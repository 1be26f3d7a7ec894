#pragma once
// A model graph drawn top to bottom like Netron and Keras's plot_model: one box per node (class,
// name, output shape, a live thumbnail of its output), branches and merges as edges. The layout
// comes from Graphviz's dot (core/graph/graph_layout.h), computed on a worker. Thumbnails are
// rendered lazily on a worker (ChannelImageRenderer) for the boxes in view only, and only those
// near the view are kept, so a 150-node model stays light. Wheel zooms, dragging pans, F fits,
// clicking selects. Unsupported layers are drawn dashed with their reason, nodes behind them (or
// behind a failing node) greyed as "not computed".

#include "engine/worker_threads.h"

#include "core/graph/graph.h"
#include "core/render/render.h"

#include <QGraphicsView>
#include <QImage>
#include <QTimer>

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

class QGraphicsItem;

namespace layerscope {
struct GraphLayout;
}

namespace layerscope::gui {

class ChannelImageRenderer;
class GraphNodeItem;
class UiHandoff;

enum class GraphNodeState { Pending, Ok, Failed, Unsupported, NotComputed };

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    // Shows `graph` (laid out on a worker; layoutReady() follows; the previous graph stays drawn
    // until then). Every node starts Pending. A graph drawn exactly as the one shown (an edit of
    // parameters or a bypass) keeps the drawing, states and selection, and stays laid out.
    void setGraph(std::shared_ptr<const ModelGraph> graph);
    bool isLaidOut() const { return m_laidOut; }
    QString layoutError() const { return m_layoutError; }
    // What a node's box says under its name ("1×56×56×24", the reason it is not run, ...).
    void setNodeState(int node, GraphNodeState state, const QString& detail,
                      std::shared_ptr<const Tensor> output = nullptr);
    GraphNodeState nodeState(int node) const;
    void setRenderOptions(const RenderOptions& options);
    // A receptive field: per node, the cells (x, y, width, height over its output's rows and
    // columns) the selected value depends on, drawn on the thumbnail, and the box outlined; a
    // node without a region (nullopt) is not part of it. An empty vector clears it.
    void setReceptiveField(const std::vector<std::optional<QRect>>& regions);
    bool inReceptiveField(int node) const;

    void selectNode(int node, bool ensureVisible = true);
    int selectedNode() const { return m_selected; }
    // Nodes whose layer name (or node name) contains `text` (case-insensitive), in graph order.
    std::vector<int> findNodes(const QString& text) const;

    void fitAll();
    // The opening view: the top of the graph (its inputs) at a readable zoom (fitted when the whole
    // graph is small enough to read, else 60–100 %).
    void showTop();
    void zoomIn();
    void zoomOut();
    double zoom() const;

    // Tests: thumbnails currently held, and the box of a node in scene coordinates.
    int thumbnailCount() const;
    bool hasThumbnail(int node) const;
    QRectF nodeRect(int node) const;
    // Tests: processes events until the visible computed nodes show thumbnails.
    bool waitForThumbnails(int timeoutMs);

signals:
    void layoutReady();
    void nodeSelected(int node);
    void nodeActivated(int node); // double-click
    void nodeMenuRequested(int node, QPoint globalPos); // right click on a node (selected first)

protected:
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildScene(const layerscope::GraphLayout& layout);
    void scheduleThumbnails();
    void requestThumbnails();
    void onImage(quint64 tag, int key, const QImage& image);
    int nodeAt(QPoint viewportPos) const;
    QRectF visibleSceneRect() const;

    std::shared_ptr<const ModelGraph> m_graph;
    std::vector<GraphNodeItem*> m_items;
    std::vector<GraphNodeItem*> m_staleItems; // the previous graph's boxes, shown until the new layout
    // Each node's state, kept apart from its box: a run can report before the layout (a worker's)
    // has built the boxes, and the boxes then start from what the run already said.
    struct NodeStatus {
        GraphNodeState state = GraphNodeState::Pending;
        QString detail;
        std::shared_ptr<const Tensor> output;
    };
    std::vector<NodeStatus> m_status;
    bool m_laidOut = false;
    QString m_layoutError;
    quint64 m_layoutGeneration = 0;
    int m_selected = -1;
    RenderOptions m_options;
    ChannelImageRenderer* m_renderer;
    quint64 m_thumbnailTag = 0;
    std::unordered_map<int, const Tensor*> m_requestedTensors; // key → the tensor it was asked for
    QTimer m_thumbnailTimer;
    UiHandoff* m_handoff;
    WorkerThreads m_workers;
};

} // namespace layerscope::gui
