#include "axis_rule.h"

#include <algorithm>
#include <climits>

namespace layerscope {

namespace {

int64_t floorDiv(int64_t a, int64_t b)
{
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

Interval clip(Interval v, int64_t n)
{
    if (v.empty())
        return v;
    return {std::max<int64_t>(v.first, 0), std::min(v.last, n - 1)};
}

// A sliding window along one axis: out index o reads [o·s − pad, o·s − pad + ek − 1].
Interval windowBack(Interval o, int64_t stride, int64_t padBefore, int64_t effectiveKernel)
{
    if (o.empty())
        return o;
    return {o.first * stride - padBefore, o.last * stride - padBefore + effectiveKernel - 1};
}

} // namespace

Interval wholeAxis(int64_t n) { return {0, n - 1}; }

std::pair<Interval, Interval> AxisRule::apply(Interval o, Interval u) const
{
    if (o.empty())
        return {o, o};
    if (widenToAll) {
        o = u = wholeAxis(convSize);
    } else if (widen > 0) {
        o = {o.first, o.last + widen};
        u = u.empty() ? u : Interval{u.first, u.last + widen};
    }
    switch (kind) {
    case Kind::Window:
        return {clip(windowBack(o, stride, padBefore, extent), inSize), windowBack(u, stride, padBefore, extent)};
    case Kind::Repeat:
        return {clip({floorDiv(o.first, factor), floorDiv(o.last, factor)}, inSize),
                u.empty() ? u : Interval{floorDiv(u.first, factor), floorDiv(u.last, factor)}};
    case Kind::Resize: {
        if (taps.empty())
            return {clip(o, inSize), u};
        Interval read{INT64_MAX, INT64_MIN}, requested{INT64_MAX, INT64_MIN};
        for (int64_t i = std::max<int64_t>(o.first, 0); i <= std::min<int64_t>(o.last, static_cast<int64_t>(taps.size()) - 1); ++i) {
            const AxisTaps& t = taps[static_cast<size_t>(i)];
            for (size_t k = 0; k < t.indices.size(); ++k) {
                if (t.weights[k] == 0.0f) // read by the kernel but without influence
                    continue;
                read = {std::min(read.first, t.indices[k] + offset), std::max(read.last, t.indices[k] + offset)};
                requested = {std::min(requested.first, t.requested[k] + offset),
                             std::max(requested.last, t.requested[k] + offset)};
            }
        }
        if (read.first == INT64_MAX)
            return {Interval{}, Interval{}};
        return {clip(read, inSize), requested};
    }
    case Kind::Whole:
        return {wholeAxis(inSize), wholeAxis(inSize)};
    }
    return {wholeAxis(inSize), wholeAxis(inSize)};
}

AxisRule windowRule(int64_t n, int64_t k, int64_t s, int64_t d, Padding padding, const char* name)
{
    AxisRule r;
    r.kind = AxisRule::Kind::Window;
    r.inSize = n;
    r.stride = s;
    r.padBefore = windowAxis(name, n, k, s, d, padding).padBefore;
    r.extent = d * (k - 1) + 1;
    return r;
}

AxisRule resizeRule(int64_t inSize, Interpolation mode, bool antialias, int64_t n, int64_t m, int64_t offset,
                    bool sameSizeCopy)
{
    AxisRule r;
    r.kind = AxisRule::Kind::Resize;
    r.inSize = inSize;
    r.offset = offset;
    if (!sameSizeCopy)
        r.taps = resizeAxisTaps(mode, antialias, n, m);
    return r;
}

RegionMapping mapSpatialRegion(const Shape& input, const Shape& output, DataFormat format,
                               const std::array<AxisRule, 2>& rules, const std::vector<Interval>& outClipped,
                               const std::vector<Interval>& outUnclipped,
                               const std::function<Interval(Interval)>& channelMap)
{
    const size_t rank = input.size();
    RegionMapping m;
    m.clipped.assign(rank, Interval{});
    m.unclipped.assign(rank, Interval{});
    const AxisRoles in = axisRoles(rank, format), out = axisRoles(output.size(), format);
    auto at = [](const std::vector<Interval>& box, int axis) { return box[static_cast<size_t>(axis)]; };
    if (in.batch >= 0) {
        m.clipped[static_cast<size_t>(in.batch)] = at(outClipped, out.batch);
        m.unclipped[static_cast<size_t>(in.batch)] = at(outUnclipped, out.batch);
    }
    Interval channels = at(outClipped, out.channels);
    if (channelMap)
        channels = channelMap(channels);
    m.clipped[static_cast<size_t>(in.channels)] = m.unclipped[static_cast<size_t>(in.channels)] = channels;
    for (int a = 0; a < 2; ++a) {
        const int inAxis = a == 0 ? in.rows : in.cols, outAxis = a == 0 ? out.rows : out.cols;
        const Interval o = outAxis >= 0 ? at(outClipped, outAxis) : Interval{0, 0};
        const Interval u = outAxis >= 0 ? at(outUnclipped, outAxis) : Interval{0, 0};
        const auto [clipped, unclipped] = rules[static_cast<size_t>(a)].apply(o, u);
        m.clipped[static_cast<size_t>(inAxis)] = clipped;
        m.unclipped[static_cast<size_t>(inAxis)] = unclipped;
    }
    return m;
}

std::vector<AxisWindow> spatialWindows(const Shape& output, DataFormat format, const AxisRule& rule, int spatialAxis)
{
    const AxisRoles out = axisRoles(output.size(), format);
    const int outAxis = spatialAxis == 0 ? out.rows : out.cols;
    const int64_t count = outAxis >= 0 ? output[static_cast<size_t>(outAxis)] : 1;
    std::vector<AxisWindow> windows;
    windows.reserve(static_cast<size_t>(count));
    for (int64_t o = 0; o < count; ++o) {
        const auto [clipped, unclipped] = rule.apply({o, o}, {o, o});
        windows.push_back({clipped, unclipped});
    }
    return windows;
}

} // namespace layerscope
