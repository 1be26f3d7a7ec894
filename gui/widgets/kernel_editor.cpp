#include "kernel_editor.h"

#include "commands/change_layer_command.h"
#include "document/conv_weights.h"
#include "document/document.h"
#include "document/layer_json.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace layerscope::gui {

namespace {
constexpr int kFiltersPerPage = 8;
constexpr int kMaxChannelsShown = 4;
}

KernelEditor::KernelEditor(Document* document, QWidget* parent) : QWidget(parent), m_document(document)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);
    m_title = new QLabel(this);
    outer->addWidget(m_title);
    m_controls = new QWidget(this);
    outer->addWidget(m_controls, 1);
    auto* layout = new QVBoxLayout(m_controls);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* presets = new QHBoxLayout;
    m_preset = new QComboBox(m_controls);
    m_preset->addItems(kernelPresetNames());
    m_target = new QComboBox(m_controls);
    m_average = new QCheckBox(tr("÷ channels"), m_controls);
    m_average->setChecked(true);
    m_average->setToolTip(tr("Divide fixed presets by the number of input channels (luminance response)"));
    m_seed = new QSpinBox(m_controls);
    m_seed->setRange(0, 1000000);
    m_seed->setPrefix(tr("seed "));
    auto* apply = new QPushButton(tr("Apply"), m_controls);
    presets->addWidget(new QLabel(tr("Preset"), m_controls));
    presets->addWidget(m_preset);
    presets->addWidget(m_target);
    presets->addWidget(m_average);
    presets->addWidget(m_seed);
    presets->addWidget(apply);
    presets->addStretch(1);
    layout->addLayout(presets);
    connect(apply, &QPushButton::clicked, this, [this] {
        applyPreset(m_preset->currentIndex(), m_target->currentIndex() - 1);
    });

    auto* pageRow = new QHBoxLayout;
    m_info = new QLabel(m_controls);
    m_page = new QSpinBox(m_controls);
    m_page->setPrefix(tr("filters from "));
    m_page->setSingleStep(kFiltersPerPage);
    pageRow->addWidget(m_info, 1);
    pageRow->addWidget(m_page);
    layout->addLayout(pageRow);
    connect(m_page, &QSpinBox::valueChanged, this, [this] { refresh(); });

    auto* scroll = new QScrollArea(m_controls);
    scroll->setWidgetResizable(true);
    m_grid = new QWidget(scroll);
    m_gridLayout = new QGridLayout(m_grid);
    m_gridLayout->setSpacing(4);
    scroll->setWidget(m_grid);
    layout->addWidget(scroll, 1);

    auto* biasRow = new QHBoxLayout;
    biasRow->addWidget(new QLabel(tr("Bias"), m_controls));
    m_bias = new QTableWidget(1, 0, m_controls);
    m_bias->verticalHeader()->hide();
    m_bias->horizontalHeader()->setDefaultSectionSize(60);
    m_bias->setFixedHeight(2 * m_bias->fontMetrics().height() + 26); // header + one row
    m_bias->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    biasRow->addWidget(m_bias, 1);
    layout->addLayout(biasRow);
    connect(m_bias, &QTableWidget::cellChanged, this, [this](int, int column) {
        if (m_updating)
            return;
        ConvWeights w = currentWeights();
        if (column >= static_cast<int>(w.bias.size()))
            return;
        bool ok = false;
        const float v = m_bias->item(0, column)->text().toFloat(&ok);
        if (!ok)
            return refresh();
        w.bias[static_cast<size_t>(column)] = v;
        pushWeights(w, tr("Edit bias"), QStringLiteral("bias:%1").arg(column));
    });

    // Every edit (undo included, and inserts or moves that shift indices) ends in contentChanged;
    // the grid is rebuilt only when the edited layer's JSON is not what it shows, so dragging a
    // parameter of another layer costs nothing here.
    connect(document, &Document::contentChanged, this, [this] {
        if (shownLayerJson() != m_shown)
            refreshWhenShown();
    });
    refresh();
}

void KernelEditor::refreshWhenShown()
{
    if (!isVisible() && window()->isVisible()) {
        m_stale = true;
        return;
    }
    refresh();
}

void KernelEditor::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void KernelEditor::setLayerIndex(int index)
{
    if (index == m_index)
        return;
    m_index = index;
    {
        const QSignalBlocker block(m_page);
        m_page->setValue(0);
    }
    refreshWhenShown();
}

nlohmann::json KernelEditor::shownLayerJson() const
{
    return m_index >= 0 && m_index < m_document->layerCount() ? m_document->layerJson(m_index) : nlohmann::json();
}

bool KernelEditor::editsKernel() const
{
    return m_index >= 0 && m_index < m_document->layerCount()
        && m_document->layer(m_index).hasEditableKernel();
}

ConvWeights KernelEditor::currentWeights() const
{
    if (m_index < 0 || m_index >= m_document->layerCount())
        return {};
    return ConvWeights::fromJson(layerWeights(m_document->layerJson(m_index)));
}

void KernelEditor::pushWeights(const ConvWeights& weights, const QString& text, const QString& mergeKey)
{
    const nlohmann::json old = m_document->layerJson(m_index);
    nlohmann::json updated = old;
    updated["weights"] = weights.toJson();
    try {
        layerFromJson(updated);
    } catch (const std::exception& error) {
        m_info->setText(QString::fromStdString(error.what()));
        return;
    }
    m_document->undoStack()->push(new ChangeLayerCommand(m_document, m_index, old, updated, text, mergeKey));
}

