#pragma once
// How to run a computation: threads, cancellation, memory budget, progress. These are run
// options, never saved with a pipeline and never part of a layer's parameters.

#include "tensor.h"

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

namespace layerscope {

// Half of physical RAM (the default memory budget).
int64_t defaultMemoryBudget();

struct ExecContext {
    int threads = 0;                          // 0: all hardware threads
    int64_t memoryBudgetBytes = defaultMemoryBudget();
    // Where the user raises the budget, ending the memory-budget error ("raise it with ..."):
    // the CLI's flag by default; the app names its menu item.
    std::string memoryBudgetHint = "--max-memory";
    // Largest number of multiply-adds one layer may need; 0: no limit (the app and CLI, where a
    // long run shows progress and can be cancelled). The fuzz harness sets one: memory-bounded
    // shapes still allow a Conv2D with a 2048×2048 'same' kernel over a 2048×2048 map (10^13
    // multiply-adds, hours), which is a valid computation, just not one to wait for there.
    int64_t maxMultiplyAdds = 0;
    std::stop_token stop;                     // cancellation, checked between layers and inside kernels
    // Fraction 0..1 of the current layer done; called from the thread that called forward()
    // (parallelChunks reports from it alone), at most a few times per chunk round.
    std::function<void(double)> progress;

    int effectiveThreads() const;
    bool cancelled() const { return stop.stop_requested(); }
    // Throws CancelledError when cancellation was requested.
    void throwIfCancelled() const;
    void reportProgress(double fraction) const
    {
        if (progress)
            progress(fraction);
    }
};

// Throws MemoryBudgetError naming the layer, what is allocated, the shape and the bytes when a
// float32 tensor of `shape` (plus `extraBytes` of scratch) would exceed the budget.
void guardAllocation(const ExecContext& context, const std::string& className,
                     const std::string& layerName, const std::string& what, const Shape& shape,
                     int64_t extraBytes = 0);

// "1.50 GiB" style.
std::string formatBytes(int64_t bytes);

} // namespace layerscope
