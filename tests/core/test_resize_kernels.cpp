// Resizing and UpSampling2D: the fast kernels against plain per-pixel reference loops written
// here straight from SEMANTICS.md §3-§4 (float32 at every step), over odd non-square shapes and
// channel counts 1..16, plus the documented examples, every error message, JSON round trips, the
// memory guard and cancellation.

#include "core/layers/resize_kernels.h"
#include "core/layers/resizing.h"
#include "core/layers/up_sampling2d.h"
#include "core/layout.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <cfloat>
#include <cmath>
#include <stop_token>

using namespace layerscope;
using layerscope::test::compareTensors;
using layerscope::test::randomTensor;

namespace {

// ---- Reference loops: one output value at a time, nothing precomputed. ----------------------

float refScale(int64_t in, int64_t out) { return static_cast<float>(in) / static_cast<float>(out); }

float refSource(int64_t i, float scale)
{
    float s = static_cast<float>(i) + 0.5f;
    s = s * scale;
    return s - 0.5f;
}

float px(const Tensor& t, int64_t b, int64_t y, int64_t x, int64_t c) { return t.at(b, y, x, c); }

Tensor refBilinear(const Tensor& in, int64_t OH, int64_t OW)
{
    const int64_t B = in.dim(0), H = in.dim(1), W = in.dim(2), C = in.dim(3);
    if (OH == H && OW == W)
        return in;
    Tensor out({B, OH, OW, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < OH; ++y)
            for (int64_t x = 0; x < OW; ++x)
                for (int64_t c = 0; c < C; ++c) {
                    const float sy = refSource(y, refScale(H, OH)), sx = refSource(x, refScale(W, OW));
                    const int64_t y0 = std::max<int64_t>(static_cast<int64_t>(std::floor(sy)), 0);
                    const int64_t y1 = std::min<int64_t>(static_cast<int64_t>(std::ceil(sy)), H - 1);
                    const int64_t x0 = std::max<int64_t>(static_cast<int64_t>(std::floor(sx)), 0);
                    const int64_t x1 = std::min<int64_t>(static_cast<int64_t>(std::ceil(sx)), W - 1);
                    const float fy = sy - std::floor(sy), fx = sx - std::floor(sx);
                    const float tl = px(in, b, y0, x0, c), tr = px(in, b, y0, x1, c);
                    const float bl = px(in, b, y1, x0, c), br = px(in, b, y1, x1, c);
                    const float top = tl + (tr - tl) * fx;
                    const float bottom = bl + (br - bl) * fx;
                    out.at(b, y, x, c) = top + (bottom - top) * fy;
                }
    return out;
}

int64_t refNearestIndex(int64_t i, int64_t in, int64_t out)
{
    const float position = (static_cast<float>(i) + 0.5f) * refScale(in, out);
    return std::clamp<int64_t>(static_cast<int64_t>(std::floor(position)), 0, in - 1);
}

Tensor refNearest(const Tensor& in, int64_t OH, int64_t OW)
{
    const int64_t B = in.dim(0), H = in.dim(1), W = in.dim(2), C = in.dim(3);
    Tensor out({B, OH, OW, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < OH; ++y)
            for (int64_t x = 0; x < OW; ++x)
                for (int64_t c = 0; c < C; ++c)
                    out.at(b, y, x, c) = px(in, b, refNearestIndex(y, H, OH), refNearestIndex(x, W, OW), c);
    return out;
}

// Keys a = −0.5 table entries at t = j / 1024 (double polynomials stored as float).
float refTableInner(int64_t j)
{
    const double a = -0.5;
    const double t = static_cast<float>(j / 1024.0);
    return static_cast<float>(((a + 2) * t - (a + 3)) * t * t + 1);
}

float refTableOuter(int64_t j)
{
    const double a = -0.5;
    const double u = static_cast<float>(static_cast<float>(j / 1024.0) + 1.0);
    return static_cast<float>(((a * u - 5 * a) * u + 8 * a) * u - 4 * a);
}

// The four taps of output index i: indices base−1..base+2 (clamped for reading) and weights.
void refCubicTaps(int64_t i, int64_t in, int64_t out, int64_t index[4], float weight[4])
{
    const float src = refSource(i, refScale(in, out));
    const int64_t base = static_cast<int64_t>(std::floor(src));
    const float d = src - static_cast<float>(base);
    const int64_t q = std::lrint(d * 1024.0f);
    const float raw[4] = {refTableOuter(q), refTableInner(q), refTableInner(1024 - q), refTableOuter(1024 - q)};
    for (int k = 0; k < 4; ++k) {
        const int64_t wanted = base - 1 + k;
        const bool inside = wanted >= 0 && wanted < in;
        index[k] = std::clamp<int64_t>(wanted, 0, in - 1);
        weight[k] = inside ? raw[k] : 0.0f;
    }
    const float sum = ((weight[0] + weight[1]) + weight[2]) + weight[3];
    if (std::abs(sum) >= 1000.0f * FLT_MIN)
        for (int k = 0; k < 4; ++k)
            weight[k] = weight[k] * (1.0f / sum);
}

Tensor refBicubic(const Tensor& in, int64_t OH, int64_t OW)
{
    const int64_t B = in.dim(0), H = in.dim(1), W = in.dim(2), C = in.dim(3);
    if (OH == H && OW == W)
        return in;
    Tensor out({B, OH, OW, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < OH; ++y)
            for (int64_t x = 0; x < OW; ++x)
                for (int64_t c = 0; c < C; ++c) {
                    int64_t iy[4], ix[4];
                    float wy[4], wx[4];
                    refCubicTaps(y, H, OH, iy, wy);
                    refCubicTaps(x, W, OW, ix, wx);
                    float v[4];
                    for (int k = 0; k < 4; ++k)
                        v[k] = ((px(in, b, iy[0], ix[k], c) * wy[0] + px(in, b, iy[1], ix[k], c) * wy[1])
                                + px(in, b, iy[2], ix[k], c) * wy[2])
                             + px(in, b, iy[3], ix[k], c) * wy[3];
                    out.at(b, y, x, c) = ((v[0] * wx[0] + v[1] * wx[1]) + v[2] * wx[2]) + v[3] * wx[3];
                }
    return out;
}

float refAreaWeight(int64_t i, float a, float b, float scale)
{
    if (static_cast<float>(i) < a)
        return static_cast<float>(i + 1) > b ? scale : static_cast<float>(i + 1) - a;
    return static_cast<float>(i + 1) > b ? b - static_cast<float>(i) : 1.0f;
}

Tensor refArea(const Tensor& in, int64_t OH, int64_t OW)
{
    const int64_t B = in.dim(0), H = in.dim(1), W = in.dim(2), C = in.dim(3);
    if (OH == H && OW == W)
        return in;
    const float sh = refScale(H, OH), sw = refScale(W, OW);
    const float norm = static_cast<float>(1.0 / static_cast<double>(sh * sw));
    Tensor out({B, OH, OW, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < OH; ++y)
            for (int64_t x = 0; x < OW; ++x)
                for (int64_t c = 0; c < C; ++c) {
                    const float ay = static_cast<float>(y) * sh, by = static_cast<float>(y + 1) * sh;
                    const float ax = static_cast<float>(x) * sw, bx = static_cast<float>(x + 1) * sw;
                    const int64_t y0 = static_cast<int64_t>(std::floor(ay)), y1 = static_cast<int64_t>(std::ceil(by));
                    const int64_t x0 = static_cast<int64_t>(std::floor(ax)), x1 = static_cast<int64_t>(std::ceil(bx));
                    auto cell = [&](int64_t r, int64_t col) {
                        return px(in, b, std::clamp<int64_t>(r, 0, H - 1), std::clamp<int64_t>(col, 0, W - 1), c);
                    };
                    float total = 0.0f;
                    for (int64_t r = y0; r < y1; ++r) {
                        float rowSum = cell(r, x0) * refAreaWeight(x0, ax, bx, sw);
                        if (x0 + 1 != x1) {
                            for (int64_t col = x0 + 1; col < x1 - 1; ++col)
                                rowSum += cell(r, col);
                            rowSum += cell(r, x1 - 1) * refAreaWeight(x1 - 1, ax, bx, sw);
                        }
                        total += rowSum * refAreaWeight(r, ay, by, sh);
                    }
                    out.at(b, y, x, c) = total * norm;
                }
    return out;
}

float refKernel(SamplingKernel kernel, float x)
{
    x = std::abs(x);
    const float pi = 3.14159265359f;
    switch (kernel) {
    case SamplingKernel::Lanczos3:
    case SamplingKernel::Lanczos5: {
        const float r = kernel == SamplingKernel::Lanczos3 ? 3.0f : 5.0f;
        if (x > r)
            return 0.0f;
        if (x <= 1e-3)
            return 1.0f;
        return r * std::sin(pi * x) * std::sin(pi * x / r) / (pi * pi * x * x);
    }
    case SamplingKernel::Triangle: return x < 1.0f ? 1.0f - x : 0.0f;
    case SamplingKernel::KeysCubic:
        if (x >= 2.0f)
            return 0.0f;
        if (x >= 1.0f)
            return ((-0.5f * x + 2.5f) * x - 4.0f) * x + 2.0f;
        return ((1.5f * x - 2.5f) * x) * x + 1.0f;
    }
    return 0.0f;
}

// TF's spans for one axis: start and spanSize weights (zeros past the real taps).
struct RefSpan {
    int64_t start = 0;
    std::vector<float> weights;
};

std::vector<RefSpan> refSpans(SamplingKernel kernel, int64_t in, int64_t out, bool antialias)
{
    const float radius = kernel == SamplingKernel::Lanczos3 ? 3.0f
                       : kernel == SamplingKernel::Lanczos5 ? 5.0f
                       : kernel == SamplingKernel::Triangle ? 1.0f : 2.0f;
    const float scale = static_cast<float>(out) / static_cast<float>(in);
    const float inv = static_cast<float>(1.0 / scale);
    const float ks = antialias ? std::max(inv, 1.0f) : 1.0f;
    const int64_t spanSize = std::min<int64_t>(2 * static_cast<int64_t>(std::ceil(radius * ks)) + 1, in);
    std::vector<RefSpan> spans(static_cast<size_t>(out));
    for (int64_t x = 0; x < out; ++x) {
        RefSpan& s = spans[static_cast<size_t>(x)];
        s.weights.assign(static_cast<size_t>(spanSize), 0.0f);
        const float sample = (static_cast<float>(x) + 0.5f) * inv;
        const float reach = radius * ks;
        int64_t start = static_cast<int64_t>(std::ceil(sample - reach - 0.5f));
        int64_t end = static_cast<int64_t>(std::floor(sample + reach - 0.5f));
        start = std::clamp<int64_t>(start, 0, in - 1);
        end = std::clamp<int64_t>(end, 0, in - 1) + 1;
        float total = 0.0f;
        for (int64_t j = start; j < end; ++j) {
            const float w = refKernel(kernel, ((static_cast<float>(j) + 0.5f) - sample) * (1.0f / ks));
            s.weights[static_cast<size_t>(j - start)] = w;
            total += w;
        }
        if (std::abs(total) >= 1000.0f * FLT_MIN) {
            const float inverse = 1.0f / total;
            for (float& w : s.weights)
                w = w * inverse;
        } else {
            std::fill(s.weights.begin(), s.weights.end(), 0.0f);
        }
        s.start = start;
    }
    return spans;
}

Tensor refScaleAndTranslate(const Tensor& in, int64_t OH, int64_t OW, SamplingKernel kernel, bool antialias)
{
    const int64_t B = in.dim(0), H = in.dim(1), W = in.dim(2), C = in.dim(3);
    const auto rows = refSpans(kernel, H, OH, antialias);
    const auto cols = refSpans(kernel, W, OW, antialias);
    // Rows first into the full (out_h × in_w) intermediate, then columns: TF's GatherSpans.
    Tensor mid({B, OH, W, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < OH; ++y) {
            const RefSpan& s = rows[static_cast<size_t>(y)];
            for (int64_t k = 0; k < static_cast<int64_t>(s.weights.size()) && s.start + k < H; ++k)
                for (int64_t x = 0; x < W; ++x)
                    for (int64_t c = 0; c < C; ++c)
                        mid.at(b, y, x, c) += s.weights[static_cast<size_t>(k)] * px(in, b, s.start + k, x, c);
        }
    Tensor out({B, OH, OW, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < OH; ++y)
            for (int64_t x = 0; x < OW; ++x) {
                const RefSpan& s = cols[static_cast<size_t>(x)];
                for (int64_t k = 0; k < static_cast<int64_t>(s.weights.size()) && s.start + k < W; ++k)
                    for (int64_t c = 0; c < C; ++c)
                        out.at(b, y, x, c) += s.weights[static_cast<size_t>(k)] * px(mid, b, y, s.start + k, c);
            }
    return out;
}

Tensor refResize(const Tensor& in, int64_t OH, int64_t OW, Interpolation mode, bool antialias)
{
    switch (mode) {
    case Interpolation::Bilinear:
        return antialias ? refScaleAndTranslate(in, OH, OW, SamplingKernel::Triangle, true) : refBilinear(in, OH, OW);
    case Interpolation::Bicubic:
        return antialias ? refScaleAndTranslate(in, OH, OW, SamplingKernel::KeysCubic, true) : refBicubic(in, OH, OW);
    case Interpolation::Nearest: return refNearest(in, OH, OW);
    case Interpolation::Area: return refArea(in, OH, OW);
    case Interpolation::Lanczos3: return refScaleAndTranslate(in, OH, OW, SamplingKernel::Lanczos3, antialias);
    case Interpolation::Lanczos5: return refScaleAndTranslate(in, OH, OW, SamplingKernel::Lanczos5, antialias);
    }
    return {};
}

// Crop (§4.4) and pad (§4.5) of an NHWC batch, then the resize.
Tensor refResizeLayer(const Tensor& in, int64_t th, int64_t tw, Interpolation mode, bool antialias,
                      bool crop, bool pad, float fill)
{
    const int64_t B = in.dim(0), H = in.dim(1), W = in.dim(2), C = in.dim(3);
    Tensor fitted = in;
    if (crop) {
        int64_t ch = static_cast<int64_t>(static_cast<float>(W * th) / static_cast<float>(tw));
        ch = std::max<int64_t>(std::min(H, ch), 1);
        int64_t cw = static_cast<int64_t>(static_cast<float>(H * tw) / static_cast<float>(th));
        cw = std::max<int64_t>(std::min(W, cw), 1);
        const int64_t top = static_cast<int64_t>(static_cast<float>(H - ch) / 2.0f);
        const int64_t left = static_cast<int64_t>(static_cast<float>(W - cw) / 2.0f);
        fitted = Tensor({B, ch, cw, C});
        for (int64_t b = 0; b < B; ++b)
            for (int64_t y = 0; y < ch; ++y)
                for (int64_t x = 0; x < cw; ++x)
                    for (int64_t c = 0; c < C; ++c)
                        fitted.at(b, y, x, c) = px(in, b, top + y, left + x, c);
    } else if (pad) {
        const int64_t ph = std::max(H, static_cast<int64_t>(static_cast<float>(W * th) / static_cast<float>(tw)));
        const int64_t pw = std::max(W, static_cast<int64_t>(static_cast<float>(H * tw) / static_cast<float>(th)));
        const int64_t offH = static_cast<int64_t>(static_cast<float>(ph - H) / 2.0f);
        const int64_t offW = static_cast<int64_t>(static_cast<float>(pw - W) / 2.0f);
        const int64_t top = offH > 0 ? offH : 0, left = offH > 0 ? 0 : std::max<int64_t>(offW, 0);
        fitted = Tensor({B, H + 2 * top, W + 2 * left, C});
        for (int64_t b = 0; b < B; ++b)
            for (int64_t y = 0; y < H + 2 * top; ++y)
                for (int64_t x = 0; x < W + 2 * left; ++x)
                    for (int64_t c = 0; c < C; ++c) {
                        const int64_t sy = y - top, sx = x - left;
                        fitted.at(b, y, x, c) = sy >= 0 && sy < H && sx >= 0 && sx < W ? px(in, b, sy, sx, c) : fill;
                    }
    }
    return refResize(fitted, th, tw, mode, antialias);
}

Tensor refRepeat(const Tensor& in, int64_t sh, int64_t sw)
{
    const int64_t B = in.dim(0), H = in.dim(1), W = in.dim(2), C = in.dim(3);
    Tensor out({B, H * sh, W * sw, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t y = 0; y < H * sh; ++y)
            for (int64_t x = 0; x < W * sw; ++x)
                for (int64_t c = 0; c < C; ++c)
                    out.at(b, y, x, c) = px(in, b, y / sh, x / sw, c);
    return out;
}

// NHWC ↔ NCHW by hand, independent of layout.cpp.
Tensor refToNchw(const Tensor& t)
{
    Tensor out({t.dim(0), t.dim(3), t.dim(1), t.dim(2)});
    for (int64_t b = 0; b < t.dim(0); ++b)
        for (int64_t y = 0; y < t.dim(1); ++y)
            for (int64_t x = 0; x < t.dim(2); ++x)
                for (int64_t c = 0; c < t.dim(3); ++c)
                    out.at(b, c, y, x) = t.at(b, y, x, c);
    return out;
}

Tensor tensorOf(Shape shape, std::vector<float> values) { return Tensor(std::move(shape), std::move(values)); }

ExecContext testContext(int threads = 2)
{
    ExecContext context;
    context.threads = threads;
    return context;
}

const Interpolation kModes[] = {Interpolation::Bilinear, Interpolation::Nearest, Interpolation::Bicubic,
                                Interpolation::Area, Interpolation::Lanczos3, Interpolation::Lanczos5};

struct SizeCase {
    int64_t h, w, oh, ow;
};

const SizeCase kSizes[] = {{9, 7, 4, 11}, {1, 5, 3, 2}, {5, 1, 2, 3}, {4, 4, 4, 4},  {3, 2, 6, 4},
                           {7, 9, 7, 5},  {6, 6, 3, 3}, {2, 3, 1, 1}, {1, 1, 3, 4},  {10, 3, 3, 10},
                           {8, 5, 16, 15}, {5, 7, 11, 2}, {13, 4, 5, 9}};

const int64_t kChannels[] = {1, 2, 3, 4, 7, 8, 15, 16};

std::string describe(const SizeCase& s, int64_t c, Interpolation mode, bool antialias)
{
    return std::to_string(s.h) + "×" + std::to_string(s.w) + "→" + std::to_string(s.oh) + "×"
         + std::to_string(s.ow) + " C=" + std::to_string(c) + " " + interpolationName(mode)
         + (antialias ? " antialias" : "") + ": ";
}

std::string errorOf(const Layer& layer, const Shape& shape)
{
    try {
        layer.inferShape(shape);
    } catch (const LayerError& e) {
        return e.what();
    }
    return "(no error)";
}

nlohmann::json layerObject(const Layer& layer)
{
    return {{"class_name", layer.className()}, {"config", layer.config()}};
}

} // namespace

class TestResizeKernels : public QObject {
    Q_OBJECT

private slots:
    void kernelsMatchReferenceLoops()
    {
        const ExecContext context = testContext();
        uint32_t seed = 1;
        for (const SizeCase& s : kSizes)
            for (int64_t c : kChannels)
                for (Interpolation mode : kModes)
                    for (bool antialias : {false, true}) {
                        const Tensor in = randomTensor({2, s.h, s.w, c}, seed++, -2.0f, 3.0f);
                        Tensor out = Tensor::uninitialized({2, s.oh, s.ow, c});
                        resizeImages(ImageView::of(in), out, mode, antialias, context);
                        const Tensor expected = refResize(in, s.oh, s.ow, mode, antialias);
                        const std::string diff = compareTensors(out, expected, 0, 0);
                        QVERIFY2(diff.empty(), (describe(s, c, mode, antialias) + diff).c_str());
                    }
    }

    void areaColumnsFirstMatchesReference()
    {
        // The transposed summation order adds the same weighted cells: equal up to rounding.
        const ExecContext context = testContext();
        uint32_t seed = 500;
        for (const SizeCase& s : kSizes)
            for (int64_t c : {1, 3, 16}) {
                const Tensor in = randomTensor({2, s.h, s.w, c}, seed++, -2.0f, 3.0f);
                Tensor out = Tensor::uninitialized({2, s.oh, s.ow, c});
                resizeArea(ImageView::of(in), out, context, AreaOrder::ColumnsFirst);
                const std::string diff = compareTensors(out, refArea(in, s.oh, s.ow), 1e-5, 1e-5);
                QVERIFY2(diff.empty(), (describe(s, c, Interpolation::Area, false) + diff).c_str());
            }
    }

    void areaOrderIsTfsExceptForExtremeShapes()
    {
        // Every ordinary resize keeps TF's (bit-exact) order...
        QCOMPARE(chooseAreaOrder(1024, 1024, 512, 512), AreaOrder::RowsFirst);
        QCOMPARE(chooseAreaOrder(1024, 1024, 1536, 1536), AreaOrder::RowsFirst);
        QCOMPARE(chooseAreaOrder(5, 49152, 16384, 5), AreaOrder::RowsFirst);
        QCOMPARE(chooseAreaOrder(7, 9, 3, 11), AreaOrder::RowsFirst);
        // ...but a tall column spread into a wide row would sum every source row for every output
        // column (65536² additions); the transposed order needs about 2·65536.
        QCOMPARE(chooseAreaOrder(65536, 1, 1, 65536), AreaOrder::ColumnsFirst);
        const Tensor in = randomTensor({1, 65536, 1, 2}, 77, 0.0f, 1.0f);
        Tensor out = Tensor::uninitialized({1, 1, 65536, 2});
        resizeImages(ImageView::of(in), out, Interpolation::Area, false, testContext());
        // One output row covering all 65536 source rows: every column is the mean of the input
        // column (area scale 65536 along y, 1/65536 along x: each output cell is one source column).
        for (int64_t c = 0; c < 2; ++c) {
            double mean = 0;
            for (int64_t y = 0; y < 65536; ++y)
                mean += in.at(0, y, 0, c);
            mean /= 65536;
            for (int64_t x : {int64_t{0}, int64_t{31337}, int64_t{65535}})
                QVERIFY2(std::abs(out.at(0, 0, x, c) - mean) < 1e-4,
                         qPrintable(QString("x %1 c %2: %3 vs %4").arg(x).arg(c).arg(out.at(0, 0, x, c)).arg(mean)));
        }
    }

    void kernelsReadCroppedViews()
    {
        // A crop is a strided view; the kernels must honour its row and batch strides.
        const ExecContext context = testContext();
        const Tensor in = randomTensor({2, 9, 11, 3}, 7);
        const ImageView view = ImageView::of(in).cropped(2, 3, 5, 6);
        Tensor dense({2, 5, 6, 3});
        for (int64_t b = 0; b < 2; ++b)
            for (int64_t y = 0; y < 5; ++y)
                for (int64_t x = 0; x < 6; ++x)
                    for (int64_t c = 0; c < 3; ++c)
                        dense.at(b, y, x, c) = in.at(b, y + 2, x + 3, c);
        for (Interpolation mode : kModes) {
            Tensor out = Tensor::uninitialized({2, 7, 4, 3});
            resizeImages(view, out, mode, false, context);
            const std::string diff = compareTensors(out, refResize(dense, 7, 4, mode, false), 0, 0);
            QVERIFY2(diff.empty(), (interpolationName(mode) + ": " + diff).c_str());
        }
    }

    void resizingLayerMatchesReference()
    {
        // Crop, pad, both data formats, rank 3 and 4, through the layer's forward().
        const ExecContext context = testContext();
        const SizeCase sizes[] = {{9, 7, 4, 11}, {4, 9, 7, 9}, {5, 1, 2, 3}, {10, 8, 4, 4}, {3, 8, 5, 2}, {6, 4, 6, 4}};
        uint32_t seed = 100;
        for (const SizeCase& s : sizes)
            for (int64_t c : {1, 3, 8})
                for (Interpolation mode : kModes)
                    for (int fitMode = 0; fitMode < 3; ++fitMode)
                        for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst})
                            for (int rank : {3, 4}) {
                                const bool antialias = (seed % 3) == 0;
                                ResizingParams p;
                                p.height = s.oh;
                                p.width = s.ow;
                                p.interpolation = interpolationName(mode);
                                p.cropToAspectRatio = fitMode == 1;
                                p.padToAspectRatio = fitMode == 2;
                                p.fillValue = 0.75;
                                p.antialias = antialias;
                                p.dataFormat = format;
                                const Resizing layer("resizing", p);
                                const int64_t B = rank == 4 ? 2 : 1;
                                const Tensor nhwc = randomTensor({B, s.h, s.w, c}, seed++);
                                const Tensor expectedNhwc = refResizeLayer(nhwc, s.oh, s.ow, mode, antialias,
                                                                           fitMode == 1, fitMode == 2, 0.75f);
                                Tensor input = format == DataFormat::ChannelsFirst ? refToNchw(nhwc) : nhwc;
                                Tensor expected = format == DataFormat::ChannelsFirst ? refToNchw(expectedNhwc) : expectedNhwc;
                                if (rank == 3) {
                                    input = input.reshaped(Shape(input.shape().begin() + 1, input.shape().end()));
                                    expected = expected.reshaped(Shape(expected.shape().begin() + 1, expected.shape().end()));
                                }
                                const std::string what = describe(s, c, mode, antialias) + layer.summary() + " rank "
                                                       + std::to_string(rank) + ": ";
                                QCOMPARE(layer.inferShape(input.shape()).output, expected.shape());
                                const std::string diff = compareTensors(layer.forward(input, context), expected, 0, 0);
                                QVERIFY2(diff.empty(), (what + diff).c_str());
                            }
    }

    void upSamplingMatchesReference()
    {
        const ExecContext context = testContext();
        const std::array<int64_t, 2> sizes[] = {{2, 2}, {3, 1}, {1, 2}, {2, 3}};
        uint32_t seed = 500;
        for (const auto& size : sizes)
            for (int64_t c : {1, 3, 4, 16})
                for (const char* name : {"nearest", "bilinear", "Bilinear", "bicubic", "area", "lanczos3", "lanczos5"})
                    for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst}) {
                        const nlohmann::json object = {
                            {"class_name", "UpSampling2D"},
                            {"config", {{"name", "up"}, {"size", {size[0], size[1]}}, {"interpolation", name},
                                        {"data_format", dataFormatName(format)}}}};
                        const auto layer = UpSampling2D::fromJson(object);
                        const Tensor nhwc = randomTensor({2, 5, 3, c}, seed++);
                        const auto mode = parseInterpolation(layer->params().interpolation);
                        QVERIFY(mode.has_value());
                        const Tensor expectedNhwc = *mode == Interpolation::Nearest
                                                      ? refRepeat(nhwc, size[0], size[1])
                                                      : refResize(nhwc, 5 * size[0], 3 * size[1], *mode, false);
                        const bool nchw = format == DataFormat::ChannelsFirst;
                        const Tensor out = layer->forward(nchw ? refToNchw(nhwc) : nhwc, context);
                        const std::string diff = compareTensors(out, nchw ? refToNchw(expectedNhwc) : expectedNhwc, 0, 0);
                        QVERIFY2(diff.empty(), (layer->summary() + " C=" + std::to_string(c) + " "
                                                + dataFormatName(format) + ": " + diff).c_str());
                    }
    }

    void largerImagesUseEveryThread()
    {
        // Enough rows for several chunks per thread, so chunk borders and row caches are crossed.
        const ExecContext context = testContext(2);
        const Tensor in = randomTensor({1, 61, 47, 3}, 42);
        for (Interpolation mode : kModes)
            for (const auto& [oh, ow] : {std::pair<int64_t, int64_t>{97, 83}, {29, 31}}) {
                Tensor out = Tensor::uninitialized({1, oh, ow, 3});
                resizeImages(ImageView::of(in), out, mode, false, context);
                const std::string diff = compareTensors(out, refResize(in, oh, ow, mode, false), 0, 0);
                QVERIFY2(diff.empty(), (interpolationName(mode) + " " + std::to_string(oh) + ": " + diff).c_str());
            }
    }

    void largeOutputsStream()
    {
        // Outputs of 16 MiB and more take the non-temporal store paths; an odd channel count puts
        // rows off the 32-byte alignment so the scalar head and tail run too.
        const ExecContext context = testContext(2);
        const Tensor in = randomTensor({1, 330, 290, 11}, 9);
        UpSampling2DParams p;
        p.interpolation = "bilinear";
        const Tensor bilinear = UpSampling2D("up", p).forward(in, context);
        QVERIFY(bilinear.byteSize() >= (int64_t{16} << 20));
        std::string diff = compareTensors(bilinear, refBilinear(in, 660, 580), 0, 0);
        QVERIFY2(diff.empty(), diff.c_str());
        p.interpolation = "nearest";
        diff = compareTensors(UpSampling2D("up", p).forward(in, context), refRepeat(in, 2, 2), 0, 0);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void documentedExamples()
    {
        const ExecContext context = testContext();
        {   // §3.2: [10, 20] ×2 bilinear → [10, 12.5, 17.5, 20]
            UpSampling2DParams p;
            p.size = {1, 2};
            p.interpolation = "bilinear";
            const Tensor out = UpSampling2D("up", p).forward(tensorOf({1, 1, 2, 1}, {10, 20}), context);
            QCOMPARE(out.toVector(), (std::vector<float>{10, 12.5f, 17.5f, 20}));
        }
        auto resize1d = [&](std::vector<float> values, int64_t out, Interpolation mode) {
            const int64_t n = static_cast<int64_t>(values.size());
            const Tensor in = tensorOf({1, 1, n, 1}, std::move(values));
            Tensor result = Tensor::uninitialized({1, 1, out, 1});
            resizeImages(ImageView::of(in), result, mode, false, context);
            return result.toVector();
        };
        // §4.7.4: area 4 → 3 on [1, 2, 3, 4]
        QCOMPARE(resize1d({1, 2, 3, 4}, 3, Interpolation::Area), (std::vector<float>{1.25f, 2.5f, 3.75f}));
        // §4.7.2: nearest picks the pixel under the half-pixel position
        QCOMPARE(resize1d({0, 1, 2, 3}, 2, Interpolation::Nearest), (std::vector<float>{1, 3}));
        QCOMPARE(resize1d({0, 1, 2}, 2, Interpolation::Nearest), (std::vector<float>{0, 2}));
        QCOMPARE(resize1d({0, 1, 2, 3, 4}, 3, Interpolation::Nearest), (std::vector<float>{0, 2, 4}));
        QCOMPARE(resize1d({0, 1}, 4, Interpolation::Nearest), (std::vector<float>{0, 0, 1, 1}));
        // §4.7.3: bicubic overshoot
        {
            const auto v = resize1d({0, 100}, 4, Interpolation::Bicubic);
            const float expected[] = {-8.8235f, 20.7143f, 79.2857f, 108.8235f};
            for (int i = 0; i < 4; ++i)
                QVERIFY2(std::abs(v[i] - expected[i]) < 1e-3f, std::to_string(v[i]).c_str());
        }
        // §4.7.5: lanczos3 6 → 3 without and with antialias
        {
            const Tensor in = tensorOf({1, 1, 6, 1}, {0, 0, 100, 100, 0, 0});
            const float plain[] = {-10.02f, 122.28f, -10.02f}, smooth[] = {7.31f, 86.63f, 7.31f};
            for (bool antialias : {false, true}) {
                Tensor out = Tensor::uninitialized({1, 1, 3, 1});
                resizeImages(ImageView::of(in), out, Interpolation::Lanczos3, antialias, context);
                for (int i = 0; i < 3; ++i)
                    QVERIFY2(std::abs(out[i] - (antialias ? smooth : plain)[i]) < 0.01f, std::to_string(out[i]).c_str());
            }
        }
        // §4.4: 4×4 → (4, 2) with crop keeps columns 1..2 (same size afterwards: a copy)
        {
            ResizingParams p;
            p.height = 4;
            p.width = 2;
            p.cropToAspectRatio = true;
            const Tensor in = test::arangeTensor({1, 4, 4, 1}, 0.0f);
            const Tensor out = Resizing("r", p).forward(in, context);
            QCOMPARE(out.toVector(), (std::vector<float>{1, 2, 5, 6, 9, 10, 13, 14}));
        }
        // §4.5: 10×8 of 128, pad with 1.0 to 10×10, bilinear 4×4 → rows [96.25, 128, 128, 96.25]
        {
            ResizingParams p;
            p.height = 4;
            p.width = 4;
            p.padToAspectRatio = true;
            p.fillValue = 1.0;
            const Tensor in = tensorOf({1, 10, 8, 1}, std::vector<float>(80, 128.0f));
            const Tensor out = Resizing("r", p).forward(in, context);
            for (int64_t y = 0; y < 4; ++y)
                QCOMPARE((std::vector<float>{out.at(0, y, 0, 0), out.at(0, y, 1, 0), out.at(0, y, 2, 0), out.at(0, y, 3, 0)}),
                         (std::vector<float>{96.25f, 128, 128, 96.25f}));
        }
    }

    void cropAndPadGeometry()
    {
        const AspectFit crop = cropToAspectRatio(4, 4, 4, 2);
        QCOMPARE(crop.height, int64_t{4});
        QCOMPARE(crop.width, int64_t{2});
        QCOMPARE(crop.left, int64_t{1});
        QCOMPARE(crop.top, int64_t{0});
        // The quirk: pad_h = 7 but 4 + 2·1 = 6 rows.
        const AspectFit pad = padToAspectRatio(4, 9, 7, 9);
        QCOMPARE(pad.targetPadHeight, int64_t{7});
        QCOMPARE(pad.top, int64_t{1});
        QCOMPARE(pad.height, int64_t{6});
        QCOMPARE(pad.width, int64_t{9});
        // Crop to 1×1 never goes below one row/column.
        const AspectFit thin = cropToAspectRatio(3, 100, 1, 1000);
        QCOMPARE(thin.height, int64_t{1});
        QCOMPARE(thin.width, int64_t{100});
    }

    void shapeExplanations()
    {
        ResizingParams p;
        p.height = 2;
        p.width = 3;
        p.cropToAspectRatio = true;
        const LayerShape shape = Resizing("r", p).inferShape({1, 4, 9, 3});
        QCOMPARE(shape.output, (Shape{1, 2, 3, 3}));
        QCOMPARE(shape.axes.size(), size_t{4});
        QCOMPARE(shape.axes[1].axis, std::string("height"));
        QCOMPARE(shape.axes[1].arithmetic, std::string("crop 4×9 → 4×6 (left 1) → 2×3"));
        p.cropToAspectRatio = false;
        p.padToAspectRatio = true;
        p.height = 7;
        p.width = 9;
        const LayerShape padded = Resizing("r", p).inferShape({4, 9, 1});
        QCOMPARE(padded.output, (Shape{7, 9, 1}));
        QVERIFY(padded.axes[0].arithmetic.find("pad 4×9 → 6×9 (1 row") == 0);
        p.padToAspectRatio = false;
        p.dataFormat = DataFormat::ChannelsFirst;
        const LayerShape nchw = Resizing("r", p).inferShape({2, 5, 10, 12});
        QCOMPARE(nchw.output, (Shape{2, 5, 7, 9}));
        QCOMPARE(nchw.axes[1].axis, std::string("channels"));
        QCOMPARE(nchw.axes[2].axis, std::string("height"));
        QCOMPARE(nchw.axes[2].arithmetic, std::string("10 → height = 7"));

        UpSampling2DParams u;
        u.size = {2, 3};
        const LayerShape up = UpSampling2D("u", u).inferShape({1, 5, 7, 2});
        QCOMPARE(up.output, (Shape{1, 10, 21, 2}));
        QCOMPARE(up.axes[2].arithmetic, std::string("7 · 3 = 21"));
    }

    void errorMessages()
    {
        const std::string expectedChoices =
            "Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', 'lanczos3', "
            "'lanczos5', 'bicubic', 'area'). Received: interpolation=";
        auto resizing = [](auto edit) {
            ResizingParams p;
            p.height = 4;
            p.width = 5;
            edit(p);
            return Resizing("resizing", p);
        };
        auto contains = [](const std::string& text, const std::string& part) {
            return text.find(part) != std::string::npos;
        };
        const Shape shape{1, 6, 6, 3};
        for (const char* bad : {"gaussian", "mitchellcubic", "Bilinear", "BICUBIC"}) {
            const std::string message = errorOf(resizing([&](ResizingParams& p) { p.interpolation = bad; }), shape);
            QVERIFY2(message == "Resizing 'resizing': " + expectedChoices + bad, message.c_str());
        }
        QVERIFY(contains(errorOf(resizing([](ResizingParams& p) { p.fillMode = "reflect"; }), shape),
                         "Invalid value for argument `fill_mode`. Only `'constant'` is supported. Received: fill_mode=reflect"));
        QVERIFY(contains(errorOf(resizing([](ResizingParams& p) { p.cropToAspectRatio = p.padToAspectRatio = true; }), shape),
                         "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`."));
        QVERIFY(contains(errorOf(resizing([](ResizingParams& p) { p.height = 0; }), shape),
                         "output dimensions must be positive: height=0"));
        QVERIFY(contains(errorOf(resizing([](ResizingParams& p) { p.width = -3; }), shape),
                         "output dimensions must be positive: width=-3"));
        QVERIFY(contains(errorOf(resizing([](ResizingParams&) {}), {6, 6}),
                         "Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: data.shape=(6, 6)"));

        UpSampling2DParams u;
        u.interpolation = "gaussian";
        QVERIFY(contains(errorOf(UpSampling2D("up", u), shape), expectedChoices + "gaussian"));
        u.interpolation = "nearest";
        u.size = {2, 0};
        QVERIFY(contains(errorOf(UpSampling2D("up", u), shape),
                         "The `size` argument must be a tuple of 2 integers. Received size=(2, 0), including values {0} that do not satisfy `value > 0`"));
        u.size = {2, 2};
        QVERIFY(contains(errorOf(UpSampling2D("up", u), {6, 6, 3}), "expected ndim=4, found ndim=3"));

        // Type errors are load-time std::invalid_argument.
        const nlohmann::json badHeight = {{"class_name", "Resizing"}, {"config", {{"height", "tall"}, {"width", 3}}}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Resizing::fromJson(badHeight));
        const nlohmann::json missing = {{"class_name", "Resizing"}, {"config", {{"width", 3}}}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Resizing::fromJson(missing));
        const nlohmann::json badSize = {{"class_name", "UpSampling2D"}, {"config", {{"size", "big"}}}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, UpSampling2D::fromJson(badSize));
        const nlohmann::json badFormat = {{"class_name", "UpSampling2D"}, {"config", {{"data_format", "nhwc"}}}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, UpSampling2D::fromJson(badFormat));
    }

    void jsonRoundTrip()
    {
        ResizingParams p;
        p.height = 150;
        p.width = 225;
        p.interpolation = "bicubic";
        p.cropToAspectRatio = true;
        p.fillValue = 0.25;
        p.antialias = true;
        p.dataFormat = DataFormat::ChannelsFirst;
        const Resizing resizing("resize_me", p);
        const auto loaded = Resizing::fromJson(layerObject(resizing));
        QVERIFY(loaded->params() == p);
        QCOMPARE(loaded->name(), std::string("resize_me"));
        QVERIFY(*loaded == resizing);
        QCOMPARE(resizing.summary(), std::string("150×225 bicubic, crop, antialias / NCHW"));
        QCOMPARE(resizing.config().at("dtype"), nlohmann::json("float32"));
        QVERIFY(*resizing.clone() == resizing);

        // An invalid interpolation still loads and saves unchanged.
        p.interpolation = "Bilinear";
        const auto odd = Resizing::fromJson(layerObject(Resizing("r", p)));
        QCOMPARE(odd->params().interpolation, std::string("Bilinear"));

        // Keras defaults fill in everything but height and width.
        const auto defaults = Resizing::fromJson({{"class_name", "Resizing"}, {"config", {{"height", 3}, {"width", 4}}}});
        QCOMPARE(defaults->params().interpolation, std::string("bilinear"));
        QCOMPARE(defaults->params().fillMode, std::string("constant"));
        QVERIFY(!defaults->params().antialias);

        UpSampling2DParams u;
        u.size = {2, 3};
        u.interpolation = "area";
        const UpSampling2D up("up", u);
        const auto upLoaded = UpSampling2D::fromJson(layerObject(up));
        QVERIFY(upLoaded->params() == u);
        QVERIFY(*upLoaded == up);
        QCOMPARE(up.summary(), std::string("×2×3 area"));
        const auto lowered = UpSampling2D::fromJson(
            {{"class_name", "UpSampling2D"}, {"config", {{"size", 2}, {"interpolation", "Bilinear"}}}});
        QCOMPARE(lowered->params().interpolation, std::string("bilinear"));
        QCOMPARE(lowered->params().size, (std::array<int64_t, 2>{2, 2}));
        QCOMPARE(lowered->summary(), std::string("×2 bilinear"));
    }

    void memoryGuard()
    {
        ExecContext context = testContext();
        context.memoryBudgetBytes = 1000;
        ResizingParams p;
        p.height = 100;
        p.width = 100;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, Resizing("r", p).forward(randomTensor({1, 8, 8, 3}, 1), context));
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, UpSampling2D("u").forward(randomTensor({1, 20, 20, 3}, 1), context));
        // The scratch counts too: an output that fits alone is rejected when the pad copy does not.
        p.height = 2;
        p.width = 20;
        p.padToAspectRatio = true;
        context.memoryBudgetBytes = 2 * 20 * 3 * 4 + 64;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, Resizing("r", p).forward(randomTensor({1, 10, 10, 3}, 1), context));
    }

    void cancellation()
    {
        std::stop_source source;
        source.request_stop();
        ExecContext context = testContext();
        context.stop = source.get_token();
        for (Interpolation mode : kModes) {
            ResizingParams p;
            p.height = 37;
            p.width = 41;
            p.interpolation = interpolationName(mode);
            QVERIFY_THROWS_EXCEPTION(CancelledError, Resizing("r", p).forward(randomTensor({1, 16, 16, 3}, 1), context));
        }
        QVERIFY_THROWS_EXCEPTION(CancelledError, UpSampling2D("u").forward(randomTensor({1, 16, 16, 3}, 1), context));
        const Tensor in = randomTensor({1, 16, 16, 3}, 1);
        Tensor out = Tensor::uninitialized({1, 30, 30, 3});
        QVERIFY_THROWS_EXCEPTION(CancelledError, resizeImages(ImageView::of(in), out, Interpolation::Bicubic, false, context));
    }
};

QTEST_APPLESS_MAIN(TestResizeKernels)
#include "test_resize_kernels.moc"
