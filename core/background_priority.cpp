#include "background_priority.h"

#include <omp.h>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace layerscope {

namespace {

constexpr int kBackgroundNice = 10;

void lowerThisThread()
{
#if defined(__linux__)
    // On Linux, nice is a property of each thread (setpriority on a thread id).
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    if (getpriority(PRIO_PROCESS, tid) < kBackgroundNice)
        setpriority(PRIO_PROCESS, tid, kBackgroundNice);
#endif
}

} // namespace

void lowerThreadPriority(bool openMpTeam)
{
    lowerThisThread();
    if (openMpTeam) {
#pragma omp parallel
        lowerThisThread();
    }
}

} // namespace layerscope
