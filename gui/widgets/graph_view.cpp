#include "graph_view.h"

#include "engine/channel_image_renderer.h"
#include "engine/ui_handoff.h"

#include "core/graph/graph_layout.h"
#include "core/layer_registry.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QGraphicsItem>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QWheelEvent>

#include <cmath>

namespace layerscope::gui {

namespace {

constexpr double kBoxWidth = 214;
constexpr double kBoxHeight = 74;
constexpr int kThumbnail = 62;          // thumbnail edge in the box (pixels at 100 %)
constexpr int kKeptThumbnails = 96;     // beyond this, thumbnails far from the view are dropped

QColor categoryColour(const std::string& className)
{
    if (const LayerFactory* factory = findLayerFactory(className))
        return QColor::fromRgb(factory->iconColour);
    return className == "InputLayer" ? QColor(0x4a, 0x4a, 0x4a) : QColor(0x9a, 0x9a, 0x9a);
}

} // namespace

// One node's box. Paints only what it holds (texts, a finished thumbnail); never computes.
class GraphNodeItem : public QGraphicsItem {
public:
    GraphNodeItem(int node, QString className, QString name, QColor colour)
        : m_node(node), m_className(std::move(className)), m_name(std::move(name)), m_colour(colour)
    {
        setFlag(ItemIsSelectable, false);
        setToolTip(m_className + QStringLiteral(" '") + m_name + QStringLiteral("'"));
    }

