// Conv2D's NHWC kernels (conv2d.h): im2col and the register-tile GEMMs (AVX2, AVX-512, Eigen
// for deep kernels), the direct path, and their dispatch. The layer (parameters, weights, shape
// inference, the memory and work guards) is in conv2d.cpp.
#include "conv2d.h"

#include "../parallel.h"
#include "../streaming_copy.h"

#include <Eigen/Core>

#include <sys/mman.h>
#include <unistd.h>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>

namespace layerscope {

namespace {

// Patch runs are short (3 to 24 floats for RGB and small channel counts), where a memcpy call
// costs more than the copy: masked vector moves instead.
// The patch buffer has kRunSlack floats of slack, so a short run may be moved as whole vectors
// when the source allows reading that far: the excess lands where the next run is written anyway.
constexpr int64_t kRunSlack = 16;

inline void copyRun(float* dst, const float* src, int64_t n, const float* srcEnd)
{
#if defined(__AVX2__)
    if (n <= 16 && src + 16 <= srcEnd) {
        _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
        if (n > 8)
            _mm256_storeu_ps(dst + 8, _mm256_loadu_ps(src + 8));
        return;
    }
    if (n <= 16) {
        static const int32_t lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int64_t i = 0; i < n; i += 8) {
            const int64_t count = std::min<int64_t>(8, n - i);
            const __m256i mask = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes + 8 - count));
            _mm256_maskstore_ps(dst + i, mask, _mm256_maskload_ps(src + i, mask));
        }
        return;
    }
#endif
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

inline void zeroRun(float* dst, int64_t n)
{
#if defined(__AVX2__)
    if (n <= 16) {
        _mm256_storeu_ps(dst, _mm256_setzero_ps());
        if (n > 8)
            _mm256_storeu_ps(dst + 8, _mm256_setzero_ps());
        return;
    }
#endif
    std::memset(dst, 0, static_cast<size_t>(n) * sizeof(float));
}

// im2col of output pixels [p0, p1) for one group: row p holds the patch in (ky, kx, ci) order,
// which is the row order of the HWIO kernel viewed as a (kh·kw·Cg) × filters matrix.
void im2col(const float* in, const float* inEnd, int64_t H, int64_t W, int64_t C, int64_t OH, int64_t OW,
            const Conv2DGeometry& g, int64_t group, int64_t Cg, int64_t p0, int64_t p1, float* dst)
{
    const int64_t kh = g.kernelSize[0], kw = g.kernelSize[1];
    const int64_t sh = g.strides[0], sw = g.strides[1], dh = g.dilation[0], dw = g.dilation[1];
    const int64_t rowLength = kw * Cg, K = kh * rowLength;
    // Whole kernel rows are one contiguous run of the input when taps are adjacent pixels and
    // every channel is used.
    const bool contiguousRows = dw == 1 && Cg == C;
    int64_t b = p0 / (OH * OW), oy = (p0 / OW) % OH, ox = p0 % OW;
    for (int64_t p = p0; p < p1; ++p, dst += K) {
        const int64_t y0 = oy * sh - g.padBefore[0], x0 = ox * sw - g.padBefore[1];
        for (int64_t ky = 0; ky < kh; ++ky) {
            float* d = dst + ky * rowLength;
            const int64_t iy = y0 + ky * dh;
            if (iy < 0 || iy >= H) {
                zeroRun(d, rowLength);
                continue;
            }
            const float* src = in + ((b * H + iy) * W) * C + group * Cg;
            if (contiguousRows && x0 >= 0 && x0 + kw <= W) {
                copyRun(d, src + x0 * C, rowLength, inEnd);
                continue;
            }
            for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t ix = x0 + kx * dw;
                if (ix < 0 || ix >= W)
                    zeroRun(d + kx * Cg, Cg);
                else
                    copyRun(d + kx * Cg, src + ix * C, Cg, inEnd);
            }
        }
        if (++ox == OW) {
            ox = 0;
            if (++oy == OH) {
                oy = 0;
                ++b;
            }
        }
    }
}

bool isPointwise(const Conv2DGeometry& g)
{
    return g.kernelSize[0] == 1 && g.kernelSize[1] == 1 && g.strides[0] == 1 && g.strides[1] == 1;
}

