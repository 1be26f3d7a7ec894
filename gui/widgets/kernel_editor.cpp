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
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    auto* title = new QLabel(tr("<b>Kernel</b> (rows: filters, columns: input channels)"), this);
    layout->addWidget(title);

    auto* presets = new QHBoxLayout;
    m_preset = new QComboBox(this);
    m_preset->addItems(kernelPresetNames());
    m_target = new QComboBox(this);
    m_average = new QCheckBox(tr("÷ channels"), this);
    m_average->setChecked(true);
    m_average->setToolTip(tr("Divide fixed presets by the number of input channels (luminance response)"));
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1000000);
    m_seed->setPrefix(tr("seed "));
    auto* apply = new QPushButton(tr("Apply"), this);
    presets->addWidget(m_preset, 1);
    presets->addWidget(m_target);
    presets->addWidget(m_average);
    presets->addWidget(m_seed);
    presets->addWidget(apply);
    layout->addLayout(presets);
    connect(apply, &QPushButton::clicked, this, [this] {
        applyPreset(m_preset->currentIndex(), m_target->currentIndex() - 1);
    });

    auto* pageRow = new QHBoxLayout;
    m_info = new QLabel(this);
    m_page = new QSpinBox(this);
    m_page->setPrefix(tr("filters from "));
    m_page->setSingleStep(kFiltersPerPage);
    pageRow->addWidget(m_info, 1);
    pageRow->addWidget(m_page);
    layout->addLayout(pageRow);
    connect(m_page, &QSpinBox::valueChanged, this, [this] { refresh(); });

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    m_grid = new QWidget(scroll);
    m_gridLayout = new QGridLayout(m_grid);
    m_gridLayout->setSpacing(4);
    scroll->setWidget(m_grid);
    layout->addWidget(scroll, 1);

    layout->addWidget(new QLabel(tr("Bias"), this));
    m_bias = new QTableWidget(1, 0, this);
    m_bias->verticalHeader()->hide();
    m_bias->setMaximumHeight(60);
    layout->addWidget(m_bias);
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
}

void KernelEditor::setLayerIndex(int index)
{
    m_index = index;
    refresh();
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
    m_updating = true;
    const ConvWeights w = currentWeights();
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
        m_info->setText(tr("No stored weights: apply a preset to create them."));
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
    for (int ci = 0; ci < channels; ++ci)
        m_gridLayout->addWidget(new QLabel(tr("in %1").arg(ci), m_grid), 0, ci + 1, Qt::AlignCenter);
    const int cell = 40;
    for (int f = first; f < last; ++f) {
        const int row = f - first + 1;
        m_gridLayout->addWidget(new QLabel(tr("f%1").arg(f), m_grid), row, 0);
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
            m_gridLayout->addWidget(table, row, ci + 1);
        }
    }
    m_gridLayout->setRowStretch(last - first + 1, 1);
    m_gridLayout->setColumnStretch(channels + 1, 1);
    const int biasShown = std::min(static_cast<int>(w.bias.size()), kMaxListed);
    m_bias->setColumnCount(biasShown);
    for (int f = 0; f < biasShown; ++f) {
        m_bias->setHorizontalHeaderItem(f, new QTableWidgetItem(QString::number(f)));
        m_bias->setItem(0, f, new QTableWidgetItem(QString::number(static_cast<double>(w.bias[static_cast<size_t>(f)]), 'g', 4)));
        m_bias->setColumnWidth(f, 48);
    }
    m_updating = false;
}

} // namespace layerscope::gui
