#include "flatten.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "reshaping_support.h"

#include <stdexcept>

namespace layerscope {

std::unique_ptr<Flatten> Flatten::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    FlattenParams p;
    p.dataFormat = parseDataFormat(config.value("data_format", nlohmann::json()));
    return std::make_unique<Flatten>(readString(config, "name", "flatten"), p);
}

nlohmann::json Flatten::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"},
            {"data_format", dataFormatName(m_params.dataFormat)}};
}

std::string Flatten::summary() const
{
    return m_params.dataFormat == DataFormat::ChannelsFirst ? "flatten (channels moved last)" : "flatten";
}

std::vector<size_t> Flatten::flattenOrder(size_t rank) const
{
    std::vector<size_t> order;
    const bool moveChannels = m_params.dataFormat == DataFormat::ChannelsFirst && rank > 2;
    for (size_t a = moveChannels ? 2 : 1; a < rank; ++a)
        order.push_back(a);
    if (moveChannels)
        order.push_back(1);
    return order;
}

LayerShape Flatten::inferShape(const Shape& input) const
{
    if (input.empty())
        throw error("Input 0 of layer '" + name() + "' is incompatible with the layer: expected min_ndim=1, found ndim=0.");
    int64_t product = 1;
    std::string factors;
    for (size_t a = 1; a < input.size(); ++a) {
        if (__builtin_mul_overflow(product, input[a], &product))
            throw std::overflow_error("Flatten output size overflows");
        factors += (a > 1 ? " · " : "") + std::to_string(input[a]);
    }
    LayerShape result;
    result.output = {input[0], product};
    AxisExplanation flat;
    flat.axis = "features";
    flat.rule = "product of the non-batch axes";
    flat.input = product;
    flat.output = product;
    flat.arithmetic = input.size() == 1 ? "a rank-1 input gains an axis of 1"
                                        : factors + " = " + std::to_string(product)
                                              + (flattenOrder(input.size()).back() == 1 && input.size() > 2
                                                     ? " (channels_first: read in H, W, C order)"
                                                     : "");
    result.axes = {copiedAxis("batch", input[0]), flat};
    return result;
}

Tensor Flatten::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    const size_t rank = input.shape().size();
    if (m_params.dataFormat == DataFormat::ChannelsLast || rank <= 2) {
        context.throwIfCancelled();
        return input.reshaped(shape.output);
    }
    // channels_first: (B, C, S) → (B, S, C) per batch item, S the spatial cells in row-major order.
    const int64_t B = input.dim(0), C = input.dim(1);
    const int64_t S = input.size() / std::max<int64_t>(1, B * C);
    Tensor output = Tensor::uninitialized(shape.output);
    const float* in = input.data();
    float* out = output.data();
    parallelChunks(B * S, /*grain=*/64, context, [&](int64_t begin, int64_t end) {
        for (int64_t bs = begin; bs < end; ++bs) {
            const int64_t b = bs / S, s = bs % S;
            const float* src = in + b * C * S + s;
            float* dst = out + bs * C;
            for (int64_t c = 0; c < C; ++c)
                dst[c] = src[c * S];
        }
    });
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Flatten::editorFields()
{
    FieldSpec format = dataFormatField();
    format.toolTip = "channels_first: the channels are moved last before flattening (H, W, C order)";
    return {format};
}

nlohmann::json Flatten::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName}, {"config", {{"name", name}, {"data_format", in.dataFormat()}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation Flatten::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& o) const
{
    const Shape& s = input.shape();
    const std::vector<size_t> order = flattenOrder(s.size());
    Shape orderedDims;
    for (size_t a : order)
        orderedDims.push_back(s[a]);
    const std::vector<int64_t> ordered = s.size() > 1 ? unravelIndex(o.c, orderedDims) : std::vector<int64_t>{};
    std::vector<int64_t> source(s.size(), 0);
    source[0] = o.b;
    for (size_t i = 0; i < order.size(); ++i)
        source[order[i]] = ordered[i];
    CellExplanation e;
    e.kind = ExplanationKind::Copy;
    ContributingCell cell;
    cell.cell = cellFromStorage(source, m_params.dataFormat);
    cell.value = input[ravelIndex(source, s)];
    cell.windowY = cell.windowX = 0;
    e.cells.push_back(cell);
    e.cellCount = 1;
    e.value = cell.value;
    e.exact = true;
    e.window = e.clipped = {cell.cell.y, cell.cell.y, cell.cell.x, cell.cell.x};
    e.summary = "copied from input index " + indexText(source) + " = " + formatValue(e.value);
    std::string dims, digits;
    for (size_t i = 0; i < order.size(); ++i) {
        dims += (i ? " × " : "") + std::to_string(orderedDims[i]);
        digits += (i ? ", " : "") + std::to_string(ordered[i]);
    }
    if (s.size() > 1)
        e.details.push_back("feature " + std::to_string(o.c) + " in row-major order over " + dims + " is (" + digits
                            + ")" + (order.back() == 1 && s.size() > 2 ? ", channel last (channels_first moves the "
                                                                          "channels last before flattening)"
                                                                        : ""));
    return e;
}

RegionMapping Flatten::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                       const std::vector<Interval>& /*unclipped*/) const
{
    const std::vector<size_t> order = flattenOrder(input.size());
    Shape orderedDims;
    for (size_t a : order)
        orderedDims.push_back(input[a]);
    return mapRunsBack(input, output, clipped, [&](int64_t first, int64_t last) {
        std::vector<Interval> box(input.size() > 1 ? input.size() - 1 : 0);
        if (input.size() == 1)
            return box;
        const std::vector<Interval> ordered = flatRangeBox(first, last, orderedDims);
        for (size_t i = 0; i < order.size(); ++i)
            box[order[i] - 1] = ordered[i];
        return box;
    });
}

std::vector<AxisWindow> Flatten::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return slabWindows(input, output, m_params.dataFormat, spatialAxis, [&](const std::vector<Interval>& box) {
        return mapOutputRegion(input, output, box, box);
    });
}

} // namespace layerscope
