// Dense's GEMM for a handful of rows (a classifier head on a small batch: 8 × 4096 times
// 4096 × 1000). Eigen's GEMM packs the right-hand matrix into panels before multiplying, which
// for a few rows is one more pass over the largest operand than the product itself needs: at
// 8 rows the packing costs as much as the arithmetic. Here the layer packs its kernel once
// (PackedDenseKernel, kept between runs), every thread streams its share of the depth through
// it, and each row's partial sums stay in registers. Written by hand because no library here has
// a small-M GEMM that reuses a packed right-hand side across calls.
#include "dense.h"

#include "../parallel.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace layerscope {

namespace {

constexpr int64_t kColumnsPerBlock = 16; // two AVX vectors
constexpr int64_t kDepthPerPass = 64;    // a pass: 64 kernel rows (256 KiB at n = 1000, within L2), measured best of 8..256
constexpr int64_t kPanelPrefetch = 64 * kColumnsPerBlock; // 4 KiB ahead in a packed panel (32 and 96 measured slower and no faster)
constexpr int kMaxRowsPerGroup = 6;      // 6 rows × 2 vectors = 12 accumulators of the 16 registers

// c[r][0, 8·V) += Σ_{k in [k0, k1)} a[k][r] · columns[k · step …] for R rows and V vectors of 8
// columns, `a` transposed with `stride` values per k; c's rows are n apart. `columns` is the
// block's first column, in the caller's kernel (step n) or in its packed panel (step 16).
template <int R, int V>
void accumulateBlock(const float* a, int64_t stride, const float* columns, int64_t step, int64_t n, int64_t k0,
                     int64_t k1, float* c)
{
    static_assert(V == 1 || V == 2);
    // Two named arrays rather than acc[R][V]: GCC keeps these in registers, the 2-D array it
    // spilled to the stack on every step (measured 2.3× slower).
    __m256 low[R], high[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        low[r] = _mm256_loadu_ps(c + r * n);
        if constexpr (V == 2)
            high[r] = _mm256_loadu_ps(c + r * n + 8);
    }
    for (int64_t k = k0; k < k1; ++k) {
        const float* row = columns + k * step;
        // Unpacked, the block 4 to the right in the same kernel row, which the next blocks of this
        // pass read: kernel rows are about a page apart, and the hardware prefetcher loses track
        // of 64 interleaved rows. Packed, kPanelPrefetch floats (64 steps) ahead in the panel.
        _mm_prefetch(reinterpret_cast<const char*>(row + (step == kColumnsPerBlock ? kPanelPrefetch : 4 * kColumnsPerBlock)), _MM_HINT_T0);
        const __m256 b0 = _mm256_loadu_ps(row);
        const __m256 b1 = V == 2 ? _mm256_loadu_ps(row + 8) : b0;
    #pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
            const __m256 x = _mm256_broadcast_ss(a + k * stride + r);
            low[r] = _mm256_fmadd_ps(x, b0, low[r]);
            if constexpr (V == 2)
                high[r] = _mm256_fmadd_ps(x, b1, high[r]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        _mm256_storeu_ps(c + r * n, low[r]);
        if constexpr (V == 2)
            _mm256_storeu_ps(c + r * n + 8, high[r]);
    }
}

// The last n mod 8 columns from j0, one value at a time.
void accumulateTail(const float* a, int64_t stride, int64_t rows, const float* b, int64_t n, int64_t k0, int64_t k1,
                    int64_t j0, float* c)
{
    for (int64_t k = k0; k < k1; ++k)
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t j = j0; j < n; ++j)
                c[r * n + j] += a[k * stride + r] * b[k * n + j];
}

using BlockFunction = void (*)(const float*, int64_t, const float*, int64_t, int64_t, int64_t, int64_t, float*);
constexpr BlockFunction kWideBlock[kMaxRowsPerGroup + 1] = {
    nullptr, accumulateBlock<1, 2>, accumulateBlock<2, 2>, accumulateBlock<3, 2>,
    accumulateBlock<4, 2>, accumulateBlock<5, 2>, accumulateBlock<6, 2>};
constexpr BlockFunction kNarrowBlock[kMaxRowsPerGroup + 1] = {
    nullptr, accumulateBlock<1, 1>, accumulateBlock<2, 1>, accumulateBlock<3, 1>,
    accumulateBlock<4, 1>, accumulateBlock<5, 1>, accumulateBlock<6, 1>};

} // namespace

