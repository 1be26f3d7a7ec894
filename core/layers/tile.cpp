#include "tile.h"

#include "../config_parse.h"
#include "../parallel.h"
#include "../streaming_copy.h"

#include <cstring>

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

} // namespace layerscope
