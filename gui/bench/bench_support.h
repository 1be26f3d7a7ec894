#pragma once
// What the UI benchmarks share: the peak resident memory, percentiles, a watchdog for the longest
// event-loop stall, and processing events until a condition holds.

#include "widgets/main_window.h"

#include <QApplication>
#include <QCoreApplication>
#include <QEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace layerscope::gui::bench {

inline double peakResidentMegabytes()
{
    QFile status("/proc/self/status");
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return -1;
}

inline double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// The longest gap between two ticks of a 1 ms timer: how long the event loop was kept from
// running (a paint, a slot, a computation on the UI thread).
class StallWatchdog : public QObject {
public:
    explicit StallWatchdog(QObject* parent) : QObject(parent)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_longest = std::max(m_longest, now - m_last);
            m_last = now;
        });
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_longest = 0;
        m_timer.start();
    }
    double longestMs() const { return static_cast<double>(m_longest) / 1e6; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0, m_longest = 0;
};

// Processes events until `done` or the deadline; false on timeout.
template <typename Done>
inline bool processUntil(Done done, qint64 timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// The application, timing every event it delivers when asked to: an event that keeps the UI
// thread for `slowMs` or more is printed with its type and receiver (and the receiver's parents),
// which names the widget or timer behind a stall.
class TracingApplication : public QApplication {
public:
    TracingApplication(int& argc, char** argv, int slowMs) : QApplication(argc, argv), m_slowMs(slowMs) {}
    bool notify(QObject* receiver, QEvent* event) override
    {
        if (m_slowMs <= 0)
            return QApplication::notify(receiver, event);
        const int type = static_cast<int>(event->type()); // the event may not outlive delivery
        QElapsedTimer clock;
        clock.start();
        const bool handled = QApplication::notify(receiver, event);
        if (clock.elapsed() >= m_slowMs) {
            QString chain = QString::fromLatin1(receiver->metaObject()->className());
            for (QObject* parent = receiver->parent(); parent; parent = parent->parent())
                chain += QStringLiteral(" < %1").arg(parent->objectName().isEmpty()
                                                         ? QString::fromLatin1(parent->metaObject()->className())
                                                         : parent->objectName());
            std::fprintf(stderr, "slow event: %lld ms, type %d, %s\n", static_cast<long long>(clock.elapsed()), type,
                         qPrintable(chain));
        }
        return handled;
    }

private:
    int m_slowMs;
};

// The offscreen platform when there is no display (set before the QApplication exists).
inline void useOffscreenWithoutDisplay()
{
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY") && !std::getenv("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

// A main window that leaves the user's settings, session and autosave alone.
inline MainWindowOptions benchmarkWindowOptions()
{
    return MainWindowOptions::quiet();
}

} // namespace layerscope::gui::bench
