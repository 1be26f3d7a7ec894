#include "step_frame.h"

#include "figure_header.h"

#include <QFontMetrics>
#include <QHash>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace layerscope::gui {

namespace {

constexpr int kMargin = 12;
constexpr int kTitle = 26;
constexpr int kLabel = 20;
constexpr int kCaption = 70;
constexpr int kCaptionGap = 12; // between the grids and the caption
constexpr int kGap = 44;
constexpr int kMaxCell = 56;
constexpr int kMinCell = 3;
constexpr int kTextCell = 26; // below this a cell is too small for its number
constexpr int kGridCell = 8;  // below this grid lines would outweigh the cells (and moiré)

const QColor kPadding(150, 150, 150);
const QColor kWeight(30, 90, 200);
const QColor kGrid(210, 210, 210);

QString shortValue(float value)
{
    return std::isfinite(value) ? QString::number(double(value), 'g', 4).replace('-', QChar(0x2212))
                                : QString::fromStdString(formatValue(value));
}

// The Inspector's grey ramp: light for low values, darker for high, so black numbers stay legible.
QColor shade(float value, float lo, float hi)
{
    if (!std::isfinite(value))
        return QColor(255, 0, 255);
    const double t = hi > lo ? (double(value) - lo) / (double(hi) - lo) : 0.5;
    const int g = static_cast<int>(235 - 110 * std::clamp(t, 0.0, 1.0));
    return QColor(g, g, g);
}

quint64 cellKey(int64_t y, int64_t x)
{
    return (quint64(y + (1 << 20)) << 32) ^ quint64(x + (1 << 20));
}

// A frame drawn around `r` by filling: exact pixels, so a decoder finds the colour where it is.
void frameRect(QPainter& p, const QRect& r, const QColor& color, int width)
{
    p.fillRect(QRect(r.left(), r.top(), r.width(), width), color);
    p.fillRect(QRect(r.left(), r.bottom() - width + 1, r.width(), width), color);
    p.fillRect(QRect(r.left(), r.top(), width, r.height()), color);
    p.fillRect(QRect(r.right() - width + 1, r.top(), width, r.height()), color);
}

// A number in a cell: in the cell's font when it fits, else in the largest smaller size (down to
// 7 px) that does, elided only below that. `fonts` are the candidate sizes, largest first.
void drawFitted(QPainter& p, const QRect& r, const QString& text, const std::vector<QFont>& fonts)
{
    for (const QFont& font : fonts) {
        const QFontMetrics metrics(font);
        if (metrics.horizontalAdvance(text) <= r.width() - 3 || &font == &fonts.back()) {
            p.setFont(font);
            p.drawText(r, Qt::AlignCenter, metrics.elidedText(text, Qt::ElideRight, r.width() - 2));
            return;
        }
    }
}

bool slidingWindow(ExplanationKind kind)
{
    return kind == ExplanationKind::AveragePooling || kind == ExplanationKind::Convolution
        || kind == ExplanationKind::MaxPooling;
}

} // namespace

QColor StepFrame::highlightColor()
{
    return QColor(230, 126, 34);
}

