#pragma once
// A horizontal colour bar for the current colormap with the value range it maps (min, middle,
// max), drawn with the engine's colormap colours.

#include "core/render/render.h"

#include <QWidget>

namespace layerscope::gui {

class ColorBar : public QWidget {
    Q_OBJECT
public:
    explicit ColorBar(QWidget* parent = nullptr);
    void setColormap(Colormap colormap);
    void setRange(float min, float max, bool valid = true);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    Colormap m_colormap = Colormap::Gray;
    float m_min = 0, m_max = 1;
    bool m_valid = false;
};

} // namespace layerscope::gui
