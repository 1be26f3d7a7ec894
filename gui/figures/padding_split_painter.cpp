#include "padding_split_painter.h"

#include <QObject>
#include <QPainter>

#include <algorithm>

namespace layerscope::gui {

namespace {
constexpr int kCell = 22;
constexpr int kMaxDrawnCells = 48;
}

int paddingSplitHeight(const ShapeWhatIf& math)
{
    return 20 + kCell + 8 + static_cast<int>(std::min<size_t>(math.windows.size(), 16)) * 9 + 16;
}

void paintPaddingSplit(QPainter& p, const QRect& area, const ShapeWhatIf& m, const QFont& font,
                       const QColor& textColor)
{
    if (m.config.input <= 0)
        return;
    p.save();
    p.translate(area.topLeft());
    const int width = area.width();
    const int64_t padBefore = m.current.padBefore, padAfter = m.current.padAfter;
    const int64_t n = m.config.input;
    const int64_t total = padBefore + n + padAfter;
    const int64_t drawn = std::min<int64_t>(total, kMaxDrawnCells);
    const int cell = std::clamp(static_cast<int>((width - 16) / std::max<int64_t>(1, drawn)), 6, kCell);
    const int left = 8, top = 18;
    QFont small = font;
    small.setPixelSize(std::clamp(cell / 2, 7, 11));
    p.setFont(small);
    p.setPen(textColor);
    p.drawText(QRect(left, 0, width - 2 * left, top - 2), Qt::AlignLeft | Qt::AlignVCenter,
               QObject::tr("%1: %2 input cells, %3 padding before, %4 after")
                   .arg(QString::fromStdString(m.axis)).arg(n).arg(padBefore).arg(padAfter));
    auto xOf = [&](int64_t index) { return left + static_cast<int>((index + padBefore) * cell); };
    for (int64_t i = -padBefore; i < n + padAfter && i + padBefore < drawn; ++i) {
        const QRect r(xOf(i), top, cell, cell);
        const bool padding = i < 0 || i >= n;
        if (padding) {
            p.fillRect(r, QBrush(QColor(150, 150, 150), Qt::BDiagPattern));
        } else {
            p.fillRect(r, Qt::white);
        }
        p.setPen(QColor(120, 120, 120));
        p.drawRect(r.adjusted(0, 0, -1, -1));
        if (cell >= 14) {
            p.setPen(padding ? QColor(120, 120, 120) : Qt::black);
            p.drawText(r, Qt::AlignCenter, padding ? QStringLiteral("p") : QString::number(i));
        }
    }
    // Windows, one line per output index (the first 16).
    const QColor colors[] = {QColor(230, 126, 34), QColor(52, 152, 219), QColor(39, 174, 96), QColor(155, 89, 182)};
    int y = top + cell + 6;
    for (size_t o = 0; o < m.windows.size() && o < 16; ++o) {
        const auto& w = m.windows[o];
        const int x0 = xOf(w.first), x1 = xOf(w.last + 1);
        if (x0 > width)
            break;
        const QColor c = colors[o % 4];
        p.setPen(QPen(c, 3));
        p.drawLine(x0 + 2, y, x1 - 2, y);
        p.setPen(c);
        p.drawText(QRect(x1 + 2, y - 6, 40, 12), Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("→ %1").arg(o));
        y += 9;
    }
    if (m.windows.size() > 16) {
        p.setPen(textColor);
        p.drawText(QRect(left, y, width, 14), Qt::AlignLeft, QObject::tr("… %1 windows in all").arg(m.current.output));
    }
    p.restore();
}

} // namespace layerscope::gui
