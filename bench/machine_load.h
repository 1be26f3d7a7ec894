#pragma once
// How busy the machine was with other work while the benchmark ran. On a shared 2-core machine a
// compile started by someone else takes a core away from one of our two threads, and every
// parallel layer then waits at its closing barrier for that thread (several ms per layer): a
// table measured so must say so rather than pass for the engine's speed.

namespace layerscope::bench {

class OtherProcessesLoad {
public:
    OtherProcessesLoad(); // starts measuring
    // Cores' worth of CPU time that processes other than this one and its children used since
    // construction, per second of wall time (0 on a quiet machine, 1 for one busy core); negative
    // where /proc/stat cannot be read.
    double coresBusy() const;

private:
    double m_startBusySeconds = 0, m_startOwnSeconds = 0, m_startWallSeconds = 0;
};

} // namespace layerscope::bench
