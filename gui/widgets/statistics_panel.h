#pragma once
// Statistics of the selected channel (or the whole layer): a histogram (64 bins over the finite
// range) with min, max, mean, standard deviation and the NaN/Inf count.

#include "core/tensor.h"

#include <QWidget>

#include <memory>
#include <vector>

class QLabel;

namespace layerscope::gui {

class HistogramWidget : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    void setBins(std::vector<int64_t> bins);
    QSize sizeHint() const override { return QSize(260, 120); }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<int64_t> m_bins;
};

struct TensorStatistics {
    double min = 0, max = 0, mean = 0, stddev = 0;
    int64_t count = 0, nonFinite = 0;
    std::vector<int64_t> bins;
};
// Over one channel (c ≥ 0) or all channels (c = -1) of batch item b.
TensorStatistics computeStatistics(const Tensor& tensor, int batch, int channel, int binCount = 64);

class StatisticsPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatisticsPanel(QWidget* parent = nullptr);
    void setTensor(std::shared_ptr<const Tensor> tensor, int batch, int channel);
    QString summaryText() const;

private:
    HistogramWidget* m_histogram;
    QLabel* m_title;
    QLabel* m_values;
};

} // namespace layerscope::gui
