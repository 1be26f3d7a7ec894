#include "input_window_view.h"

#include "engine/tensor_image.h"

#include <QHash>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace layerscope::gui {

namespace {
// Cells are small: four significant digits (the details give every number in full).
QString shortValue(float value)
{
    return std::isfinite(value) ? QString::number(double(value), 'g', 4).replace('-', QChar(0x2212)) : formatValue(value);
}

constexpr int kTitle = 18;
constexpr int kGridGap = 14;
constexpr int kMaxCell = 54;
constexpr int kMinCell = 5;

quint64 cellKey(int64_t c, int64_t y, int64_t x)
{
    // Offsets keep padding coordinates (small negatives) distinct.
    return (quint64(c + 4096) << 42) ^ (quint64(y + 4096) << 21) ^ quint64(x + 4096);
}
} // namespace

InputWindowView::InputWindowView(QWidget* parent) : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setToolTip(tr("The input cells this value is computed from: outlined window, hatched padding, "
                  "dotted dilation gaps; small numbers are the weights"));
}

void InputWindowView::clear()
{
    setExplanation(std::nullopt, nullptr);
}

void InputWindowView::setExplanation(std::optional<CellExplanation> explanation, std::shared_ptr<const Tensor> input)
{
    m_explanation = std::move(explanation);
    m_input = std::move(input);
    m_channels.clear();
    m_area = {};
    if (m_explanation) {
        for (const ContributingCell& cell : m_explanation->cells) {
            if (cell.gate)
                continue;
            if (std::find(m_channels.begin(), m_channels.end(), cell.cell.c) == m_channels.end())
                m_channels.push_back(cell.cell.c);
            if (static_cast<int>(m_channels.size()) >= kMaxGrids)
                break;
        }
        const CellWindow& w = m_explanation->window;
        // One ring of context around small windows; large ones (a global average) are cut.
        const bool ring = w.height() + 2 <= kMaxCellsPerAxis && w.width() + 2 <= kMaxCellsPerAxis;
        m_area = {w.y0 - (ring ? 1 : 0), w.y1 + (ring ? 1 : 0), w.x0 - (ring ? 1 : 0), w.x1 + (ring ? 1 : 0)};
        m_area.y1 = std::min(m_area.y1, m_area.y0 + kMaxCellsPerAxis - 1);
        m_area.x1 = std::min(m_area.x1, m_area.x0 + kMaxCellsPerAxis - 1);
    }
    setMinimumHeight(heightForWidth(width()));
    updateGeometry();
    update();
}

void InputWindowView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    const int height = heightForWidth(width());
    if (minimumHeight() != height)
        setMinimumHeight(height);
}

int InputWindowView::cellSize(int width) const
{
    if (!m_explanation || m_channels.empty())
        return kMaxCell;
    const int grids = static_cast<int>(m_channels.size());
    const int64_t cols = m_area.cols();
    const double available = width - 8 - (grids - 1) * kGridGap;
    const int size = static_cast<int>(available / std::max<int64_t>(1, grids * cols));
    return std::clamp(size, kMinCell, kMaxCell);
}

int InputWindowView::heightForWidth(int width) const
{
    if (!m_explanation || m_channels.empty())
        return 40;
    return static_cast<int>(kTitle + 8 + m_area.rows() * cellSize(width));
}

QSize InputWindowView::sizeHint() const
{
    return QSize(360, heightForWidth(360));
}

QSize InputWindowView::minimumSizeHint() const
{
    return QSize(120, 40);
}

std::optional<float> InputWindowView::inputValue(int64_t c, int64_t y, int64_t x) const
{
    if (!m_input || !m_explanation)
        return std::nullopt;
    try {
        CellIndex cell{m_explanation->output.b, y, x, c};
        if (m_input->rank() == 3)
            cell.b = 0;
        return (*m_input)[tensorOffset(m_input->shape(), cell, m_explanation->inputFormat)];
    } catch (const std::exception&) {
        return std::nullopt; // outside the image
    }
}

