#pragma once
// Data-parallel loops for the kernels, on OpenMP (the same runtime Eigen's GEMM uses, so the two
// share one thread pool). Cancellation is checked once per chunk; an exception cannot leave an
// OpenMP region, so a cancelled loop stops handing out chunks and throws after the region.
// Progress is reported only by the thread that called parallelChunks (OpenMP's thread 0 of the
// team): the chunk counter is shared, the reporting is not, so the caller's callback never runs
// on two threads at once.

#include "errors.h"
#include "exec_context.h"

#include <algorithm>
#include <atomic>
#include <cstdint>

#include <omp.h>

namespace layerscope {

// Calls body(begin, end) on disjoint chunks covering [0, count). `grain` is the smallest chunk.
template <typename Body>
void parallelChunks(int64_t count, int64_t grain, const ExecContext& context, Body&& body)
{
    if (count <= 0)
        return;
    const int threads = context.effectiveThreads();
    grain = std::max<int64_t>(1, grain);
    // Several chunks per thread balance uneven work and give cancellation regular check points.
    int64_t chunks = std::min<int64_t>((count + grain - 1) / grain, int64_t{threads} * 8);
    chunks = std::max<int64_t>(1, chunks);
    const int64_t chunkSize = (count + chunks - 1) / chunks;
    chunks = (count + chunkSize - 1) / chunkSize;
    std::atomic<bool> stopped{false};
    std::atomic<int64_t> done{0};
    const int teamSize = static_cast<int>(std::min<int64_t>(threads, chunks));
    if (teamSize <= 1) {
        // No parallel region at all for one thread, not even an inactive one (`if (false)`): an
        // Eigen GEMM in the body (Dense, deep Conv2D) then parallelises on OpenMP's pooled threads.
        // Inside an inactive region it saw one thread and opened a nested team, whose threads
        // libgomp creates and ends on every call while the pool's idle thread keeps spinning: three
        // spinning threads on two cores, ~8 ms per such layer (03_ mini-Xception: 52 → 1.4 ms).
        for (int64_t chunk = 0; chunk < chunks; ++chunk) {
            context.throwIfCancelled();
            const int64_t begin = chunk * chunkSize;
            body(begin, std::min(count, begin + chunkSize));
            context.reportProgress(static_cast<double>(chunk + 1) / static_cast<double>(chunks));
        }
        return;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(teamSize)
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
        if (stopped.load(std::memory_order_relaxed))
            continue;
        if (context.cancelled()) {
            stopped = true;
            continue;
        }
        const int64_t begin = chunk * chunkSize;
        const int64_t end = std::min(count, begin + chunkSize);
        body(begin, end);
        const int64_t finished = ++done;
        // Every chunk the calling thread finishes (a parity filter on the shared counter could
        // starve it: threads taking turns give it only odd counts).
        if (context.progress && omp_get_thread_num() == 0)
            context.reportProgress(static_cast<double>(finished) / static_cast<double>(chunks));
    }
    if (stopped)
        throw CancelledError();
}

} // namespace layerscope
