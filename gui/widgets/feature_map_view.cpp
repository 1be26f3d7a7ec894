#include "feature_map_view.h"

#include "engine/channel_image_renderer.h"
#include "engine/tensor_image.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTimer>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

namespace layerscope::gui {

namespace {

// The value with as many significant digits as fit in a cell (at least 2), so neighbouring
// numbers never run into each other; "…" when not even that fits.
QString valueFittingWidth(float value, const QFontMetrics& metrics, int width)
{
    const QString full = formatValue(value);
    if (metrics.horizontalAdvance(full) <= width)
        return full;
    for (int digits = 5; digits >= 2; --digits) {
        const QString shorter = QString::number(static_cast<double>(value), 'g', digits);
        if (metrics.horizontalAdvance(shorter) <= width)
            return shorter;
    }
    return QStringLiteral("…");
}
constexpr int kGap = 10;
constexpr int kLabel = 16;
constexpr int kMargin = 8;
constexpr double kMinZoom = 1.0 / 32.0;
constexpr double kMaxZoom = 256.0;
constexpr double kNumbersZoom = 34.0; // cell size (px) from which values are written in cells
// Pictures kept beyond the visible ones (a full-resolution 4000×3000 channel is 48 MB).
constexpr int64_t kCacheBytes = int64_t{256} << 20;
}

FeatureMapView::FeatureMapView(QWidget* parent) : QAbstractScrollArea(parent)
{
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setBackgroundRole(QPalette::Dark);
    setToolTip(tr("Wheel: zoom · drag: pan · click a tile: open the channel large · Esc: all channels"));
    m_renderer = new ChannelImageRenderer(this);
    connect(m_renderer, &ChannelImageRenderer::imageReady, this, &FeatureMapView::onImage);
    connect(m_renderer, &ChannelImageRenderer::summaryReady, this,
            [this](quint64 tag, std::shared_ptr<const Tensor> tensor, std::shared_ptr<const LayerSummary> summary) {
                if (tag != m_tag || tensor != m_tensor)
                    return;
                m_summary = std::move(summary);
                emit summaryChanged();
                viewport()->update();
            });
    connect(m_renderer, &ChannelImageRenderer::requestDone, this, [this](quint64 tag) {
        if (tag == m_tag)
            m_inFlight.clear();
    });
}

void FeatureMapView::setTensor(std::shared_ptr<const Tensor> tensor, const QString& title,
                               std::shared_ptr<const LayerSummary> summary)
{
    const bool sameShape = tensor && m_tensor && tensor->shape() == m_tensor->shape();
    // The same tensor again without a summary keeps the one already known (the Compare window
    // sets its tensors on every change of channel).
    if (tensor == m_tensor && !summary)
        summary = m_summary;
    const bool changed = tensor != m_tensor || summary != m_summary;
    m_tensor = std::move(tensor);
    m_summary = m_tensor ? std::move(summary) : nullptr;
    m_title = title;
    m_message.clear();
    if (changed) {
        // The old pictures stay up until the new ones arrive when the shape is the same (an edit
        // that recomputes a layer does not flash); a new shape cannot reuse them.
        ++m_generation;
        m_renderer->cancel();
        m_inFlight.clear();
        if (!sameShape) {
            m_cache.clear();
            m_cacheBytes = 0;
        }
    }
    if (!sameShape) {
        const TensorGeometry g = m_tensor ? tensorGeometry(*m_tensor) : TensorGeometry{};
        if (m_solo >= g.channels)
            m_solo = -1;
        if (!canComposite())
            m_composite = false;
        m_fitPending = true;
    }
    if (m_fitPending && m_tensor && viewport()->width() > 0)
        zoomToFit();
    updateScrollBars();
    viewport()->update();
    if (changed) {
        emit summaryChanged();
        // Ask now rather than at the next paint: a hidden view (the Numbers tab) still provides
        // the summary the Statistics panel shows.
        QTimer::singleShot(0, this, &FeatureMapView::requestMissing);
    }
}

void FeatureMapView::setSummary(std::shared_ptr<const LayerSummary> summary)
{
    if (!summary || summary == m_summary)
        return;
    if (!m_tensor || !m_summary || !summary->sameRanges(*m_summary)) {
        setTensor(m_tensor, m_title, std::move(summary));
        return;
    }
    m_summary = std::move(summary);
    emit summaryChanged();
}

void FeatureMapView::setOptions(const RenderOptions& options)
{
    if (options == m_options)
        return;
    m_options = options;
    ++m_generation;
    m_renderer->cancel();
    m_inFlight.clear();
    viewport()->update();
}

void FeatureMapView::setMessage(const QString& message)
{
    m_message = message;
    viewport()->update();
}

bool FeatureMapView::canComposite() const
{
    if (!m_tensor)
        return false;
    const TensorGeometry g = tensorGeometry(*m_tensor);
    return g.valid && (g.channels == 3 || g.channels == 4);
}

void FeatureMapView::setSoloChannel(int channel)
{
    if (m_tensor && channel >= tensorGeometry(*m_tensor).channels)
        channel = -1;
    if (channel == m_solo)
        return;
    m_solo = channel;
    if (channel >= 0)
        m_composite = false;
    zoomToFit();
    emit soloChannelChanged(channel);
}

void FeatureMapView::setComposite(bool composite)
{
    composite = composite && canComposite();
    if (composite == m_composite)
        return;
    m_composite = composite;
    if (composite)
        m_solo = -1;
    zoomToFit();
}

void FeatureMapView::setSelectedCell(int channel, int y, int x)
{
    m_selectedChannel = channel;
    m_selected = channel >= 0 ? QPoint(x, y) : QPoint(-1, -1);
    viewport()->update();
}

void FeatureMapView::setOverlays(const QList<CellOverlay>& overlays)
{
    m_overlays = overlays;
    viewport()->update();
}

QPoint FeatureMapView::cellCenter(int channel, int y, int x) const
{
    int slot = 0;
    if (m_solo < 0 && !m_composite)
        slot = channel;
    const QRect r = tileRect(slot);
    const QPoint content(r.left() + static_cast<int>((x + 0.5) * m_zoom), r.top() + static_cast<int>((y + 0.5) * m_zoom));
    return content - QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value());
}

