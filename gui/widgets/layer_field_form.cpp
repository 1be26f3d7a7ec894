#include "layer_field_form.h"

#include "widgets/pair_editor.h"

#include "core/layer_registry.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
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

LayerFieldForm::LayerFieldForm(const std::string& className, QWidget* parent)
    : QWidget(parent), m_layout(new QFormLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    const LayerFactory* descriptor = findLayerFactory(className);
    for (const FieldSpec& field : descriptor ? descriptor->fields : std::vector<FieldSpec>{}) {
        const std::string key = field.key;
        QWidget* editor = nullptr;
        switch (field.kind) {
        case FieldKind::IntPair:
        case FieldKind::OptionalIntPair: {
            auto* box = new QWidget(this);
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
                    emit edited(key, isNull ? nlohmann::json(nullptr) : nlohmann::json{v[0], v[1]});
                });
            }
            connect(pair, &PairEditor::valueChanged, this, [this, key](std::array<int, 2> v) {
                emit edited(key, nlohmann::json{v[0], v[1]});
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
            auto* spin = new QSpinBox(this);
            spin->setRange(spinBound(field.minimum), spinBound(field.maximum));
            spin->setAccelerated(true);
            // A typed number applies once, on Enter or focus out ("256" is not 2, 25, 256:
            // each would rebuild the layer and its weights); arrows and the wheel stay live.
            spin->setKeyboardTracking(false);
            connect(spin, &QSpinBox::valueChanged, this,
                    [this, key](int v) { emit edited(key, v); });
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
            auto* check = new QCheckBox(this);
            connect(check, &QCheckBox::toggled, this,
                    [this, key](bool v) { emit edited(key, v); });
            m_refreshers.push_back([check, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                QSignalBlocker b(check);
                check->setChecked(v.is_boolean() && v.get<bool>());
            });
            editor = check;
            break;
        }
        case FieldKind::Enum: {
            auto* combo = new QComboBox(this);
            for (const std::string& choice : field.choices)
                combo->addItem(QString::fromStdString(choice));
            combo->setEditable(false);
            connect(combo, &QComboBox::currentTextChanged, this,
                    [this, key](const QString& v) { emit edited(key, v.toStdString()); });
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
            auto* spin = new FloatSpinBox(this);
            spin->setRange(-1e9, 1e9);
            connect(spin, &QDoubleSpinBox::valueChanged, this,
                    [this, key](double v) { emit edited(key, v); });
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
            auto* line = new QLineEdit(this);
            connect(line, &QLineEdit::editingFinished, this,
                    [this, key, line] { emit edited(key, line->text().toStdString()); });
            m_refreshers.push_back([line, key](const nlohmann::json& config) {
                const nlohmann::json v = config.value(key, nlohmann::json());
                if (v.is_string() && !line->hasFocus())
                    line->setText(QString::fromStdString(v.get<std::string>()));
            });
            editor = line;
            break;
        }
        case FieldKind::IntList: {
            auto* box = new QWidget(this);
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
                    emit edited(key, list);
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
            auto* box = new QWidget(this);
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
                    emit edited(key, nlohmann::json{{spins[0]->value(), spins[1]->value()},
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
        m_layout->addRow(QString::fromStdString(field.label), editor);
    }
}

void LayerFieldForm::setValues(const nlohmann::json& config)
{
    for (auto& refresh : m_refreshers)
        refresh(config);
}

void LayerFieldForm::insertRowAtTop(const QString& label, QWidget* editor)
{
    m_layout->insertRow(0, label, editor);
}

} // namespace layerscope::gui
