#include "exec_context.h"

#include "errors.h"

#include <cstdio>
#include <thread>
#include <unistd.h>

namespace layerscope {

int64_t defaultMemoryBudget()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || pageSize <= 0)
        return int64_t{4} << 30;
    return static_cast<int64_t>(pages) * pageSize / 2;
}

int ExecContext::effectiveThreads() const
{
    if (threads > 0)
        return threads;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw ? static_cast<int>(hw) : 1;
}

void ExecContext::throwIfCancelled() const
{
    if (stop.stop_requested())
        throw CancelledError();
}

std::string formatBytes(int64_t bytes)
{
    char buffer[64];
    const double b = static_cast<double>(bytes);
    if (bytes >= (int64_t{1} << 30))
        std::snprintf(buffer, sizeof buffer, "%.2f GiB", b / (1 << 30));
    else if (bytes >= (int64_t{1} << 20))
        std::snprintf(buffer, sizeof buffer, "%.2f MiB", b / (1 << 20));
    else if (bytes >= 1024)
        std::snprintf(buffer, sizeof buffer, "%.2f KiB", b / 1024);
    else
        std::snprintf(buffer, sizeof buffer, "%lld bytes", static_cast<long long>(bytes));
    return buffer;
}

void guardAllocation(const ExecContext& context, const std::string& className,
                     const std::string& layerName, const std::string& what, const Shape& shape,
                     int64_t extraBytes)
{
    // Work in long double so absurd shapes (10^6 × 10^6 × ...) report instead of overflowing.
    long double elements = 1;
    for (int64_t d : shape)
        elements *= static_cast<long double>(d);
    const long double bytes = elements * sizeof(float) + static_cast<long double>(extraBytes);
    if (bytes > static_cast<long double>(context.memoryBudgetBytes)) {
        const std::string amount = bytes > 9e18L ? std::string("more than 8 EiB")
                                                 : formatBytes(static_cast<int64_t>(bytes));
        throw MemoryBudgetError(className, layerName,
                                what + " of shape " + shapeToString(shape) + " needs " + amount
                                    + ", more than the memory budget of "
                                    + formatBytes(context.memoryBudgetBytes)
                                    + " (raise it with " + context.memoryBudgetHint + ")");
    }
}

} // namespace layerscope
