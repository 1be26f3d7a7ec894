#include "step_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace layerscope::gui {

namespace {

QToolButton* toolButton(QWidget* parent, const QString& text, const QString& tip)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

} // namespace

StepBar::StepBar(QWidget* parent) : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    m_first = toolButton(this, QStringLiteral("|◀"), tr("First cell"));
    m_previous = toolButton(this, QStringLiteral("◀"), tr("Previous cell"));
    m_play = toolButton(this, tr("Play"), tr("Play / pause: move across the output in raster order"));
    m_play->setCheckable(true);
    m_next = toolButton(this, QStringLiteral("▶"), tr("Next cell"));
    m_last = toolButton(this, QStringLiteral("▶|"), tr("Last cell"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setToolTip(tr("Output cell in raster order (row by row, left to right)"));
    m_speed = new QComboBox(this);
    for (double rate : {1.0, 2.0, 5.0, 10.0, 25.0})
        m_speed->addItem(tr("%1 cells/s").arg(rate), rate);
    m_speed->setCurrentIndex(1);
    for (QWidget* w : std::initializer_list<QWidget*>{m_first, m_previous, m_play, m_next, m_last})
        row->addWidget(w);
    row->addWidget(m_slider, 1);
    row->addWidget(m_speed);
    outer->addLayout(row);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    outer->addWidget(m_label);
    m_timer = new QTimer(this);
    setStepsPerSecond(2.0);
    connect(m_first, &QToolButton::clicked, this, [this] { stepTo(0); });
    connect(m_last, &QToolButton::clicked, this, [this] { stepTo(m_count - 1); });
    connect(m_previous, &QToolButton::clicked, this, [this] { step(-1); });
    connect(m_next, &QToolButton::clicked, this, [this] { step(1); });
    connect(m_play, &QToolButton::toggled, this, &StepBar::setPlaying);
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        if (value != m_index)
            stepTo(value);
    });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] { setStepsPerSecond(m_speed->currentData().toDouble()); });
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_index + 1 >= m_count)
            setPlaying(false);
        else
            step(1);
    });
    updateControls();
}

void StepBar::setCount(int64_t count)
{
    setPlaying(false);
    m_count = std::max<int64_t>(0, count);
    m_index = 0;
    updateControls();
}

void StepBar::showIndex(int64_t index)
{
    m_index = m_count > 0 ? std::clamp<int64_t>(index, 0, m_count - 1) : 0;
    updateControls();
}

void StepBar::stepTo(int64_t index)
{
    if (m_count <= 0)
        return;
    showIndex(index);
    emit indexChanged(m_index);
}

void StepBar::step(int delta)
{
    stepTo(m_index + delta);
}

void StepBar::setPlaying(bool playing)
{
    playing = playing && m_count > 1;
    if (playing && m_index + 1 >= m_count)
        stepTo(0); // play from the start again
    if (playing)
        m_timer->start();
    else
        m_timer->stop();
    const QSignalBlocker block(m_play);
    m_play->setChecked(playing);
    m_play->setText(playing ? tr("Pause") : tr("Play"));
}

bool StepBar::isPlaying() const
{
    return m_timer->isActive();
}

void StepBar::setStepsPerSecond(double rate)
{
    m_timer->setInterval(static_cast<int>(1000.0 / std::max(0.1, rate)));
}

void StepBar::setText(const QString& text)
{
    m_label->setText(text);
}

void StepBar::updateControls()
{
    const bool any = m_count > 0;
    for (QWidget* w : std::initializer_list<QWidget*>{m_first, m_previous, m_play, m_next, m_last, m_slider, m_speed})
        w->setEnabled(any);
    // A slider holds an int: outputs beyond 2^31 cells step by the buttons only.
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, static_cast<int>(std::min<int64_t>(std::max<int64_t>(m_count - 1, 0), std::numeric_limits<int>::max())));
    m_slider->setValue(static_cast<int>(std::min<int64_t>(m_index, std::numeric_limits<int>::max())));
}

} // namespace layerscope::gui
