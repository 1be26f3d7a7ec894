#include "reshaping_support.h"

#include <algorithm>
#include <stdexcept>

namespace layerscope {

std::vector<int64_t> unravelIndex(int64_t flat, const Shape& dims)
{
    std::vector<int64_t> index(dims.size());
    for (size_t a = dims.size(); a-- > 0;) {
        index[a] = dims[a] > 0 ? flat % dims[a] : 0;
        flat = dims[a] > 0 ? flat / dims[a] : 0;
    }
    return index;
}

int64_t ravelIndex(const std::vector<int64_t>& index, const Shape& dims)
{
    int64_t flat = 0;
    for (size_t a = 0; a < dims.size(); ++a)
        flat = flat * dims[a] + index[a];
    return flat;
}

CellIndex cellFromStorage(const std::vector<int64_t>& i, DataFormat format)
{
    if (format == DataFormat::ChannelsFirst) {
        if (i.size() == 4)
            return {i[0], i[2], i[3], i[1]};
        if (i.size() == 3)
            return {0, i[1], i[2], i[0]};
    }
    switch (i.size()) {
    case 4: return {i[0], i[1], i[2], i[3]};
    case 3: return {0, i[0], i[1], i[2]};
    case 2: return {i[0], 0, 0, i[1]};
    case 1: return {0, 0, 0, i[0]};
    default: throw std::out_of_range("cannot index a tensor of rank " + std::to_string(i.size()));
    }
}

std::string indexText(const std::vector<int64_t>& index)
{
    std::string s = "(";
    for (size_t a = 0; a < index.size(); ++a)
        s += (a ? ", " : "") + std::to_string(index[a]);
    return s + ")";
}

std::vector<Interval> flatRangeBox(int64_t first, int64_t last, const Shape& dims)
{
    const std::vector<int64_t> a = unravelIndex(first, dims), b = unravelIndex(last, dims);
    std::vector<Interval> box(dims.size());
    size_t axis = 0;
    for (; axis < dims.size() && a[axis] == b[axis]; ++axis)
        box[axis] = {a[axis], a[axis]};
    if (axis < dims.size()) {
        box[axis] = {a[axis], b[axis]};
        // Once the indices differ, the first run reaches the end of every deeper axis and the last
        // starts at 0 of it: the bounding box is the whole axis.
        for (size_t deeper = axis + 1; deeper < dims.size(); ++deeper)
            box[deeper] = {0, dims[deeper] - 1};
    }
    return box;
}

RegionMapping mapRunsBack(const Shape& input, const Shape& output, const std::vector<Interval>& box,
                          const std::function<std::vector<Interval>(int64_t first, int64_t last)>& runSource)
{
    const size_t outRank = output.size(), inRank = input.size();
    RegionMapping m;
    m.clipped.assign(inRank, Interval{});
    bool empty = false;
    for (const Interval& v : box)
        empty = empty || v.empty();
    if (!empty) {
        m.clipped[0] = box[0];
        std::vector<Interval> acc;
        auto add = [&](const std::vector<Interval>& run) {
            if (acc.empty()) {
                acc = run;
                return;
            }
            for (size_t a = 0; a < run.size(); ++a)
                acc[a] = {std::min(acc[a].first, run[a].first), std::max(acc[a].last, run[a].last)};
        };
        if (outRank == 1) {
            add(runSource(0, 0));
        } else {
            const Shape outTail(output.begin() + 1, output.end());
            // The outermost axis k (≥ 1) whose deeper axes are all whole: each combination of the
            // indices on axes 1 … k−1 is one contiguous run of output offsets.
            size_t k = outRank - 1;
            while (k > 1 && box[k].first == 0 && box[k].last == output[k] - 1)
                --k;
            int64_t runLength = box[k].size();
            for (size_t a = k + 1; a < outRank; ++a)
                runLength *= output[a];
            std::vector<int64_t> index(outRank, 0);
            for (size_t a = 1; a <= k; ++a)
                index[a] = box[a].first;
            while (true) {
                const std::vector<int64_t> start(index.begin() + 1, index.end());
                const int64_t first = ravelIndex(start, outTail);
                add(runSource(first, first + runLength - 1));
                bool done = true;
                for (size_t a = k; a-- > 1;) {
                    if (++index[a] <= box[a].last) {
                        done = false;
                        break;
                    }
                    index[a] = box[a].first;
                }
                if (done)
                    break;
            }
        }
        for (size_t a = 1; a < inRank; ++a)
            m.clipped[a] = acc[a - 1];
    }
    m.unclipped = m.clipped;
    return m;
}

std::vector<AxisWindow> slabWindows(const Shape& input, const Shape& output, DataFormat format, int spatialAxis,
                                    const std::function<RegionMapping(const std::vector<Interval>&)>& mapBack)
{
    const AxisRoles in = axisRoles(input.size(), format), out = axisRoles(output.size(), format);
    const int inAxis = spatialAxis == 0 ? in.rows : in.cols;
    const int outAxis = spatialAxis == 0 ? out.rows : out.cols;
    std::vector<Interval> box(output.size());
    for (size_t a = 0; a < output.size(); ++a)
        box[a] = {0, output[a] - 1};
    auto window = [&](const std::vector<Interval>& b) {
        if (inAxis < 0)
            return AxisWindow{{0, 0}, {0, 0}};
        const RegionMapping m = mapBack(b);
        return AxisWindow{m.clipped[static_cast<size_t>(inAxis)], m.unclipped[static_cast<size_t>(inAxis)]};
    };
    std::vector<AxisWindow> windows;
    if (outAxis < 0) {
        windows.push_back(window(box));
        return windows;
    }
    for (int64_t o = 0; o < output[static_cast<size_t>(outAxis)]; ++o) {
        box[static_cast<size_t>(outAxis)] = {o, o};
        windows.push_back(window(box));
    }
    return windows;
}

} // namespace layerscope
