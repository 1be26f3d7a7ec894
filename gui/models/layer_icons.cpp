#include "layer_icons.h"

#include "core/layer_registry.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace layerscope::gui {

namespace {

// The registered class's own label and colour; "Input" (the stack's first row) and a class
// LayerScope does not know get neutral ones.
QString initials(const QString& className)
{
    if (const LayerFactory* descriptor = findLayerFactory(className.toStdString()))
        return QString::fromStdString(descriptor->iconLabel);
    return className == "Input" ? QStringLiteral("In") : className.left(2);
}

} // namespace

QColor layerColor(const QString& className)
{
    if (const LayerFactory* descriptor = findLayerFactory(className.toStdString()))
        return QColor::fromRgb(descriptor->iconColour);
    return className == "Input" ? QColor(0x60, 0x60, 0x60) : QColor(0x80, 0x80, 0x80);
}

QIcon layerIcon(const QString& className)
{
    static QHash<QString, QIcon> cache;
    auto it = cache.find(className);
    if (it != cache.end())
        return *it;
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setBrush(layerColor(className));
        p.setPen(Qt::NoPen);
        p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), size * 0.2, size * 0.2);
        QFont font = p.font();
        font.setBold(true);
        font.setPixelSize(qMax(7, size * 9 / 20));
        p.setFont(font);
        p.setPen(Qt::white);
        p.drawText(QRect(0, 0, size, size), Qt::AlignCenter, initials(className));
        p.end();
        icon.addPixmap(pixmap);
    }
    cache.insert(className, icon);
    return icon;
}

} // namespace layerscope::gui
