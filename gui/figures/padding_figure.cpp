#include "padding_figure.h"

#include "figure_header.h"
#include "padding_split_painter.h"

#include "core/explain/shape_what_if.h"

#include <QFontMetrics>
#include <QPainter>

#include <array>

namespace layerscope::gui {

namespace {
constexpr int kWidth = 760;
constexpr int kMargin = 16;
constexpr int kLine = 18;
constexpr int kTextLines = 4; // axis heading, general formula, with the numbers, padding split
}

Figure paddingFigure(const Layer& layer, const Shape& input)
{
    const std::array<ShapeWhatIf, 2> axes{shapeWhatIf(layer, input, 0), shapeWhatIf(layer, input, 1)};
    int height = kMargin + 28;
    for (const ShapeWhatIf& m : axes)
        height += kTextLines * kLine + paddingSplitHeight(m) + 14;
    height += kMargin;
    const std::string title = layer.name() + " (" + layer.className() + ") — SAME padding split, input "
                              + shapeToString(input);
    return {QSize(kWidth, height), title, [axes, title, height](QPainter& p) {
                const int width = kWidth - 2 * kMargin;
                const auto [base, bold] = paintFigureHeader(p, QSize(kWidth, height), QRect(kMargin, kMargin, width, 24),
                                                            title, 13);
                int y = kMargin + 28;
                for (const ShapeWhatIf& m : axes) {
                    const QStringList lines{
                        QStringLiteral("Output %1").arg(QString::fromStdString(m.axis)),
                        QStringLiteral("General formula: %1").arg(QString::fromStdString(m.rule)),
                        QStringLiteral("With the numbers: %1")
                            .arg(QString::fromStdString(m.current.valid ? m.current.arithmetic : m.current.reason)),
                        QStringLiteral("Padding: %1").arg(QString::fromStdString(m.paddingSplit))};
                    for (int i = 0; i < lines.size(); ++i) {
                        p.setFont(i == 0 ? bold : base);
                        p.setPen(Qt::black);
                        p.drawText(QRect(kMargin, y, width, kLine), Qt::AlignLeft | Qt::AlignVCenter,
                                   QFontMetrics(p.font()).elidedText(lines[i], Qt::ElideRight, width));
                        y += kLine;
                    }
                    const int diagram = paddingSplitHeight(m);
                    paintPaddingSplit(p, QRect(kMargin, y, width, diagram), m, base, Qt::black);
                    y += diagram + 14;
                }
            }};
}

} // namespace layerscope::gui
