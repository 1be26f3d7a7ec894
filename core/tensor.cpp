#include "tensor.h"

#include "background_priority.h"

#include <cassert>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace layerscope {

std::string shapeToString(const Shape& shape, const std::string& separator)
{
    std::ostringstream out;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            out << separator;
        out << shape[i];
    }
    return out.str();
}

std::string shapeToTuple(const Shape& shape)
{
    std::ostringstream out;
    out << '(';
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            out << ", ";
        out << shape[i];
    }
    if (shape.size() == 1)
        out << ',';
    out << ')';
    return out.str();
}

int64_t elementCount(const Shape& shape)
{
    // A zero anywhere makes the product zero, however large the other dimensions are
    // ((2^40, 2^40, 0) is an empty tensor, not an overflow).
    bool zero = false;
    for (int64_t d : shape) {
        if (d < 0)
            throw std::invalid_argument("negative dimension in shape " + shapeToString(shape));
        zero = zero || d == 0;
    }
    if (zero)
        return 0;
    int64_t count = 1;
    for (int64_t d : shape) {
        if (count > (int64_t{1} << 62) / d)
            throw std::overflow_error("shape " + shapeToString(shape) + " has too many elements");
        count *= d;
    }
    return count;
}

// GCC defines __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__; clang 14 only answers __has_feature
// (the fuzz and TSan builds are clang builds, where the pool would otherwise hide use-after-free).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LAYERSCOPE_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LAYERSCOPE_UNDER_SANITIZER 1
#endif
#endif
#ifndef LAYERSCOPE_UNDER_SANITIZER
#define LAYERSCOPE_UNDER_SANITIZER 0
#endif

namespace {

// Frees very large buffers on a thread of its own. Handing a multi-gigabyte buffer back to the
// kernel (munmap, freeing every page) takes 100–200 ms, and the thread that drops the last
// reference to a layer output is often the app's UI thread (a newer run replaced the output it
// was showing): it must not stall for that. Small buffers are freed where they die.
class BufferReaper {
public:
    static constexpr size_t kMinBytes = size_t{64} << 20;
    static BufferReaper& instance()
    {
        static BufferReaper* reaper = new BufferReaper; // never destroyed: tensors may die after main
        return *reaper;
    }
    void release(void* p)
    {
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(p);
        }
        m_wake.notify_one();
    }

private:
    BufferReaper()
    {
        std::thread([this] { run(); }).detach();
    }
    [[noreturn]] void run()
    {
        lowerThreadPriority(/*openMpTeam=*/false);
        for (;;) {
            std::vector<void*> batch;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return !m_queue.empty(); });
                batch.swap(m_queue);
            }
            for (void* p : batch)
                std::free(p);
        }
    }
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<void*> m_queue;
};

void freeBuffer(void* p, size_t bytes)
{
    if (bytes >= BufferReaper::kMinBytes)
        BufferReaper::instance().release(p);
    else
        std::free(p);
}

// Recently freed large buffers, kept for reuse. A fresh 256 MiB buffer comes from mmap and costs
// ~100 ms of page faults on first touch — more than most kernels take to fill it — and the app
// re-runs layers with the same shapes on every edit, so handing back an already-touched buffer of
// the same size makes re-execution much cheaper. Bounded in count and bytes; exact sizes only.
// Disabled under AddressSanitizer so that use-after-free stays detectable.
class BufferPool {
public:
    static BufferPool& instance()
    {
        static BufferPool* pool = new BufferPool; // never destroyed: tensors may die after main
        return *pool;
    }
    void* take(size_t bytes)
    {
        if (!enabled(bytes))
            return nullptr;
        std::lock_guard lock(m_mutex);
        for (size_t i = 0; i < m_free.size(); ++i)
            if (m_free[i].first == bytes) {
                void* p = m_free[i].second;
                m_total -= bytes;
                m_free.erase(m_free.begin() + static_cast<std::ptrdiff_t>(i));
                return p;
            }
        return nullptr;
    }
    bool give(void* p, size_t bytes)
    {
        if (!enabled(bytes))
            return false;
        std::lock_guard lock(m_mutex);
        if (bytes > kMaxTotal)
            return false;
        while (!m_free.empty() && (m_free.size() >= kMaxCount || m_total + bytes > kMaxTotal)) {
            freeBuffer(m_free.front().second, m_free.front().first); // oldest first
            m_total -= m_free.front().first;
            m_free.erase(m_free.begin());
        }
        m_free.emplace_back(bytes, p);
        m_total += bytes;
        return true;
    }

private:
    static constexpr size_t kMinBytes = size_t{1} << 20;
    static constexpr size_t kMaxTotal = size_t{1} << 30;
    static constexpr size_t kMaxCount = 6;
    static bool enabled(size_t bytes)
    {
#if LAYERSCOPE_UNDER_SANITIZER
        (void)bytes;
        return false;
#else
        return bytes >= kMinBytes;
#endif
    }
    std::mutex m_mutex;
    std::vector<std::pair<size_t, void*>> m_free;
    size_t m_total = 0;
};

} // namespace

