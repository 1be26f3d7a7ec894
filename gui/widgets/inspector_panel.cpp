#include "inspector_panel.h"

#include "document/document.h"
#include "engine/pipeline_runner.h"
#include "engine/tensor_image.h"
#include "widgets/input_window_view.h"
#include "widgets/step_bar.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace layerscope::gui {

CellIndex viewToCell(const Shape& shape, DataFormat format, int b, int channel, int y, int x)
{
    const bool first = format == DataFormat::ChannelsFirst;
    switch (shape.size()) {
    case 4:
        return first ? CellIndex{b, x, channel, y} : CellIndex{b, y, x, channel};
    case 3:
        return first ? CellIndex{0, x, channel, y} : CellIndex{0, y, x, channel};
    case 2:
        return CellIndex{b, 0, 0, channel};
    default:
        return CellIndex{0, 0, 0, channel};
    }
}

void cellToView(const Shape& shape, DataFormat format, const CellIndex& cell, int* channel, int* y, int* x)
{
    const bool first = format == DataFormat::ChannelsFirst && shape.size() >= 3;
    if (shape.size() <= 2) {
        *channel = static_cast<int>(cell.c);
        *y = *x = 0;
    } else if (first) {
        *y = static_cast<int>(cell.c);
        *x = static_cast<int>(cell.y);
        *channel = static_cast<int>(cell.x);
    } else {
        *channel = static_cast<int>(cell.c);
        *y = static_cast<int>(cell.y);
        *x = static_cast<int>(cell.x);
    }
}

DataFormat tensorFormat(const Document& document, int index)
{
    // A layer without a data_format (Tile) keeps the layout of its input.
    for (int i = index < 0 ? 0 : index; i >= 0 && i < document.layerCount(); index < 0 ? ++i : --i) {
        if (const auto format = layerDataFormat(document.layer(i)))
            return *format;
    }
    return DataFormat::ChannelsLast;
}


InspectorPanel::InspectorPanel(Document* document, PipelineRunner* runner, QWidget* parent)
    : QWidget(parent), m_document(document), m_runner(runner)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    m_summary = new QLabel(this);
    QFont big = m_summary->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_summary->setFont(big);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setObjectName("inspectorSummary");
    layout->addWidget(m_summary);

    // Step-through bar.
    m_stepBar = new StepBar(this);
    layout->addWidget(m_stepBar);
    connect(m_stepBar, &StepBar::indexChanged, this, [this](int64_t index) {
        if (index != stepIndex())
            stepTo(index);
    });
    m_window = new InputWindowView(this);
    layout->addWidget(m_window);
    m_fieldLabel = new QLabel(this);
    m_fieldLabel->setWordWrap(true);
    m_fieldLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fieldLabel->setObjectName("inspectorField");
    layout->addWidget(m_fieldLabel);

    m_details = new QPlainTextEdit(this);
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_details->setObjectName("inspectorDetails");
    m_details->setMinimumHeight(110);
    layout->addWidget(m_details, 1);
    updateExplanation();
}

InspectorPanel::~InspectorPanel() = default;

void InspectorPanel::select(int layer, const CellIndex& cell)
{
    m_layer = layer;
    m_cell = cell;
    m_hasSelection = true;
    updateExplanation();
    emit selectionChanged();
}

void InspectorPanel::clearSelection()
{
    m_hasSelection = false;
    m_layer = -2;
    setPlaying(false);
    updateExplanation();
    emit selectionChanged();
}

void InspectorPanel::refresh()
{
    if (!m_hasSelection)
        return;
    if (m_layer >= m_document->layerCount()) {
        clearSelection();
        return;
    }
    updateExplanation();
    emit selectionChanged();
}

int InspectorPanel::effectiveIndex(int layer) const
{
    return m_document->effectiveIndex(layer);
}

void InspectorPanel::updateExplanation()
{
    m_explanation.reset();
    m_field.reset();
    m_fieldTensor.clear();
    m_message.clear();
    if (!m_hasSelection) {
        m_message = tr("Click a cell in the feature maps or the numbers view to see how its value is computed.");
    } else if (m_layer == -1) {
        const auto input = m_document->input();
        try {
            if (!input)
                throw std::out_of_range("no input");
            const float v = (*input)[tensorOffset(input->shape(), m_cell, tensorFormat(*m_document, -1))];
            m_message = tr("Input cell %1 = %2 — a value of the input itself; select a layer's output cell to see how it is computed.")
                            .arg(QString::fromStdString(cellText(m_cell)), QString::fromStdString(layerscope::formatValue(v)));
        } catch (const std::exception&) {
            m_message = tr("The selected cell is outside the input.");
        }
    } else if (m_document->isBypassed(m_layer)) {
        m_message = tr("This layer is bypassed: its output is its input.");
    } else {
        const auto input = m_runner->output(m_layer - 1);
        const auto output = m_runner->output(m_layer);
        if (!input || !output) {
            m_message = tr("Computing…");
        } else {
            try {
                m_explanation = explainCell(m_document->layer(m_layer), *input, m_cell);
            } catch (const std::exception& error) {
                m_message = QString::fromStdString(error.what());
            }
            // The receptive field through the layers that are not bypassed.
            try {
                const Pipeline effective = m_document->effectivePipeline(m_layer);
                const auto field = layerscope::receptiveField(effective, m_document->input()->shape(),
                                                  static_cast<size_t>(effectiveIndex(m_layer)), Interval{m_cell.y, m_cell.y},
                                                  Interval{m_cell.x, m_cell.x}, m_cell.b);
                m_field = field;
                m_fieldTensor.push_back(0);
                int position = 0;
                for (int i = 0; i <= m_layer; ++i) {
                    if (!m_document->isBypassed(i))
                        ++position;
                    m_fieldTensor.push_back(position);
                }
            } catch (const std::exception&) {
                m_field.reset();
            }
        }
    }

    // Widgets.
    const Layer* layer = m_hasSelection && m_layer >= 0 && m_layer < m_document->layerCount() ? &m_document->layer(m_layer) : nullptr;
    if (m_explanation) {
        m_title->setText(tr("%1 (%2) · output %3 = %4%5")
                             .arg(QString::fromStdString(m_explanation->layerName), QString::fromStdString(m_explanation->layerClass),
                                  QString::fromStdString(cellText(m_cell)),
                                  QString::fromStdString(layerscope::formatValue(m_explanation->value)),
                                  m_explanation->exact ? QString() : tr(" (≈: the layer adds these terms in another order)")));
        m_summary->setText(QString::fromStdString(m_explanation->summary));
        m_details->setPlainText(detailsText());
        m_window->setExplanation(m_explanation, m_runner->output(m_layer - 1));
    } else {
        m_title->setText(layer ? QStringLiteral("%1 (%2)").arg(QString::fromStdString(layer->name()),
                                                               QString::fromStdString(layer->className()))
                               : tr("Inspector"));
        m_summary->setText(m_message);
        m_details->clear();
        m_window->clear();
    }
    m_fieldLabel->setText(fieldText());
    rebuildSteps();
    updateStepControls();
}