// Output pixels per GEMM block: the im2col block stays around 128 KiB so it is still in L2 when the
// GEMM reads it, and the output block is still in cache for the bias/activation epilogue.
int64_t pixelsPerBlock(int64_t K, int64_t F)
{
    // A multiple of the register tiles' 6 and 12 rows, so no block ends in a short, latency-bound
    // tile.
    constexpr int64_t kBlockFloats = 32 * 1024;
    return std::clamp<int64_t>(kBlockFloats / std::max<int64_t>(K, F), 24, 4096) / 12 * 12;
}


#if defined(__AVX2__) && defined(__FMA__)
// C (rows × n) = A (rows × K) · B (K × n), all row-major with the given row strides. A register
// tile of R rows × 16 columns (12 accumulators for R = 6) reads B straight from the HWIO kernel
// and A straight from the im2col block or the NHWC input: with K as small as 27 (3×3×3) or 32
// (a 1×1 convolution), packing both operands as a general GEMM does costs as much as the FMAs.
template <int R, int V>
inline void microTile(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
                      int64_t K, const float* bias, __m256i tailMask, bool masked)
{
    // The bias is the accumulators' starting value, which saves a pass over the block.
    __m256 start[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v)
        start[v] = !bias ? _mm256_setzero_ps()
                 : masked ? _mm256_maskload_ps(bias + 8 * v, tailMask) : _mm256_loadu_ps(bias + 8 * v);
    __m256 acc[R][V];
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
        for (int v = 0; v < V; ++v)
            acc[r][v] = start[v];
    for (int64_t k = 0; k < K; ++k) {
        __m256 bv[V];
#pragma GCC unroll 2
        for (int v = 0; v < V; ++v)
            bv[v] = masked ? _mm256_maskload_ps(b + k * ldb + 8 * v, tailMask) : _mm256_loadu_ps(b + k * ldb + 8 * v);
#pragma GCC unroll 6
        for (int r = 0; r < R; ++r) {
            const __m256 x = _mm256_broadcast_ss(a + r * lda + k);
#pragma GCC unroll 2
            for (int v = 0; v < V; ++v)
                acc[r][v] = _mm256_fmadd_ps(x, bv[v], acc[r][v]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
        for (int v = 0; v < V; ++v) {
            if (masked)
                _mm256_maskstore_ps(c + r * ldc + 8 * v, tailMask, acc[r][v]);
            else
                _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
        }
}

template <int V>
inline void microColumn(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
                        int64_t rows, int64_t K, const float* bias, __m256i mask, bool masked)
{
    int64_t i = 0;
    for (; i + 6 <= rows; i += 6)
        microTile<6, V>(a + i * lda, lda, b, ldb, c + i * ldc, ldc, K, bias, mask, masked);
    const float* ai = a + i * lda;
    float* ci = c + i * ldc;
    switch (rows - i) {
    case 5: microTile<5, V>(ai, lda, b, ldb, ci, ldc, K, bias, mask, masked); break;
    case 4: microTile<4, V>(ai, lda, b, ldb, ci, ldc, K, bias, mask, masked); break;
    case 3: microTile<3, V>(ai, lda, b, ldb, ci, ldc, K, bias, mask, masked); break;
    case 2: microTile<2, V>(ai, lda, b, ldb, ci, ldc, K, bias, mask, masked); break;
    case 1: microTile<1, V>(ai, lda, b, ldb, ci, ldc, K, bias, mask, masked); break;
    default: break;
    }
}

// C = A · B (+ bias per column when bias is not null).
void smallGemm(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
               int64_t rows, int64_t K, int64_t n, const float* bias)
{
    const __m256i none = _mm256_setzero_si256();
    int64_t j = 0;
    // Column panels outermost: the K × 16 panel of B stays in L1 while every row tile uses it.
    for (; j + 16 <= n; j += 16)
        microColumn<2>(a, lda, b + j, ldb, c + j, ldc, rows, K, bias ? bias + j : nullptr, none, false);
    if (j + 8 <= n) {
        microColumn<1>(a, lda, b + j, ldb, c + j, ldc, rows, K, bias ? bias + j : nullptr, none, false);
        j += 8;
    }
    if (j < n) {
        alignas(32) int32_t lanes[8];
        for (int l = 0; l < 8; ++l)
            lanes[l] = l < n - j ? -1 : 0;
        const __m256i mask = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes));
        microColumn<1>(a, lda, b + j, ldb, c + j, ldc, rows, K, bias ? bias + j : nullptr, mask, true);
    }
}

constexpr bool kHaveMicroKernel = true;

// The same register tile with AVX-512 (the build targets AVX2; this is chosen at run time): 32
// registers hold 12 rows × 32 columns of accumulators, and column tails are lane masks.
// The depth is `segments` runs of segLen: run s multiplies A's columns at a[s] (rows lda apart)
// with B's rows at b[s]. One run is a plain GEMM over an im2col block; the direct path (below)
// passes one run per kernel row, read straight from the input.
constexpr int kMaxSegments = 16;

template <int R>
__attribute__((target("avx512f"))) inline void microTile512(const float* const* a, int64_t lda,
                                                            const float* const* b, int64_t ldb,
                                                            int segments, int64_t segLen, float* c,
                                                            int64_t ldc, const float* bias, __mmask16 m0,
                                                            __mmask16 m1)
{
    const __m512 start0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
    const __m512 start1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
    __m512 acc0[R], acc1[R];
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
        acc0[r] = start0;
        acc1[r] = start1;
    }
    for (int s = 0; s < segments; ++s) {
        const float* as = a[s];
        const float* bs = b[s];
        for (int64_t k = 0; k < segLen; ++k) {
            const __m512 b0 = _mm512_maskz_loadu_ps(m0, bs + k * ldb);
            const __m512 b1 = _mm512_maskz_loadu_ps(m1, bs + k * ldb + 16);
#pragma GCC unroll 12
            for (int r = 0; r < R; ++r) {
                const __m512 x = _mm512_set1_ps(as[r * lda + k]);
                acc0[r] = _mm512_fmadd_ps(x, b0, acc0[r]);
                acc1[r] = _mm512_fmadd_ps(x, b1, acc1[r]);
            }
        }
    }
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
        _mm512_mask_storeu_ps(c + r * ldc, m0, acc0[r]);
        _mm512_mask_storeu_ps(c + r * ldc + 16, m1, acc1[r]);
    }
}