StepFrame::StepFrame(const Layer& layer, const StepThrough& steps, std::shared_ptr<const Tensor> input,
                     std::shared_ptr<const Tensor> output, OutputRegion region, QSize size)
    : m_input(std::move(input)), m_output(std::move(output)), m_region(region), m_size(size)
{
    m_title = layer.name() + " (" + layer.className() + ", " + layer.summary() + ")";
    const StepCell first = steps.at(steps.indexOf(region.rows.first, region.cols.first));
    m_batch = first.output.b;
    m_channel = first.output.c;
    const CellExplanation probe = steps.explain(*m_input, first.index);
    m_inputFormat = probe.inputFormat;
    m_outputFormat = probe.outputFormat;
    const AxisRoles roles = axisRoles(m_input->shape().size(), m_inputFormat);
    m_inputHeight = roles.rows >= 0 ? m_input->dim(roles.rows) : 1;
    m_inputWidth = roles.cols >= 0 ? m_input->dim(roles.cols) : 1;
    // The input cells the region reaches, padding included: the union of its rows' and columns'
    // windows (the windows of one axis depend only on that axis's output index).
    m_areaRows = {INT64_MAX, INT64_MIN};
    m_areaCols = {INT64_MAX, INT64_MIN};
    for (int64_t y = region.rows.first; y <= region.rows.last; ++y) {
        const StepCell s = steps.at(steps.indexOf(y, region.cols.first));
        const Interval r = s.rowsUnclipped.empty() ? s.rows : s.rowsUnclipped;
        m_areaRows = {std::min(m_areaRows.first, r.first), std::max(m_areaRows.last, r.last)};
    }
    for (int64_t x = region.cols.first; x <= region.cols.last; ++x) {
        const StepCell s = steps.at(steps.indexOf(region.rows.first, x));
        const Interval c = s.colsUnclipped.empty() ? s.cols : s.colsUnclipped;
        m_areaCols = {std::min(m_areaCols.first, c.first), std::max(m_areaCols.last, c.last)};
    }
    if (m_areaRows.size() > kMaxAreaCells || m_areaCols.size() > kMaxAreaCells)
        throw std::invalid_argument("the region reaches " + std::to_string(m_areaRows.size()) + "×"
                                    + std::to_string(m_areaCols.size()) + " input cells, more than "
                                    + std::to_string(kMaxAreaCells) + " per axis can be drawn; choose a smaller --region");
    const int64_t rows = std::max(m_areaRows.size(), region.rows.size());
    const int64_t cols = m_areaCols.size() + region.cols.size();
    const int width = size.width() - 2 * kMargin - kGap;
    const int height = size.height() - 2 * kMargin - kTitle - kLabel - kCaptionGap - kCaption;
    m_cell = static_cast<int>(std::min<int64_t>({kMaxCell, width / std::max<int64_t>(cols, 1), height / std::max<int64_t>(rows, 1)}));
    if (m_cell < kMinCell)
        throw std::invalid_argument("a " + std::to_string(size.width()) + "×" + std::to_string(size.height())
                                    + " frame is too small for " + std::to_string(m_areaRows.size()) + "×"
                                    + std::to_string(m_areaCols.size()) + " input and "
                                    + std::to_string(region.rows.size()) + "×" + std::to_string(region.cols.size())
                                    + " output cells; give a larger --size or a smaller --region");
    const int used = static_cast<int>(cols) * m_cell + kGap;
    const int left = (size.width() - used) / 2;
    const int top = kMargin + kTitle + kLabel;
    const int gridHeight = static_cast<int>(rows) * m_cell;
    m_inputOrigin = QPoint(left, top + (gridHeight - static_cast<int>(m_areaRows.size()) * m_cell) / 2);
    m_outputOrigin = QPoint(left + static_cast<int>(m_areaCols.size()) * m_cell + kGap,
                            top + (gridHeight - static_cast<int>(region.rows.size()) * m_cell) / 2);
}

QRect StepFrame::inputCellRect(int64_t y, int64_t x) const
{
    return QRect(m_inputOrigin.x() + static_cast<int>((x - m_areaCols.first) * m_cell),
                 m_inputOrigin.y() + static_cast<int>((y - m_areaRows.first) * m_cell), m_cell, m_cell);
}

QRect StepFrame::outputCellRect(int64_t y, int64_t x) const
{
    return QRect(m_outputOrigin.x() + static_cast<int>((x - m_region.cols.first) * m_cell),
                 m_outputOrigin.y() + static_cast<int>((y - m_region.rows.first) * m_cell), m_cell, m_cell);
}

float StepFrame::inputAt(int64_t c, int64_t y, int64_t x) const
{
    CellIndex cell{m_batch, y, x, c};
    if (m_input->rank() == 3)
        cell.b = 0;
    return (*m_input)[tensorOffset(m_input->shape(), cell, m_inputFormat)];
}

float StepFrame::outputAt(int64_t y, int64_t x) const
{
    CellIndex cell{m_batch, y, x, m_channel};
    if (m_output->rank() == 3)
        cell.b = 0;
    return (*m_output)[tensorOffset(m_output->shape(), cell, m_outputFormat)];
}