    QRectF boundingRect() const override { return QRectF(-kBoxWidth / 2 - 3, -kBoxHeight / 2 - 3, kBoxWidth + 6, kBoxHeight + 6); }
    QRectF box() const { return QRectF(-kBoxWidth / 2, -kBoxHeight / 2, kBoxWidth, kBoxHeight); }

    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) override
    {
        const QRectF r = box();
        const bool dim = m_state == GraphNodeState::NotComputed || m_state == GraphNodeState::Pending;
        const QPalette palette = QApplication::palette();
        QColor fill = palette.color(QPalette::Base);
        if (m_state == GraphNodeState::Unsupported || m_state == GraphNodeState::Failed)
            fill = QColor(0xfd, 0xec, 0xea);
        painter->setRenderHint(QPainter::Antialiasing, true);
        QPen border(m_selected ? palette.color(QPalette::Highlight) : QColor(0x70, 0x70, 0x70), m_selected ? 3.0 : 1.0);
        if (m_state == GraphNodeState::Unsupported) {
            border.setColor(m_selected ? palette.color(QPalette::Highlight) : QColor(0xb0, 0x20, 0x20));
            border.setStyle(Qt::DashLine);
            border.setWidthF(m_selected ? 3.0 : 1.6);
        }
        painter->setPen(border);
        painter->setBrush(fill);
        painter->drawRoundedRect(r, 5, 5);
        // The category colour as a stripe on the left.
        painter->setPen(Qt::NoPen);
        painter->setBrush(dim ? m_colour.lighter(150) : m_colour);
        painter->drawRoundedRect(QRectF(r.left() + 1, r.top() + 1, 7, r.height() - 2), 3, 3);

        const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
        const bool hasThumb = !m_thumbnail.isNull();
        const double textRight = r.right() - (hasThumb || m_showsThumbSlot ? kThumbnail + 10 : 6);
        const QRectF text(r.left() + 14, r.top() + 5, textRight - r.left() - 14, r.height() - 10);
        if (lod >= 0.35) {
            QFont bold = painter->font();
            bold.setBold(true);
            painter->setFont(bold);
            painter->setPen(dim ? QColor(0x80, 0x80, 0x80) : palette.color(QPalette::Text));
            const QFontMetricsF fm(bold);
            painter->drawText(QRectF(text.left(), text.top(), text.width(), fm.height()), Qt::AlignLeft,
                              fm.elidedText(m_className, Qt::ElideRight, text.width()));
            QFont normal = painter->font();
            normal.setBold(false);
            painter->setFont(normal);
            const QFontMetricsF fn(normal);
            painter->drawText(QRectF(text.left(), text.top() + fm.height(), text.width(), fn.height()), Qt::AlignLeft,
                              fn.elidedText(m_name, Qt::ElideMiddle, text.width()));
            QColor detailColour = QColor(0x30, 0x60, 0x90);
            if (m_state == GraphNodeState::Unsupported || m_state == GraphNodeState::Failed)
                detailColour = QColor(0xa0, 0x10, 0x10);
            else if (dim)
                detailColour = QColor(0x90, 0x90, 0x90);
            painter->setPen(detailColour);
            const QRectF detailRect(text.left(), text.top() + fm.height() + fn.height(), text.width(),
                                    text.bottom() - text.top() - fm.height() - fn.height());
            painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                              fn.elidedText(m_detail, Qt::ElideRight, text.width() * 2 - 10));
        } else {
            // Zoomed far out: the class name alone, large enough to read.
            QFont big = painter->font();
            big.setBold(true);
            big.setPointSizeF(big.pointSizeF() * 2.2);
            painter->setFont(big);
            painter->setPen(dim ? QColor(0x80, 0x80, 0x80) : palette.color(QPalette::Text));
            painter->drawText(r.adjusted(12, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft, m_className);
        }
        if (hasThumb) {
            const QRectF slot(r.right() - kThumbnail - 6, r.top() + (r.height() - kThumbnail) / 2, kThumbnail, kThumbnail);
            const QSizeF scaled = QSizeF(m_thumbnail.size()).scaled(slot.size(), Qt::KeepAspectRatio);
            const QRectF target(slot.center().x() - scaled.width() / 2, slot.center().y() - scaled.height() / 2,
                                scaled.width(), scaled.height());
            painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
            painter->drawImage(target, m_thumbnail);
            painter->setPen(QPen(QColor(0xa0, 0xa0, 0xa0), 0));
            painter->setBrush(Qt::NoBrush);
            painter->drawRect(target);
            if (m_field && m_output && m_output->rank() == 4) {
                // The region in cell coordinates, scaled onto the thumbnail (at least a pixel).
                const double sx = target.width() / static_cast<double>(m_output->dim(2));
                const double sy = target.height() / static_cast<double>(m_output->dim(1));
                QRectF cells(target.left() + m_field->x() * sx, target.top() + m_field->y() * sy,
                             std::max(1.0, m_field->width() * sx), std::max(1.0, m_field->height() * sy));
                painter->setPen(QPen(QColor(0xff, 0x8c, 0x00), 1.5));
                painter->setBrush(QColor(0xff, 0x8c, 0x00, 60));
                painter->drawRect(cells);
            }
        }
        if (m_field) {
            painter->setPen(QPen(QColor(0xff, 0x8c, 0x00), 2.5));
            painter->setBrush(Qt::NoBrush);
            painter->drawRoundedRect(r.adjusted(-2, -2, 2, 2), 6, 6);
        }
    }

    int node() const { return m_node; }
    QString name() const { return m_name; }
    GraphNodeState state() const { return m_state; }
    const std::shared_ptr<const Tensor>& output() const { return m_output; }
    bool thumbnailCurrent() const { return !m_thumbnail.isNull() && m_thumbnailFor == m_output.get(); }
    bool hasThumbnail() const { return !m_thumbnail.isNull(); }
    const QImage& thumbnail() const { return m_thumbnail; }
    bool wantsThumbnail() const { return m_output && m_output->rank() == 4 && !thumbnailCurrent(); }

    void setState(GraphNodeState state, const QString& detail, std::shared_ptr<const Tensor> output)
    {
        m_state = state;
        m_detail = detail;
        m_output = std::move(output);
        m_showsThumbSlot = m_output && m_output->rank() == 4;
        if (!m_showsThumbSlot)
            m_thumbnail = {};
        setToolTip(m_className + QStringLiteral(" '") + m_name + QStringLiteral("'\n") + detail);
        update();
    }
    void setThumbnail(const QImage& image)
    {
        m_thumbnail = image;
        m_thumbnailFor = m_output.get();
        update();
    }
    void dropThumbnail()
    {
        m_thumbnail = {};
        m_thumbnailFor = nullptr;
        update();
    }
    void setSelected(bool selected)
    {
        m_selected = selected;
        update();
    }
    void setReceptiveField(std::optional<QRect> cells)
    {
        m_field = cells;
        update();
    }
    bool inReceptiveField() const { return m_field.has_value(); }

private:
    int m_node;
    QString m_className, m_name, m_detail;
    QColor m_colour;
    GraphNodeState m_state = GraphNodeState::Pending;
    std::shared_ptr<const Tensor> m_output;
    QImage m_thumbnail;
    const Tensor* m_thumbnailFor = nullptr;
    bool m_showsThumbSlot = false;
    bool m_selected = false;
    std::optional<QRect> m_field; // receptive-field cells over the output's rows and columns
};

