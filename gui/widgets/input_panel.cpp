#include "input_panel.h"

#include "commands/change_input_command.h"
#include "document/document.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace layerscope::gui {

InputPanel::InputPanel(Document* document, QWidget* parent) : QWidget(parent), m_document(document)
{
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    m_source = new QComboBox(this);
    m_source->addItems({tr("File (image or .npy)"), tr("Synthetic tensor")});
    form->addRow(tr("Source"), m_source);

    m_pages = new QStackedWidget(this);
    auto* filePage = new QWidget(m_pages);
    auto* fileRow = new QHBoxLayout(filePage);
    fileRow->setContentsMargins(0, 0, 0, 0);
    m_path = new QLineEdit(filePage);
    m_path->setReadOnly(true);
    auto* browse = new QPushButton(tr("Open…"), filePage);
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, &InputPanel::browseRequested);
    m_pages->addWidget(filePage);

    auto* synthPage = new QWidget(m_pages);
    auto* synthForm = new QFormLayout(synthPage);
    synthForm->setContentsMargins(0, 0, 0, 0);
    m_pattern = new QComboBox(synthPage);
    for (int k = 0; k <= static_cast<int>(SyntheticKind::ZonePlate); ++k)
        m_pattern->addItem(syntheticKindName(static_cast<SyntheticKind>(k)));
    synthForm->addRow(tr("Pattern"), m_pattern);
    auto* shapeRow = new QHBoxLayout;
    m_batch = new QSpinBox(synthPage);
    m_height = new QSpinBox(synthPage);
    m_width = new QSpinBox(synthPage);
    m_channels = new QSpinBox(synthPage);
    m_batch->setRange(1, 64);
    m_height->setRange(1, 8192);
    m_width->setRange(1, 8192);
    m_channels->setRange(1, 2048);
    for (QSpinBox* s : {m_batch, m_height, m_width, m_channels})
        shapeRow->addWidget(s);
    // A typed size applies once, on Enter or focus out: "4096" would otherwise build a 4-, a 40-,
    // a 409- and a 4096-row tensor in turn. Arrows still apply each step.
    for (QSpinBox* s : {m_batch, m_height, m_width, m_channels})
        s->setKeyboardTracking(false);
    m_batch->setToolTip(tr("batch"));
    m_height->setToolTip(tr("height"));
    m_width->setToolTip(tr("width"));
    m_channels->setToolTip(tr("channels"));
    synthForm->addRow(tr("Shape (B×H×W×C)"), shapeRow);
    m_seed = new QSpinBox(synthPage);
    m_seed->setRange(0, 1000000);
    m_seed->setKeyboardTracking(false);
    synthForm->addRow(tr("Seed"), m_seed);
    m_pages->addWidget(synthPage);
    form->addRow(m_pages);

    m_colorMode = new QComboBox(this);
    for (int k = 0; k <= static_cast<int>(ColorMode::Rgba); ++k)
        m_colorMode->addItem(colorModeName(static_cast<ColorMode>(k)));
    form->addRow(tr("Colour mode"), m_colorMode);
    m_scale = new QComboBox(this);
    m_scale->addItems({tr("0 … 255 (keras img_to_array)"), tr("0 … 1")});
    form->addRow(tr("Scale"), m_scale);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    layout->addStretch(1);

    auto edited = [this](const QString& key) {
        if (m_updating)
            return;
        InputSpec spec = m_document->inputSpec();
        spec.kind = m_source->currentIndex() == 0 ? InputSourceKind::File : InputSourceKind::Synthetic;
        spec.synthetic = static_cast<SyntheticKind>(m_pattern->currentIndex());
        spec.batch = m_batch->value();
        spec.height = m_height->value();
        spec.width = m_width->value();
        spec.channels = m_channels->value();
        spec.seed = static_cast<quint32>(m_seed->value());
        spec.colorMode = static_cast<ColorMode>(m_colorMode->currentIndex());
        spec.scale = static_cast<ValueScale>(m_scale->currentIndex());
        push(spec, key);
    };
    connect(m_source, &QComboBox::currentIndexChanged, this, [=] { edited({}); });
    connect(m_pattern, &QComboBox::currentIndexChanged, this, [=] { edited({}); });
    connect(m_colorMode, &QComboBox::currentIndexChanged, this, [=] { edited({}); });
    connect(m_scale, &QComboBox::currentIndexChanged, this, [=] { edited({}); });
    connect(m_batch, &QSpinBox::valueChanged, this, [=] { edited("batch"); });
    connect(m_height, &QSpinBox::valueChanged, this, [=] { edited("height"); });
    connect(m_width, &QSpinBox::valueChanged, this, [=] { edited("width"); });
    connect(m_channels, &QSpinBox::valueChanged, this, [=] { edited("channels"); });
    connect(m_seed, &QSpinBox::valueChanged, this, [=] { edited("seed"); });
    connect(document, &Document::inputChanged, this, &InputPanel::refresh);
    connect(document, &Document::pipelineReset, this, &InputPanel::refresh);
    refresh();
}

void InputPanel::push(const InputSpec& spec, const QString& mergeKey)
{
    if (spec == m_document->inputSpec())
        return;
    m_document->undoStack()->push(new ChangeInputCommand(m_document, spec, mergeKey));
}

void InputPanel::refresh()
{
    m_updating = true;
    const InputSpec& s = m_document->inputSpec();
    m_source->setCurrentIndex(s.kind == InputSourceKind::File ? 0 : 1);
    m_pages->setCurrentIndex(m_source->currentIndex());
    m_path->setText(s.path);
    m_path->setToolTip(s.path);
    m_pattern->setCurrentIndex(static_cast<int>(s.synthetic));
    m_batch->setValue(s.batch);
    m_height->setValue(s.height);
    m_width->setValue(s.width);
    m_channels->setValue(s.channels);
    m_seed->setValue(static_cast<int>(s.seed));
    m_colorMode->setCurrentIndex(static_cast<int>(s.colorMode));
    m_scale->setCurrentIndex(static_cast<int>(s.scale));
    const auto input = m_document->input();
    if (input) {
        m_status->setStyleSheet({});
        QString text = tr("Tensor %1").arg(QString::fromStdString(shapeToString(input->shape())));
        const QString mismatch = m_document->declaredShapeMismatch();
        if (!mismatch.isEmpty()) {
            m_status->setStyleSheet("QLabel { color: #b9770e; }");
            text += QStringLiteral("\n") + mismatch;
        }
        m_status->setText(text);
    } else {
        m_status->setStyleSheet("QLabel { color: #c0392b; }");
        m_status->setText(m_document->inputError());
    }
    m_updating = false;
}

} // namespace layerscope::gui
