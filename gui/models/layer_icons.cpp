#include "layer_icons.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace layerscope::gui {

namespace {

QString initials(const QString& className)
{
    if (className == "AveragePooling2D") return "AP";
    if (className == "GlobalAveragePooling2D") return "GA";
    if (className == "Conv2D") return "C";
    if (className == "UpSampling2D") return "Up";
    if (className == "Resizing") return "Rs";
    if (className == "Tile") return "T";
    if (className == "Input") return "In";
    return className.left(2);
}

} // namespace

QColor layerColor(const QString& className)
{
    if (className == "AveragePooling2D") return QColor(0x3b, 0x82, 0xc4);
    if (className == "GlobalAveragePooling2D") return QColor(0x2a, 0x5d, 0x8f);
    if (className == "Conv2D") return QColor(0xd9, 0x6c, 0x2b);
    if (className == "UpSampling2D") return QColor(0x3c, 0xa0, 0x5a);
    if (className == "Resizing") return QColor(0x8a, 0x5c, 0xc4);
    if (className == "Tile") return QColor(0xb0, 0x8a, 0x1f);
    if (className == "Input") return QColor(0x60, 0x60, 0x60);
    return QColor(0x80, 0x80, 0x80);
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
