#include "tile.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "../streaming_copy.h"

#include <cstring>
#include <stdexcept>

namespace layerscope {

std::unique_ptr<Tile> Tile::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    TileParams p;
    const nlohmann::json& m = config.contains("multiples") ? config.at("multiples") : config.value("repeats", nlohmann::json());
    if (m.is_number_integer()) {
        p.multiples = {m.get<int64_t>()};
    } else if (m.is_array()) {
        p.multiples.clear();
        for (const auto& v : m) {
            if (!v.is_number_integer())
                throw std::invalid_argument("`multiples` must be a list of integers. Received: multiples=" + m.dump());
            p.multiples.push_back(v.get<int64_t>());
        }
    } else {
        throw std::invalid_argument("`multiples` must be a list of integers. Received: multiples=" + m.dump());
    }
    return std::make_unique<Tile>(readString(config, "name", "tile"), p);
}

nlohmann::json Tile::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"multiples", m_params.multiples}};
}

std::string Tile::summary() const
{
    std::string text = "×[";
    for (size_t i = 0; i < m_params.multiples.size(); ++i)
        text += (i ? ", " : "") + std::to_string(m_params.multiples[i]);
    return text + "]";
}

std::pair<Shape, std::vector<int64_t>> Tile::aligned(const Shape& input) const
{
    Shape shape = input;
    std::vector<int64_t> multiples = m_params.multiples;
    while (multiples.size() < shape.size())
        multiples.insert(multiples.begin(), 1);
    while (shape.size() < multiples.size())
        shape.insert(shape.begin(), 1);
    return {shape, multiples};
}

LayerShape Tile::inferShape(const Shape& input) const
{
    if (m_params.multiples.empty())
        throw error("`multiples` must not be empty");
    if (m_params.multiples.size() > 4)
        throw error("`multiples` has " + std::to_string(m_params.multiples.size())
                    + " entries; LayerScope tensors have at most 4 axes");
    const auto [shape, multiples] = aligned(input);
    static const char* names4[] = {"batch", "height", "width", "channels"};
    LayerShape result;
    for (size_t d = 0; d < shape.size(); ++d) {
        const std::string axis = shape.size() == 4 ? names4[d] : shape.size() == 2 && d == 1 ? "channels"
                                                                                         : "axis " + std::to_string(d);
        if (multiples[d] < 0)
            throw error("Expected multiples[" + std::to_string(d) + "] >= 0, but got " + std::to_string(multiples[d]));
        if (multiples[d] == 0)
            throw error("multiples[" + std::to_string(d) + "] = 0 would give an empty " + axis + " axis: "
                        + std::to_string(shape[d]) + " · 0 = 0");
        // scaledAxis checks the product for overflow (multiples of 2^62 are typeable).
        result.axes.push_back(scaledAxis(axis, shape[d], multiples[d], "multiples[" + std::to_string(d) + "]"));
        result.output.push_back(result.axes.back().output);
    }
    return result;
}

Tensor Tile::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    // Plain variables, not a structured binding: the lambda below captures them (clang < 16
    // cannot capture structured bindings).
    auto alignedShapes = aligned(input.shape());
    Shape inShape = std::move(alignedShapes.first);
    std::vector<int64_t> multiples = std::move(alignedShapes.second);
    // Fold trailing axes that are not repeated into the one before: (…, W, C) with multiples
    // (…, m, 1) is a row of W·C floats repeated m times, so each copy is one long memcpy instead
    // of a memcpy per pixel.
    while (inShape.size() > 1 && multiples.back() == 1) {
        const int64_t last = inShape.back();
        inShape.pop_back();
        multiples.pop_back();
        inShape.back() *= last;
    }
    Shape outShape(inShape.size());
    for (size_t d = 0; d < inShape.size(); ++d)
        outShape[d] = inShape[d] * multiples[d];
    const int rank = static_cast<int>(outShape.size());
    Tensor output = Tensor::uninitialized(shape.output);
    const int64_t inRow = inShape[rank - 1];
    const int64_t outRow = outShape[rank - 1];
    const int64_t rows = output.size() / outRow;
    const float* in = input.data();
    float* out = output.data();
    // Every output row (all axes but the last) copies one input row `multiples[last]` times.
    const bool streaming = useStreaming(output);
    parallelChunks(rows, 1, context, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
            int64_t rest = row, source = 0, stride = 1;
            for (int d = rank - 2; d >= 0; --d) {
                const int64_t index = rest % outShape[d];
                rest /= outShape[d];
                source += (index % inShape[d]) * stride;
                stride *= inShape[d];
            }
            const float* src = in + source * inRow;
            float* dst = out + row * outRow;
            for (int64_t m = 0; m < multiples[rank - 1]; ++m)
                copyFloats(dst + m * inRow, src, inRow, streaming);
        }
    });
    if (streaming)
        streamingFence();
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Tile::editorFields()
{
    return {{"multiples", "Multiples", FieldKind::IntList, {}, -1, 256, 4, "Repeats per axis (batch, height, width, channels)",
             {}}};
}

