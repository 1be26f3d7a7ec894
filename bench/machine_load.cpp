#include "machine_load.h"

#include <chrono>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace layerscope::bench {

namespace {

// CPU seconds all processes spent busy (user, nice, system, irq, softirq), from /proc/stat's first line.
double machineBusySeconds()
{
    std::ifstream stat("/proc/stat");
    std::string cpu;
    long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq) || cpu != "cpu")
        return -1;
    return static_cast<double>(user + nice + system + irq + softirq) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

// CPU seconds of this process and its waited-for children (the Python peer).
double ownSeconds()
{
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime);
}

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

OtherProcessesLoad::OtherProcessesLoad()
    : m_startBusySeconds(machineBusySeconds()), m_startOwnSeconds(ownSeconds()), m_startWallSeconds(wallSeconds())
{
}

double OtherProcessesLoad::coresBusy() const
{
    const double busy = machineBusySeconds();
    const double wall = wallSeconds() - m_startWallSeconds;
    if (busy < 0 || m_startBusySeconds < 0 || wall <= 0)
        return -1;
    const double others = (busy - m_startBusySeconds) - (ownSeconds() - m_startOwnSeconds);
    return others > 0 ? others / wall : 0.0;
}

} // namespace layerscope::bench
