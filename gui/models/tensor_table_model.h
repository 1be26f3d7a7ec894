#pragma once
// One channel of one batch item of a tensor as a table of its values (the numbers view): row y,
// column x, exactly the float32 value, so the documentation examples read like their printout.

#include "core/tensor.h"

#include <QAbstractTableModel>

#include <memory>

namespace layerscope::gui {

class TensorTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    void setTensor(std::shared_ptr<const Tensor> tensor, int batch, int channel);
    int channel() const { return m_channel; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const Tensor> m_tensor;
    int m_batch = 0;
    int m_channel = 0;
};

} // namespace layerscope::gui
