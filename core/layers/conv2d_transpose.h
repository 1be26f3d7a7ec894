#pragma once
// Conv2DTranspose (Keras 3, TF backend; SEMANTICS_MORE.md §14): the gradient of a convolution
// with respect to its input, i.e. every input cell stamps its channels times the kernel into the
// output (kernel not flipped), the stamps cropped by TF's forward-SAME pad P, bias added after,
// then the activation:
//   y[b, oy, ox, f] = act(bias[f] + Σ_{iy, ix, ky, kx, c : iy·sh + ky·dh − P_top = oy,
//                                                      ix·sw + kx·dw − P_left = ox} x[b, iy, ix, c] · K[ky, kx, f, c])
// Output size per spatial axis (n input, k kernel, s stride, d dilation, ek = d·(k − 1) + 1, op
// output_padding):
//   valid: op None (n − 1)·s + max(ek, s), else (n − 1)·s + ek + op; P = 0
//   same:  op None n·s, else (n − 1)·s + (ek mod 2) + op; P = ⌊max(0, (n − 1)·s + ek − out) / 2⌋
// Output cells no stamp reaches are the bias alone. Errors in Keras's constructor order
// (standardize_tuple of kernel_size, strides, dilation_rate (> 0) and output_padding (≥ 0);
// activation; filters > 0; output_padding < strides per axis; strides > 1 with dilation > 1);
// InputSpec min_ndim=4, the stored kernel pinning C_in. TF itself fails for 'same' with an even
// effective kernel and output_padding 0 (its forward 'same' convolution of the output would not
// give back n: ⌈out / s⌉ ≠ n); we raise that at shape inference.
// Checked with Keras 3.15.1 / TF 2.21 (oneDNN CPU build): channels_first and dilation > 1 both run
// on the CPU and give the formula above (SEMANTICS_MORE.md §14.6 expected TF errors there).
// Accumulation float32; TF's order is unspecified (rtol = atol = 1e-5).
// How it runs: per image, blocks of input rows are multiplied by the kernel as one GEMM
// (pixels × C times C × kh·kw·F, Eigen, rows split across threads) into a column buffer, which is
// then gathered into the output row by row (col2im, output rows across threads so that no two
// threads write one row); blocks run in order, each adding onto the bias-initialised output.
// Fields:
//   filters        F, > 0 (Keras requires it; 1 here)
//   kernelSize     (kh, kw), each > 0 (3×3 here)
//   strides        default (1, 1)
//   padding        valid (default) | same
//   outputPadding  nullopt (Keras's None, the default) or (oph, opw), each ≥ 0 and < the stride
//   dataFormat     channels_last (default) | channels_first (NHWC between two transposes)
//   dilationRate   default (1, 1)
//   activation     Keras name, default "linear"
//   useBias        default true
//   kernel         stored (kh, kw, F, C_in) weights (filters BEFORE input channels, Keras's
//                  layout), or empty: the seeded Glorot draw of weight_entry.h (seed fnv1a32(name);
//                  Keras's fans for this shape: fan_in kh·kw·F, fan_out kh·kw·C_in)
//   bias           stored (F) or empty: zeros
// File: "weights": {"kernel": {"shape": [kh, kw, F, C_in], ...}, "bias": {"shape": [F], ...}}.
// Keras 3 has no `groups` argument: tf.keras 2's `groups: 1` (no grouping) is accepted, any other
// value is rejected with Keras's "Unrecognized keyword arguments" message.

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../weights/weight_entry.h"
#include "activations.h"

#include <array>
#include <optional>
#include <string>

namespace layerscope {

struct Conv2DTransposeParams {
    int64_t filters = 1;
    std::array<int64_t, 2> kernelSize{3, 3};
    std::array<int64_t, 2> strides{1, 1};
    Padding padding = Padding::Valid;
    std::optional<std::array<int64_t, 2>> outputPadding;
    DataFormat dataFormat = DataFormat::ChannelsLast;
    std::array<int64_t, 2> dilationRate{1, 1};
    std::string activation = "linear";
    bool useBias = true;
    WeightEntry kernel; // (kh, kw, F, C_in)
    WeightEntry bias;   // (F)
    bool operator==(const Conv2DTransposeParams&) const = default;
};

class Conv2DTranspose final : public Layer {
public:
    static constexpr const char* kClassName = "Conv2DTranspose";
    static constexpr const char* kNameStem = "conv2d_transpose";
    static constexpr const char* kIconLabel = "CT";
    static constexpr uint32_t kIconColour = 0xe0a03a;
    static constexpr const char* kCategory = "Convolution";
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Conv2DTranspose(std::string name, Conv2DTransposeParams params = {})
        : Layer(std::move(name)), m_params(std::move(params)) {}
    static std::unique_ptr<Conv2DTranspose> fromJson(const nlohmann::json& layerObject);

    const Conv2DTransposeParams& params() const { return m_params; }
    std::vector<float> resolvedKernel(int64_t inputChannels) const;
    std::vector<float> resolvedBias() const;

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv2DTranspose>(*this); }
    bool makesSignedValues() const override { return true; }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    // The stamps that reach one output cell: input cells × kernel weights, with the sum.
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;
    long double generatedWeightCount(const Shape& input) const override;
    std::vector<NamedArray> kerasWeights(const Shape& input) const override;
    // Stored weights follow the edited parameters (refitWeight: the overlap kept, new parts the
    // seeded default of a new layer of this name); beyond 2^22 values they are dropped instead.
    void refitStoredWeights(nlohmann::json& edited, const Shape& input) const override;

private:
    Conv2DTransposeParams m_params;
};

// The NHWC kernel: output (B, OH, OW, F) is overwritten; kernel (kh, kw, F, C); bias F values or
// null; crop = (P_top, P_left). No activation. Column scratch of at most `maxScratchBytes` per block
// (at least one input row).
void conv2dTransposeNhwc(const Tensor& input, Tensor& output, const float* kernel, const float* bias,
                         const std::array<int64_t, 2>& kernelSize, const std::array<int64_t, 2>& strides,
                         const std::array<int64_t, 2>& dilation, const std::array<int64_t, 2>& crop,
                         const ExecContext& context, int64_t maxScratchBytes = int64_t{32} << 20);
// Bytes of column scratch conv2dTransposeNhwc allocates.
int64_t conv2dTransposeScratchBytes(const Shape& inputNhwc, const std::array<int64_t, 2>& kernelSize, int64_t filters,
                                    int64_t maxScratchBytes = int64_t{32} << 20);

} // namespace layerscope