void FeatureMapView::setShowNumbers(bool show)
{
    m_showNumbers = show;
    viewport()->update();
}

int FeatureMapView::tileCount() const
{
    if (!m_tensor || !tensorGeometry(*m_tensor).valid)
        return 0;
    if (m_composite || m_solo >= 0)
        return 1;
    return static_cast<int>(tensorGeometry(*m_tensor).channels);
}

int FeatureMapView::channelOfSlot(int slot) const
{
    if (m_composite)
        return -2;
    if (m_solo >= 0)
        return m_solo;
    return slot;
}

QSize FeatureMapView::tileImageSize() const
{
    if (!m_tensor)
        return {};
    const TensorGeometry g = tensorGeometry(*m_tensor);
    return QSize(std::max(1, static_cast<int>(std::lround(g.width * m_zoom))),
                 std::max(1, static_cast<int>(std::lround(g.height * m_zoom))));
}

int FeatureMapView::columns() const
{
    const int n = tileCount();
    if (n <= 1)
        return 1;
    const int tileW = tileImageSize().width() + kGap;
    const int available = viewport()->width() - 2 * kMargin + kGap;
    return std::clamp(available / std::max(1, tileW), 1, n);
}

QRect FeatureMapView::tileRect(int slot) const
{
    const int cols = columns();
    const QSize s = tileImageSize();
    const int row = slot / cols, col = slot % cols;
    return QRect(kMargin + col * (s.width() + kGap), kMargin + row * (s.height() + kGap + kLabel) + kLabel,
                 s.width(), s.height());
}

QSize FeatureMapView::contentSize() const
{
    const int n = tileCount();
    if (n == 0)
        return {};
    const int cols = columns();
    const int rows = (n + cols - 1) / cols;
    const QSize s = tileImageSize();
    return QSize(2 * kMargin + cols * s.width() + (cols - 1) * kGap,
                 2 * kMargin + rows * (s.height() + kLabel) + (rows - 1) * kGap);
}

void FeatureMapView::updateScrollBars()
{
    const QSize content = contentSize();
    const QSize view = viewport()->size();
    horizontalScrollBar()->setRange(0, std::max(0, content.width() - view.width()));
    verticalScrollBar()->setRange(0, std::max(0, content.height() - view.height()));
    horizontalScrollBar()->setPageStep(view.width());
    verticalScrollBar()->setPageStep(view.height());
    horizontalScrollBar()->setSingleStep(20);
    verticalScrollBar()->setSingleStep(20);
}

