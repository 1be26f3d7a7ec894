// Two passes, as the reference computeStatistics: the first finds ranges and sums, the second
// fills histograms over those ranges. Each pass splits the rows of all batch items into chunks
// (parallelChunks: cancellation between chunks); a chunk accumulates privately and merges under
// a lock, so the merge cost is per chunk, not per value.

#include "layer_summary.h"

#include "../errors.h"
#include "../parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>

namespace layerscope {

namespace {

struct Moments {
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double sum = 0, sum2 = 0;
    int64_t count = 0, nonFinite = 0;

    void add(float v)
    {
        if (!std::isfinite(v)) {
            ++nonFinite;
            return;
        }
        ++count;
        sum += v;
        sum2 += double(v) * v;
        min = std::min(min, double(v));
        max = std::max(max, double(v));
    }
    void merge(const Moments& o)
    {
        min = std::min(min, o.min);
        max = std::max(max, o.max);
        sum += o.sum;
        sum2 += o.sum2;
        count += o.count;
        nonFinite += o.nonFinite;
    }
    // Statistics without bins; bins are sized for a second pass when there is a finite value.
    TensorStatistics finish(int binCount) const
    {
        TensorStatistics s;
        s.count = count;
        s.nonFinite = nonFinite;
        if (count == 0)
            return s;
        s.min = min;
        s.max = max;
        s.mean = sum / count;
        s.stddev = std::sqrt(std::max(0.0, sum2 / count - s.mean * s.mean));
        s.bins.assign(static_cast<size_t>(binCount), 0);
        return s;
    }
};

// Bins of [min, max]: value → bin is one multiplication, the same in the reference and the
// summary so both agree at the bin edges.
// In float: a bin is 1/64 of the range, far coarser than float's rounding.
struct Binning {
    float min = 0, scale = 0;
    int last = 0;
    Binning(const TensorStatistics& s, int binCount)
        : min(static_cast<float>(s.min)),
          scale(s.max > s.min ? static_cast<float>(binCount / (s.max - s.min)) : 0.0f), last(binCount - 1)
    {
    }
    int operator()(float v) const
    {
        // Clamped in float first: an out-of-range product would be undefined as an int.
        return static_cast<int>(std::clamp((v - min) * scale, 0.0f, static_cast<float>(last)));
    }
};

// Finite without a branch the vectoriser gives up on: NaN compares false, ±Inf exceeds max.
bool finite(float v)
{
    return std::abs(v) <= std::numeric_limits<float>::max();
}

} // namespace

ImageGeometry imageGeometry(const Shape& s)
{
    ImageGeometry g;
    switch (s.size()) {
    case 4: g = {s[0], s[1], s[2], s[3], true}; break;
    case 3: g = {1, s[0], s[1], s[2], true}; break;
    case 2: g = {s[0], 1, 1, s[1], true}; break;
    case 1: g = {1, 1, 1, s[0], true}; break;
    default: return g;
    }
    g.valid = g.batch > 0 && g.height > 0 && g.width > 0 && g.channels > 0;
    return g;
}

ValueRange TensorStatistics::range() const
{
    return count > 0 ? ValueRange{static_cast<float>(min), static_cast<float>(max), nonFinite}
                     : ValueRange{0.0f, 0.0f, nonFinite};
}

TensorStatistics computeStatistics(const Tensor& t, int batch, int channel, int binCount)
{
    const ImageGeometry g = imageGeometry(t.shape());
    if (!g.valid)
        return {};
    batch = std::clamp<int>(batch, 0, static_cast<int>(g.batch) - 1);
    const int64_t plane = g.height * g.width * g.channels;
    const float* base = t.data() + batch * plane;
    const int64_t c0 = channel < 0 ? 0 : channel, c1 = channel < 0 ? g.channels : channel + 1;
    Moments m;
    for (int64_t i = 0; i < g.height * g.width; ++i)
        for (int64_t c = c0; c < c1; ++c)
            m.add(base[i * g.channels + c]);
    TensorStatistics s = m.finish(binCount);
    if (s.count == 0)
        return s;
    const Binning bin(s, binCount);
    for (int64_t i = 0; i < g.height * g.width; ++i)
        for (int64_t c = c0; c < c1; ++c) {
            const float v = base[i * g.channels + c];
            if (std::isfinite(v))
                ++s.bins[static_cast<size_t>(bin(v))];
        }
    return s;
}

const TensorStatistics& LayerSummary::channel(int batch, int channel) const
{
    return m_channels.at(static_cast<size_t>(batch * m_geometry.channels + channel));
}

const TensorStatistics& LayerSummary::item(int batch) const
{
    return m_items.at(static_cast<size_t>(batch));
}

ValueRange LayerSummary::displayRange(int channel, const RenderOptions& options) const
{
    const int b = std::clamp<int>(options.batchIndex, 0, static_cast<int>(m_geometry.batch) - 1);
    return layerscope::displayRange(this->channel(b, channel).range(), item(b).range(), options);
}

int64_t LayerSummary::byteSize() const
{
    const auto bytes = [](const std::vector<TensorStatistics>& v) {
        int64_t n = 0;
        for (const TensorStatistics& s : v)
            n += static_cast<int64_t>(sizeof s + s.bins.size() * sizeof(int64_t));
        return n;
    };
    return static_cast<int64_t>(sizeof *this) + bytes(m_channels) + bytes(m_items);
}

namespace {

// Only cancellation and threads carry over: a summary is not part of the layer's progress.
ExecContext summaryContext(const ExecContext& outer)
{
    ExecContext context;
    context.threads = outer.threads;
    context.stop = outer.stop;
    return context;
}

// Rows per chunk: about 64k values.
int64_t grainOf(const ImageGeometry& g)
{
    return std::max<int64_t>(1, (int64_t{1} << 16) / std::max<int64_t>(1, g.width * g.channels));
}

} // namespace

bool LayerSummary::sameRanges(const LayerSummary& other) const
{
    const auto same = [](const std::vector<TensorStatistics>& a, const std::vector<TensorStatistics>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const TensorStatistics& x, const TensorStatistics& y) {
            return x.min == y.min && x.max == y.max && x.count == y.count && x.nonFinite == y.nonFinite;
        });
    };
    return m_geometry.batch == other.m_geometry.batch && m_geometry.height == other.m_geometry.height
           && m_geometry.width == other.m_geometry.width && m_geometry.channels == other.m_geometry.channels
           && same(m_channels, other.m_channels) && same(m_items, other.m_items);
}

