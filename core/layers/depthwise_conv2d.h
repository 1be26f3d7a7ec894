#pragma once
// DepthwiseConv2D (Keras 3, TF backend; SEMANTICS_MORE.md §15). Each input channel c is convolved
// with its own M = depth_multiplier kernels (cross-correlation, zeros outside the image), output
// channel c·M + m, bias after the sum, then the activation:
//   out[b, oy, ox, c·M + m] = act(bias[c·M + m] + Σ_{ky<kh, kx<kw}
//                             x[b, oy·sh − top + ky·dh, ox·sw − left + kx·dw, c] · K[ky, kx, c, m])
// Shape per spatial axis exactly as Conv2D (valid ⌊(n − ek) / s⌋ + 1, ≤ 0 an error with Keras's
// message naming kernel shape kernel_size + (C, C·M); same ⌈n / s⌉, the smaller pad half top/left),
// channels C·M. Keras 3.15 accepts strides > 1 together with dilation > 1 (checked: the result is
// the formula above). channels_first runs as NHWC between two transposes, as TF on a CPU does.
// An axis −1 activation acts on the channels (channels_last) or the WIDTH (channels_first).
// Accumulation: float32, taps in (ky, kx) order; TF's order is unspecified (rtol = atol = 1e-5).
// How it runs: output rows (b, oy) across threads; per row, each tap adds x·K over the whole
// row, channels innermost (NHWC), one vectorised multiply-add over the C·M channels per output
// pixel (for M > 1 on the input row widened to C·M values per pixel first).
// Fields:
//   kernelSize       (kh, kw), each > 0 (Keras requires it; 3×3 here)
//   strides          (sh, sw), default (1, 1), each > 0
//   padding          valid (default) | same
//   depthMultiplier  M, default 1, > 0
//   dataFormat       channels_last (default) | channels_first
//   dilationRate     (dh, dw), default (1, 1), each > 0
//   activation       Keras name (activations.h), default "linear"
//   useBias          default true
//   kernel           stored (kh, kw, C, M) weights, or empty: the seeded Glorot-uniform default of
//                    weight_entry.h (seed fnv1a32(name); fan_in kh·kw·C, fan_out kh·kw·M as Keras)
//   bias             stored (C·M), or empty: zeros
// File: "weights": {"kernel": {"shape": [kh, kw, C, M], ...}, "bias": {"shape": [C·M], ...}}.
// Keras 3 names the kernel variable "kernel" (checked in Keras 3.15.1); tf.keras 2 called it
// "depthwise_kernel", which is accepted on load as the same weight.

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../weights/weight_entry.h"
#include "activations.h"
#include "conv2d.h"

#include <array>
#include <string>

namespace layerscope {

// The depthwise stage's parameters (shared with SeparableConv2D).
struct DepthwiseStage {
    std::array<int64_t, 2> kernelSize{3, 3};
    std::array<int64_t, 2> strides{1, 1};
    Padding padding = Padding::Valid;
    int64_t depthMultiplier = 1;
    DataFormat dataFormat = DataFormat::ChannelsLast;
    std::array<int64_t, 2> dilationRate{1, 1};
    bool operator==(const DepthwiseStage&) const = default;

    // Reads kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate.
    static DepthwiseStage fromConfig(const nlohmann::json& config);
    void writeConfig(nlohmann::json& config) const;
    // Keras's constructor checks (standardize_tuple, depth_multiplier): "" or the message.
    std::string parameterError() const;
    // The two sliding-window axes of an NHWC input.
    std::array<WindowAxis, 2> windows(const Shape& nhwc) const;
    Conv2DGeometry geometry(const Shape& nhwc) const;
    std::string summary() const;
};

struct DepthwiseConv2DParams {
    DepthwiseStage stage;
    std::string activation = "linear";
    bool useBias = true;
    WeightEntry kernel; // (kh, kw, C, M)
    WeightEntry bias;   // (C·M)
    bool operator==(const DepthwiseConv2DParams&) const = default;
};

class DepthwiseConv2D final : public Layer {
public:
    static constexpr const char* kClassName = "DepthwiseConv2D";
    static constexpr const char* kNameStem = "depthwise_conv2d";
    static constexpr const char* kIconLabel = "DW";
    static constexpr uint32_t kIconColour = 0xc7862b;
    static constexpr const char* kCategory = "Convolution";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit DepthwiseConv2D(std::string name, DepthwiseConv2DParams params = {})
        : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<DepthwiseConv2D> fromJson(const nlohmann::json& layerObject);

    const DepthwiseConv2DParams& params() const { return m_params; }
    std::vector<float> resolvedKernel(int64_t inputChannels) const;
    std::vector<float> resolvedBias(int64_t inputChannels) const;

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<DepthwiseConv2D>(*this); }
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
    DepthwiseConv2DParams m_params;
};

// The NHWC depthwise kernel (also SeparableConv2D's first stage): output (B, OH, OW, C·M), kernel
// (kh, kw, C, M), bias C·M values or null, `fused` elementwise or along the C·M channels (not glu).
void depthwiseNhwc(const Tensor& input, Tensor& output, const float* kernel, const float* bias,
                   const Conv2DGeometry& geometry, int64_t depthMultiplier, Activation fused,
                   const ExecContext& context);
// depthwiseNhwc's row for depth_multiplier 1 and C a multiple of 8 (depthwise_rows.cpp): output row
// (b, oy) of OW pixels summed in registers and written once, bias first and then the taps in the
// general loop's order; non-temporal stores when `streaming`.
bool depthwiseRowInRegistersApplies(int64_t C, int64_t depthMultiplier);
void depthwiseRowInRegisters(const float* in, int64_t H, int64_t W, int64_t C, int64_t b, int64_t oy, int64_t OW,
                             const float* kernel, const float* bias, const Conv2DGeometry& geometry, float* outputRow,
                             bool streaming);
// Bytes of scratch depthwiseNhwc allocates (the widened input rows for M > 1, one per thread).
int64_t depthwiseScratchBytes(const Shape& inputNhwc, int64_t depthMultiplier, const ExecContext& context);
// Σ_{ky, kx} x·K of one output value (b, oy, ox, q = c·M + m) in double, listing the window's
// cells (with `weight` the tap's kernel weight, dilation gaps and padding flagged) when asked.
double depthwiseDot(const Tensor& nhwcOrNchwInput, DataFormat format, const std::vector<float>& kernel,
                    const DepthwiseStage& stage, const std::array<WindowAxis, 2>& windows, int64_t C, int64_t b,
                    int64_t oy, int64_t ox, int64_t q, std::vector<ContributingCell>* cells, int64_t* paddingTaps);

} // namespace layerscope