void FeatureMapView::setZoom(double zoom, QPoint anchor)
{
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    if (anchor.x() < 0)
        anchor = QPoint(viewport()->width() / 2, viewport()->height() / 2);
    const double old = m_zoom;
    const QPointF contentAnchor(anchor.x() + horizontalScrollBar()->value(),
                                anchor.y() + verticalScrollBar()->value());
    m_zoom = zoom;
    m_fitPending = false;
    updateScrollBars();
    const double ratio = zoom / old;
    horizontalScrollBar()->setValue(static_cast<int>(contentAnchor.x() * ratio - anchor.x()));
    verticalScrollBar()->setValue(static_cast<int>(contentAnchor.y() * ratio - anchor.y()));
    viewport()->update();
    emit zoomChanged(m_zoom);
}

void FeatureMapView::zoomIn()
{
    setZoom(m_zoom * 1.25);
}

void FeatureMapView::zoomOut()
{
    setZoom(m_zoom / 1.25);
}

void FeatureMapView::zoomToFit()
{
    if (!m_tensor) {
        m_fitPending = true;
        return;
    }
    const TensorGeometry g = tensorGeometry(*m_tensor);
    if (!g.valid || g.width == 0 || g.height == 0)
        return;
    const int n = tileCount();
    const double w = std::max(50, viewport()->width() - 2 * kMargin);
    const double h = std::max(50, viewport()->height() - 2 * kMargin);
    double best = kMinZoom;
    // The largest zoom at which all tiles fit (up to 64 tiles; beyond, fit 8 columns and scroll).
    for (int cols = 1; cols <= std::max(1, n); ++cols) {
        const int rows = (n + cols - 1) / cols;
        const double zw = (w - (cols - 1) * kGap) / (cols * double(g.width));
        const double zh = n > 64 ? 1e9 : (h - rows * kLabel - (rows - 1) * kGap) / (rows * double(g.height));
        double z = std::min(zw, zh);
        if (n > 64 && cols < 8)
            continue;
        best = std::max(best, z);
        if (n > 64)
            break;
    }
    // Snap to a whole number of screen pixels per cell when magnifying, so cells stay square.
    if (best >= 1.0)
        best = std::floor(best);
    best = std::min(best, 96.0);
    m_zoom = std::clamp(best, kMinZoom, kMaxZoom);
    m_fitPending = false;
    updateScrollBars();
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(0);
    viewport()->update();
    emit zoomChanged(m_zoom);
}

int FeatureMapView::wantedStep() const
{
    // Every step-th cell is what a minified tile shows anyway; powers of two keep zooming from
    // asking for a new picture at every wheel notch.
    int step = 1;
    while (step < (1 << 20) && step * 2 * m_zoom <= 1.0 + 1e-9)
        step *= 2;
    return step;
}

QList<int> FeatureMapView::visibleChannels() const
{
    QList<int> channels;
    if (!m_tensor || !m_message.isEmpty() || !tensorGeometry(*m_tensor).valid)
        return channels;
    const QPoint offset(horizontalScrollBar()->value(), verticalScrollBar()->value());
    const QRect visible(offset, viewport()->size());
    const int n = tileCount();
    const int cols = columns();
    const int rowHeight = tileImageSize().height() + kGap + kLabel;
    const int firstRow = std::max(0, (visible.top() - kMargin) / rowHeight);
    const int lastRow = (visible.bottom() - kMargin) / rowHeight;
    for (int row = firstRow; row <= lastRow; ++row)
        for (int col = 0; col < cols; ++col) {
            const int slot = row * cols + col;
            if (slot >= n)
                break;
            if (tileRect(slot).adjusted(0, -kLabel, 0, 0).intersects(visible))
                channels << channelOfSlot(slot);
        }
    return channels;
}

bool FeatureMapView::isCurrent(int channel) const
{
    const auto it = m_cache.constFind(channel);
    return it != m_cache.cend() && it->generation == m_generation && it->step == wantedStep();
}

bool FeatureMapView::imagesComplete() const
{
    if (m_tensor && !m_summary && tensorGeometry(*m_tensor).valid)
        return false;
    const QList<int> channels = visibleChannels();
    return std::all_of(channels.begin(), channels.end(), [this](int c) { return isCurrent(c); });
}