LayerSummary summarizeLayer(const Tensor& tensor, const ExecContext& context)
{
    return addHistograms(summarizeRanges(tensor, context), tensor, context);
}

LayerSummary summarizeRanges(const Tensor& tensor, const ExecContext& outer)
{
    const ImageGeometry g = imageGeometry(tensor.shape());
    if (!g.valid)
        throw Error("cannot summarise a tensor of shape " + shapeToString(tensor.shape()));
    const ExecContext context = summaryContext(outer);
    constexpr int kBins = LayerSummary::kBins;
    const int64_t C = g.channels, rows = g.batch * g.height, rowValues = g.width * C;
    const int64_t grain = grainOf(g);
    const float* data = tensor.data();
    std::mutex lock;

    // Pass 1: per (item, channel) and per item moments. Structure-of-arrays accumulators and a
    // branch-free inner loop over the channels, so it vectorises (this pass sees every value;
    // core/CMakeLists.txt compiles this file with -fno-trapping-math, without which GCC keeps
    // the NaN comparisons as branches; no result changes).
    // The accumulators cover `lanes` consecutive values, a multiple of C: for few channels
    // (3, 4, 5, 6) lcm(C, 8) values, so the inner loop is whole 8-float vectors rather than a
    // loop of 3 to 6 iterations per pixel (a 1024²×5 map: 7–13 ms → 1.5 ms), and a channel's
    // lanes are folded together when a chunk is flushed. Many channels use one lane each.
    const int64_t period = std::lcm(C, int64_t{8});
    const int64_t lanes = period <= 64 ? period : C;
    std::vector<Moments> channels(static_cast<size_t>(g.batch * C));
    parallelChunks(rows, grain, context, [&](int64_t begin, int64_t end) {
        const size_t n = static_cast<size_t>(lanes);
        std::vector<float> lo(n), hi(n);
        std::vector<double> sum(n), sum2(n);
        std::vector<int64_t> count(n);
        auto flush = [&](int64_t b, int64_t values) {
            const std::lock_guard guard(lock);
            for (int64_t c = 0; c < C; ++c) {
                Moments m;
                for (int64_t lane = c; lane < lanes; lane += C) {
                    const size_t j = static_cast<size_t>(lane);
                    if (count[j] == 0)
                        continue;
                    m.count += count[j];
                    m.min = std::min(m.min, double(lo[j]));
                    m.max = std::max(m.max, double(hi[j]));
                    m.sum += sum[j];
                    m.sum2 += sum2[j];
                }
                m.nonFinite = values - m.count;
                channels[static_cast<size_t>(b * C + c)].merge(m);
            }
        };
        // Values [p, stop) in steps of `width` (a multiple of C) into lanes [0, width).
        auto accumulate = [&](const float* p, const float* stop, int64_t width) {
            float* lop = lo.data();
            float* hip = hi.data();
            double* s1 = sum.data();
            double* s2 = sum2.data();
            int64_t* k = count.data();
            for (; p < stop; p += width)
#pragma omp simd
                for (int64_t c = 0; c < width; ++c) {
                    const float v = p[c];
                    const bool f = finite(v);
                    const float z = f ? v : 0.0f;
                    const float vlo = f ? v : std::numeric_limits<float>::infinity();
                    const float vhi = f ? v : -std::numeric_limits<float>::infinity();
                    const int64_t one = f ? 1 : 0;
                    s1[c] += z;
                    s2[c] += double(z) * z;
                    k[c] += one;
                    lop[c] = vlo < lop[c] ? vlo : lop[c];
                    hip[c] = vhi > hip[c] ? vhi : hip[c];
                }
        };
        for (int64_t r = begin; r < end;) {
            const int64_t b = r / g.height, itemEnd = std::min(end, (b + 1) * g.height);
            std::fill(lo.begin(), lo.end(), std::numeric_limits<float>::infinity());
            std::fill(hi.begin(), hi.end(), -std::numeric_limits<float>::infinity());
            std::fill(sum.begin(), sum.end(), 0.0);
            std::fill(sum2.begin(), sum2.end(), 0.0);
            std::fill(count.begin(), count.end(), 0);
            const float* first = data + r * rowValues;
            const int64_t values = (itemEnd - r) * rowValues;
            const float* whole = first + values / lanes * lanes;
            accumulate(first, whole, lanes);
            accumulate(whole, first + values, C); // the last values, less than `lanes`
            flush(b, (itemEnd - r) * g.width);
            r = itemEnd;
        }
    });
    LayerSummary summary;
    summary.m_geometry = g;
    summary.m_channels.reserve(channels.size());
    for (const Moments& m : channels)
        summary.m_channels.push_back(m.finish(kBins));
    for (int64_t b = 0; b < g.batch; ++b) {
        Moments all;
        for (int64_t c = 0; c < C; ++c)
            all.merge(channels[static_cast<size_t>(b * C + c)]);
        summary.m_items.push_back(all.finish(kBins));
    }

    return summary;
}

