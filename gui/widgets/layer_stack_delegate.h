#pragma once
// Paints one row of the layer stack: bypass check box, type icon, name and one-line parameter
// summary on the left; output shape and status (ok with its time, computing, error) on the right.
// Error rows are tinted red; bypassed rows are greyed.

#include <QStyledItemDelegate>

namespace layerscope::gui {

class LayerStackDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace layerscope::gui
