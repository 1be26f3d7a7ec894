#include "shape_math_panel.h"

#include "figures/padding_split_painter.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

namespace layerscope::gui {

PaddingDiagram::PaddingDiagram(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("Input cells along the axis (white), SAME padding before and after (hatched), and "
                  "the window of every output index underneath"));
}

void PaddingDiagram::setShapeWhatIf(std::optional<ShapeWhatIf> math)
{
    m_math = std::move(math);
    updateGeometry();
    update();
}

QSize PaddingDiagram::sizeHint() const
{
    return QSize(400, m_math ? paddingSplitHeight(*m_math) : 20 + 22 + 8 + 16);
}

void PaddingDiagram::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (m_math)
        paintPaddingSplit(p, rect(), *m_math, font(), palette().color(QPalette::Text));
}

ShapeMathPanel::ShapeMathPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* top = new QHBoxLayout;
    m_header = new QLabel(this);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    top->addWidget(m_header, 1);
    top->addWidget(new QLabel(tr("Axis"), this));
    m_axis = new QComboBox(this);
    m_axis->addItem(tr("height"));
    m_axis->addItem(tr("width"));
    m_axis->setCurrentIndex(1);
    top->addWidget(m_axis);
    layout->addLayout(top);
    for (QLabel** label : {&m_rule, &m_numbers, &m_split}) {
        *label = new QLabel(this);
        (*label)->setWordWrap(true);
        (*label)->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(*label);
    }
    m_rule->setObjectName("shapeRule");
    m_numbers->setObjectName("shapeNumbers");
    m_split->setObjectName("shapeSplit");
    m_diagram = new PaddingDiagram(this);
    layout->addWidget(m_diagram);
    m_tables = new QWidget(this);
    m_tablesLayout = new QVBoxLayout(m_tables);
    m_tablesLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tables);
    layout->addStretch(1);
    connect(m_axis, &QComboBox::currentIndexChanged, this, &ShapeMathPanel::rebuild);
    rebuild();
}

int ShapeMathPanel::axis() const
{
    return m_axis->currentIndex();
}

void ShapeMathPanel::setAxis(int axis)
{
    m_axis->setCurrentIndex(axis);
}

void ShapeMathPanel::setLayer(const Layer* layer, const Shape& input)
{
    m_layer = layer ? layer->clone() : nullptr;
    m_input = input;
    // Default to the failing axis, once per change of which axis fails, so the user's own
    // choice of axis survives later edits that leave it so.
    int failing = -1;
    if (m_layer) {
        bool fails[2] = {false, false};
        for (int a = 0; a < 2; ++a) {
            try {
                fails[a] = !shapeWhatIf(*m_layer, m_input, a).current.valid;
            } catch (const std::exception&) {
            }
        }
        if (fails[0] != fails[1])
            failing = fails[0] ? 0 : 1;
    }
    const bool switchAxis = failing >= 0 && failing != m_failingAxis && failing != axis();
    if (m_layer)
        m_failingAxis = failing;
    if (switchAxis) {
        QSignalBlocker block(m_axis);
        m_axis->setCurrentIndex(failing);
    }
    rebuild();
}

void ShapeMathPanel::rebuild()
{
    m_math.reset();
    while (QLayoutItem* item = m_tablesLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    QString note;
    if (!m_layer) {
        note = tr("Select a layer to see how its output size is computed.");
    } else {
        try {
            m_math = shapeWhatIf(*m_layer, m_input, axis());
        } catch (const std::exception& error) {
            note = QString::fromStdString(error.what());
            // Other layers: the shape rule of every axis from inferShape.
            try {
                const LayerShape shape = m_layer->inferShape(m_input);
                QStringList lines;
                for (const AxisExplanation& a : shape.axes)
                    lines << QStringLiteral("%1: %2   →   %3").arg(QString::fromStdString(a.axis), QString::fromStdString(a.rule),
                                                             QString::fromStdString(a.arithmetic));
                note += "\n\n" + lines.join('\n');
            } catch (const std::exception& shapeError) {
                note += "\n\n" + QString::fromStdString(shapeError.what());
            }
        }
    }
    m_diagram->setShapeWhatIf(m_math);
    m_diagram->setVisible(m_math.has_value());
    if (!m_math) {
        m_header->setText(m_layer ? QString::fromStdString(m_layer->name()) : tr("Shape math"));
        m_rule->setText(note);
        m_numbers->clear();
        m_split->clear();
        return;
    }
    const ShapeWhatIf& m = *m_math;
    m_header->setText(tr("%1 (%2): output %3").arg(QString::fromStdString(m_layer->name()),
                                                  QString::fromStdString(m_layer->className()),
                                                  QString::fromStdString(m.axis)));
    m_rule->setText(tr("General formula: %1").arg(QString::fromStdString(m.rule)));
    m_numbers->setText(tr("With the numbers: %1").arg(QString::fromStdString(m.current.valid ? m.current.arithmetic
                                                                                               : m.current.reason)));
    m_split->setText(tr("Padding: %1").arg(QString::fromStdString(m.paddingSplit)));
    for (const WhatIfTable& t : m.tables) {
        auto* title = new QLabel(QStringLiteral("<b>%1</b> (rows %2, columns %3; the layer's own is highlighted)")
                                     .arg(QString::fromStdString(t.title).toHtmlEscaped(),
                                          QString::fromStdString(t.rowParameter), QString::fromStdString(t.columnParameter)),
                                 m_tables);
        title->setWordWrap(true);
        m_tablesLayout->addWidget(title);
        auto* table = new QTableWidget(static_cast<int>(t.rowLabels.size()), static_cast<int>(t.columnLabels.size()), m_tables);
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        QStringList rows, cols;
        for (const auto& l : t.rowLabels)
            rows << QString::fromStdString(t.rowParameter + " = " + l);
        for (const auto& l : t.columnLabels)
            cols << QString::fromStdString(t.columnParameter + " = " + l);
        table->setVerticalHeaderLabels(rows);
        table->setHorizontalHeaderLabels(cols);
        for (size_t r = 0; r < t.entries.size(); ++r)
            for (size_t c = 0; c < t.entries[r].size(); ++c) {
                const WhatIfEntry& e = t.entries[r][c];
                auto* item = new QTableWidgetItem(e.valid ? QString::number(e.output) : QStringLiteral("✗"));
                item->setTextAlignment(Qt::AlignCenter);
                item->setToolTip(QString::fromStdString(e.valid ? e.arithmetic : e.reason));
                if (!e.valid)
                    item->setForeground(QColor(192, 57, 43));
                if (static_cast<int>(r) == t.currentRow && static_cast<int>(c) == t.currentColumn) {
                    item->setBackground(QColor(255, 221, 87));
                    QFont f = item->font();
                    f.setBold(true);
                    item->setFont(f);
                }
                table->setItem(static_cast<int>(r), static_cast<int>(c), item);
            }
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
        table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        table->resizeRowsToContents();
        int height = table->horizontalHeader()->height() + 4;
        for (int r = 0; r < table->rowCount(); ++r)
            height += table->rowHeight(r);
        table->setFixedHeight(height);
        m_tablesLayout->addWidget(table);
    }
}

} // namespace layerscope::gui
