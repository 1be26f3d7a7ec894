#include "action_icons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

#include <algorithm>
#include <functional>

namespace layerscope::gui {

namespace {

QIcon painted(const std::function<void(QPainter&, double size)>& draw)
{
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        draw(p, size);
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

// A curved arrow from right to left (undo); mirrored for redo.
void curvedArrow(QPainter& p, double s, bool mirrored)
{
    if (mirrored) {
        p.translate(s, 0);
        p.scale(-1, 1);
    }
    QPen pen(QColor(0x44, 0x55, 0x66), s * 0.11, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    QPainterPath path;
    path.moveTo(s * 0.28, s * 0.40);
    path.lineTo(s * 0.62, s * 0.40);
    path.cubicTo(s * 0.95, s * 0.40, s * 0.95, s * 0.82, s * 0.62, s * 0.82);
    path.lineTo(s * 0.40, s * 0.82);
    p.drawPath(path);
    QPainterPath head;
    head.moveTo(s * 0.10, s * 0.40);
    head.lineTo(s * 0.34, s * 0.20);
    head.lineTo(s * 0.34, s * 0.60);
    head.closeSubpath();
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x44, 0x55, 0x66));
    p.drawPath(head);
}

} // namespace

QIcon addLayerIcon()
{
    static const QIcon icon = painted([](QPainter& p, double s) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x5f, 0x6b, 0x78));
        p.drawRoundedRect(QRectF(0.5, 0.5, s - 1, s - 1), s * 0.2, s * 0.2);
        p.setBrush(Qt::white);
        const double t = std::max(1.5, s * 0.14), l = s * 0.56;
        p.drawRect(QRectF((s - t) / 2, (s - l) / 2, t, l));
        p.drawRect(QRectF((s - l) / 2, (s - t) / 2, l, t));
    });
    return icon;
}

QIcon undoIcon()
{
    static const QIcon icon = painted([](QPainter& p, double s) { curvedArrow(p, s, false); });
    return icon;
}

QIcon redoIcon()
{
    static const QIcon icon = painted([](QPainter& p, double s) { curvedArrow(p, s, true); });
    return icon;
}

} // namespace layerscope::gui