LayerSummary addHistograms(LayerSummary summary, const Tensor& tensor, const ExecContext& outer)
{
    const ImageGeometry g = summary.m_geometry;
    if (summary.m_histograms)
        return summary;
    const ExecContext context = summaryContext(outer);
    constexpr int kBins = LayerSummary::kBins;
    const int64_t C = g.channels, rows = g.batch * g.height, rowValues = g.width * C;
    const int64_t grain = grainOf(g);
    const float* data = tensor.data();
    std::mutex lock;

    // Pass 2: histograms over the ranges the first pass found.
    std::vector<Binning> channelBins, itemBins;
    for (const TensorStatistics& st : summary.m_channels)
        channelBins.emplace_back(st, kBins);
    for (const TensorStatistics& st : summary.m_items)
        itemBins.emplace_back(st, kBins);
    parallelChunks(rows, grain, context, [&](int64_t begin, int64_t end) {
        const int64_t b0 = begin / g.height, b1 = (end - 1) / g.height;
        const int64_t items = b1 - b0 + 1;
        std::vector<int64_t> local(static_cast<size_t>(items * (C + 1) * kBins), 0);
        for (int64_t r = begin; r < end; ++r) {
            const int64_t b = r / g.height;
            const Binning* perChannel = channelBins.data() + b * C;
            const Binning& whole = itemBins[static_cast<size_t>(b)];
            int64_t* bins = local.data() + (b - b0) * (C + 1) * kBins; // C channel blocks, then the item
            const float* p = data + r * rowValues;
            for (int64_t x = 0; x < g.width; ++x, p += C)
                for (int64_t c = 0; c < C; ++c) {
                    const float v = p[c];
                    if (!finite(v))
                        continue;
                    ++bins[c * kBins + perChannel[c](v)];
                    ++bins[C * kBins + whole(v)];
                }
        }
        const std::lock_guard guard(lock);
        for (int64_t i = 0; i < items; ++i) {
            const int64_t* bins = local.data() + i * (C + 1) * kBins;
            for (int64_t c = 0; c <= C; ++c) {
                TensorStatistics& st = c < C ? summary.m_channels[static_cast<size_t>((b0 + i) * C + c)]
                                             : summary.m_items[static_cast<size_t>(b0 + i)];
                for (size_t k = 0; k < st.bins.size(); ++k)
                    st.bins[k] += bins[c * kBins + static_cast<int64_t>(k)];
            }
        }
    });
    summary.m_histograms = true;
    return summary;
}

} // namespace layerscope
