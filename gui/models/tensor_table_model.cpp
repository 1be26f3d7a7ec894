#include "tensor_table_model.h"

#include "engine/tensor_image.h"

#include <QColor>

#include <cmath>

namespace layerscope::gui {

void TensorTableModel::setTensor(std::shared_ptr<const Tensor> tensor, int batch, int channel)
{
    beginResetModel();
    m_tensor = std::move(tensor);
    if (m_tensor) {
        const TensorGeometry g = tensorGeometry(*m_tensor);
        m_batch = std::clamp<int>(batch, 0, std::max<int>(0, static_cast<int>(g.batch) - 1));
        m_channel = std::clamp<int>(channel, 0, std::max<int>(0, static_cast<int>(g.channels) - 1));
        if (!g.valid)
            m_tensor.reset();
    }
    endResetModel();
}

int TensorTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_tensor)
        return 0;
    return static_cast<int>(std::min<int64_t>(tensorGeometry(*m_tensor).height, 100000));
}

int TensorTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_tensor)
        return 0;
    return static_cast<int>(std::min<int64_t>(tensorGeometry(*m_tensor).width, 100000));
}

QVariant TensorTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_tensor || !index.isValid())
        return {};
    const float v = tensorValue(*m_tensor, m_batch, index.row(), index.column(), m_channel);
    if (role == Qt::DisplayRole)
        return formatValue(v);
    if (role == Qt::UserRole)
        return static_cast<double>(v);
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && !std::isfinite(v))
        return QColor(200, 0, 160);
    return {};
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    return orientation == Qt::Horizontal ? QStringLiteral("x=%1").arg(section)
                                         : QStringLiteral("y=%1").arg(section);
}

} // namespace layerscope::gui
