#include "color_bar.h"

#include "engine/tensor_image.h"

#include <QPainter>

namespace layerscope::gui {

ColorBar::ColorBar(QWidget* parent) : QWidget(parent)
{
    setMinimumWidth(100); // room for the two end labels; the view bar must fit a 1280-pixel screen
    setToolTip(tr("Colour bar: the value range the colormap spans (NaN/Inf are magenta)"));
}

QSize ColorBar::sizeHint() const
{
    return QSize(300, 30);
}

void ColorBar::setColormap(Colormap colormap)
{
    m_colormap = colormap;
    update();
}

void ColorBar::setRange(float min, float max, bool valid)
{
    m_min = min;
    m_max = max;
    m_valid = valid;
    update();
}

void ColorBar::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QRect bar(4, 2, width() - 8, 10);
    QImage gradient(256, 1, QImage::Format_RGB888);
    for (int i = 0; i < 256; ++i) {
        const cv::Vec3b c = colormapColor(m_colormap, i / 255.0f);
        gradient.setPixelColor(i, 0, QColor(c[2], c[1], c[0]));
    }
    p.drawImage(bar, gradient);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    if (!m_valid)
        return;
    p.setPen(palette().color(QPalette::WindowText));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    const QRect text(bar.left(), bar.bottom() + 1, bar.width(), height() - bar.bottom() - 1);
    const QString low = formatValue(m_min), middle = formatValue((m_min + m_max) / 2), high = formatValue(m_max);
    p.drawText(text, Qt::AlignLeft | Qt::AlignTop, low);
    p.drawText(text, Qt::AlignRight | Qt::AlignTop, high);
    // The middle value only where it does not run into the ends (a narrow bar on a small screen).
    const QFontMetrics metrics(f);
    const int halfMiddle = metrics.horizontalAdvance(middle) / 2 + 6;
    if (text.width() / 2 - halfMiddle > metrics.horizontalAdvance(low)
        && text.width() / 2 - halfMiddle > metrics.horizontalAdvance(high))
        p.drawText(text, Qt::AlignHCenter | Qt::AlignTop, middle);
}

} // namespace layerscope::gui
