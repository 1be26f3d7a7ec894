#pragma once
// The feature maps of one tensor: a grid of channel tiles (each labelled with its index and
// min/max), one channel large, or the RGB composite. Pictures are rendered on a worker
// (ChannelImageRenderer) for the visible tiles only, subsampled to the zoom (a power-of-two
// step), and cached per channel within a byte bound; until a picture arrives the tile keeps its
// previous one (or stays blank), so painting never computes and 512 channels stay fluid. Ranges
// and statistics come from the tensor's LayerSummary (the runner's, or the worker's). Magnification is nearest-neighbour; when a data cell is large enough its
// value is written in it (the numbers view). Wheel zooms around the cursor, dragging pans,
// clicking a tile opens that channel large. A clicked cell becomes the selected cell (outlined;
// arrow keys move it when the view has focus) and overlays (a receptive field, contributing
// cells) are drawn over the tiles in cell coordinates, hatched where they lie outside the image.

#include "core/render/layer_summary.h"
#include "core/render/render.h"

#include <QAbstractScrollArea>
#include <QHash>
#include <QColor>
#include <QImage>
#include <QList>
#include <QRect>
#include <QSet>

#include <memory>

class QPainter;

namespace layerscope::gui {

class ChannelImageRenderer;

// A rectangle over a tile in cell coordinates (x, y, width, height; may reach past the edges).
struct CellOverlay {
    QRect cells;
    QColor color;
    int channel = -1;      // -1: every tile
    bool hatched = false;  // drawn with a hatch pattern (padding outside the image)
    bool filled = false;   // translucent fill
};

class FeatureMapView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit FeatureMapView(QWidget* parent = nullptr);

    // `summary` may be null: the worker computes it (summaryChanged tells when it is there).
    void setTensor(std::shared_ptr<const Tensor> tensor, const QString& title = {},
                   std::shared_ptr<const LayerSummary> summary = nullptr);
    std::shared_ptr<const Tensor> tensor() const { return m_tensor; }
    std::shared_ptr<const LayerSummary> summary() const { return m_summary; }
    // A newer summary of the shown tensor (its histograms arrived): pictures stay when the
    // ranges are the same.
    void setSummary(std::shared_ptr<const LayerSummary> summary);
    // Tests and benchmarks: processes events until every visible tile shows its final picture;
    // false after `timeoutMs`.
    bool waitForImages(int timeoutMs);
    // Every visible tile shows the picture of the current tensor, options and zoom.
    bool imagesComplete() const;
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

    // The selected cell (view coordinates: channel, row, column of the shown batch item);
    // channel -1 clears it. Does not emit cellSelected.
    void setSelectedCell(int channel, int y, int x);
    QPoint selectedCell() const { return m_selected; } // (x, y); (-1, -1) when none
    int selectedChannel() const { return m_selectedChannel; }
    void setOverlays(const QList<CellOverlay>& overlays);
    const QList<CellOverlay>& overlays() const { return m_overlays; }
    // The viewport position of the centre of cell (y, x) of the tile showing `channel`.
    QPoint cellCenter(int channel, int y, int x) const;

    // What the view would write in cell (y, x) of channel c (for tests and the status bar).
    QString cellText(int channel, int y, int x) const;
    // The whole visible viewport as an image (copy to clipboard).
    QImage grabView();

signals:
    void hovered(const QString& text);
    void channelActivated(int channel);
    void soloChannelChanged(int channel);
    void zoomChanged(double zoom);
    // A cell was clicked, or the selection was moved with the arrow keys.
    void cellSelected(int channel, int y, int x);
    // The shown tensor's summary became known (or went away with the tensor).
    void summaryChanged();

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
    struct CachedImage {
        QImage image;
        int step = 1;
        quint64 generation = 0; // m_generation it was rendered for
    };
    int wantedStep() const;
    QList<int> visibleChannels() const;
    bool isCurrent(int channel) const;
    void requestMissing();
    void onImage(quint64 tag, int key, int step, const QImage& image);
    void trimCache();
    bool hitTest(QPoint viewportPos, int* channel, int* y, int* x) const;
    void paintOverlays(QPainter& painter, const QRect& tile, int channel);

    std::shared_ptr<const Tensor> m_tensor;
    QString m_title;
    QString m_message;
    RenderOptions m_options;
    int m_solo = -1;
    bool m_composite = false;
    bool m_showNumbers = true;
    double m_zoom = 1.0;
    std::shared_ptr<const LayerSummary> m_summary;
    ChannelImageRenderer* m_renderer;
    quint64 m_generation = 0; // counts tensor and option changes
    quint64 m_tag = 0;        // the renderer request in flight
    QSet<int> m_inFlight;     // channels it renders (for m_generation at m_inFlightStep)
    int m_inFlightStep = 0;
    QHash<int, CachedImage> m_cache;
    int64_t m_cacheBytes = 0;
    QPoint m_pressPos;
    QPoint m_lastDrag;
    bool m_dragging = false;
    bool m_fitPending = true;
    QPoint m_selected{-1, -1};
    int m_selectedChannel = -1;
    QList<CellOverlay> m_overlays;
};

} // namespace layerscope::gui
