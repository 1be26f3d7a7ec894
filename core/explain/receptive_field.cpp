#include "receptive_field.h"

#include "core/layers/activations.h"
#include "core/layers/average_pooling2d.h"
#include "core/layers/conv2d.h"
#include "core/layers/global_average_pooling2d.h"
#include "core/layers/resizing.h"
#include "core/layers/tile.h"
#include "core/layers/up_sampling2d.h"

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>

namespace layerscope {

AxisRoles axisRoles(size_t rank, DataFormat format)
{
    const bool nchw = format == DataFormat::ChannelsFirst;
    switch (rank) {
    case 4: return nchw ? AxisRoles{0, 2, 3, 1} : AxisRoles{0, 1, 2, 3};
    case 3: return nchw ? AxisRoles{-1, 1, 2, 0} : AxisRoles{-1, 0, 1, 2};
    case 2: return {0, -1, -1, 1};
    case 1: return {-1, -1, -1, 0};
    default: return {};
    }
}

static Interval axisOf(const std::vector<Interval>& box, int axis)
{
    return axis >= 0 && static_cast<size_t>(axis) < box.size() ? box[static_cast<size_t>(axis)] : Interval{};
}

Interval TensorRegion::rows() const { return axisOf(clipped, axisRoles(shape.size(), format).rows); }
Interval TensorRegion::cols() const { return axisOf(clipped, axisRoles(shape.size(), format).cols); }
Interval TensorRegion::rowsUnclipped() const { return axisOf(unclipped, axisRoles(shape.size(), format).rows); }
Interval TensorRegion::colsUnclipped() const { return axisOf(unclipped, axisRoles(shape.size(), format).cols); }

std::optional<DataFormat> layerDataFormat(const Layer& layer)
{
    if (const auto* l = dynamic_cast<const AveragePooling2D*>(&layer))
        return l->params().dataFormat;
    if (const auto* l = dynamic_cast<const GlobalAveragePooling2D*>(&layer))
        return l->params().dataFormat;
    if (const auto* l = dynamic_cast<const Conv2D*>(&layer))
        return l->params().dataFormat;
    if (const auto* l = dynamic_cast<const UpSampling2D*>(&layer))
        return l->params().dataFormat;
    if (const auto* l = dynamic_cast<const Resizing*>(&layer))
        return l->params().dataFormat;
    return std::nullopt;
}

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

Interval whole(int64_t n) { return {0, n - 1}; }

// A sliding window along one axis: out index o reads [o·s − pad, o·s − pad + ek − 1].
Interval windowBack(Interval o, int64_t stride, int64_t padBefore, int64_t effectiveKernel)
{
    if (o.empty())
        return o;
    return {o.first * stride - padBefore, o.last * stride - padBefore + effectiveKernel - 1};
}

Interval tileBack(Interval o, int64_t n)
{
    if (o.empty())
        return o;
    if (o.size() >= n)
        return whole(n);
    const int64_t a = o.first % n, b = o.last % n;
    return a <= b ? Interval{a, b} : whole(n); // a wrapped region touches both ends: the whole axis
}

void requireRank(const std::vector<Interval>& box, size_t rank, const char* what)
{
    if (box.size() != rank)
        throw std::invalid_argument(std::string("the ") + what + " region has " + std::to_string(box.size())
                                    + " axes but the tensor has rank " + std::to_string(rank));
}

// How one spatial axis of a layer maps output indices back to input indices, built once per layer
// and axis so that a per-index query (step-through) costs O(1) and a range query O(range).
struct AxisRule {
    enum class Kind { Window, Repeat, Resize, Whole };
    Kind kind = Kind::Whole;
    int64_t inSize = 0;
    int64_t stride = 1, padBefore = 0, extent = 1; // Window: [o·s − pad, o·s − pad + extent − 1]
    int64_t factor = 1;                            // Repeat: ⌊o / factor⌋
    std::vector<AxisTaps> taps;                    // Resize (empty: same-size copy)
    int64_t offset = 0;                            // Resize: + crop offset / − pad
    // Conv2D with an axis −1 activation along this axis (channels_first width): the activated
    // index o reads conv indices [o, o + widen], or the whole conv axis.
    int64_t widen = 0;
    bool widenToAll = false;
    int64_t convSize = 0;

