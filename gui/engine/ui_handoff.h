#pragma once
// Hands results from worker threads to the UI thread. Calls are queued under a std::mutex and one
// data-free queued wake-up (invoked by name, so no functor object of ours crosses threads inside
// Qt) makes the UI thread run them. Synchronising through a std::mutex rather than only through
// Qt's event queue is what lets ThreadSanitizer check the handoff: Debian's Qt is not
// TSan-instrumented and its futex-based locks are invisible to it, so every queued lambda would
// be a (false) race, and suppressing those would hide real ones (scripts/sanitize.sh tsan).

#include <QObject>

#include <deque>
#include <functional>
#include <mutex>

namespace layerscope::gui {

class UiHandoff : public QObject {
    Q_OBJECT
public:
    explicit UiHandoff(QObject* parent = nullptr);

    // From any thread: `call` runs on this object's thread, in posting order.
    void post(std::function<void()> call);

private:
    Q_INVOKABLE void drain();

    std::mutex m_mutex;
    std::deque<std::function<void()>> m_queue;
    bool m_wakePending = false;
};

} // namespace layerscope::gui
