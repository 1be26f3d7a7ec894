#pragma once
// The feature maps of one tensor: a grid of channel tiles (each labelled with its index and
// min/max), one channel large, or the RGB composite. Pictures come from the engine's renderer
// (render.h) and are cached per channel; only visible tiles are rendered and drawn, so 512
// channels stay fluid. Magnification is nearest-neighbour; when a data cell is large enough its
// value is written in it (the numbers view). Wheel zooms around the cursor, dragging pans,
// clicking a tile opens that channel large.

#include "core/render/render.h"

#include <QAbstractScrollArea>
#include <QHash>
#include <QImage>

#include <memory>

namespace layerscope::gui {

class FeatureMapView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit FeatureMapView(QWidget* parent = nullptr);

    void setTensor(std::shared_ptr<const Tensor> tensor, const QString& title = {});
    std::shared_ptr<const Tensor> tensor() const { return m_tensor; }
    void setOptions(const RenderOptions& options);
    const RenderOptions& options() const { return m_options; }
    void setMessage(const QString& message); // shown instead of the tiles (error, computing)

    void setSoloChannel(int channel); // -1: grid
    int soloChannel() const { return m_solo; }
    void setComposite(bool composite);
    bool isComposite() const { return m_composite; }
    bool canComposite() const;

    double zoom() const { return m_zoom; }
    void setZoom(double zoom, QPoint anchor = QPoint(-1, -1));
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void setShowNumbers(bool show);

    // What the view would write in cell (y, x) of channel c (for tests and the status bar).
    QString cellText(int channel, int y, int x) const;
    // The whole visible viewport as an image (copy to clipboard).
    QImage grabView();

signals:
    void hovered(const QString& text);
    void channelActivated(int channel);
    void soloChannelChanged(int channel);
    void zoomChanged(double zoom);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    struct Tile {
        int channel; // -2: composite
        QRect rect;  // image area in content coordinates
    };
    int tileCount() const;
    int columns() const;
    QSize tileImageSize() const;
    QRect tileRect(int slot) const; // image rect in content coordinates
    int channelOfSlot(int slot) const;
    QSize contentSize() const;
    void updateScrollBars();
    const QImage& image(int channel);
    bool hitTest(QPoint viewportPos, int* channel, int* y, int* x) const;

    std::shared_ptr<const Tensor> m_tensor;
    QString m_title;
    QString m_message;
    RenderOptions m_options;
    int m_solo = -1;
    bool m_composite = false;
    bool m_showNumbers = true;
    double m_zoom = 1.0;
    QHash<int, QImage> m_cache;
    QHash<int, ValueRange> m_ranges;
    QPoint m_pressPos;
    QPoint m_lastDrag;
    bool m_dragging = false;
    bool m_fitPending = true;
};

} // namespace layerscope::gui