GraphView::GraphView(QWidget* parent)
    : QGraphicsView(parent), m_renderer(new ChannelImageRenderer(this)), m_handoff(new UiHandoff(this))
{
    setScene(new QGraphicsScene(this));
    setDragMode(QGraphicsView::ScrollHandDrag);
    setRenderHint(QPainter::Antialiasing, true);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setBackgroundBrush(palette().color(QPalette::AlternateBase));
    m_thumbnailTimer.setSingleShot(true);
    m_thumbnailTimer.setInterval(40);
    connect(&m_thumbnailTimer, &QTimer::timeout, this, &GraphView::requestThumbnails);
    connect(m_renderer, &ChannelImageRenderer::imageReady, this,
            [this](quint64 tag, int key, int, const QImage& image) { onImage(tag, key, image); });
}

GraphView::~GraphView()
{
    m_renderer->cancel();
    m_workers.joinAll();
}

namespace {

// Same nodes (names, classes) and edges in the same order: the drawing of one serves the other.
bool sameDrawing(const ModelGraph& a, const ModelGraph& b)
{
    if (a.nodes.size() != b.nodes.size())
        return false;
    for (size_t n = 0; n < a.nodes.size(); ++n)
        if (a.nodes[n].inputs != b.nodes[n].inputs || a.nodeName(n) != b.nodeName(n)
            || a.layerOf(n).className != b.layerOf(n).className)
            return false;
    return true;
}

} // namespace

