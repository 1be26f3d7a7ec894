#include "pair_editor.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>

#include <algorithm>

namespace layerscope::gui {

PairEditor::PairEditor(int minimum, int maximum, QWidget* parent) : QWidget(parent)
{
    m_first = new QSpinBox(this);
    m_second = new QSpinBox(this);
    for (QSpinBox* box : {m_first, m_second}) {
        box->setRange(minimum, maximum);
        // A typed number applies once, on Enter or focus out; arrows stay live.
        box->setKeyboardTracking(false);
        box->setAccelerated(true);
    }
    m_first->setToolTip(tr("height"));
    m_second->setToolTip(tr("width"));
    m_link = new QToolButton(this);
    m_link->setCheckable(true);
    m_link->setText(QStringLiteral("■"));
    m_link->setToolTip(tr("Square: keep height and width equal"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_first, 1);
    layout->addWidget(new QLabel(QStringLiteral("×"), this));
    layout->addWidget(m_second, 1);
    layout->addWidget(m_link);
    auto edited = [this](QSpinBox* source, QSpinBox* other) {
        if (m_link->isChecked() && other->value() != source->value()) {
            QSignalBlocker block(other);
            other->setValue(source->value());
        }
        emit valueChanged(value());
    };
    connect(m_first, &QSpinBox::valueChanged, this, [this, edited] { edited(m_first, m_second); });
    connect(m_second, &QSpinBox::valueChanged, this, [this, edited] { edited(m_second, m_first); });
    connect(m_link, &QToolButton::toggled, this, [this](bool on) {
        if (on && m_first->value() != m_second->value()) {
            QSignalBlocker block(m_second);
            m_second->setValue(m_first->value());
            emit valueChanged(value());
        }
    });
}

std::array<int, 2> PairEditor::value() const
{
    return {m_first->value(), m_second->value()};
}

void PairEditor::setValue(std::array<int, 2> value)
{
    QSignalBlocker b1(m_first), b2(m_second), b3(m_link);
    // A loaded value outside the usual range is shown as it is, not clamped (the next touch of
    // a clamped box would silently change the file): the range grows to include it.
    for (int i = 0; i < 2; ++i) {
        QSpinBox* box = i == 0 ? m_first : m_second;
        box->setRange(std::min(box->minimum(), value[i]), std::max(box->maximum(), value[i]));
        box->setValue(value[i]);
    }
    if (value[0] != value[1])
        m_link->setChecked(false);
    else if (!m_link->isChecked() && value[0] == value[1])
        m_link->setChecked(true);
}

bool PairEditor::isLinked() const
{
    return m_link->isChecked();
}

} // namespace layerscope::gui
