#pragma once
// GlobalAveragePooling2D (Keras 3, TF backend; SEMANTICS.md §2).
//   out[b, c] = (Σ over y, x of x[b, y, x, c]) / (H·W)
// Shape: channels_last (B, C), or (B, 1, 1, C) with keepdims; channels_first (B, C) or (B, C, 1, 1).
// TF reduces in Eigen's tree order, which is not reproducible bit for bit; we accumulate each
// channel in double and round once, which lands within TF's 1e-6 relative tolerance.
// Fields:
//   dataFormat channels_last (default) | channels_first
//   keepDims   false (default): keep the two spatial axes as size 1

#include "../layer.h"
#include "../layout.h"

namespace layerscope {

struct GlobalAveragePooling2DParams {
    DataFormat dataFormat = DataFormat::ChannelsLast;
    bool keepDims = false;
    bool operator==(const GlobalAveragePooling2DParams&) const = default;
};

class GlobalAveragePooling2D final : public Layer {
public:
    static constexpr const char* kClassName = "GlobalAveragePooling2D";
    explicit GlobalAveragePooling2D(std::string name, GlobalAveragePooling2DParams params = {})
        : Layer(std::move(name)), m_params(params) {}
    static std::unique_ptr<GlobalAveragePooling2D> fromJson(const nlohmann::json& layerObject);

    const GlobalAveragePooling2DParams& params() const { return m_params; }
    void setParams(const GlobalAveragePooling2DParams& params) { m_params = params; }

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<GlobalAveragePooling2D>(*this); }

private:
    GlobalAveragePooling2DParams m_params;
};

} // namespace layerscope