QString InspectorPanel::summaryText() const
{
    return m_summary->text();
}

QString InspectorPanel::detailsText() const
{
    if (!m_explanation)
        return {};
    QStringList lines;
    lines << QString::fromStdString(m_explanation->summary);
    for (const std::string& line : m_explanation->details)
        lines << QString::fromStdString(line);
    return lines.join('\n');
}

QString InspectorPanel::fieldText() const
{
    if (!m_field)
        return {};
    return tr("Receptive field: %1").arg(QString::fromStdString(m_field->text));
}

std::optional<TensorRegion> InspectorPanel::regionOf(int index) const
{
    if (!m_field || index < -1 || index > m_layer || index + 1 >= static_cast<int>(m_fieldTensor.size()))
        return std::nullopt;
    const TensorRegion& region = m_field->tensors.at(static_cast<size_t>(m_fieldTensor[static_cast<size_t>(index + 1)]));
    if (!region.spatial())
        return std::nullopt;
    return region;
}

void InspectorPanel::rebuildSteps()
{
    const bool usable = m_hasSelection && m_layer >= 0 && m_layer < m_document->layerCount()
                     && !m_document->isBypassed(m_layer) && m_runner->output(m_layer - 1);
    if (!usable) {
        m_steps.reset();
        m_stepLayer.reset();
        m_stepLayerIndex = -2;
        return;
    }
    const Shape input = m_runner->output(m_layer - 1)->shape();
    const std::string json = m_document->layerJson(m_layer).dump();
    if (m_steps && m_stepLayerIndex == m_layer && m_stepInput == input && m_stepLayerJson == json && m_stepChannel == m_cell.c
        && m_stepBatch == m_cell.b)
        return;
    m_steps.reset();
    m_stepLayer = m_document->layer(m_layer).clone();
    m_stepLayerIndex = m_layer;
    m_stepInput = input;
    m_stepLayerJson = json;
    m_stepChannel = m_cell.c;
    m_stepBatch = m_cell.b;
    try {
        m_steps = std::make_unique<StepThrough>(*m_stepLayer, input, m_cell.b, m_cell.c);
    } catch (const std::exception&) {
        m_steps.reset();
    }
}

int64_t InspectorPanel::stepCount() const
{
    return m_steps ? m_steps->count() : 0;
}

int64_t InspectorPanel::stepIndex() const
{
    if (!m_steps)
        return 0;
    if (m_steps->count() == 1)
        return 0;
    return m_steps->indexOf(m_cell.y, m_cell.x);
}

void InspectorPanel::stepTo(int64_t index)
{
    if (!m_steps)
        return;
    const StepCell cell = m_steps->at(index);
    select(m_layer, cell.output);
}

void InspectorPanel::step(int delta)
{
    if (!m_steps)
        return;
    const int64_t next = stepIndex() + delta;
    if (next >= 0 && next < stepCount())
        stepTo(next);
}

void InspectorPanel::setPlaying(bool playing)
{
    m_stepBar->setPlaying(playing);
}

bool InspectorPanel::isPlaying() const
{
    return m_stepBar->isPlaying();
}

void InspectorPanel::setStepsPerSecond(double rate)
{
    m_stepBar->setStepsPerSecond(rate);
}

void InspectorPanel::updateStepControls()
{
    const int64_t count = stepCount();
    if (count <= 1) {
        m_stepBar->setCount(0);
        m_stepBar->setText(m_steps ? tr("One output cell: nothing to step through") : QString());
        return;
    }
    if (m_stepBar->count() != count)
        m_stepBar->setCount(count);
    const int64_t index = stepIndex();
    m_stepBar->showIndex(index);
    const StepCell cell = m_steps->at(index);
    m_stepBar->setText(tr("Step %1 of %2 · output row %3, column %4 ← input rows %5…%6, columns %7…%8")
                           .arg(index + 1).arg(count).arg(cell.output.y).arg(cell.output.x)
                           .arg(cell.rowsUnclipped.first).arg(cell.rowsUnclipped.last)
                           .arg(cell.colsUnclipped.first).arg(cell.colsUnclipped.last));
}

} // namespace layerscope::gui
