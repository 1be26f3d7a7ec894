#pragma once
// Copies into large outputs with non-temporal (streaming) stores. An output far larger than the
// caches is written once and read later by another layer, so normal stores would first read every
// destination line into the cache (read-for-ownership) and then evict useful data; streaming
// stores skip both. Shared by the kernels whose outputs are plain copies (Tile, nearest
// upsampling, Conv2D's staged blocks).

#include "tensor.h"

#include <cstdint>
#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace layerscope {

// Outputs at least this large are written with streaming stores.
constexpr int64_t kStreamingBytes = int64_t{16} << 20;

inline bool useStreaming(const Tensor& output) { return output.byteSize() >= kStreamingBytes; }

// dst[0, n) = src[0, n), with streaming stores where dst is 32-byte aligned when `streaming`.
inline void copyFloats(float* __restrict dst, const float* __restrict src, int64_t n, bool streaming = true)
{
    int64_t j = 0;
#if defined(__AVX__)
    if (streaming) {
        for (; j < n && (reinterpret_cast<uintptr_t>(dst + j) & 31) != 0; ++j)
            dst[j] = src[j];
        for (; j + 8 <= n; j += 8)
            _mm256_stream_ps(dst + j, _mm256_loadu_ps(src + j));
    }
#else
    (void)streaming;
#endif
    if (j < n)
        std::memcpy(dst + j, src + j, sizeof(float) * static_cast<size_t>(n - j));
}

#if defined(__AVX__)
// Eight floats at dst, with a streaming store when `streaming` (dst then 32-byte aligned).
inline void storeEight(float* dst, __m256 values, bool streaming)
{
    if (streaming)
        _mm256_stream_ps(dst, values);
    else
        _mm256_storeu_ps(dst, values);
}
#endif

// Streaming stores are weakly ordered: fence before another thread may read the output.
inline void streamingFence()
{
#if defined(__AVX__)
    _mm_sfence();
#endif
}

} // namespace layerscope
