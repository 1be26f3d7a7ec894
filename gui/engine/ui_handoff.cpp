#include "ui_handoff.h"

#include <QMetaObject>

namespace layerscope::gui {

UiHandoff::UiHandoff(QObject* parent) : QObject(parent) {}

void UiHandoff::post(std::function<void()> call)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(call));
        if (m_wakePending)
            return;
        m_wakePending = true;
    }
    QMetaObject::invokeMethod(this, "drain", Qt::QueuedConnection);
}

void UiHandoff::drain()
{
    std::deque<std::function<void()>> calls;
    {
        std::lock_guard lock(m_mutex);
        calls.swap(m_queue);
        m_wakePending = false;
    }
    for (auto& call : calls)
        call();
}

} // namespace layerscope::gui
