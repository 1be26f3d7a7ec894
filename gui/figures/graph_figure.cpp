#include "graph_figure.h"

#include "widgets/graph_view.h"

#include "core/graph/graph_shapes.h"

#include <QEventLoop>
#include <QGraphicsScene>
#include <QPainter>
#include <QTimer>

#include <stdexcept>

namespace layerscope::gui {

namespace {
constexpr int kMargin = 16;
constexpr int kTitle = 28;
constexpr int kMaxSide = 6000; // a 150-node model is about 4000 points tall
}

Figure graphFigure(std::shared_ptr<const ModelGraph> graph, const std::vector<Shape>& inputs,
                   std::optional<size_t> selected)
{
    auto view = std::make_shared<GraphView>();
    QEventLoop loop;
    bool ready = false;
    QObject::connect(view.get(), &GraphView::layoutReady, &loop, [&] {
        ready = true;
        loop.quit();
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    view->setGraph(graph);
    if (!view->isLaidOut())
        loop.exec();
    if (!ready && !view->isLaidOut())
        throw std::runtime_error("the graph layout did not finish within a minute");
    if (!view->layoutError().isEmpty())
        throw std::runtime_error("graph layout failed: " + view->layoutError().toStdString());
    const GraphShapes shapes = inferGraphShapes(*graph, inputs);
    for (size_t n = 0; n < graph->nodes.size(); ++n) {
        const NodeShape& s = shapes.nodes[n];
        if (s.status == NodeStatus::Ok && s.shape)
            view->setNodeState(static_cast<int>(n), GraphNodeState::Ok, QString::fromStdString(shapeToString(s.shape->output)));
        else if (s.status == NodeStatus::Unsupported)
            view->setNodeState(static_cast<int>(n), GraphNodeState::Unsupported, QString::fromStdString(s.error));
        else if (s.status == NodeStatus::Failed)
            view->setNodeState(static_cast<int>(n), GraphNodeState::Failed, QString::fromStdString(s.error));
        else
            view->setNodeState(static_cast<int>(n), GraphNodeState::NotComputed, QString::fromStdString(s.error));
    }
    if (selected)
        view->selectNode(static_cast<int>(*selected), /*ensureVisible=*/false);
    const QRectF scene = view->scene()->itemsBoundingRect();
    const double scale = std::min(1.0, double(kMaxSide) / std::max(scene.width(), scene.height()));
    const QSize size(static_cast<int>(std::max(320.0, scene.width() * scale + 2 * kMargin)),
                     static_cast<int>(scene.height() * scale + 2 * kMargin + kTitle));
    const std::string title = graph->name + " — " + std::to_string(graph->nodes.size()) + " nodes";
    return {size, title, [view, scene, size, title](QPainter& p) {
                p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
                QFont bold = p.font();
                bold.setPixelSize(14);
                bold.setBold(true);
                p.setFont(bold);
                p.setPen(Qt::black);
                p.drawText(QRect(kMargin, kMargin / 2, size.width() - 2 * kMargin, kTitle), Qt::AlignLeft | Qt::AlignVCenter,
                           QString::fromStdString(title));
                p.setRenderHint(QPainter::Antialiasing, true);
                p.setRenderHint(QPainter::TextAntialiasing, true);
                view->scene()->render(&p, QRectF(kMargin, kMargin + kTitle, size.width() - 2 * kMargin, size.height() - 2 * kMargin - kTitle),
                                      scene, Qt::KeepAspectRatio);
            }};
}

} // namespace layerscope::gui
