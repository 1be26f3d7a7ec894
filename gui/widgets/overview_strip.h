#pragma once
// The filmstrip: every layer side by side (the input first), each showing its first channels
// (or the RGB composite) with its name and shape, so the whole pipeline is visible at once.
// Clicking a frame selects that layer.

#include "core/render/render.h"

#include <QWidget>

namespace layerscope::gui {

class Document;
class PipelineRunner;

class OverviewStrip : public QWidget {
    Q_OBJECT
public:
    OverviewStrip(Document* document, PipelineRunner* runner, QWidget* parent = nullptr);
    void setOptions(const RenderOptions& options);
    void setCurrentLayer(int index);
    QSize sizeHint() const override;

signals:
    void layerActivated(int index); // -1: input

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    int frameWidth() const;
    void invalidate();

    Document* m_document;
    PipelineRunner* m_runner;
    RenderOptions m_options;
    int m_current = -1;
    QHash<const void*, QImage> m_thumbnails; // by tensor identity
};

} // namespace layerscope::gui
