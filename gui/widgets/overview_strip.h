#pragma once
// The filmstrip: every layer side by side (the input first), each showing its first channels
// (or the RGB composite) with its name and shape, so the whole pipeline is visible at once.
// Clicking a frame selects that layer. Thumbnails are rendered on a worker (subsampled to about
// the frame size) from the runner's summaries; a frame without one yet shows its status.

#include "core/render/render.h"

#include <QHash>
#include <QRect>
#include <QWidget>

#include <memory>

namespace layerscope::gui {

class Document;
class PipelineRunner;
class ChannelImageRenderer;

class OverviewStrip : public QWidget {
    Q_OBJECT
public:
    OverviewStrip(Document* document, PipelineRunner* runner, QWidget* parent = nullptr);
    void setOptions(const RenderOptions& options);
    void setCurrentLayer(int index);
    // Rectangles in cell coordinates (x, y, width, height of the shown channel) drawn over the
    // frames, by layer index (-1: the input): the selected cell's receptive field.
    void setRegions(const QHash<int, QRect>& regions);
    QSize sizeHint() const override;

signals:
    void layerActivated(int index); // -1: input

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    int frameWidth() const;
    void invalidate();
    void requestThumbnails(const QHash<int, std::shared_ptr<const Tensor>>& missing);

    Document* m_document;
    PipelineRunner* m_runner;
    RenderOptions m_options;
    int m_current = -1;
    QHash<const void*, QImage> m_thumbnails; // by tensor identity
    ChannelImageRenderer* m_renderer;
    quint64 m_tag = 0;
    QHash<int, std::shared_ptr<const Tensor>> m_inFlight; // by layer index (-1: input)
    QHash<int, QRect> m_regions;
};

} // namespace layerscope::gui
