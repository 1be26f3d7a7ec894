#pragma once
// SeparableConv2D (Keras 3, TF backend; SEMANTICS_MORE.md §16): a depthwise stage (as
// DepthwiseConv2D, without bias or activation) whose float32 result is multiplied per pixel by the
// pointwise kernel, then the bias and the activation:
//   d[b, oy, ox, c·M + m] = Σ_{ky, kx} x[b, oy·sh − top + ky·dh, ox·sw − left + kx·dw, c] · DK[ky, kx, c, m]
//   out[b, oy, ox, f]     = act(bias[f] + Σ_{q < C·M} d[b, oy, ox, q] · PK[0, 0, q, f])
// Strides, dilation and padding apply to the depthwise stage only; the shape is Conv2D's rule with
// `filters` channels (Keras's underflow message names kernel shape kernel_size + (C, filters)).
// Keras 3.15 accepts strides > 1 with dilation > 1. channels_first runs as NHWC between transposes.
// How it runs: the depthwise kernel of depthwise_conv2d.h into a scratch tensor (guarded), then
// the pointwise GEMM of dense.h with the bias and activation fused.
// Fields: filters (> 0; 1 here so that a default layer runs), kernelSize, strides, padding,
// depthMultiplier, dataFormat, dilationRate, activation, useBias as DepthwiseConv2D / Conv2D;
//   depthwiseKernel  stored (kh, kw, C, M) or empty: seeded Glorot (seed fnv1a32(name))
//   pointwiseKernel  stored (1, 1, C·M, filters) or empty: seeded Glorot (seed
//                    fnv1a32(name + "/pointwise_kernel"); fan_in C·M, fan_out filters)
//   bias             stored (filters) or empty: zeros
// File: "weights": {"depthwise_kernel": {...}, "pointwise_kernel": {...}, "bias": {...}} (Keras's
// names and get_weights() order).

#include "depthwise_conv2d.h"

namespace layerscope {

struct SeparableConv2DParams {
    int64_t filters = 1;
    DepthwiseStage stage;
    std::string activation = "linear";
    bool useBias = true;
    WeightEntry depthwiseKernel; // (kh, kw, C, M)
    WeightEntry pointwiseKernel; // (1, 1, C·M, filters)
    WeightEntry bias;            // (filters)
    bool operator==(const SeparableConv2DParams&) const = default;
};

class SeparableConv2D final : public Layer {
public:
    static constexpr const char* kClassName = "SeparableConv2D";
    static constexpr const char* kNameStem = "separable_conv2d";
    static constexpr const char* kIconLabel = "SC";
    static constexpr uint32_t kIconColour = 0xb8562e;
    static constexpr const char* kCategory = "Convolution";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit SeparableConv2D(std::string name, SeparableConv2DParams params = {})
        : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<SeparableConv2D> fromJson(const nlohmann::json& layerObject);

    const SeparableConv2DParams& params() const { return m_params; }
    std::vector<float> resolvedDepthwiseKernel(int64_t inputChannels) const;
    std::vector<float> resolvedPointwiseKernel(int64_t inputChannels) const;
    std::vector<float> resolvedBias() const;

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<SeparableConv2D>(*this); }
    bool makesSignedValues() const override { return true; }

    std::optional<DataFormat> dataFormat() const override { return m_params.stage.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;
    std::optional<WindowConfig> slidingWindow(const Shape& input, int spatialAxis) const override;
    long double generatedWeightCount(const Shape& input) const override;
    std::vector<NamedArray> kerasWeights(const Shape& input) const override;
    // Stored weights follow the edited parameters (refitWeight: the overlap kept, new parts the
    // seeded default of a new layer of this name); beyond 2^22 values they are dropped instead.
    void refitStoredWeights(nlohmann::json& edited, const Shape& input) const override;

private:
    SeparableConv2DParams m_params;
};

} // namespace layerscope