void GraphView::setGraph(std::shared_ptr<const ModelGraph> graph)
{
    if (m_graph && m_laidOut && graph && sameDrawing(*m_graph, *graph)) {
        // New parameters or a bypass: the boxes, the selection and the view stay.
        m_graph = std::move(graph);
        return;
    }
    m_graph = std::move(graph);
    // The boxes of the graph shown so far stay on screen (inert: no index reaches them) until the
    // new layout replaces them, so an edit does not blank the view; their thumbnails are reused
    // for outputs the edit kept.
    for (GraphNodeItem* item : m_items)
        if (item)
            m_staleItems.push_back(item);
    m_items.clear();
    m_status.assign(m_graph->nodes.size(), NodeStatus{});
    m_laidOut = false;
    m_layoutError.clear();
    m_selected = -1;
    const quint64 generation = ++m_layoutGeneration;
    // Graphviz's layout of a few hundred nodes takes tens to hundreds of milliseconds: a worker's.
    std::vector<GraphLayoutBox> boxes(m_graph->nodes.size(), GraphLayoutBox{kBoxWidth, kBoxHeight});
    m_workers.start([this, handoff = m_handoff, graph = m_graph, boxes = std::move(boxes), generation] {
        std::shared_ptr<GraphLayout> layout;
        QString error;
        try {
            layout = std::make_shared<GraphLayout>(layoutGraph(*graph, boxes));
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        handoff->post([this, layout, error, generation] {
            if (generation != m_layoutGeneration)
                return;
            m_layoutError = error;
            std::unordered_map<const Tensor*, QImage> thumbnails;
            for (GraphNodeItem* item : m_staleItems)
                if (item->thumbnailCurrent())
                    thumbnails[item->output().get()] = item->thumbnail();
            m_staleItems.clear();
            scene()->clear();
            m_items.clear();
            if (layout)
                buildScene(*layout);
            for (GraphNodeItem* item : m_items)
                if (item && item->output())
                    if (const auto kept = thumbnails.find(item->output().get()); kept != thumbnails.end())
                        item->setThumbnail(kept->second);
            m_laidOut = true;
            scheduleThumbnails();
            emit layoutReady();
        });
    });
}

void GraphView::buildScene(const GraphLayout& layout)
{
    const QPen edgePen(QColor(0x70, 0x70, 0x78), 1.3);
    for (const GraphLayoutEdge& edge : layout.edges) {
        if (edge.points.size() < 2)
            continue;
        QPainterPath path(QPointF(edge.points[0][0], edge.points[0][1]));
        size_t i = 1;
        for (; i + 2 < edge.points.size(); i += 3)
            path.cubicTo(QPointF(edge.points[i][0], edge.points[i][1]), QPointF(edge.points[i + 1][0], edge.points[i + 1][1]),
                         QPointF(edge.points[i + 2][0], edge.points[i + 2][1]));
        for (; i < edge.points.size(); ++i)
            path.lineTo(QPointF(edge.points[i][0], edge.points[i][1]));
        auto* line = scene()->addPath(path, edgePen);
        line->setZValue(-1);
        // Arrowhead along the last segment.
        const QPointF tip(edge.points.back()[0], edge.points.back()[1]);
        const QPointF before = path.pointAtPercent(0.97);
        QLineF direction(tip, before);
        if (direction.length() > 0.01) {
            direction.setLength(8);
            QLineF left = direction, right = direction;
            left.setAngle(direction.angle() + 25);
            right.setAngle(direction.angle() - 25);
            QPolygonF head{tip, left.p2(), right.p2()};
            auto* arrow = scene()->addPolygon(head, QPen(edgePen.color(), 1), QBrush(edgePen.color()));
            arrow->setZValue(-1);
        }
    }
    m_items.resize(m_graph->nodes.size(), nullptr);
    for (size_t n = 0; n < m_graph->nodes.size(); ++n) {
        const GraphLayer& layer = m_graph->layerOf(n);
        auto* item = new GraphNodeItem(static_cast<int>(n), QString::fromStdString(layer.className),
                                       QString::fromStdString(m_graph->nodeName(n)), categoryColour(layer.className));
        if (n < layout.nodes.size())
            item->setPos(layout.nodes[n].x, layout.nodes[n].y);
        if (n < m_status.size() && (m_status[n].state != GraphNodeState::Pending || !m_status[n].detail.isEmpty()))
            item->setState(m_status[n].state, m_status[n].detail, m_status[n].output);
        scene()->addItem(item);
        m_items[n] = item;
    }
    scene()->setSceneRect(QRectF(-20, -20, layout.width + 40, layout.height + 40));
}

void GraphView::setNodeState(int node, GraphNodeState state, const QString& detail, std::shared_ptr<const Tensor> output)
{
    if (node < 0 || node >= static_cast<int>(m_status.size()))
        return;
    const auto n = static_cast<size_t>(node);
    m_status[n] = NodeStatus{state, detail, output};
    if (n < m_items.size() && m_items[n]) {
        m_items[n]->setState(state, detail, std::move(output));
        scheduleThumbnails();
    }
}

GraphNodeState GraphView::nodeState(int node) const
{
    if (node < 0 || node >= static_cast<int>(m_status.size()))
        return GraphNodeState::Pending;
    return m_status[static_cast<size_t>(node)].state;
}

void GraphView::setRenderOptions(const RenderOptions& options)
{
    if (options == m_options)
        return;
    m_options = options;
    for (GraphNodeItem* item : m_items)
        if (item)
            item->dropThumbnail();
    scheduleThumbnails();
}

void GraphView::setReceptiveField(const std::vector<std::optional<QRect>>& regions)
{
    for (size_t n = 0; n < m_items.size(); ++n)
        if (m_items[n])
            m_items[n]->setReceptiveField(n < regions.size() ? regions[n] : std::nullopt);
}

bool GraphView::inReceptiveField(int node) const
{
    return node >= 0 && node < static_cast<int>(m_items.size()) && m_items[static_cast<size_t>(node)]
           && m_items[static_cast<size_t>(node)]->inReceptiveField();
}

void GraphView::selectNode(int node, bool ensureVisible)
{
    if (m_selected >= 0 && m_selected < static_cast<int>(m_items.size()) && m_items[static_cast<size_t>(m_selected)])
        m_items[static_cast<size_t>(m_selected)]->setSelected(false);
    m_selected = node;
    if (node >= 0 && node < static_cast<int>(m_items.size()) && m_items[static_cast<size_t>(node)]) {
        GraphNodeItem* item = m_items[static_cast<size_t>(node)];
        item->setSelected(true);
        if (ensureVisible)
            centerOn(item);
    }
    emit nodeSelected(node);
}

std::vector<int> GraphView::findNodes(const QString& text) const
{
    std::vector<int> found;
    if (!m_graph || text.trimmed().isEmpty())
        return found;
    for (size_t n = 0; n < m_graph->nodes.size(); ++n) {
        const QString name = QString::fromStdString(m_graph->nodeName(n));
        const QString className = QString::fromStdString(m_graph->layerOf(n).className);
        if (name.contains(text.trimmed(), Qt::CaseInsensitive) || className.compare(text.trimmed(), Qt::CaseInsensitive) == 0)
            found.push_back(static_cast<int>(n));
    }
    return found;
}

void GraphView::fitAll()
{
    if (scene()->items().isEmpty())
        return;
    fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
    // A tall model fitted whole is unreadable: never below 15 %; then show its top.
    if (zoom() < 0.15) {
        const double factor = 0.15 / zoom();
        scale(factor, factor);
        centerOn(scene()->sceneRect().center().x(), scene()->sceneRect().top() + viewport()->height() / 0.3);
    }
    scheduleThumbnails();
}

void GraphView::showTop()
{
    if (scene()->items().isEmpty())
        return;
    const QRectF scene = this->scene()->sceneRect();
    const QSize view = viewport()->size();
    const double fit = std::min(view.width() / scene.width(), view.height() / scene.height());
    const double zoom = std::clamp(fit, 0.5, 1.0);
    setTransform(QTransform::fromScale(zoom, zoom));
    centerOn(scene.center().x(), scene.top() + view.height() / (2 * zoom));
    scheduleThumbnails();
}

void GraphView::zoomIn()
{
    if (zoom() < 4.0)
        scale(1.25, 1.25);
    scheduleThumbnails();
}

void GraphView::zoomOut()
{
    if (zoom() > 0.05)
        scale(0.8, 0.8);
    scheduleThumbnails();
}

double GraphView::zoom() const
{
    return transform().m11();
}

int GraphView::thumbnailCount() const
{
    int count = 0;
    for (const GraphNodeItem* item : m_items)
        count += item && item->hasThumbnail();
    return count;
}

bool GraphView::hasThumbnail(int node) const
{
    return node >= 0 && node < static_cast<int>(m_items.size()) && m_items[static_cast<size_t>(node)]
           && m_items[static_cast<size_t>(node)]->hasThumbnail();
}

QRectF GraphView::nodeRect(int node) const
{
    if (node < 0 || node >= static_cast<int>(m_items.size()) || !m_items[static_cast<size_t>(node)])
        return {};
    const GraphNodeItem* item = m_items[static_cast<size_t>(node)];
    return item->box().translated(item->pos());
}

bool GraphView::waitForThumbnails(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        const QRectF visible = visibleSceneRect();
        bool missing = m_thumbnailTimer.isActive();
        for (const GraphNodeItem* item : m_items)
            if (item && item->wantsThumbnail() && visible.intersects(item->box().translated(item->pos())))
                missing = true;
        if (!missing)
            return true;
    }
    return false;
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    const double factor = std::pow(1.0015, event->angleDelta().y());
    const double next = zoom() * factor;
    if ((factor > 1 && next <= 4.0) || (factor < 1 && next >= 0.05))
        scale(factor, factor);
    scheduleThumbnails();
    event->accept();
}