std::vector<float> packDenseKernel(const float* b, int64_t depth, int64_t n)
{
    const int64_t panels = n / kColumnsPerBlock;
    std::vector<float> packed(static_cast<size_t>(panels * depth * kColumnsPerBlock));
    for (int64_t panel = 0; panel < panels; ++panel)
        for (int64_t k = 0; k < depth; ++k)
            std::memcpy(packed.data() + (panel * depth + k) * kColumnsPerBlock, b + k * n + panel * kColumnsPerBlock,
                        kColumnsPerBlock * sizeof(float));
    return packed;
}

PackedDenseKernel& PackedDenseKernel::operator=(const PackedDenseKernel&)
{
    const std::lock_guard lock(m_mutex);
    m_kernel = nullptr;
    m_owner.reset();
    m_panels.reset();
    return *this;
}

std::shared_ptr<const std::vector<float>> PackedDenseKernel::panels(const float* kernel, std::shared_ptr<const void> owner,
                                                                    int64_t depth, int64_t n) const
{
    const std::lock_guard lock(m_mutex);
    if (!m_panels || m_kernel != kernel || m_depth != depth || m_n != n) {
        m_panels = std::make_shared<const std::vector<float>>(packDenseKernel(kernel, depth, n));
        m_kernel = kernel;
        m_owner = std::move(owner);
        m_depth = depth;
        m_n = n;
    }
    return m_panels;
}

bool denseFewRowsApplies(int64_t rows, int64_t depth, int64_t n)
{
    return rows >= 1 && rows <= kFewDenseRows && depth >= 1 && n >= kColumnsPerBlock;
}

void denseFewRows(const float* a, int64_t rows, int64_t depth, const float* b, int64_t n, float* c,
                  const ExecContext& context, const float* packed)
{
    // Split over the depth, not the columns: each thread then reads its kernel rows as one
    // contiguous stream (rows of the kernel are n floats apart, a page for n = 1000, so a
    // column split reads a short piece of every page and the hardware prefetcher cannot follow),
    // into a partial product of its own; the partials are added at the end.
    const int threads = static_cast<int>(std::clamp<int64_t>(depth / kDepthPerPass, 1, context.effectiveThreads()));
    std::vector<float> partials(static_cast<size_t>((threads - 1) * rows * n), 0.0f);
    std::memset(c, 0, static_cast<size_t>(rows * n) * sizeof(float));
    const int64_t depthPerThread = (depth + threads - 1) / threads;
    // The rows transposed, so that the values one kernel row multiplies share a cache line: the
    // rows themselves are `depth` floats apart, for depth = 4096 a multiple of 4 KiB, and would all
    // fall into one set of the L1 cache.
    std::vector<float> transposed(static_cast<size_t>(depth * rows));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t k = 0; k < depth; ++k)
            transposed[static_cast<size_t>(k * rows + r)] = a[r * depth + k];
    ExecContext split = context;
    split.threads = threads;
    parallelChunks(depth, depthPerThread, split, [&](int64_t begin, int64_t end) {
        const int64_t part = begin / depthPerThread;
        float* sums = part == 0 ? c : partials.data() + (part - 1) * rows * n;
        // Unpacked, a pass reads kDepthPerPass kernel rows side by side. Packed, a block's panel
        // is contiguous along the depth, so one pass over the thread's whole depth range reads it
        // as one stream (at most 4096 × 64 bytes, which the second row group finds in L2).
        const int64_t pass = packed ? std::max<int64_t>(kDepthPerPass, 4096) : kDepthPerPass;
        for (int64_t k0 = begin; k0 < end; k0 += pass) {
            const int64_t k1 = std::min(end, k0 + pass);
            for (int64_t r0 = 0; r0 < rows; r0 += kMaxRowsPerGroup) {
                const int group = static_cast<int>(std::min<int64_t>(kMaxRowsPerGroup, rows - r0));
                const float* x = transposed.data() + r0;
                float* out = sums + r0 * n;
                int64_t j0 = 0;
                for (; j0 + kColumnsPerBlock <= n; j0 += kColumnsPerBlock) {
                    if (packed)
                        kWideBlock[group](x, rows, packed + j0 * depth, kColumnsPerBlock, n, k0, k1, out + j0);
                    else
                        kWideBlock[group](x, rows, b + j0, n, n, k0, k1, out + j0);
                }
                if (j0 + 8 <= n) {
                    kNarrowBlock[group](x, rows, b + j0, n, n, k0, k1, out + j0);
                    j0 += 8;
                }
                if (j0 < n)
                    accumulateTail(x, rows, group, b, n, k0, k1, j0, out);
            }
        }
    });
    for (int part = 1; part < threads; ++part) {
        const float* sums = partials.data() + (part - 1) * rows * n;
        for (int64_t i = 0; i < rows * n; ++i)
            c[i] += sums[i];
    }
}

} // namespace layerscope