void FeatureMapView::requestMissing()
{
    if (!m_tensor || !tensorGeometry(*m_tensor).valid)
        return;
    const int step = wantedStep();
    QList<int> missing;
    for (int channel : visibleChannels())
        if (!isCurrent(channel))
            missing << channel;
    if (missing.isEmpty() && m_summary)
        return;
    const bool covered = step == m_inFlightStep
        && std::all_of(missing.begin(), missing.end(), [this](int c) { return m_inFlight.contains(c); })
        && (m_summary || !m_inFlight.isEmpty());
    if (covered)
        return;
    std::vector<ChannelImageRenderer::Job> jobs;
    for (int channel : missing)
        jobs.push_back({m_tensor, m_summary, channel, step, channel});
    if (jobs.empty()) // only the summary is wanted (nothing visible): channel 0 comes with it
        jobs.push_back({m_tensor, m_summary, channelOfSlot(0), step, channelOfSlot(0)});
    m_inFlight.clear();
    for (const auto& job : jobs)
        m_inFlight.insert(job.key);
    m_inFlightStep = step;
    m_tag = m_renderer->request(m_options, std::move(jobs));
}

void FeatureMapView::onImage(quint64 tag, int key, int step, const QImage& image)
{
    if (tag != m_tag)
        return;
    CachedImage& entry = m_cache[key];
    m_cacheBytes += image.sizeInBytes() - entry.image.sizeInBytes();
    entry = {image, step, m_generation};
    m_inFlight.remove(key);
    trimCache();
    viewport()->update();
}

void FeatureMapView::trimCache()
{
    if (m_cacheBytes <= kCacheBytes)
        return;
    const QList<int> visible = visibleChannels();
    for (auto it = m_cache.begin(); it != m_cache.end() && m_cacheBytes > kCacheBytes;) {
        if (visible.contains(it.key())) {
            ++it;
            continue;
        }
        m_cacheBytes -= it->image.sizeInBytes();
        it = m_cache.erase(it);
    }
}

bool FeatureMapView::waitForImages(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        requestMissing();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        if (imagesComplete())
            return true;
        m_renderer->waitForIdle(5);
    }
    return imagesComplete();
}

QString FeatureMapView::cellText(int channel, int y, int x) const
{
    if (!m_tensor)
        return {};
    const TensorGeometry g = tensorGeometry(*m_tensor);
    if (channel < 0 || channel >= g.channels || y < 0 || y >= g.height || x < 0 || x >= g.width)
        return {};
    const int b = std::clamp<int>(m_options.batchIndex, 0, static_cast<int>(g.batch) - 1);
    return formatValue(tensorValue(*m_tensor, b, y, x, channel));
}