void StepFrame::paint(QPainter& p, const CellExplanation& e, const QString& caption, bool fillAll) const
{
    p.save();
    const QColor highlight = highlightColor();
    const QRect titleRect(kMargin, kMargin, m_size.width() - 2 * kMargin, kTitle);
    const auto [base, bold] = paintFigureHeader(p, m_size, titleRect, m_title, 13);

    // The input channel the cell reads: the first one in its window (a pooling reads its own
    // channel, a convolution every input channel; the first is drawn and the caption says so).
    int64_t channel = m_channel;
    int64_t channels = 1;
    QHash<quint64, const ContributingCell*> byCell;
    for (const ContributingCell& c : e.cells)
        if (!c.gate && c.input == 0) {
            if (byCell.isEmpty())
                channel = c.cell.c;
            if (c.cell.c == channel)
                byCell.insert(cellKey(c.cell.y, c.cell.x), &c);
        }
    const AxisRoles roles = axisRoles(m_input->shape().size(), m_inputFormat);
    channels = roles.channels >= 0 ? m_input->dim(roles.channels) : 1;
    auto inside = [&](int64_t y, int64_t x) { return y >= 0 && x >= 0 && y < m_inputHeight && x < m_inputWidth; };
    float lo = INFINITY, hi = -INFINITY;
    for (int64_t y = m_areaRows.first; y <= m_areaRows.last; ++y)
        for (int64_t x = m_areaCols.first; x <= m_areaCols.last; ++x)
            if (inside(y, x))
                if (const float v = inputAt(channel, y, x); std::isfinite(v)) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
    const bool text = m_cell >= kTextCell;
    QFont valueFont = base;
    valueFont.setPixelSize(std::clamp(m_cell / 4, 7, 13));
    QFont weightFont = valueFont;
    weightFont.setPixelSize(std::max(6, valueFont.pixelSize() - 2));
    std::vector<QFont> valueFonts;
    for (int size = valueFont.pixelSize(); size >= 7; --size) {
        valueFonts.push_back(valueFont);
        valueFonts.back().setPixelSize(size);
    }

    p.setFont(base);
    p.setPen(QColor(60, 60, 60));
    const int labelY = m_inputOrigin.y() - kLabel;
    QString inputLabel = channels > 1 ? QStringLiteral("input · channel %1 of %2").arg(channel).arg(channels)
                                      : QStringLiteral("input");
    p.drawText(QRect(m_inputOrigin.x(), labelY, static_cast<int>(m_areaCols.size()) * m_cell + kGap / 2, kLabel - 2),
               Qt::AlignLeft | Qt::AlignBottom, inputLabel);
    p.drawText(QRect(m_outputOrigin.x(), m_outputOrigin.y() - kLabel, m_size.width() - kMargin - m_outputOrigin.x(), kLabel - 2),
               Qt::AlignLeft | Qt::AlignBottom, QStringLiteral("output · channel %1").arg(m_channel));

    for (int64_t y = m_areaRows.first; y <= m_areaRows.last; ++y) {
        for (int64_t x = m_areaCols.first; x <= m_areaCols.last; ++x) {
            const QRect r = inputCellRect(y, x);
            const ContributingCell* cell = byCell.value(cellKey(y, x), nullptr);
            const bool image = inside(y, x);
            const float value = image ? inputAt(channel, y, x) : 0.0f;
            QString valueText = image ? shortValue(value) : QString();
            QColor textColor(120, 120, 120);
            if (cell && cell->padding) {
                p.fillRect(r, Qt::white);
                p.fillRect(r, QBrush(kPadding, Qt::BDiagPattern));
                p.setPen(QPen(highlight, 1, Qt::DashLine));
                p.drawRect(r.adjusted(1, 1, -2, -2));
                valueText = e.paddingExcluded ? QStringLiteral("pad") : shortValue(cell->value);
            } else if (cell && cell->dilationGap) {
                p.fillRect(r, QColor(245, 245, 245));
                p.setPen(QPen(kPadding, 1, Qt::DotLine));
                p.drawRect(r.adjusted(1, 1, -2, -2));
            } else if (cell) {
                p.fillRect(r, shade(cell->value, lo, hi));
                frameRect(p, r, highlight, std::max(1, std::min(3, m_cell / 8)));
                textColor = Qt::black;
            } else if (image) {
                p.fillRect(r, shade(value, lo, hi).lighter(108));
                textColor = QColor(90, 90, 90);
            } else {
                // Padding outside this cell's window: hatched, lighter.
                p.fillRect(r, Qt::white);
                p.fillRect(r, QBrush(QColor(200, 200, 200), Qt::BDiagPattern));
            }
            if (!(cell && !cell->padding && !cell->dilationGap) && m_cell >= kGridCell) {
                p.setPen(QPen(kGrid, 1));
                p.drawRect(r.adjusted(0, 0, -1, -1));
            }
            if (!text || valueText.isEmpty())
                continue;
            const bool weighted = cell && !cell->padding && !cell->dilationGap && cell->weight != 1.0f;
            p.setPen(textColor);
            drawFitted(p, weighted ? r.adjusted(0, 0, 0, -r.height() / 3) : r, valueText, valueFonts);
            if (weighted) {
                p.setFont(weightFont);
                p.setPen(kWeight);
                p.drawText(r.adjusted(0, r.height() / 2, 0, -1), Qt::AlignHCenter | Qt::AlignBottom,
                           QFontMetrics(weightFont).elidedText(
                               QStringLiteral("×") + QString::number(double(cell->weight), 'g', 3).replace('-', QChar(0x2212)),
                               Qt::ElideRight, r.width() - 2));
            }
        }
    }
    // A sliding window is one rectangle: outline it whole, padding included.
    if (slidingWindow(e.kind) && e.window.height() > 0 && e.window.width() > 0) {
        const QRect a = inputCellRect(e.window.y0, e.window.x0), b = inputCellRect(e.window.y1, e.window.x1);
        p.setPen(QPen(highlight, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRect(a.topLeft(), b.bottomRight()).adjusted(-1, -1, 1, 1));
    }

    // The arrow between the grids.
    const int arrowY = m_outputOrigin.y() + static_cast<int>(m_region.rows.size()) * m_cell / 2;
    const int arrowX0 = m_outputOrigin.x() - kGap + 8, arrowX1 = m_outputOrigin.x() - 8;
    p.setPen(QPen(QColor(90, 90, 90), 2));
    p.drawLine(arrowX0, arrowY, arrowX1, arrowY);
    p.drawLine(arrowX1, arrowY, arrowX1 - 6, arrowY - 5);
    p.drawLine(arrowX1, arrowY, arrowX1 - 6, arrowY + 5);

    // The output region, filled in raster order up to the current cell.
    float outLo = INFINITY, outHi = -INFINITY;
    for (int64_t y = m_region.rows.first; y <= m_region.rows.last; ++y)
        for (int64_t x = m_region.cols.first; x <= m_region.cols.last; ++x)
            if (const float v = outputAt(y, x); std::isfinite(v)) {
                outLo = std::min(outLo, v);
                outHi = std::max(outHi, v);
            }
    const int64_t width = m_region.cols.size();
    const int64_t current = (e.output.y - m_region.rows.first) * width + (e.output.x - m_region.cols.first);
    for (int64_t y = m_region.rows.first; y <= m_region.rows.last; ++y) {
        for (int64_t x = m_region.cols.first; x <= m_region.cols.last; ++x) {
            const QRect r = outputCellRect(y, x);
            const int64_t position = (y - m_region.rows.first) * width + (x - m_region.cols.first);
            const bool filled = fillAll || position <= current;
            const float value = outputAt(y, x);
            p.fillRect(r, filled ? shade(value, outLo, outHi) : QColor(Qt::white));
            if (m_cell >= kGridCell) {
                p.setPen(QPen(kGrid, 1));
                p.drawRect(r.adjusted(0, 0, -1, -1));
            }
            if (position == current) {
                frameRect(p, r, highlight, std::max(1, std::min(3, m_cell / 6)));
                // A small cell gets a ring around it as well, to be found at a glance.
                if (m_cell < kGridCell)
                    frameRect(p, r.adjusted(-4, -4, 4, 4), highlight, 2);
            }
            if (filled && text) {
                p.setPen(Qt::black);
                drawFitted(p, r, shortValue(value), valueFonts);
            }
        }
    }

    // Both grids' outlines: the part of the output not filled in yet is white on white.
    p.setPen(QPen(QColor(170, 170, 170), 1));
    p.setBrush(Qt::NoBrush);
    // One pixel outside the cells (a QRect outline covers right() + 1), never over a highlight.
    p.drawRect(QRect(outputCellRect(m_region.rows.first, m_region.cols.first).topLeft() - QPoint(1, 1),
                     outputCellRect(m_region.rows.last, m_region.cols.last).bottomRight()));
    p.drawRect(QRect(inputCellRect(m_areaRows.first, m_areaCols.first).topLeft() - QPoint(1, 1),
                     inputCellRect(m_areaRows.last, m_areaCols.last).bottomRight()));

    // Caption: which cell, then its arithmetic with the real numbers.
    const QRect captionRect(kMargin, m_size.height() - kMargin - kCaption, m_size.width() - 2 * kMargin, kCaption);
    p.setFont(bold);
    p.setPen(Qt::black);
    const QString where = QStringLiteral("%1 · output (%2, %3), channel %4")
                              .arg(caption).arg(e.output.y).arg(e.output.x).arg(e.output.c);
    p.drawText(QRect(captionRect.left(), captionRect.top(), captionRect.width(), 18), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(bold).elidedText(where, Qt::ElideRight, captionRect.width()));
    p.setFont(base);
    p.setPen(QColor(40, 40, 40));
    // The arithmetic, then as many of its detail lines (per-channel sums, source coordinates) as
    // fit whole: a line cut in half would read as a different number.
    const QRect body = captionRect.adjusted(0, 20, 0, 0);
    const QFontMetrics metrics(base);
    QString arithmetic = QString::fromStdString(e.summary);
    for (const std::string& detail : e.details) {
        const QString longer = arithmetic + "\n" + QString::fromStdString(detail);
        if (metrics.boundingRect(body, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, longer).height() > body.height())
            break;
        arithmetic = longer;
    }
    p.drawText(body, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, arithmetic);
    p.restore();
}

} // namespace layerscope::gui
