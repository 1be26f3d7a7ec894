#pragma once
// A dense float32 tensor of rank 1..4 in row-major order (the last axis varies fastest).
// Layers see NHWC (channels_last) data; channels_first is converted at the layer edge (layout.h).
// Storage is uninitialised on construction when asked (Tensor::uninitialized) because kernels
// overwrite every element and zero-filling a 256 MB output costs a whole extra memory pass.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace layerscope {

using Shape = std::vector<int64_t>;

// "1×150×225×4" (or with another separator, e.g. "," for the CLI).
std::string shapeToString(const Shape& shape, const std::string& separator = "×");
// Keras/Python style "(1, 150, 225, 4)".
std::string shapeToTuple(const Shape& shape);
// Product of the dimensions; throws std::overflow_error past 2^62.
int64_t elementCount(const Shape& shape);

// Frees (or recycles, see tensor.cpp) a tensor's 64-byte-aligned buffer of `bytes` bytes.
struct TensorBufferDelete {
    size_t bytes = 0;
    void operator()(float* p) const;
};

class Tensor {
public:
    Tensor() = default;
    // Zero-filled.
    explicit Tensor(Shape shape);
    Tensor(Shape shape, std::vector<float> values);
    static Tensor uninitialized(Shape shape);

    Tensor(const Tensor& other);
    Tensor& operator=(const Tensor& other);
    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;

    const Shape& shape() const { return m_shape; }
    int rank() const { return static_cast<int>(m_shape.size()); }
    int64_t dim(int axis) const { return m_shape.at(static_cast<size_t>(axis < 0 ? axis + rank() : axis)); }
    int64_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    int64_t byteSize() const { return m_size * static_cast<int64_t>(sizeof(float)); }

    float* data() { return m_data.get(); }
    const float* data() const { return m_data.get(); }
    float& operator[](int64_t i) { return m_data[static_cast<size_t>(i)]; }
    float operator[](int64_t i) const { return m_data[static_cast<size_t>(i)]; }

    // Rank-4 NHWC access (b, y, x, c); no bounds checks beyond debug asserts.
    float at(int64_t b, int64_t y, int64_t x, int64_t c) const;
    float& at(int64_t b, int64_t y, int64_t x, int64_t c);

    // Same element count, new shape (no copy).
    Tensor reshaped(Shape shape) const&;
    Tensor reshaped(Shape shape) &&;

    std::vector<float> toVector() const;
    bool operator==(const Tensor& other) const; // exact, element-wise (NaN != NaN)

private:
    using AlignedDelete = TensorBufferDelete;
    static std::unique_ptr<float[], AlignedDelete> allocate(int64_t count);

    Shape m_shape;
    int64_t m_size = 0;
    std::unique_ptr<float[], AlignedDelete> m_data;
};

} // namespace layerscope