template <int R>
__attribute__((target("avx512f"))) void microRest512(const float* const* a, int64_t lda, const float* const* b,
                                                     int64_t ldb, int segments, int64_t segLen, float* c,
                                                     int64_t ldc, int64_t rows, const float* bias,
                                                     __mmask16 m0, __mmask16 m1)
{
    if constexpr (R > 0) {
        if (rows == R)
            return microTile512<R>(a, lda, b, ldb, segments, segLen, c, ldc, bias, m0, m1);
        microRest512<R - 1>(a, lda, b, ldb, segments, segLen, c, ldc, rows, bias, m0, m1);
    }
}

// C (rows × n) = Σ_s A_s · B_s + bias, A_s = rows × segLen at a[s] (row stride lda), B_s = segLen × n
// at b[s] (row stride ldb).
__attribute__((target("avx512f"))) void segmentedGemm512(const float* const* a, int64_t lda,
                                                         const float* const* b, int64_t ldb, int segments,
                                                         int64_t segLen, float* c, int64_t ldc,
                                                         int64_t rows, int64_t n, const float* bias)
{
    const float* aTile[kMaxSegments];
    const float* bPanel[kMaxSegments];
    for (int64_t j = 0; j < n; j += 32) {
        const int64_t width = std::min<int64_t>(32, n - j);
        const auto m0 = static_cast<__mmask16>(width >= 16 ? 0xFFFF : (1u << width) - 1);
        const auto m1 = static_cast<__mmask16>(width >= 32 ? 0xFFFF : width > 16 ? (1u << (width - 16)) - 1 : 0);
        for (int s = 0; s < segments; ++s)
            bPanel[s] = b[s] + j;
        const float* biasJ = bias ? bias + j : nullptr;
        int64_t i = 0;
        for (; i + 12 <= rows; i += 12) {
            for (int s = 0; s < segments; ++s)
                aTile[s] = a[s] + i * lda;
            microTile512<12>(aTile, lda, bPanel, ldb, segments, segLen, c + i * ldc + j, ldc, biasJ, m0, m1);
        }
        for (int s = 0; s < segments; ++s)
            aTile[s] = a[s] + i * lda;
        microRest512<11>(aTile, lda, bPanel, ldb, segments, segLen, c + i * ldc + j, ldc, rows - i, biasJ, m0, m1);
    }
}

