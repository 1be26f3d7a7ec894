#pragma once
// Two spin boxes for a (height, width) parameter with a "square" link: while linked, editing
// one sets both. Emits valueChanged once per user edit.

#include <QWidget>

#include <array>

class QSpinBox;
class QToolButton;

namespace layerscope::gui {

class PairEditor : public QWidget {
    Q_OBJECT
public:
    explicit PairEditor(int minimum, int maximum, QWidget* parent = nullptr);
    std::array<int, 2> value() const;
    void setValue(std::array<int, 2> value); // no signal
    bool isLinked() const;
    QSpinBox* firstSpinBox() const { return m_first; }
    QSpinBox* secondSpinBox() const { return m_second; }

signals:
    void valueChanged(std::array<int, 2> value);

private:
    QSpinBox* m_first;
    QSpinBox* m_second;
    QToolButton* m_link;
};

} // namespace layerscope::gui
