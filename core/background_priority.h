#pragma once
// Background work yields the CPU to the thread a person is waiting on. The app runs its layers
// and renders its pictures on worker threads while the UI thread must answer within a frame; on
// a 2-core machine two busy OpenMP threads at the same priority as the UI thread delay it by tens
// to hundreds of milliseconds. A lower scheduling priority (a higher nice value, per thread on
// Linux) for the workers and their OpenMP team keeps the UI thread first in line, and costs the
// workers nothing when the UI thread is idle. The CLI's computing threads never call this; the
// tensor buffer reaper (tensor.cpp), which only frees memory, does.

namespace layerscope {

// Lowers the calling thread's priority; with `openMpTeam`, also that of every thread of the
// OpenMP team the calling thread would start (the kernels' parallel loops). Idempotent; does
// nothing where per-thread priorities are not available.
void lowerThreadPriority(bool openMpTeam);

} // namespace layerscope