void KernelEditor::applyPreset(int preset, int filter)
{
    if (!editsKernel())
        return;
    ConvWeights w = currentWeights();
    if (!w.valid()) {
        // No stored weights yet: create them for the layer's current sizes and input channels.
        const nlohmann::json config = m_document->layerJson(m_index).value("config", nlohmann::json::object());
        const auto ks = config.value("kernel_size", nlohmann::json::array({3, 3}));
        const Shape in = m_document->shapeChain().inputOf(m_index);
        const int groups = std::max(1, config.value("groups", 1));
        ConvWeights empty;
        w = empty.resized(ks.is_array() ? ks[0].get<int>() : ks.get<int>(),
                          ks.is_array() ? ks[1].get<int>() : ks.get<int>(),
                          in.size() == 4 ? static_cast<int>(in[3]) / groups : 1,
                          std::max(1, config.value("filters", 1)), config.value("use_bias", true));
    }
    applyKernelPreset(w, static_cast<KernelPreset>(preset), filter, m_average->isChecked(),
                      static_cast<uint32_t>(m_seed->value()));
    pushWeights(w, tr("Kernel preset %1").arg(kernelPresetNames().value(preset)), {});
}

void KernelEditor::refresh()
{
    m_stale = false;
    m_shown = shownLayerJson();
    const bool conv = editsKernel();
    m_controls->setEnabled(conv);
    m_title->setText(conv ? tr("<b>%1</b>: kernel weights (columns: filters, rows: input channels)")
                                .arg(QString::fromStdString(m_document->layer(m_index).name()).toHtmlEscaped())
                          : tr("Select a Conv2D layer to edit its kernel."));
    m_updating = true;
    const ConvWeights w = conv ? currentWeights() : ConvWeights{};
    while (QLayoutItem* item = m_gridLayout->takeAt(0)) {
        if (QWidget* widget = item->widget()) {
            widget->hide();
            widget->deleteLater();
        }
        delete item;
    }
    const int targetIndex = m_target->currentIndex();
    m_target->clear();
    m_target->addItem(tr("all filters"));
    // Lists stay short even for thousands of filters (the pages show the rest).
    constexpr int kMaxListed = 512;
    for (int f = 0; f < std::min(w.filters, kMaxListed); ++f)
        m_target->addItem(tr("filter %1").arg(f));
    m_target->setCurrentIndex(qBound(0, targetIndex, m_target->count() - 1));
    if (!w.valid()) {
        m_info->setText(conv ? tr("Seeded Glorot-uniform default weights (not stored): apply a preset to edit them.")
                             : QString());
        m_bias->setColumnCount(0);
        m_updating = false;
        return;
    }
    m_info->setText(tr("%1×%2 kernel, %3 input channels, %4 filters").arg(w.kh).arg(w.kw).arg(w.cin).arg(w.filters));
    {
        const QSignalBlocker block(m_page);
        m_page->setRange(0, std::max(0, w.filters - 1));
    }
    const int first = m_page->value();
    const int last = std::min(w.filters, first + kFiltersPerPage);
    const int channels = std::min(w.cin, kMaxChannelsShown);
    // Filters across (a wide dock), input channels down.
    for (int ci = 0; ci < channels; ++ci)
        m_gridLayout->addWidget(new QLabel(tr("in %1").arg(ci), m_grid), ci + 1, 0);
    const int cell = 60;
    for (int f = first; f < last; ++f) {
        const int column = f - first + 1;
        m_gridLayout->addWidget(new QLabel(tr("filter %1").arg(f), m_grid), 0, column, Qt::AlignCenter);
        for (int ci = 0; ci < channels; ++ci) {
            auto* table = new QTableWidget(w.kh, w.kw, m_grid);
            table->horizontalHeader()->hide();
            table->verticalHeader()->hide();
            table->horizontalHeader()->setDefaultSectionSize(cell);
            table->verticalHeader()->setDefaultSectionSize(20);
            table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
            table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
            table->setFixedSize(std::min(w.kw, 7) * cell + 4, std::min(w.kh, 7) * 20 + 4);
            for (int y = 0; y < w.kh; ++y)
                for (int x = 0; x < w.kw; ++x) {
                    auto* item = new QTableWidgetItem(QString::number(static_cast<double>(w.at(y, x, ci, f)), 'g', 4));
                    item->setTextAlignment(Qt::AlignCenter);
                    table->setItem(y, x, item);
                }
            connect(table, &QTableWidget::cellChanged, this, [this, table, f, ci](int y, int x) {
                if (m_updating)
                    return;
                ConvWeights cw = currentWeights();
                bool ok = false;
                const float v = table->item(y, x)->text().toFloat(&ok);
                if (!ok || !cw.valid())
                    return refresh();
                cw.at(y, x, ci, f) = v;
                pushWeights(cw, tr("Edit kernel"), QStringLiteral("kernel:%1,%2,%3,%4").arg(f).arg(ci).arg(y).arg(x));
            });
            m_gridLayout->addWidget(table, ci + 1, column);
        }
    }
    m_gridLayout->setRowStretch(channels + 1, 1);
    m_gridLayout->setColumnStretch(last - first + 1, 1);
    const int biasShown = std::min(static_cast<int>(w.bias.size()), kMaxListed);
    m_bias->setColumnCount(biasShown);
    for (int f = 0; f < biasShown; ++f) {
        m_bias->setHorizontalHeaderItem(f, new QTableWidgetItem(QString::number(f)));
        m_bias->setItem(0, f, new QTableWidgetItem(QString::number(static_cast<double>(w.bias[static_cast<size_t>(f)]), 'g', 4)));
    }
    m_updating = false;
}

} // namespace layerscope::gui