void smallGemm512(const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
                  int64_t rows, int64_t K, int64_t n, const float* bias)
{
    segmentedGemm512(&a, lda, &b, ldb, 1, K, c, ldc, rows, n, bias);
}

// Output pixels [ox0, ox1) of output row (batch, oy) whose every tap column lies inside the input,
// read straight from the NHWC input without im2col: with dilation_w = 1 and one group, kernel row
// ky of consecutive pixels is a contiguous run of kw·C floats, sw·C floats apart. Kernel rows that
// fall in the top/bottom padding are left out (their products are zeros). For C_in = 3 this
// removes im2col's copying, which costs about a fifth of the time at K = 27.
void directRow512(const float* in, int64_t H, int64_t W, int64_t C, const Conv2DGeometry& g, int64_t batch,
                  int64_t oy, int64_t ox0, int64_t ox1, const float* kernel, int64_t F, float* c,
                  const float* bias)
{
    const int64_t kw = g.kernelSize[1], segLen = kw * C;
    const float* a[kMaxSegments];
    const float* b[kMaxSegments];
    int segments = 0;
    const int64_t x0 = ox0 * g.strides[1] - g.padBefore[1];
    for (int64_t ky = 0; ky < g.kernelSize[0]; ++ky) {
        const int64_t iy = oy * g.strides[0] - g.padBefore[0] + ky * g.dilation[0];
        if (iy < 0 || iy >= H)
            continue;
        a[segments] = in + ((batch * H + iy) * W + x0) * C;
        b[segments] = kernel + ky * segLen * F;
        ++segments;
    }
    segmentedGemm512(a, g.strides[1] * C, b, F, segments, segLen, c, F, ox1 - ox0, F, bias);
}

bool cpuHasAvx512() { return __builtin_cpu_supports("avx512f"); }
#else
constexpr bool kHaveMicroKernel = false;
void smallGemm(const float*, int64_t, const float*, int64_t, float*, int64_t, int64_t, int64_t, int64_t,
               const float*)
{
}
void smallGemm512(const float*, int64_t, const float*, int64_t, float*, int64_t, int64_t, int64_t, int64_t,
                  const float*)
{
}
constexpr int kMaxSegments = 16;
void directRow512(const float*, int64_t, int64_t, int64_t, const Conv2DGeometry&, int64_t, int64_t, int64_t,
                  int64_t, const float*, int64_t, float*, const float*)
{
}
bool cpuHasAvx512() { return false; }
#endif

std::atomic<Conv2DKernelIsa> g_kernelIsa{Conv2DKernelIsa::Best};
// Beyond this depth the K × 16 panel of B no longer fits L1 and Eigen's cache blocking wins.
constexpr int64_t kMicroKernelMaxDepth = 1024;} // namespace

// ---- kernel ----------------------------------------------------------------------------------

void setConv2dKernelIsa(Conv2DKernelIsa isa) { g_kernelIsa.store(isa); }

int64_t conv2dScratchBytes(const Shape& inputNhwc, const Shape& outputNhwc, const Conv2DGeometry& g,
                           const ExecContext& context)
{
    const int64_t K = g.kernelSize[0] * g.kernelSize[1] * (inputNhwc[3] / std::max<int64_t>(1, g.groups));
    const int64_t pixels = outputNhwc[0] * outputNhwc[1] * outputNhwc[2];
    const int64_t block = std::min(pixels, pixelsPerBlock(K, outputNhwc[3]));
    // Per thread: the im2col block and the output block staged for streaming stores.
    const int64_t perThread = block * ((isPointwise(g) ? 0 : K) + outputNhwc[3]);
    return int64_t{context.effectiveThreads()} * perThread * static_cast<int64_t>(sizeof(float));
}

