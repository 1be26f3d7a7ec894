#pragma once
// The step-through controls: first / previous / play-pause / next / last, a slider over the
// steps and the speed, moving an index across [0, count) in raster order (row by row, left to
// right over a layer's output). It only counts: whoever owns it turns an index into a cell and
// explains it. The graph window's step-through uses it.

#include <QWidget>

#include <cstdint>

class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace layerscope::gui {

class StepBar : public QWidget {
    Q_OBJECT
public:
    explicit StepBar(QWidget* parent = nullptr);

    // `count` steps (0 disables the bar); the index goes back to 0 and playing stops.
    void setCount(int64_t count);
    int64_t count() const { return m_count; }
    int64_t index() const { return m_index; }
    // Moves to `index` (clamped) without emitting indexChanged (a cell clicked elsewhere).
    void showIndex(int64_t index);
    void stepTo(int64_t index);
    void step(int delta);
    void setPlaying(bool playing);
    bool isPlaying() const;
    void setStepsPerSecond(double rate);
    // The text beside the bar ("cell 12 of 96: row 1, column 3").
    void setText(const QString& text);

signals:
    void indexChanged(int64_t index);

private:
    void updateControls();

    int64_t m_count = 0, m_index = 0;
    QToolButton* m_first;
    QToolButton* m_previous;
    QToolButton* m_play;
    QToolButton* m_next;
    QToolButton* m_last;
    QSlider* m_slider;
    QComboBox* m_speed;
    QLabel* m_label;
    QTimer* m_timer;
};

} // namespace layerscope::gui