void GraphView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_F && event->modifiers() == Qt::NoModifier) {
        fitAll();
        return;
    }
    if ((event->key() == Qt::Key_Down || event->key() == Qt::Key_Up) && m_graph && m_selected >= 0) {
        // Down: the first consumer; up: the first input — walks a path through the graph.
        const size_t n = static_cast<size_t>(m_selected);
        if (event->key() == Qt::Key_Up && !m_graph->nodes[n].inputs.empty()) {
            selectNode(static_cast<int>(m_graph->nodes[n].inputs.front()));
            return;
        }
        if (event->key() == Qt::Key_Down) {
            const auto consumers = m_graph->consumers();
            if (!consumers[n].empty()) {
                selectNode(static_cast<int>(consumers[n].front()));
                return;
            }
        }
    }
    QGraphicsView::keyPressEvent(event);
}

int GraphView::nodeAt(QPoint viewportPos) const
{
    for (QGraphicsItem* item : items(viewportPos))
        if (auto* node = dynamic_cast<GraphNodeItem*>(item);
            node && node->node() < static_cast<int>(m_items.size()) && m_items[static_cast<size_t>(node->node())] == node)
            return node->node();
    return -1;
}

void GraphView::contextMenuEvent(QContextMenuEvent* event)
{
    const int node = nodeAt(event->pos());
    if (node < 0)
        return;
    selectNode(node, /*ensureVisible=*/false);
    emit nodeMenuRequested(node, event->globalPos());
    event->accept();
}

void GraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        const int node = nodeAt(event->position().toPoint());
        if (node >= 0)
            selectNode(node, /*ensureVisible=*/false);
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int node = nodeAt(event->position().toPoint());
    if (node >= 0)
        emit nodeActivated(node);
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    scheduleThumbnails();
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    scheduleThumbnails();
}

QRectF GraphView::visibleSceneRect() const
{
    return mapToScene(viewport()->rect()).boundingRect();
}

void GraphView::scheduleThumbnails()
{
    if (!m_thumbnailTimer.isActive())
        m_thumbnailTimer.start();
}

void GraphView::requestThumbnails()
{
    const QRectF visible = visibleSceneRect();
    const QRectF near = visible.adjusted(-visible.width(), -visible.height(), visible.width(), visible.height());
    std::vector<ChannelImageRenderer::Job> jobs;
    int held = 0;
    for (GraphNodeItem* item : m_items) {
        if (!item)
            continue;
        const QRectF box = item->box().translated(item->pos());
        held += item->hasThumbnail();
        if (!visible.intersects(box) || !item->wantsThumbnail())
            continue;
        const Tensor& t = *item->output();
        ChannelImageRenderer::Job job;
        job.tensor = item->output();
        job.channel = t.dim(3) == 3 ? ChannelImageRenderer::kComposite : ChannelImageRenderer::kMostVaried;
        // Subsample to about the thumbnail's size: a power-of-two step, as the feature maps do.
        const int64_t longest = std::max(t.dim(1), t.dim(2));
        int step = 1;
        while (longest / (step * 2) >= kThumbnail)
            step *= 2;
        job.step = step;
        job.key = item->node();
        jobs.push_back(std::move(job));
    }
    // Keep only thumbnails near the view when many are held (a 150-node model scrolled through).
    if (held > kKeptThumbnails)
        for (GraphNodeItem* item : m_items)
            if (item && item->hasThumbnail() && !near.intersects(item->box().translated(item->pos())))
                item->dropThumbnail();
    if (jobs.empty())
        return;
    m_requestedTensors.clear();
    for (const ChannelImageRenderer::Job& job : jobs)
        m_requestedTensors[job.key] = job.tensor.get();
    m_thumbnailTag = m_renderer->request(m_options, std::move(jobs));
}

void GraphView::onImage(quint64 tag, int key, const QImage& image)
{
    if (tag != m_thumbnailTag || key < 0 || key >= static_cast<int>(m_items.size()) || !m_items[static_cast<size_t>(key)])
        return;
    // A picture of an output a newer run has replaced is not this node's picture any more.
    GraphNodeItem* item = m_items[static_cast<size_t>(key)];
    const auto requested = m_requestedTensors.find(key);
    if (requested == m_requestedTensors.end() || requested->second != item->output().get())
        return;
    item->setThumbnail(image);
}

} // namespace layerscope::gui
