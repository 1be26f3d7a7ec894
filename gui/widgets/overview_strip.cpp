#include "overview_strip.h"

#include "document/document.h"
#include "engine/channel_image_renderer.h"
#include "engine/pipeline_runner.h"
#include "engine/tensor_image.h"
#include "models/layer_icons.h"

#include <QMouseEvent>
#include <QPainter>

namespace layerscope::gui {

namespace {
constexpr int kFrameGap = 10;
constexpr int kTextHeight = 30;
}

OverviewStrip::OverviewStrip(Document* document, PipelineRunner* runner, QWidget* parent)
    : QWidget(parent), m_document(document), m_runner(runner)
{
    setMinimumHeight(120);
    connect(document, &Document::contentChanged, this, &OverviewStrip::invalidate);
    connect(runner, &PipelineRunner::layerStatusChanged, this, [this] { update(); });
    setToolTip(tr("Every layer's first channels; click to select"));
    m_renderer = new ChannelImageRenderer(this);
    connect(m_renderer, &ChannelImageRenderer::imageReady, this, [this](quint64 tag, int key, int, const QImage& image) {
        if (tag != m_tag || !m_inFlight.contains(key))
            return;
        m_thumbnails.insert(m_inFlight.take(key).get(), image);
        update();
    });
}

void OverviewStrip::invalidate()
{
    updateGeometry();
    update();
}

void OverviewStrip::setOptions(const RenderOptions& options)
{
    m_options = options;
    m_thumbnails.clear();
    m_inFlight.clear();
    m_renderer->cancel();
    update();
}

void OverviewStrip::setRegions(const QHash<int, QRect>& regions)
{
    m_regions = regions;
    update();
}

void OverviewStrip::setCurrentLayer(int index)
{
    m_current = index;
    update();
}

int OverviewStrip::frameWidth() const
{
    return std::max(60, height() - kTextHeight - 8);
}

QSize OverviewStrip::sizeHint() const
{
    const int frames = m_document->layerCount() + 1;
    return QSize(frames * (140 + kFrameGap), 170);
}

void OverviewStrip::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window));
    const int size = frameWidth();
    const int frames = m_document->layerCount() + 1;
    // Drop thumbnails of tensors no longer shown.
    QHash<const void*, QImage> kept;
    QHash<int, std::shared_ptr<const Tensor>> missing;
    for (int i = -1; i < frames - 1; ++i) {
        const QRect frame(4 + (i + 1) * (size + kFrameGap), 4, size, size);
        const QRect box = frame.adjusted(-2, -2, 2, kTextHeight);
        if (i == m_current) {
            p.setPen(Qt::NoPen);
            p.setBrush(palette().color(QPalette::Highlight));
            p.drawRoundedRect(box, 4, 4);
        }
        const auto tensor = m_runner->output(i);
        QString name = i < 0 ? tr("Input") : QString::fromStdString(m_document->layer(i).name());
        QString shape;
        if (tensor) {
            // A null thumbnail is a finished answer too (a tensor no picture can show).
            const QImage thumb = m_thumbnails.value(tensor.get());
            if (m_thumbnails.contains(tensor.get()))
                kept.insert(tensor.get(), thumb);
            else
                missing.insert(i, tensor);
            shape = QString::fromStdString(shapeToString(tensor->shape()));
            if (!thumb.isNull()) {
                const QSize scaled = thumb.size().scaled(frame.size(), Qt::KeepAspectRatio);
                const QRect target(frame.center().x() - scaled.width() / 2,
                                   frame.center().y() - scaled.height() / 2, scaled.width(), scaled.height());
                p.drawImage(target, thumb);
                if (m_regions.contains(i)) {
                    const QRect cells = m_regions.value(i);
                    // Regions are in cells; the thumbnail may be subsampled.
                    const TensorGeometry g = tensorGeometry(*tensor);
                    const double sx = double(target.width()) / g.width, sy = double(target.height()) / g.height;
                    const QRectF region(target.left() + cells.x() * sx, target.top() + cells.y() * sy,
                                        std::max(2.0, cells.width() * sx), std::max(2.0, cells.height() * sy));
                    p.setBrush(Qt::NoBrush);
                    p.setPen(QPen(Qt::black, 3));
                    p.drawRect(region);
                    p.setPen(QPen(QColor(255, 220, 0), 1.5));
                    p.drawRect(region);
                }
            }
        } else {
            p.fillRect(frame, palette().color(QPalette::Dark));
            const LayerStatus status = i >= 0 && i < m_runner->layerCount() ? m_runner->info(i).status : LayerStatus::Pending;
            p.setPen(status == LayerStatus::Error ? QColor(0xe7, 0x4c, 0x3c) : palette().color(QPalette::BrightText));
            p.drawText(frame, Qt::AlignCenter | Qt::TextWordWrap, layerStatusName(status));
        }
        p.setPen(i == m_current ? palette().color(QPalette::HighlightedText) : palette().color(QPalette::WindowText));
        const QRect text(frame.left(), frame.bottom() + 2, frame.width(), kTextHeight - 2);
        p.drawText(text, Qt::AlignHCenter | Qt::AlignTop,
                   p.fontMetrics().elidedText(name, Qt::ElideRight, frame.width()) + "\n" + shape);
    }
    m_thumbnails = kept;
    requestThumbnails(missing);
    if (minimumWidth() != 4 + frames * (size + kFrameGap))
        setMinimumWidth(4 + frames * (size + kFrameGap));
}

void OverviewStrip::requestThumbnails(const QHash<int, std::shared_ptr<const Tensor>>& missing)
{
    bool covered = true;
    for (auto it = missing.begin(); it != missing.end() && covered; ++it)
        covered = m_inFlight.value(it.key()) == it.value();
    if (covered)
        return;
    std::vector<ChannelImageRenderer::Job> jobs;
    m_inFlight.clear();
    for (auto it = missing.begin(); it != missing.end(); ++it) {
        const TensorGeometry g = tensorGeometry(*it.value());
        if (!g.valid) {
            m_thumbnails.insert(it.value().get(), QImage());
            continue;
        }
        // About 256 pixels on the long side: more than a frame shows, a tiny fraction of the map.
        int step = 1;
        while (std::max(g.height, g.width) / (step * 2) >= 256)
            step *= 2;
        const bool composite = it.key() < 0 && (g.channels == 3 || g.channels == 4);
        jobs.push_back({it.value(), m_runner->summary(it.key()),
                        composite ? ChannelImageRenderer::kComposite : 0, step, it.key()});
        m_inFlight.insert(it.key(), it.value());
    }
    if (!jobs.empty())
        m_tag = m_renderer->request(m_options, std::move(jobs));
}

void OverviewStrip::mousePressEvent(QMouseEvent* event)
{
    const int size = frameWidth();
    const int slot = (event->position().toPoint().x() - 4) / (size + kFrameGap);
    if (slot >= 0 && slot <= m_document->layerCount())
        emit layerActivated(slot - 1);
}

} // namespace layerscope::gui
