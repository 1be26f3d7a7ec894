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
    // Fixed starting widths the user can drag, not ResizeToContents: that re-measures every item's
    // text on each refresh, which took 140-200 ms of the UI thread per edit with a large input.
    header()->setSectionResizeMode(0, QHeaderView::Interactive);
    header()->setSectionResizeMode(1, QHeaderView::Interactive);
    header()->resizeSection(0, fontMetrics().horizontalAdvance(QStringLiteral("average_pooling2d_12  (AveragePooling2D)")) + 48);
    header()->resizeSection(1, fontMetrics().horizontalAdvance(QStringLiteral("1×4000×3000×64")) + 24);
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
    // The new rows are built detached, then either copied into the existing rows (same layout:
    // the usual case of a parameter edit) or swapped in. Re-creating every row on each edit made
    // the view lay out and repaint itself, and its scroll bar, from scratch (80-200 ms of the UI
    // thread per edit beside a large computation).
    QList<QTreeWidgetItem*> rows;
    std::vector<bool> expanded;
    const ShapeChain& chain = m_document->shapeChain();
    auto* input = new QTreeWidgetItem(QStringList{tr("Input"), chain.hasInput
        ? QString::fromStdString(shapeToString(chain.input)) : tr("none"),
        chain.hasInput ? m_document->inputSpec().describe() : m_document->inputError()});
    rows.append(input);
    expanded.push_back(false);
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
        auto* item = new QTreeWidgetItem(QStringList{QStringLiteral("%1  (%2)").arg(QString::fromStdString(layer.name()),
                                                                                    QString::fromStdString(layer.className())),
                                                     shape, detail});
        rows.append(item);
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
        expanded.push_back(e.ok && !e.bypassed);
    }
    replaceRows(rows, expanded, current);
}

namespace {

bool sameLayout(const QTreeWidgetItem* a, const QTreeWidgetItem* b)
{
    if (a->childCount() != b->childCount())
        return false;
    for (int i = 0; i < a->childCount(); ++i)
        if (!sameLayout(a->child(i), b->child(i)))
            return false;
    return true;
}

// Texts, tooltips, colours, fonts, icons and data of `from` (and its children) onto `to`.
void copyContent(const QTreeWidgetItem* from, QTreeWidgetItem* to)
{
    for (int c = 0; c < from->columnCount(); ++c)
        for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::ForegroundRole), int(Qt::FontRole),
                         int(Qt::DecorationRole), int(Qt::UserRole)})
            if (to->data(c, role) != from->data(c, role))
                to->setData(c, role, from->data(c, role));
    for (int i = 0; i < from->childCount(); ++i)
        copyContent(from->child(i), to->child(i));
}

} // namespace

void ShapeChainPanel::replaceRows(const QList<QTreeWidgetItem*>& rows, const std::vector<bool>& expanded, int current)
{
    bool same = topLevelItemCount() == rows.size();
    for (int i = 0; same && i < rows.size(); ++i)
        same = sameLayout(topLevelItem(i), rows[i]);
    if (same) {
        for (int i = 0; i < rows.size(); ++i)
            copyContent(rows[i], topLevelItem(i));
        qDeleteAll(rows);
    } else {
        clear();
        addTopLevelItems(rows);
    }
    for (int i = 0; i < topLevelItemCount(); ++i) {
        QTreeWidgetItem* row = topLevelItem(i);
        if (row->isExpanded() != expanded[static_cast<size_t>(i)])
            row->setExpanded(expanded[static_cast<size_t>(i)]);
        if (row->data(0, Qt::UserRole).toInt() == current && current >= 0)
            setCurrentItem(row);
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