    std::pair<Interval, Interval> apply(Interval o, Interval u) const
    {
        if (o.empty())
            return {o, o};
        if (widenToAll) {
            o = u = whole(convSize);
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
            return {whole(inSize), whole(inSize)};
        }
        return {whole(inSize), whole(inSize)};
    }
};

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

// The rows and columns rules of a layer with a data_format; nullopt for Tile.
std::optional<std::array<AxisRule, 2>> spatialRules(const Layer& layer, const Shape& inputShape)
{
    const DataFormat format = layerDataFormat(layer).value_or(DataFormat::ChannelsLast);
    const AxisRoles in = axisRoles(inputShape.size(), format);
    if (in.rows < 0)
        return std::nullopt;
    const int64_t H = inputShape[static_cast<size_t>(in.rows)], W = inputShape[static_cast<size_t>(in.cols)];
    std::array<AxisRule, 2> rules;
    if (const auto* pool = dynamic_cast<const AveragePooling2D*>(&layer)) {
        const auto& p = pool->params();
        const auto s = p.effectiveStrides();
        rules[0] = windowRule(H, p.poolSize[0], s[0], 1, p.padding, "height");
        rules[1] = windowRule(W, p.poolSize[1], s[1], 1, p.padding, "width");
    } else if (const auto* conv = dynamic_cast<const Conv2D*>(&layer)) {
        const auto& p = conv->params();
        rules[0] = windowRule(H, p.kernelSize[0], p.strides[0], p.dilationRate[0], p.padding, "height");
        rules[1] = windowRule(W, p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding, "width");
        const Activation activation = *activationFromName(p.activation);
        if (p.dataFormat == DataFormat::ChannelsFirst && actsAlongLastAxis(activation)) {
            // Axis −1 is the width: softmax & co. read the whole conv row, glu also the gate half.
            const int64_t OW = windowAxis("width", W, p.kernelSize[1], p.strides[1], p.dilationRate[1], p.padding).output;
            rules[1].convSize = OW;
            if (activation == Activation::Glu)
                rules[1].widen = OW / 2;
            else
                rules[1].widenToAll = true;
        }
    } else if (dynamic_cast<const GlobalAveragePooling2D*>(&layer)) {
        rules[0].inSize = H;
        rules[1].inSize = W;
    } else if (const auto* up = dynamic_cast<const UpSampling2D*>(&layer)) {
        const auto& p = up->params();
        const Interpolation mode = *p.interpolationMode();
        for (int a = 0; a < 2; ++a) {
            const int64_t n = a == 0 ? H : W;
            if (mode == Interpolation::Nearest) {
                rules[a].kind = AxisRule::Kind::Repeat;
                rules[a].inSize = n;
                rules[a].factor = p.size[a];
            } else {
                const bool copy = copiesWhenSameSize(resizeMethod(mode, false)) && p.size[0] == 1 && p.size[1] == 1;
                rules[a] = resizeRule(n, mode, false, n, n * p.size[a], 0, copy);
            }
        }
    } else if (const auto* resizing = dynamic_cast<const Resizing*>(&layer)) {
        const auto& p = resizing->params();
        const Interpolation mode = *p.interpolationMode();
        AspectFit fit;
        if (p.cropToAspectRatio)
            fit = cropToAspectRatio(H, W, p.height, p.width);
        else if (p.padToAspectRatio)
            fit = padToAspectRatio(H, W, p.height, p.width);
        const bool none = fit.kind == AspectFit::Kind::None;
        const int64_t sign = fit.kind == AspectFit::Kind::Pad ? -1 : 1;
        const int64_t fitH = none ? H : fit.height, fitW = none ? W : fit.width;
        const bool copy = copiesWhenSameSize(resizeMethod(mode, p.antialias)) && fitH == p.height && fitW == p.width;
        rules[0] = resizeRule(H, mode, p.antialias, fitH, p.height, none ? 0 : sign * fit.top, copy);
        rules[1] = resizeRule(W, mode, p.antialias, fitW, p.width, none ? 0 : sign * fit.left, copy);
    } else {
        return std::nullopt;
    }
    return rules;
}

} // namespace

