#include "shape_chain_panel.h"

#include "document/document.h"
#include "models/layer_icons.h"

#include <QHeaderView>

namespace layerscope::gui {

ShapeChainPanel::ShapeChainPanel(Document* document, QWidget* parent)
    : QTreeWidget(parent), m_document(document)
{
    setColumnCount(3);
    setHeaderLabels({tr("Layer / axis"), tr("Shape / size"), tr("Arithmetic")});
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(true);
    setRootIsDecorated(true);
    setUniformRowHeights(true);
    connect(document, &Document::contentChanged, this, &ShapeChainPanel::refresh);
    connect(this, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        while (item->parent())
            item = item->parent();
        emit layerActivated(item->data(0, Qt::UserRole).toInt());
    });
    refresh();
}

void ShapeChainPanel::refresh()
{
    const int current = currentItem() ? [&] {
        QTreeWidgetItem* i = currentItem();
        while (i->parent())
            i = i->parent();
        return i->data(0, Qt::UserRole).toInt();
    }() : -2;
    clear();
    const ShapeChain& chain = m_document->shapeChain();
    auto* input = new QTreeWidgetItem(this, {tr("Input"), chain.hasInput
        ? QString::fromStdString(shapeToString(chain.input)) : tr("none"),
        chain.hasInput ? m_document->inputSpec().describe() : m_document->inputError()});
    input->setIcon(0, layerIcon("Input"));
    input->setData(0, Qt::UserRole, -1);
    if (!chain.hasInput)
        input->setForeground(2, QColor(0xc0, 0x39, 0x2b));
    const QColor grey = palette().color(QPalette::Disabled, QPalette::Text);
    for (int i = 0; i < m_document->layerCount(); ++i) {
        const Layer& layer = m_document->layer(i);
        const ShapeChainEntry& e = chain.layers.at(static_cast<size_t>(i));
        QString shape = e.ok ? QString::fromStdString(shapeToString(e.output))
                      : e.blocked ? tr("—") : tr("error");
        QString detail;
        if (e.bypassed)
            detail = tr("bypassed: output = input");
        else if (!e.error.isEmpty())
            detail = e.error;
        else if (e.blocked)
            detail = tr("not computed: an earlier layer failed");
        auto* item = new QTreeWidgetItem(this, {QStringLiteral("%1  (%2)").arg(QString::fromStdString(layer.name()),
                                                  QString::fromStdString(layer.className())),
                                                shape, detail});
        item->setIcon(0, layerIcon(QString::fromStdString(layer.className())));
        item->setData(0, Qt::UserRole, i);
        item->setToolTip(2, detail);
        if (!e.error.isEmpty()) {
            for (int c = 0; c < 3; ++c)
                item->setForeground(c, QColor(0xc0, 0x39, 0x2b));
            QFont f = item->font(0);
            f.setBold(true);
            item->setFont(0, f);
        } else if (e.blocked || e.bypassed) {
            for (int c = 0; c < 3; ++c)
                item->setForeground(c, grey);
        }
        for (const AxisExplanation& axis : e.axes) {
            const QString arithmetic = QString::fromStdString(axis.arithmetic);
            auto* child = new QTreeWidgetItem(item, {QString::fromStdString(axis.axis),
                                                     QStringLiteral("%1 → %2").arg(axis.input).arg(axis.output),
                                                     arithmetic});
            child->setToolTip(2, QString::fromStdString(axis.rule));
            if (!axis.rule.empty() && axis.rule != axis.arithmetic)
                child->setText(2, QStringLiteral("%1      [%2]").arg(arithmetic, QString::fromStdString(axis.rule)));
        }
        item->setExpanded(e.ok && !e.bypassed);
        if (i == current)
            setCurrentItem(item);
    }
}

void ShapeChainPanel::setCurrentLayer(int index)
{
    for (int i = 0; i < topLevelItemCount(); ++i)
        if (topLevelItem(i)->data(0, Qt::UserRole).toInt() == index) {
            setCurrentItem(topLevelItem(i));
            scrollToItem(topLevelItem(i));
        }
}

} // namespace layerscope::gui