void FeatureMapView::paintEvent(QPaintEvent*)
{
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), palette().color(QPalette::Dark));
    if (!m_message.isEmpty() || !m_tensor) {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(viewport()->rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                   m_message.isEmpty() ? tr("No output yet") : m_message);
        return;
    }
    const TensorGeometry g = tensorGeometry(*m_tensor);
    if (!g.valid) {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(viewport()->rect(), Qt::AlignCenter,
                   tr("A rank-%1 tensor cannot be shown as feature maps").arg(m_tensor->rank()));
        return;
    }
    const QPoint offset(horizontalScrollBar()->value(), verticalScrollBar()->value());
    const QRect visible(offset, viewport()->size());
    p.translate(-offset);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const int n = tileCount();
    const int cols = columns();
    const QSize s = tileImageSize();
    const int rowHeight = s.height() + kGap + kLabel;
    const int firstRow = std::max(0, (visible.top() - kMargin) / rowHeight);
    const int lastRow = (visible.bottom() - kMargin) / rowHeight;
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.85));
    p.setFont(small);
    const int b = std::clamp<int>(m_options.batchIndex, 0, static_cast<int>(g.batch) - 1);
    for (int row = firstRow; row <= lastRow; ++row) {
        for (int col = 0; col < cols; ++col) {
            const int slot = row * cols + col;
            if (slot >= n)
                break;
            const QRect r = tileRect(slot);
            if (!r.adjusted(0, -kLabel, 0, 0).intersects(visible))
                continue;
            const int channel = channelOfSlot(slot);
            const CachedImage cached = m_cache.value(channel);
            const QImage& img = cached.image;
            // Draw only the visible part of the tile: the source rectangle in cells.
            const QRect part = r.intersected(visible);
            if (!part.isEmpty() && !img.isNull()) {
                const double sx = double(img.width()) / r.width(), sy = double(img.height()) / r.height();
                const QRectF source((part.left() - r.left()) * sx, (part.top() - r.top()) * sy,
                                    part.width() * sx, part.height() * sy);
                p.drawImage(QRectF(part), img, source);
            }
            // Label: index and range.
            QString label;
            int64_t nonFinite = 0;
            if (channel == -2) {
                label = tr("RGB composite");
            } else {
                label = QStringLiteral("#%1").arg(channel);
                if (m_summary) {
                    const ValueRange range = m_summary->channel(b, channel).range();
                    label += QStringLiteral("  %1 … %2").arg(formatValue(range.min), formatValue(range.max));
                    nonFinite = range.nonFinite;
                    if (nonFinite > 0)
                        label += tr("  ⚠ %1 NaN/Inf").arg(nonFinite);
                }
            }
            p.setPen(nonFinite > 0 ? QColor(255, 90, 200) : palette().color(QPalette::BrightText));
            p.drawText(QRect(r.left(), r.top() - kLabel, std::max(r.width(), 160), kLabel),
                       Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(label, Qt::ElideRight, std::max(r.width(), 60)));
            // Numbers in cells when they are large enough.
            if (m_showNumbers && m_zoom >= kNumbersZoom && channel >= 0) {
                const int x0 = std::max(0, static_cast<int>((part.left() - r.left()) / m_zoom));
                const int y0 = std::max(0, static_cast<int>((part.top() - r.top()) / m_zoom));
                const int x1 = std::min<int>(static_cast<int>(g.width) - 1, static_cast<int>((part.right() - r.left()) / m_zoom));
                const int y1 = std::min<int>(static_cast<int>(g.height) - 1, static_cast<int>((part.bottom() - r.top()) / m_zoom));
                QFont numbers = small;
                numbers.setPixelSize(std::clamp(static_cast<int>(m_zoom / 4), 8, 18));
                p.setFont(numbers);
                for (int y = y0; y <= y1; ++y)
                    for (int x = x0; x <= x1; ++x) {
                        const QRect cell(r.left() + static_cast<int>(x * m_zoom), r.top() + static_cast<int>(y * m_zoom),
                                         static_cast<int>(m_zoom), static_cast<int>(m_zoom));
                        const QColor under = img.isNull() ? QColor(Qt::black)
                            : img.pixelColor(std::min(img.width() - 1, x / cached.step), std::min(img.height() - 1, y / cached.step));
                        p.setPen(under.lightness() > 128 ? Qt::black : Qt::white);
                        p.drawText(cell, Qt::AlignCenter,
                                   valueFittingWidth(tensorValue(*m_tensor, b, y, x, channel), p.fontMetrics(), cell.width() - 3));
                    }
                p.setFont(small);
            }
            paintOverlays(p, r, channel);
        }
    }
    requestMissing();
}

void FeatureMapView::paintOverlays(QPainter& p, const QRect& tile, int channel)
{
    auto toPixels = [&](const QRect& cells) {
        return QRectF(tile.left() + cells.x() * m_zoom, tile.top() + cells.y() * m_zoom,
                      cells.width() * m_zoom, cells.height() * m_zoom);
    };
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    for (const CellOverlay& o : m_overlays) {
        if (o.channel >= 0 && o.channel != channel)
            continue;
        const QRectF rect = toPixels(o.cells);
        if (o.filled) {
            QColor fill = o.color;
            fill.setAlpha(60);
            p.fillRect(rect, fill);
        }
        if (o.hatched)
            p.fillRect(rect, QBrush(o.color, Qt::BDiagPattern));
        p.setPen(QPen(o.color, o.hatched ? 1.0 : 2.0, o.hatched ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(Qt::NoBrush);
        p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5));
    }
    if (m_selectedChannel >= 0 && (channel == m_selectedChannel || channel == -2)) {
        const QRectF rect = toPixels(QRect(m_selected, QSize(1, 1)));
        p.setPen(QPen(Qt::black, 4.0));
        p.drawRect(rect.adjusted(-1, -1, 1, 1));
        p.setPen(QPen(QColor(255, 220, 0), 2.0));
        p.drawRect(rect.adjusted(-1, -1, 1, 1));
    }
    p.restore();
}

void FeatureMapView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    if (m_fitPending && m_tensor)
        zoomToFit();
    updateScrollBars();
}

void FeatureMapView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ShiftModifier) {
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    setZoom(m_zoom * std::pow(1.25, steps), event->position().toPoint());
    event->accept();
}