void TensorBufferDelete::operator()(float* p) const
{
    if (p && !BufferPool::instance().give(p, bytes))
        freeBuffer(p, bytes);
}

std::unique_ptr<float[], Tensor::AlignedDelete> Tensor::allocate(int64_t count)
{
    if (count == 0)
        return {};
    // 64-byte alignment keeps AVX-512 loads on whole cache lines.
    const size_t bytes = ((static_cast<size_t>(count) * sizeof(float) + 63) / 64) * 64;
    void* p = BufferPool::instance().take(bytes);
    if (!p)
        p = std::aligned_alloc(64, bytes);
    if (!p)
        throw std::bad_alloc();
    return std::unique_ptr<float[], AlignedDelete>(static_cast<float*>(p), AlignedDelete{bytes});
}

Tensor::Tensor(Shape shape)
    : m_shape(std::move(shape)), m_size(elementCount(m_shape)), m_data(allocate(m_size))
{
    if (m_size)
        std::memset(m_data.get(), 0, static_cast<size_t>(m_size) * sizeof(float));
}

Tensor::Tensor(Shape shape, std::vector<float> values)
    : m_shape(std::move(shape)), m_size(elementCount(m_shape)), m_data(allocate(m_size))
{
    if (static_cast<int64_t>(values.size()) != m_size)
        throw std::invalid_argument("tensor of shape " + shapeToString(m_shape) + " needs "
                                    + std::to_string(m_size) + " values, got "
                                    + std::to_string(values.size()));
    if (m_size)
        std::memcpy(m_data.get(), values.data(), static_cast<size_t>(m_size) * sizeof(float));
}

Tensor Tensor::uninitialized(Shape shape)
{
    Tensor t;
    t.m_shape = std::move(shape);
    t.m_size = elementCount(t.m_shape);
    t.m_data = allocate(t.m_size);
    return t;
}

Tensor::Tensor(const Tensor& other)
    : m_shape(other.m_shape), m_size(other.m_size), m_data(allocate(other.m_size))
{
    if (m_size)
        std::memcpy(m_data.get(), other.m_data.get(), static_cast<size_t>(m_size) * sizeof(float));
}

Tensor& Tensor::operator=(const Tensor& other)
{
    if (this != &other) {
        Tensor copy(other);
        *this = std::move(copy);
    }
    return *this;
}

float Tensor::at(int64_t b, int64_t y, int64_t x, int64_t c) const
{
    assert(rank() == 4);
    return m_data[static_cast<size_t>(((b * m_shape[1] + y) * m_shape[2] + x) * m_shape[3] + c)];
}

float& Tensor::at(int64_t b, int64_t y, int64_t x, int64_t c)
{
    assert(rank() == 4);
    return m_data[static_cast<size_t>(((b * m_shape[1] + y) * m_shape[2] + x) * m_shape[3] + c)];
}

Tensor Tensor::reshaped(Shape shape) const&
{
    Tensor copy(*this);
    return std::move(copy).reshaped(std::move(shape));
}

Tensor Tensor::reshaped(Shape shape) &&
{
    if (elementCount(shape) != m_size)
        throw std::invalid_argument("cannot reshape " + shapeToString(m_shape) + " to "
                                    + shapeToString(shape));
    m_shape = std::move(shape);
    return std::move(*this);
}

std::vector<float> Tensor::toVector() const
{
    return std::vector<float>(m_data.get(), m_data.get() + m_size);
}

bool Tensor::operator==(const Tensor& other) const
{
    if (m_shape != other.m_shape)
        return false;
    for (int64_t i = 0; i < m_size; ++i)
        if (m_data[static_cast<size_t>(i)] != other.m_data[static_cast<size_t>(i)])
            return false;
    return true;
}

} // namespace layerscope