void InputWindowView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (!m_explanation || m_channels.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("Click an output cell to see its input window"));
        return;
    }
    const CellExplanation& e = *m_explanation;
    QHash<quint64, int> byCell;
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < static_cast<int>(e.cells.size()); ++i) {
        const ContributingCell& cell = e.cells[static_cast<size_t>(i)];
        if (cell.gate)
            continue;
        byCell.insert(cellKey(cell.cell.c, cell.cell.y, cell.cell.x), i);
        if (!cell.padding && std::isfinite(cell.value)) {
            lo = std::min(lo, cell.value);
            hi = std::max(hi, cell.value);
        }
    }
    if (!(lo <= hi))
        lo = hi = 0;
    auto shade = [&](float v) {
        const double t = hi > lo ? (double(v) - lo) / (double(hi) - lo) : 0.5;
        const int g = static_cast<int>(235 - 110 * std::clamp(t, 0.0, 1.0));
        return QColor(g, g, g);
    };
    const int size = cellSize(width());
    QFont valueFont = font();
    valueFont.setPixelSize(std::clamp(size / 4, 7, 12));
    QFont weightFont = valueFont;
    weightFont.setPixelSize(std::max(6, valueFont.pixelSize() - 2));
    const bool text = size >= 26;
    const QColor window(230, 126, 34), pad(150, 150, 150), weightColor(30, 90, 200);

    int left = 4;
    for (int64_t channel : m_channels) {
        QString title = tr("input channel %1").arg(channel);
        for (const ChannelPartialSum& s : e.channelSums)
            if (s.inputChannel == channel && s.filter == e.output.c)
                title += QStringLiteral("  Σ %1").arg(QString::fromStdString(layerscope::formatValue(s.sum)));
        p.setPen(palette().color(QPalette::Text));
        p.setFont(font());
        p.drawText(QRect(left, 0, static_cast<int>(m_area.cols() * size), kTitle), Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(title, Qt::ElideRight, static_cast<int>(std::max<int64_t>(60, m_area.cols() * size))));
        for (int64_t y = m_area.y0; y <= m_area.y1; ++y) {
            for (int64_t x = m_area.x0; x <= m_area.x1; ++x) {
                const QRect r(left + static_cast<int>((x - m_area.x0) * size), kTitle + 4 + static_cast<int>((y - m_area.y0) * size),
                              size, size);
                const auto it = byCell.constFind(cellKey(channel, y, x));
                const ContributingCell* cell = it == byCell.constEnd() ? nullptr : &e.cells[static_cast<size_t>(*it)];
                const std::optional<float> value = inputValue(channel, y, x);
                QString valueText;
                if (cell && cell->padding) {
                    p.fillRect(r, palette().color(QPalette::Base));
                    p.fillRect(r, QBrush(pad, Qt::BDiagPattern));
                    p.setPen(QPen(window, 1, Qt::DashLine));
                    p.drawRect(r.adjusted(1, 1, -2, -2));
                    valueText = e.paddingExcluded ? tr("pad") : shortValue(cell->value);
                } else if (cell && cell->dilationGap) {
                    p.fillRect(r, QColor(245, 245, 245));
                    p.setPen(QPen(pad, 1, Qt::DotLine));
                    p.drawRect(r.adjusted(1, 1, -2, -2));
                    if (value)
                        valueText = shortValue(*value);
                } else if (cell) {
                    p.fillRect(r, shade(cell->value));
                    p.setPen(QPen(window, 2));
                    p.drawRect(r.adjusted(1, 1, -1, -1));
                    valueText = shortValue(cell->value);
                } else if (value) {
                    p.fillRect(r, QColor(250, 250, 250));
                    valueText = shortValue(*value);
                } else {
                    p.fillRect(r, QBrush(QColor(200, 200, 200), Qt::BDiagPattern));
                }
                p.setPen(QPen(QColor(210, 210, 210), 1));
                p.drawRect(r.adjusted(0, 0, -1, -1));
                if (!text)
                    continue;
                const bool active = cell && !cell->padding && !cell->dilationGap;
                p.setFont(valueFont);
                p.setPen(active ? Qt::black : QColor(140, 140, 140));
                const bool weighted = cell && !cell->padding && !cell->dilationGap && cell->weight != 1.0f;
                p.drawText(weighted ? r.adjusted(0, 0, 0, -r.height() / 3) : r, Qt::AlignCenter,
                           p.fontMetrics().elidedText(valueText, Qt::ElideRight, r.width() - 2));
                if (weighted) {
                    p.setFont(weightFont);
                    p.setPen(cell->dilationGap ? QColor(160, 160, 160) : weightColor);
                    p.drawText(r.adjusted(0, r.height() / 2, 0, -1), Qt::AlignHCenter | Qt::AlignBottom,
                               p.fontMetrics().elidedText(QStringLiteral("×") + QString::number(double(cell->weight), 'g', 3).replace('-', QChar(0x2212)), Qt::ElideRight, r.width() - 2));
                }
            }
        }
        left += static_cast<int>(m_area.cols() * size) + kGridGap;
    }
}

} // namespace layerscope::gui
