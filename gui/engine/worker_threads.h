#pragma once
// One std::thread per job, joined once finished. The runner uses threads of its own rather than
// QtConcurrent so that the hand-over of a job (made on the UI thread, read on the worker) is
// ordered by pthread_create, which ThreadSanitizer sees (see ui_handoff.h).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace layerscope::gui {

class WorkerThreads {
public:
    WorkerThreads() = default;
    WorkerThreads(const WorkerThreads&) = delete;
    WorkerThreads& operator=(const WorkerThreads&) = delete;
    ~WorkerThreads() { joinAll(); }

    void start(std::function<void()> job)
    {
        joinFinished();
        auto done = std::make_shared<std::atomic<bool>>(false);
        m_workers.push_back({std::thread([job = std::move(job), done] {
                                 job();
                                 done->store(true, std::memory_order_release);
                             }),
                             done});
    }

    void joinAll()
    {
        for (Worker& w : m_workers)
            w.thread.join();
        m_workers.clear();
    }

    // True when no job is left running after at most `timeout`.
    bool waitAll(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            joinFinished();
            if (m_workers.empty())
                return true;
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    bool empty() const { return m_workers.empty(); }

private:
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    void joinFinished()
    {
        std::erase_if(m_workers, [](Worker& w) {
            if (!w.done->load(std::memory_order_acquire))
                return false;
            w.thread.join();
            return true;
        });
    }

    std::vector<Worker> m_workers;
};

} // namespace layerscope::gui
