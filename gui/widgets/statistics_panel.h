#pragma once
// Statistics of the selected channel (or the whole layer): a histogram (64 bins over the finite
// range) with min, max, mean, standard deviation and the NaN/Inf count. Only displays: the
// numbers are the tensor's LayerSummary (core), computed on the worker.

#include "core/render/layer_summary.h"

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

class StatisticsPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatisticsPanel(QWidget* parent = nullptr);
    // Channel `channel` (-1: the whole layer) of item `batch`; a null summary shows "computing"
    // when `pending`, else "No data".
    void setSummary(const std::shared_ptr<const LayerSummary>& summary, int batch, int channel,
                    bool pending = false);
    QString summaryText() const;

private:
    HistogramWidget* m_histogram;
    QLabel* m_title;
    QLabel* m_values;
};

} // namespace layerscope::gui