nlohmann::json Tile::fuzzJson(FuzzBytes& in, const std::string& name)
{
    nlohmann::json multiples = nlohmann::json::array();
    const int rank = 1 + in.next() % 5; // Tile aligns ranks: fewer or more multiples than axes
    for (int i = 0; i < rank; ++i)
        multiples.push_back(in.value());
    return {{"class_name", kClassName}, {"config", {{"name", name}, {"multiples", multiples}}}};
}

// ---- Keras code ------------------------------------------------------------------------------

static const char* kTileLayer = R"(
class Tile(keras.layers.Layer):
    """keras.ops.tile as a layer (LayerScope's Tile): out[i] = x[i mod n], with tile's rank alignment."""

    def __init__(self, multiples, **kwargs):
        super().__init__(**kwargs)
        self.multiples = tuple(int(m) for m in multiples)

    def call(self, x):
        return keras.ops.tile(x, self.multiples)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        reps = list(self.multiples)
        while len(reps) < len(shape):
            reps.insert(0, 1)
        while len(shape) < len(reps):
            shape.insert(0, 1)
        return tuple(None if s is None else s * r for s, r in zip(shape, reps))

    def get_config(self):
        return {**super().get_config(), "multiples": list(self.multiples)}
)";

KerasConstructor Tile::kerasConstructor() const
{
    return {"layerscope", "Tile", kTileLayer};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation Tile::explainOutputCell(const Tensor& input, const Shape& outShape, const CellIndex& o) const
{
    const Shape& inShape = input.shape();
    const size_t rank = outShape.size();
    // keras.ops.tile's alignment: multiples left-padded with 1s, the input with size-1 axes.
    std::vector<int64_t> multiples = m_params.multiples;
    while (multiples.size() < rank)
        multiples.insert(multiples.begin(), 1);
    Shape aligned = inShape;
    while (aligned.size() < rank)
        aligned.insert(aligned.begin(), 1);
    const std::vector<int64_t> outIndex = axisIndex(o, rank, DataFormat::ChannelsLast);
    std::vector<int64_t> source(rank);
    std::vector<std::string> steps;
    static const char* names4[] = {"b", "y", "x", "c"};
    for (size_t a = 0; a < rank; ++a) {
        source[a] = outIndex[a] % aligned[a];
        if (multiples[a] > 1) {
            const std::string name = rank == 4 ? names4[a] : "axis " + std::to_string(a);
            steps.push_back(name + " " + std::to_string(outIndex[a]) + " mod " + std::to_string(aligned[a]) + " = "
                            + std::to_string(source[a]));
        }
    }
    const std::vector<int64_t> inIndex(source.end() - static_cast<std::ptrdiff_t>(inShape.size()), source.end());
    CellExplanation e;
    e.kind = ExplanationKind::Tile;
    ContributingCell cell;
    cell.cell = cellFromAxes(inIndex);
    cell.value = input[tensorOffset(inShape, cell.cell)];
    cell.windowY = cell.windowX = 0;
    e.cells.push_back(cell);
    e.cellCount = 1;
    e.window = e.clipped = {cell.cell.y, cell.cell.y, cell.cell.x, cell.cell.x};
    e.value = cell.value;
    e.exact = true;
    e.summary = "tile repeats the whole tensor: " + (steps.empty() ? std::string("no axis is repeated") : joinTerms(steps, ", "))
              + " → x" + cellText(cell.cell) + " = " + formatValue(e.value);
    return e;
}

// o mod n; a region that wraps or is at least n long covers the axis.
static Interval tileBack(Interval o, int64_t n)
{
    if (o.empty())
        return o;
    if (o.size() >= n)
        return wholeAxis(n);
    const int64_t a = o.first % n, b = o.last % n;
    return a <= b ? Interval{a, b} : wholeAxis(n); // a wrapped region touches both ends: the whole axis
}

RegionMapping Tile::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                    const std::vector<Interval>& /*unclipped*/) const
{
    // keras.ops.tile's alignment: the input gains leading size-1 axes up to the output rank.
    const size_t rank = input.size();
    const size_t lead = output.size() - rank;
    RegionMapping m;
    m.clipped.assign(rank, Interval{});
    m.unclipped.assign(rank, Interval{});
    for (size_t a = 0; a < rank; ++a)
        m.clipped[a] = m.unclipped[a] = tileBack(clipped[a + lead], input[a]);
    return m;
}

std::vector<AxisWindow> Tile::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    // Tile has no data_format: a rank-4 tensor's axes 1 and 2 are its rows and columns.
    if (output.size() != 4)
        throw std::invalid_argument("Tile step-through needs a rank-4 output");
    const size_t lead = 4 - input.size();
    const size_t outAxis = 1 + static_cast<size_t>(spatialAxis);
    const int64_t n = outAxis >= lead ? input[outAxis - lead] : 1;
    std::vector<AxisWindow> windows;
    for (int64_t o = 0; o < output[outAxis]; ++o) {
        const Interval v{o % n, o % n};
        windows.push_back({v, v});
    }
    return windows;
}

} // namespace layerscope
