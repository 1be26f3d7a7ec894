#include "layer_properties_panel.h"

#include "commands/change_layer_command.h"
#include "document/document.h"
#include "document/layer_json.h"
#include "widgets/layer_field_form.h"

#include "core/layer_registry.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace layerscope::gui {

namespace {

} // namespace

LayerPropertiesPanel::LayerPropertiesPanel(Document* document, QWidget* parent)
    : QWidget(parent), m_document(document)
{
    m_layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    m_layout->addWidget(m_title);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("QLabel { color: #c0392b; }");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    m_layout->addWidget(m_error);
    m_layout->addStretch(1);

    connect(document, &Document::layerChanged, this, [this](int index) {
        if (index == m_index)
            refreshValues();
    });
    connect(document, &Document::contentChanged, this, [this] {
        if (m_index >= m_document->layerCount()) {
            setLayerIndex(-1);
            return;
        }
        if (m_index >= 0 && m_document->layer(m_index).className() != m_className)
            rebuild();
        else
            refreshValues();
    });
    rebuild();
}

void LayerPropertiesPanel::setLayerIndex(int index)
{
    if (index >= m_document->layerCount())
        index = -1;
    m_index = index;
    m_localError.clear();
    rebuild();
}

QString LayerPropertiesPanel::errorText() const
{
    return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString();
}

void LayerPropertiesPanel::showError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void LayerPropertiesPanel::rebuild()
{
    m_refreshers.clear();
    if (m_form) {
        m_layout->removeWidget(m_form);
        m_form->deleteLater();
        m_form = nullptr;
    }
    m_name = nullptr;
    if (m_index < 0) {
        m_className.clear();
        m_title->setText(tr("Select a layer to edit its parameters."));
        showError({});
        return;
    }
    const Layer& layer = m_document->layer(m_index);
    m_className = layer.className();
    m_title->setText(QString::fromStdString(m_className));

    m_form = new QWidget(this);
    auto* outer = new QVBoxLayout(m_form);
    outer->setContentsMargins(0, 0, 0, 0);
    m_name = new QLineEdit(m_form);
    connect(m_name, &QLineEdit::editingFinished, this, [this] {
        const std::string name = m_name->text().trimmed().toStdString();
        if (name.empty() || m_index < 0 || name == m_document->layer(m_index).name())
            return;
        applyConfigValue("name", name);
    });
    m_refreshers.push_back([this](const nlohmann::json& config) {
        if (!m_name->hasFocus())
            m_name->setText(QString::fromStdString(config.value("name", std::string())));
    });

    auto* fields = new LayerFieldForm(m_className, m_form);
    fields->insertRowAtTop(tr("Name"), m_name);
    outer->addWidget(fields);
    connect(fields, &LayerFieldForm::edited, this,
            [this](const std::string& key, const nlohmann::json& value) { applyConfigValue(key, value); });
    m_refreshers.push_back([fields](const nlohmann::json& config) { fields->setValues(config); });
    if (m_document->layer(m_index).hasEditableKernel()) {
        auto* editKernel = new QPushButton(tr("Edit Kernel Weights…"), m_form);
        editKernel->setObjectName("editKernelButton");
        editKernel->setToolTip(tr("Open the kernel editor (Ctrl+K): presets, every weight, the bias"));
        connect(editKernel, &QPushButton::clicked, this, &LayerPropertiesPanel::kernelEditorRequested);
        outer->addWidget(editKernel, 0, Qt::AlignLeft);
    }
    m_layout->insertWidget(1, m_form, 0);
    refreshValues();
}

void LayerPropertiesPanel::refreshValues()
{
    if (m_index < 0 || m_index >= m_document->layerCount())
        return;
    const nlohmann::json object = m_document->layerJson(m_index);
    const nlohmann::json config = object.value("config", nlohmann::json::object());
    for (auto& refresh : m_refreshers)
        refresh(config);
    const ShapeChainEntry& entry = m_document->shapeChain().layers.at(static_cast<size_t>(m_index));
    showError(!m_localError.isEmpty() ? m_localError : entry.error);
}

bool LayerPropertiesPanel::applyConfigValue(const std::string& key, const nlohmann::json& value)
{
    if (m_index < 0)
        return false;
    const nlohmann::json old = m_document->layerJson(m_index);
    nlohmann::json updated = old;
    updated["config"][key] = value;
    // Stored weights follow the parameters they depend on (Conv2D's filters, kernel size, ...).
    m_document->layer(m_index).refitStoredWeights(updated, m_document->shapeChain().inputOf(m_index));
    if (updated == old)
        return true;
    try {
        layerFromJson(updated);
    } catch (const std::exception& error) {
        m_localError = QString::fromStdString(error.what());
        showError(m_localError);
        return false;
    }
    m_localError.clear();
    pushLayer(std::move(updated), tr("Change %1").arg(QString::fromStdString(key)),
              key == "name" ? QString() : QString::fromStdString(key));
    return true;
}

void LayerPropertiesPanel::pushLayer(nlohmann::json newLayer, const QString& text,
                                     const QString& mergeKey)
{
    m_document->undoStack()->push(new ChangeLayerCommand(m_document, m_index,
                                                         m_document->layerJson(m_index),
                                                         std::move(newLayer), text, mergeKey));
}

} // namespace layerscope::gui
