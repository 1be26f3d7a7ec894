#include "figure_header.h"

#include <QFontMetrics>
#include <QPainter>

namespace layerscope::gui {

FigureFonts paintFigureHeader(QPainter& p, QSize canvas, const QRect& titleRect, const std::string& title,
                              int basePixels, int titlePixels)
{
    p.fillRect(QRect(QPoint(0, 0), canvas), Qt::white);
    FigureFonts fonts;
    fonts.base = p.font();
    fonts.base.setPixelSize(basePixels);
    fonts.bold = fonts.base;
    fonts.bold.setBold(true);
    if (titlePixels > 0)
        fonts.bold.setPixelSize(titlePixels);
    p.setFont(fonts.bold);
    p.setPen(Qt::black);
    p.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(fonts.bold).elidedText(QString::fromStdString(title), Qt::ElideRight, titleRect.width()));
    return fonts;
}

} // namespace layerscope::gui
