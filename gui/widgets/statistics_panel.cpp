#include "statistics_panel.h"

#include "engine/tensor_image.h"

#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <cmath>

namespace layerscope::gui {

void HistogramWidget::setBins(std::vector<int64_t> bins)
{
    m_bins = std::move(bins);
    update();
}

void HistogramWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (m_bins.empty())
        return;
    const int64_t peak = *std::max_element(m_bins.begin(), m_bins.end());
    if (peak <= 0)
        return;
    const double w = double(width()) / m_bins.size();
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x3b, 0x82, 0xc4));
    for (size_t i = 0; i < m_bins.size(); ++i) {
        // Square-root scale so that small bins stay visible beside a dominant one.
        const double h = std::sqrt(double(m_bins[i]) / peak) * (height() - 4);
        p.drawRect(QRectF(i * w, height() - h, std::max(1.0, w - 1), h));
    }
}

StatisticsPanel::StatisticsPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_histogram = new HistogramWidget(this);
    m_histogram->setMinimumHeight(90);
    m_values = new QLabel(this);
    m_values->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    layout->addWidget(m_histogram, 1);
    layout->addWidget(m_values);
}

void StatisticsPanel::setSummary(const std::shared_ptr<const LayerSummary>& summary, int batch, int channel,
                                 bool pending)
{
    if (!summary) {
        m_title->setText(pending ? tr("Computing statistics…") : tr("No data"));
        m_histogram->setBins({});
        m_values->clear();
        return;
    }
    const ImageGeometry& g = summary->geometry();
    batch = std::clamp<int>(batch, 0, static_cast<int>(g.batch) - 1);
    channel = channel < g.channels ? channel : -1;
    const TensorStatistics& s = channel < 0 ? summary->item(batch) : summary->channel(batch, channel);
    m_title->setText(channel < 0 ? tr("Whole layer (batch %1)").arg(batch)
                                 : tr("Channel %1 (batch %2)").arg(channel).arg(batch));
    m_histogram->setBins(s.bins);
    QString text = tr("min %1   max %2\nmean %3   std %4\n%5 values")
                       .arg(formatValue(float(s.min)), formatValue(float(s.max)),
                            formatValue(float(s.mean)), formatValue(float(s.stddev)))
                       .arg(s.count);
    if (s.nonFinite)
        text += tr("   ⚠ %1 NaN/Inf").arg(s.nonFinite);
    m_values->setText(text);
}

QString StatisticsPanel::summaryText() const
{
    return m_values->text();
}

} // namespace layerscope::gui