RegionMapping mapRegionBack(const Layer& layer, const Shape& inputShape, const std::vector<Interval>& outClipped,
                            const std::vector<Interval>& outUnclipped)
{
    const LayerShape shape = layer.inferShape(inputShape);
    requireRank(outClipped, shape.output.size(), "output");
    requireRank(outUnclipped, shape.output.size(), "output (unclipped)");
    const size_t rank = inputShape.size();
    RegionMapping m;
    m.clipped.assign(rank, Interval{});
    m.unclipped.assign(rank, Interval{});

    if (dynamic_cast<const Tile*>(&layer)) {
        // keras.ops.tile's alignment: the input gains leading size-1 axes up to the output rank.
        const size_t lead = shape.output.size() - rank;
        for (size_t a = 0; a < rank; ++a)
            m.clipped[a] = m.unclipped[a] = tileBack(outClipped[a + lead], inputShape[a]);
        return m;
    }
    const auto rules = spatialRules(layer, inputShape);
    if (!rules)
        throw std::invalid_argument("no receptive-field rule for layer class " + layer.className());
    const DataFormat format = *layerDataFormat(layer);
    const AxisRoles in = axisRoles(rank, format), out = axisRoles(shape.output.size(), format);
    auto at = [](const std::vector<Interval>& box, int axis) { return box[static_cast<size_t>(axis)]; };
    if (in.batch >= 0) {
        m.clipped[static_cast<size_t>(in.batch)] = at(outClipped, out.batch);
        m.unclipped[static_cast<size_t>(in.batch)] = at(outUnclipped, out.batch);
    }
    // Channels: copied, except Conv2D, which reads its filters' groups (and, with an axis −1
    // activation over the filters, more filters than it writes).
    Interval channels = at(outClipped, out.channels);
    if (const auto* conv = dynamic_cast<const Conv2D*>(&layer)) {
        const auto& p = conv->params();
        const Activation activation = *activationFromName(p.activation);
        const int64_t F = p.filters, C = inputShape[static_cast<size_t>(in.channels)];
        const int64_t Fg = F / p.groups, Cg = C / p.groups;
        Interval filters = channels;
        if (p.dataFormat == DataFormat::ChannelsLast && actsAlongLastAxis(activation))
            filters = activation == Activation::Glu ? Interval{filters.first, filters.last + F / 2} : whole(F);
        channels = filters.empty() ? filters : Interval{(filters.first / Fg) * Cg, (filters.last / Fg + 1) * Cg - 1};
    }
    m.clipped[static_cast<size_t>(in.channels)] = m.unclipped[static_cast<size_t>(in.channels)] = channels;
    for (int a = 0; a < 2; ++a) {
        const int inAxis = a == 0 ? in.rows : in.cols, outAxis = a == 0 ? out.rows : out.cols;
        // GlobalAveragePooling2D without keepdims has no output spatial axes: the whole map.
        const Interval o = outAxis >= 0 ? at(outClipped, outAxis) : Interval{0, 0};
        const Interval u = outAxis >= 0 ? at(outUnclipped, outAxis) : Interval{0, 0};
        const auto [clipped, unclipped] = (*rules)[static_cast<size_t>(a)].apply(o, u);
        m.clipped[static_cast<size_t>(inAxis)] = clipped;
        m.unclipped[static_cast<size_t>(inAxis)] = unclipped;
    }
    return m;
}

std::vector<AxisWindow> spatialAxisWindows(const Layer& layer, const Shape& inputShape, int spatialAxis)
{
    if (spatialAxis != 0 && spatialAxis != 1)
        throw std::invalid_argument("spatialAxis must be 0 (rows) or 1 (columns)");
    const LayerShape shape = layer.inferShape(inputShape);
    const size_t a = static_cast<size_t>(spatialAxis);
    std::vector<AxisWindow> windows;
    if (dynamic_cast<const Tile*>(&layer)) {
        // Tile has no data_format: a rank-4 tensor's axes 1 and 2 are its rows and columns.
        if (shape.output.size() != 4)
            throw std::invalid_argument("Tile step-through needs a rank-4 output");
        const size_t lead = 4 - inputShape.size();
        const size_t outAxis = 1 + a;
        const int64_t n = outAxis >= lead ? inputShape[outAxis - lead] : 1;
        for (int64_t o = 0; o < shape.output[outAxis]; ++o) {
            const Interval v{o % n, o % n};
            windows.push_back({v, v});
        }
        return windows;
    }
    const auto rules = spatialRules(layer, inputShape);
    if (!rules)
        throw std::invalid_argument("no receptive-field rule for layer class " + layer.className());
    const AxisRoles out = axisRoles(shape.output.size(), *layerDataFormat(layer));
    const int outAxis = a == 0 ? out.rows : out.cols;
    const int64_t count = outAxis >= 0 ? shape.output[static_cast<size_t>(outAxis)] : 1;
    windows.reserve(static_cast<size_t>(count));
    for (int64_t o = 0; o < count; ++o) {
        const auto [clipped, unclipped] = (*rules)[a].apply({o, o}, {o, o});
        windows.push_back({clipped, unclipped});
    }
    return windows;
}

