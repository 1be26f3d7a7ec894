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

TensorStatistics computeStatistics(const Tensor& t, int batch, int channel, int binCount)
{
    TensorStatistics s;
    const TensorGeometry g = tensorGeometry(t);
    if (!g.valid || g.batch == 0)
        return s;
    batch = std::clamp<int>(batch, 0, static_cast<int>(g.batch) - 1);
    const int64_t plane = g.height * g.width * g.channels;
    const float* base = t.data() + batch * plane;
    const int64_t c0 = channel < 0 ? 0 : channel, c1 = channel < 0 ? g.channels : channel + 1;
    double sum = 0, sum2 = 0;
    s.min = INFINITY;
    s.max = -INFINITY;
    for (int64_t i = 0; i < g.height * g.width; ++i)
        for (int64_t c = c0; c < c1; ++c) {
            const float v = base[i * g.channels + c];
            if (!std::isfinite(v)) {
                ++s.nonFinite;
                continue;
            }
            ++s.count;
            sum += v;
            sum2 += double(v) * v;
            s.min = std::min(s.min, double(v));
            s.max = std::max(s.max, double(v));
        }
    if (s.count == 0) {
        s.min = s.max = 0;
        return s;
    }
    s.mean = sum / s.count;
    s.stddev = std::sqrt(std::max(0.0, sum2 / s.count - s.mean * s.mean));
    s.bins.assign(static_cast<size_t>(binCount), 0);
    const double span = s.max - s.min;
    for (int64_t i = 0; i < g.height * g.width; ++i)
        for (int64_t c = c0; c < c1; ++c) {
            const float v = base[i * g.channels + c];
            if (!std::isfinite(v))
                continue;
            int bin = span > 0 ? static_cast<int>((v - s.min) / span * binCount) : 0;
            ++s.bins[static_cast<size_t>(std::clamp(bin, 0, binCount - 1))];
        }
    return s;
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

void StatisticsPanel::setTensor(std::shared_ptr<const Tensor> tensor, int batch, int channel)
{
    if (!tensor) {
        m_title->setText(tr("No data"));
        m_histogram->setBins({});
        m_values->clear();
        return;
    }
    const TensorStatistics s = computeStatistics(*tensor, batch, channel);
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
