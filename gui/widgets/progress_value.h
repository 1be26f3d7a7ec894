#pragma once
// QProgressBar::setValue repaints the bar at once (a synchronous repaint() whenever the shown
// percentage changes), and a synchronous repaint also paints every dirty region of the window
// it overlaps: beside a 4000×3000×64 layer that took 25–46 ms of the UI thread per progress
// step. This sets the value with updates disabled, so the bar is painted with the next frame.

#include <QProgressBar>

namespace layerscope::gui {

inline void setProgressValueLater(QProgressBar* bar, int value)
{
    if (bar->value() == value)
        return;
    bar->setUpdatesEnabled(false);
    bar->setValue(value);
    bar->setUpdatesEnabled(true); // schedules update(), an ordinary paint event
}

} // namespace layerscope::gui