ReceptiveField receptiveField(const Pipeline& pipeline, const Shape& inputShape, size_t layerIndex, Interval rows,
                              Interval cols, int64_t batch)
{
    if (layerIndex >= pipeline.layers.size())
        throw std::invalid_argument("layer " + std::to_string(layerIndex) + " does not exist (the pipeline has "
                                    + std::to_string(pipeline.layers.size()) + " layers)");
    const ChainShapes chain = inferChain(pipeline, inputShape);
    if (chain.failedLayer && *chain.failedLayer <= layerIndex)
        throw std::invalid_argument("layer " + std::to_string(*chain.failedLayer) + " fails: " + chain.error);

    // Each tensor's format: its producer's; the input takes the first layer's with one.
    std::vector<DataFormat> formats(layerIndex + 2, DataFormat::ChannelsLast);
    for (size_t i = 0; i < pipeline.layers.size(); ++i)
        if (auto f = layerDataFormat(*pipeline.layers[i])) {
            formats[0] = *f;
            break;
        }
    for (size_t i = 0; i <= layerIndex; ++i)
        formats[i + 1] = layerDataFormat(*pipeline.layers[i]).value_or(formats[i]);

    ReceptiveField field;
    field.tensors.resize(layerIndex + 2);
    for (size_t t = 0; t < field.tensors.size(); ++t) {
        field.tensors[t].shape = t == 0 ? inputShape : chain.layers[t - 1].output;
        field.tensors[t].format = formats[t];
    }

    // The selected region, clipped to the output.
    TensorRegion& selected = field.tensors.back();
    const AxisRoles roles = axisRoles(selected.shape.size(), selected.format);
    selected.clipped.resize(selected.shape.size());
    for (size_t a = 0; a < selected.shape.size(); ++a) {
        const int axis = static_cast<int>(a);
        const int64_t n = selected.shape[a];
        Interval v = whole(n);
        if (axis == roles.batch)
            v = clip({batch, batch}, n);
        else if (axis == roles.rows)
            v = clip(rows, n);
        else if (axis == roles.cols)
            v = clip(cols, n);
        selected.clipped[a] = v;
    }
    selected.unclipped = selected.clipped;

    for (size_t i = layerIndex + 1; i-- > 0;) {
        const Layer& layer = *pipeline.layers[i];
        const RegionMapping m = mapRegionBack(layer, field.tensors[i].shape, field.tensors[i + 1].clipped,
                                              field.tensors[i + 1].unclipped);
        field.tensors[i].clipped = m.clipped;
        field.tensors[i].unclipped = m.unclipped;
    }

    const TensorRegion& input = field.tensors.front();
    field.height = input.rows().size();
    field.width = input.cols().size();
    field.extentHeight = input.rowsUnclipped().size();
    field.extentWidth = input.colsUnclipped().size();
    if (input.spatial()) {
        field.text = std::to_string(field.height) + "×" + std::to_string(field.width) + " input pixels (rows "
                   + std::to_string(input.rows().first) + "…" + std::to_string(input.rows().last) + ", columns "
                   + std::to_string(input.cols().first) + "…" + std::to_string(input.cols().last) + ")";
        if (field.extentHeight != field.height || field.extentWidth != field.width)
            field.text += "; " + std::to_string(field.extentHeight) + "×" + std::to_string(field.extentWidth)
                        + " including the padding outside the image";
    } else {
        field.text = "the input has no spatial axes";
    }
    return field;
}

} // namespace layerscope
