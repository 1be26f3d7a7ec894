#include "layer_stack_delegate.h"

#include "engine/pipeline_runner.h"
#include "models/layer_stack_model.h"

#include <QApplication>
#include <QPainter>

namespace layerscope::gui {

QSize LayerStackDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setHeight(std::max(s.height(), option.fontMetrics.height() * 2 + 10));
    return s;
}

void LayerStackDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const
{
    const int status = index.data(LayerStackModel::StatusRole).toInt();
    const bool bypassed = index.data(LayerStackModel::BypassedRole).toBool();
    const bool error = status == static_cast<int>(LayerStatus::Error);
    if (error && !(option.state & QStyle::State_Selected))
        painter->fillRect(option.rect, QColor(0xc0, 0x39, 0x2b, 50));

    // Right column: shape and status.
    const QString shape = index.data(LayerStackModel::ShapeRole).toString();
    QString statusText;
    QColor statusColor = option.palette.color(QPalette::Text);
    const double ms = index.data(LayerStackModel::MillisecondsRole).toDouble();
    switch (static_cast<LayerStatus>(status)) {
    case LayerStatus::Ok:
        statusText = bypassed ? tr("bypassed")
                   : ms >= 0 ? QStringLiteral("✓ %1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : 0) : QStringLiteral("✓");
        statusColor = QColor(0x2e, 0x9e, 0x55);
        break;
    case LayerStatus::Computing: statusText = tr("computing…"); statusColor = QColor(0xd9, 0x8c, 0x1f); break;
    case LayerStatus::Pending: statusText = tr("…"); break;
    case LayerStatus::Error: statusText = tr("✗ error"); statusColor = QColor(0xe7, 0x4c, 0x3c); break;
    case LayerStatus::Blocked: statusText = tr("—"); statusColor = option.palette.color(QPalette::Disabled, QPalette::Text); break;
    }
    if (index.row() == 0)
        statusText = error ? tr("✗ error") : QString();
    const QFontMetrics fm = option.fontMetrics;
    const int rightWidth = std::max(fm.horizontalAdvance(shape), fm.horizontalAdvance(statusText)) + 12;

    // Background, check box and icon from the style; the two text lines drawn here.
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    base.decorationSize = QSize(24, 24);
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &base, painter, option.widget);
    if (error && !(option.state & QStyle::State_Selected))
        painter->fillRect(option.rect, QColor(0xc0, 0x39, 0x2b, 40));
    const QRect textRect = QApplication::style()->subElementRect(QStyle::SE_ItemViewItemText, &base, option.widget)
                               .adjusted(2, 0, 0, 0);
    QRect left = textRect;
    left.setRight(option.rect.right() - rightWidth);
    const bool selected = option.state & QStyle::State_Selected;
    QColor textColor = selected ? option.palette.color(QPalette::HighlightedText) : option.palette.color(QPalette::Text);
    if (bypassed && !selected)
        textColor = option.palette.color(QPalette::Disabled, QPalette::Text);
    painter->save();
    QFont bold = option.font;
    bold.setBold(true);
    const QString name = index.data(Qt::DisplayRole).toString();
    const QString className = index.data(LayerStackModel::ClassNameRole).toString();
    const int lineHeight = left.height() / 2;
    const QRect line1(left.left(), left.top() + 2, left.width(), lineHeight);
    const QRect line2(left.left(), left.top() + lineHeight, left.width(), lineHeight - 2);
    painter->setFont(bold);
    painter->setPen(textColor);
    const QString nameText = QFontMetrics(bold).elidedText(name, Qt::ElideRight, line1.width());
    painter->drawText(line1, Qt::AlignLeft | Qt::AlignVCenter, nameText);
    const int nameWidth = QFontMetrics(bold).horizontalAdvance(nameText);
    painter->setFont(option.font);
    QColor dim = textColor;
    dim.setAlpha(160);
    painter->setPen(dim);
    painter->drawText(line1.adjusted(nameWidth + 8, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(className, Qt::ElideRight, std::max(0, line1.width() - nameWidth - 8)));
    painter->setPen(textColor);
    painter->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(index.data(LayerStackModel::SummaryRole).toString(), Qt::ElideRight, line2.width()));
    painter->restore();

    const QRect right(option.rect.right() - rightWidth, option.rect.top() + 4, rightWidth - 6,
                      option.rect.height() - 8);
    painter->save();
    painter->setPen(option.state & QStyle::State_Selected ? option.palette.color(QPalette::HighlightedText)
                                                          : option.palette.color(QPalette::Text));
    painter->drawText(right, Qt::AlignRight | Qt::AlignTop, shape);
    // Green/orange on the highlight colour is unreadable: selected rows use the highlighted text colour.
    painter->setPen(option.state & QStyle::State_Selected ? option.palette.color(QPalette::HighlightedText) : statusColor);
    painter->drawText(right, Qt::AlignRight | Qt::AlignBottom, statusText);
    painter->restore();
}

} // namespace layerscope::gui