namespace {

// Whether a buffer's pages are already backed (sampled at both ends and the middle): true for a
// buffer the tensor pool hands back, false for fresh memory.
bool pagesResident(const void* data, int64_t bytes)
{
    const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto start = reinterpret_cast<uintptr_t>(data);
    for (uintptr_t offset : {uintptr_t{0}, static_cast<uintptr_t>(bytes / 2), static_cast<uintptr_t>(bytes - 1)}) {
        unsigned char resident = 0;
        if (mincore(reinterpret_cast<void*>((start + offset) & ~(page - 1)), page, &resident) != 0
            || !(resident & 1))
            return false;
    }
    return true;
}

} // namespace

void conv2dNhwc(const Tensor& input, Tensor& output, const float* kernel, const float* bias,
                const Conv2DGeometry& g, Activation fused, const ExecContext& context)
{
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using Stride = Eigen::OuterStride<>;
    using ConstMap = Eigen::Map<const RowMatrix, Eigen::Unaligned, Stride>;
    using Map = Eigen::Map<RowMatrix, Eigen::Unaligned, Stride>;

    const int64_t H = input.dim(1), W = input.dim(2), C = input.dim(3);
    const int64_t OH = output.dim(1), OW = output.dim(2), F = output.dim(3);
    const int64_t G = g.groups, Cg = C / G, Fg = F / G;
    const int64_t K = g.kernelSize[0] * g.kernelSize[1] * Cg;
    const int64_t pixels = output.dim(0) * OH * OW;
    const bool pointwise = isPointwise(g);
    int64_t block = std::min(pixels, pixelsPerBlock(K, F));
    // Few output pixels (the 7×7 maps deep in a ResNet: 49 pixels, one block) would run on one
    // thread: they are split so that every thread gets a share, in whole 6-row register tiles.
    const int64_t threads = context.effectiveThreads();
    if (threads > 1 && pixels < threads * block)
        block = std::max<int64_t>(6, ((pixels + threads - 1) / threads + 5) / 6 * 6);
    const bool rowActivation = actsAlongLastAxis(fused);
    // Products of depth K ≤ 1024 run on the AVX2 register-tile kernel above, deeper ones on Eigen.
    // Eigen's GEMM parallelises itself only outside an active parallel region, i.e. when the
    // problem is a single block; inside our blocks it runs sequentially.
    Eigen::setNbThreads(context.effectiveThreads());
    const float* in = input.data();
    float* out = output.data();
    static const bool avx512 = cpuHasAvx512();
    const Conv2DKernelIsa isa = g_kernelIsa.load(std::memory_order_relaxed);
    const bool microKernel = kHaveMicroKernel && K <= kMicroKernelMaxDepth && isa != Conv2DKernelIsa::Eigen;
    const bool wide = microKernel && avx512 && isa == Conv2DKernelIsa::Best;

    // Where the output pages are already backed (a pooled buffer), each block is computed in a
    // cache-resident buffer and written with streaming stores, which skip reading the old output
    // lines (the output is often the largest array of all). On fresh pages plain stores are
    // faster: the kernel has just zeroed those lines into the cache.
#if defined(__AVX2__)
    const bool stream = output.byteSize() >= (int64_t{16} << 20) && pagesResident(out, output.byteSize());
#else
    const bool stream = false;
#endif

    // Patches read straight from the input (directRow512) with one group and adjacent taps along
    // the width: no im2col copy (conv_a, 3 channels: 26.5 → 21.5 ms; conv_b, 64 channels: about
    // 7% faster). Border columns whose taps reach into the left/right padding still go through
    // im2col, as does everything on the AVX2 and Eigen paths.
    // (Strides beyond the input leave one output per axis; they stay on im2col, which keeps the
    // stride·channels row step below from overflowing for absurd strides.)
    const bool direct = wide && !pointwise && G == 1 && g.dilation[1] == 1 && g.kernelSize[0] <= kMaxSegments
                     && g.strides[0] <= H && g.strides[1] <= W;
    const int64_t kw = g.kernelSize[1], sw = g.strides[1], padLeft = g.padBefore[1];
    const int64_t interiorBegin = direct ? std::min(OW, (padLeft + sw - 1) / sw) : 0;
    const int64_t interiorEnd = direct && W - kw + padLeft >= 0 ? std::min(OW, (W - kw + padLeft) / sw + 1) : 0;
    // Pixels [q0, q1) of one block through im2col and the GEMM, into c.
    const auto im2colGemm = [&](int64_t q0, int64_t q1, float* patches, float* c) {
        im2col(in, in + input.size(), H, W, C, OH, OW, g, 0, C, q0, q1, patches);
        smallGemm512(patches, K, kernel, F, c, F, q1 - q0, K, F, bias);
    };

    parallelChunks(pixels, block, context, [&](int64_t begin, int64_t end) {
        std::unique_ptr<float[]> patches(pointwise ? nullptr : new float[static_cast<size_t>(block * K + kRunSlack)]);
        std::unique_ptr<float[]> staged(stream ? new float[static_cast<size_t>(block * F)] : nullptr);
        for (int64_t p0 = begin; p0 < end; p0 += block) {
            const int64_t p1 = std::min(end, p0 + block), rows = p1 - p0;
            float* o = stream ? staged.get() : out + p0 * F;
            // Output row by output row: interior columns direct, the borders through im2col.
            for (int64_t p = p0; direct && p < p1;) {
                const int64_t batch = p / (OH * OW), oy = (p / OW) % OH, ox = p % OW;
                const int64_t runEnd = std::min(p1, p + (OW - ox)), oxEnd = ox + (runEnd - p);
                const int64_t midBegin = std::clamp(interiorBegin, ox, oxEnd);
                const int64_t midEnd = std::clamp(interiorEnd, midBegin, oxEnd);
                float* c = o + (p - p0) * F;
                if (midBegin > ox)
                    im2colGemm(p, p + (midBegin - ox), patches.get(), c);
                if (midEnd > midBegin)
                    directRow512(in, H, W, C, g, batch, oy, midBegin, midEnd, kernel, F, c + (midBegin - ox) * F, bias);
                if (oxEnd > midEnd)
                    im2colGemm(p + (midEnd - ox), runEnd, patches.get(), c + (midEnd - ox) * F);
                p = runEnd;
            }
            for (int64_t group = 0; group < G && !direct; ++group) {
                const float* a = nullptr;
                int64_t lda = 0;
                if (pointwise) {
                    // A 1×1 stride-1 convolution is a plain GEMM: the NHWC input is the matrix.
                    a = in + p0 * C + group * Cg;
                    lda = C;
                } else {
                    im2col(in, in + input.size(), H, W, C, OH, OW, g, group, Cg, p0, p1, patches.get());
                    a = patches.get();
                    lda = K;
                }
                if (wide) {
                    smallGemm512(a, lda, kernel + group * Fg, F, o + group * Fg, F, rows, K, Fg,
                                 bias ? bias + group * Fg : nullptr);
                    continue;
                }
                if (microKernel) {
                    smallGemm(a, lda, kernel + group * Fg, F, o + group * Fg, F, rows, K, Fg,
                              bias ? bias + group * Fg : nullptr);
                    continue;
                }
                const ConstMap patchMatrix(a, rows, K, Stride(lda));
                const ConstMap weights(kernel + group * Fg, K, Fg, Stride(F));
                Map result(o + group * Fg, rows, Fg, Stride(F));
                result.noalias() = patchMatrix * weights;
            }
            // Epilogue while the block is still in cache.
            if (bias && !microKernel) {
                for (int64_t r = 0; r < rows; ++r) {
                    float* row = o + r * F;
#pragma omp simd
                    for (int64_t f = 0; f < F; ++f)
                        row[f] += bias[f];
                }
            }
            if (rowActivation)
                applyRowsInPlace(fused, o, rows, F);
            else
                applyElementwise(fused, o, rows * F);
            if (stream)
                copyFloats(out + p0 * F, o, rows * F);
        }
#if defined(__AVX2__)
        if (stream)
            _mm_sfence(); // streaming stores are weakly ordered: publish them before the loop ends
#endif
    });
}

} // namespace layerscope
