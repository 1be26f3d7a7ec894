#include "layer_properties_panel.h"

#include "commands/change_layer_command.h"
#include "document/document.h"
#include "document/layer_json.h"
#include "widgets/pair_editor.h"

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

// A float parameter shown with its significant digits (1/255 as 0.00392157, 1e-3 as 0.001, not
// rounded to a fixed number of decimals) and stepped by a tenth of its magnitude.
class FloatSpinBox : public QDoubleSpinBox {
public:
    explicit FloatSpinBox(QWidget* parent) : QDoubleSpinBox(parent)
    {
        setDecimals(12);
        setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    }
    QString textFromValue(double value) const override { return locale().toString(value, 'g', 8); }
};

// Core's ranges are 64-bit; a spin box holds an int.
int spinBound(int64_t value)
{
    return static_cast<int>(std::clamp<int64_t>(value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

std::array<int, 2> jsonPair(const nlohmann::json& v, std::array<int, 2> fallback)
{
    if (v.is_number_integer())
        return {v.get<int>(), v.get<int>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number())
        return {v[0].get<int>(), v[1].get<int>()};
    return fallback;
}

// Shows `value` as it is: a loaded pipeline may hold values beyond the editor's usual range
// (Resizing height 100000), and a spin box would otherwise clamp it, so that the next touch of
// the box silently changes the file. The range grows to include it instead.
void showUnclamped(QSpinBox* spin, int value)
{
    if (value > spin->maximum())
        spin->setMaximum(value);
    if (value < spin->minimum())
        spin->setMinimum(value);
    spin->setValue(value);
}

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
    auto* form = new QFormLayout;
    outer->addLayout(form);

    m_name = new QLineEdit(m_form);
    form->addRow(tr("Name"), m_name);
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

    const LayerFactory* descriptor = findLayerFactory(m_className);
    for (const FieldSpec& field : descriptor ? descriptor->fields : std::vector<FieldSpec>{}) {
        const std::string key = field.key;
        QWidget* editor = nullptr;
        switch (field.kind) {
        case FieldKind::IntPair:
        case FieldKind::OptionalIntPair: {
            auto* box = new QWidget(m_form);
            // The "null" check box goes under the pair: beside it the row was wider than the
            // Properties dock on a 1280-pixel screen.
            QBoxLayout* row = field.kind == FieldKind::OptionalIntPair ? static_cast<QBoxLayout*>(new QVBoxLayout(box))
                                                                       : new QHBoxLayout(box);
            row->setContentsMargins(0, 0, 0, 0);
            auto* pair = new PairEditor(spinBound(field.minimum), spinBound(field.maximum), box);
            row->addWidget(pair, 1);
            QCheckBox* nullBox = nullptr;
            if (field.kind == FieldKind::OptionalIntPair) {
                nullBox = new QCheckBox(QString::fromStdString(field.nullLabel), box);
                row->addWidget(nullBox);
                connect(nullBox, &QCheckBox::toggled, this, [this, key, pair](bool isNull) {
                    pair->setEnabled(!isNull);
                    const auto v = pair->value();
                    applyConfigValue(key, isNull ? nlohmann::json(nullptr) : nlohmann::json{v[0], v[1]});
                });
            }
            connect(pair, &PairEditor::valueChanged, this, [this, key](std::array<int, 2> v) {
                applyConfigValue(key, nlohmann::json{v[0], v[1]});
            });
            m_refreshers.push_back([pair, nullBox, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                if (nullBox) {
                    QSignalBlocker b(nullBox);
                    nullBox->setChecked(v.is_null());
                    pair->setEnabled(!v.is_null());
                    if (v.is_null())
                        pair->setValue(jsonPair(config.value("pool_size", nlohmann::json()), {2, 2}));
                }
                if (!v.is_null())
                    pair->setValue(jsonPair(v, pair->value()));
            });
            editor = box;
            break;
        }
        case FieldKind::Int: {
            auto* spin = new QSpinBox(m_form);
            spin->setRange(spinBound(field.minimum), spinBound(field.maximum));
            spin->setAccelerated(true);
            // A typed number applies once, on Enter or focus out ("256" is not 2, 25, 256:
            // each would rebuild the layer and its weights); arrows and the wheel stay live.
            spin->setKeyboardTracking(false);
            connect(spin, &QSpinBox::valueChanged, this,
                    [this, key](int v) { applyConfigValue(key, v); });
            m_refreshers.push_back([spin, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                if (v.is_number()) {
                    QSignalBlocker b(spin);
                    showUnclamped(spin, v.get<int>());
                }
            });
            editor = spin;
            break;
        }
        case FieldKind::Bool: {
            auto* check = new QCheckBox(m_form);
            connect(check, &QCheckBox::toggled, this,
                    [this, key](bool v) { applyConfigValue(key, v); });
            m_refreshers.push_back([check, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                QSignalBlocker b(check);
                check->setChecked(v.is_boolean() && v.get<bool>());
            });
            editor = check;
            break;
        }
        case FieldKind::Enum: {
            auto* combo = new QComboBox(m_form);
            for (const std::string& choice : field.choices)
                combo->addItem(QString::fromStdString(choice));
            combo->setEditable(false);
            connect(combo, &QComboBox::currentTextChanged, this,
                    [this, key](const QString& v) { applyConfigValue(key, v.toStdString()); });
            m_refreshers.push_back([combo, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                QString text = v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString();
                if (v.is_null() && key == "activation")
                    text = "linear";
                QSignalBlocker b(combo);
                if (!text.isEmpty() && combo->findText(text) < 0)
                    combo->addItem(text);
                combo->setCurrentText(text);
            });
            editor = combo;
            break;
        }
        case FieldKind::Float: {
            auto* spin = new FloatSpinBox(m_form);
            spin->setRange(-1e9, 1e9);
            connect(spin, &QDoubleSpinBox::valueChanged, this,
                    [this, key](double v) { applyConfigValue(key, v); });
            m_refreshers.push_back([spin, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                if (v.is_number()) {
                    QSignalBlocker b(spin);
                    spin->setValue(v.get<double>());
                }
            });
            editor = spin;
            break;
        }
        case FieldKind::String: {
            auto* line = new QLineEdit(m_form);
            connect(line, &QLineEdit::editingFinished, this,
                    [this, key, line] { applyConfigValue(key, line->text().toStdString()); });
            m_refreshers.push_back([line, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                if (v.is_string() && !line->hasFocus())
                    line->setText(QString::fromStdString(v.get<std::string>()));
            });
            editor = line;
            break;
        }
        case FieldKind::IntList: {
            auto* box = new QWidget(m_form);
            auto* row = new QHBoxLayout(box);
            row->setContentsMargins(0, 0, 0, 0);
            std::vector<QSpinBox*> spins;
            for (int i = 0; i < field.listLength; ++i) {
                auto* spin = new QSpinBox(box);
                spin->setRange(spinBound(field.minimum), spinBound(field.maximum));
                spin->setKeyboardTracking(false); // typed numbers apply on commit
                row->addWidget(spin);
                spins.push_back(spin);
            }
            for (QSpinBox* spin : spins)
                connect(spin, &QSpinBox::valueChanged, this, [this, key, spins] {
                    nlohmann::json list = nlohmann::json::array();
                    for (QSpinBox* s : spins)
                        list.push_back(s->value());
                    applyConfigValue(key, list);
                });
            m_refreshers.push_back([spins, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                if (!v.is_array())
                    return;
                // Right-align a shorter list (keras.ops.tile pads with 1s on the left).
                const size_t offset = spins.size() > v.size() ? spins.size() - v.size() : 0;
                for (size_t i = 0; i < spins.size(); ++i) {
                    QSignalBlocker b(spins[i]);
                    showUnclamped(spins[i], i < offset ? 1 : v[i - offset].get<int>());
                }
            });
            editor = box;
            break;
        }
        case FieldKind::IntPairPair: {
            // ((top, bottom), (left, right)): four spin boxes in that order.
            auto* box = new QWidget(m_form);
            auto* row = new QHBoxLayout(box);
            row->setContentsMargins(0, 0, 0, 0);
            std::vector<QSpinBox*> spins;
            for (int i = 0; i < 4; ++i) {
                auto* spin = new QSpinBox(box);
                spin->setRange(spinBound(field.minimum), spinBound(field.maximum));
                spin->setKeyboardTracking(false);
                spin->setToolTip(i == 0 ? tr("top") : i == 1 ? tr("bottom") : i == 2 ? tr("left") : tr("right"));
                // Which side each box is, readable without hovering: ↑ ↓ ← →.
                spin->setPrefix(i == 0 ? QStringLiteral("↑ ") : i == 1 ? QStringLiteral("↓ ")
                                : i == 2 ? QStringLiteral("← ") : QStringLiteral("→ "));
                row->addWidget(spin);
                spins.push_back(spin);
            }
            for (QSpinBox* spin : spins)
                connect(spin, &QSpinBox::valueChanged, this, [this, key, spins] {
                    applyConfigValue(key, nlohmann::json{{spins[0]->value(), spins[1]->value()},
                                                         {spins[2]->value(), spins[3]->value()}});
                });
            m_refreshers.push_back([spins, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                if (!v.is_array() || v.size() != 2 || !v[0].is_array() || !v[1].is_array() || v[0].size() != 2
                    || v[1].size() != 2)
                    return;
                for (size_t i = 0; i < 4; ++i) {
                    QSignalBlocker b(spins[i]);
                    showUnclamped(spins[i], v[i / 2][i % 2].get<int>());
                }
            });
            editor = box;
            break;
        }
        }
        editor->setToolTip(QString::fromStdString(field.toolTip));
        editor->setObjectName(QString::fromStdString("field_" + key));
        form->addRow(QString::fromStdString(field.label), editor);
    }
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