bool FeatureMapView::hitTest(QPoint pos, int* channel, int* y, int* x) const
{
    if (!m_tensor)
        return false;
    const TensorGeometry g = tensorGeometry(*m_tensor);
    if (!g.valid)
        return false;
    const QPoint content = pos + QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value());
    const int cols = columns();
    const QSize s = tileImageSize();
    const int col = (content.x() - kMargin) / (s.width() + kGap);
    const int row = (content.y() - kMargin) / (s.height() + kGap + kLabel);
    if (content.x() < kMargin || content.y() < kMargin || col >= cols)
        return false;
    const int slot = row * cols + col;
    if (slot >= tileCount())
        return false;
    const QRect r = tileRect(slot);
    if (!r.contains(content))
        return false;
    *channel = channelOfSlot(slot);
    *x = std::min<int>(static_cast<int>(g.width) - 1, static_cast<int>((content.x() - r.left()) / m_zoom));
    *y = std::min<int>(static_cast<int>(g.height) - 1, static_cast<int>((content.y() - r.top()) / m_zoom));
    return true;
}

void FeatureMapView::mousePressEvent(QMouseEvent* event)
{
    m_pressPos = event->position().toPoint();
    m_lastDrag = m_pressPos;
    m_dragging = false;
    event->accept();
}

void FeatureMapView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    if (event->buttons() & (Qt::LeftButton | Qt::MiddleButton)) {
        if ((pos - m_pressPos).manhattanLength() > 4)
            m_dragging = true;
        if (m_dragging) {
            viewport()->setCursor(Qt::ClosedHandCursor);
            const QPoint delta = pos - m_lastDrag;
            horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
            verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        }
        m_lastDrag = pos;
    }
    int c, y, x;
    if (hitTest(pos, &c, &y, &x)) {
        const TensorGeometry g = tensorGeometry(*m_tensor);
        const int b = std::clamp<int>(m_options.batchIndex, 0, static_cast<int>(g.batch) - 1);
        QString text;
        if (c == -2) {
            QStringList values;
            for (int ch = 0; ch < g.channels; ++ch)
                values << formatValue(tensorValue(*m_tensor, b, y, x, ch));
            text = QStringLiteral("(b, y, x) = (%1, %2, %3)   RGB%4 = (%5)")
                       .arg(b).arg(y).arg(x).arg(g.channels == 4 ? "A" : "").arg(values.join(", "));
        } else {
            text = QStringLiteral("(b, y, x, c) = (%1, %2, %3, %4) = %5")
                       .arg(b).arg(y).arg(x).arg(c).arg(formatValue(tensorValue(*m_tensor, b, y, x, c)));
        }
        emit hovered(text);
    } else {
        emit hovered(QString());
    }
}

void FeatureMapView::mouseReleaseEvent(QMouseEvent* event)
{
    viewport()->unsetCursor();
    if (!m_dragging && event->button() == Qt::LeftButton) {
        int c, y, x;
        if (hitTest(event->position().toPoint(), &c, &y, &x) && c >= 0) {
            emit channelActivated(c);
            if (m_solo < 0)
                setSoloChannel(c);
            setSelectedCell(c, y, x);
            emit cellSelected(c, y, x);
        }
    }
    m_dragging = false;
}

void FeatureMapView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape && (m_solo >= 0 || m_composite)) {
        m_composite = false;
        setSoloChannel(-1);
        zoomToFit();
        return;
    }
    const int key = event->key();
    if (m_tensor && m_selectedChannel >= 0
        && (key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Up || key == Qt::Key_Down)) {
        // Left / right step through the cells in raster order (wrapping rows); up / down a row.
        const TensorGeometry g = tensorGeometry(*m_tensor);
        const int64_t count = g.height * g.width;
        int64_t index = int64_t(m_selected.y()) * g.width + m_selected.x();
        if (key == Qt::Key_Left || key == Qt::Key_Right)
            index += key == Qt::Key_Right ? 1 : -1;
        else
            index += key == Qt::Key_Down ? g.width : -g.width;
        if (count > 0 && index >= 0 && index < count) {
            const int y = static_cast<int>(index / g.width), x = static_cast<int>(index % g.width);
            setSelectedCell(m_selectedChannel, y, x);
            emit cellSelected(m_selectedChannel, y, x);
        }
        return;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

QImage FeatureMapView::grabView()
{
    return viewport()->grab().toImage();
}

} // namespace layerscope::gui
