#pragma once
// Conv2D (Keras 3, TF backend; SEMANTICS.md §6). Cross-correlation (the kernel is not flipped),
// zeros outside the image, bias added after the sum, then the activation:
//   out[b, oy, ox, f] = act(bias[f] + Σ_{ky<kh, kx<kw, ci<Cg}
//                           x[b, oy·sh − top + ky·dh, ox·sw − left + kx·dw, g·Cg + ci] · K[ky, kx, ci, f])
// with G = groups, Cg = C_in / G, Fg = filters / G and g = f / Fg (groups are contiguous blocks of
// input channels and filters).
// Shape per spatial axis, effective kernel ek = d·(k − 1) + 1: valid ⌊(n − ek) / s⌋ + 1 (≤ 0 is an
// error), same ⌈n / s⌉ with total pad max(0, (out − 1)·s + ek − n), the smaller half top/left and
// the extra row/column bottom/right. Output (B, OH, OW, filters) or (B, filters, OH, OW); an
// activation along axis −1 (softmax, log_softmax, sparsemax, glu) acts on channels for
// channels_last and on WIDTH for channels_first, and glu halves that axis.
// Accumulation is float32 in GEMM order (TF's order is unspecified too); results agree with TF
// within rtol = atol = 1e-5.
// How it runs: output pixels are split into blocks across threads; each block is im2col'ed (a 1×1
// stride-1 convolution uses the NHWC input as the matrix directly) and multiplied by the HWIO kernel
// viewed as a (kh·kw·Cg) × filters matrix, per group, by a register-tile kernel (AVX-512 when the
// CPU has it, else AVX2; Eigen for depths over 1024 or without AVX2), with the bias as the
// accumulators' start and the activation applied while the block is in cache.
// Fields:
//   filters      number of output channels F, > 0 (Keras requires it; 1 here so that a default
//                layer is runnable)
//   kernelSize   (kh, kw), each > 0 (Keras requires it; 3×3 here)
//   strides      (sh, sw), default (1, 1), each > 0
//   padding      valid (default) | same, case-insensitive in the file
//   dataFormat   channels_last (default) | channels_first (run as NHWC between two transposes)
//   dilationRate (dh, dw), default (1, 1), each > 0; > 1 together with strides > 1 is an error
//   groups       default 1; must divide filters and the input channel count
//   activation   Keras name (activations.h), default "linear"; a null in the file means linear;
//                a serialized function object is its name; a serialized ReLU / LeakyReLU / ELU /
//                Softmax(axis −1) layer object is kept in activationLayer and run as that layer
//   useBias      default true
//   kernelShape, kernel   explicit HWIO kernel (kh, kw, C_in / groups, filters), row-major; both
//                empty = not stored, use the deterministic default below
//   bias         explicit bias (filters); empty = zeros. Ignored when useBias is false.
// Default weights (no "weights" in the file): a pipeline file must always mean the same numbers, so
// instead of Keras's random glorot_uniform we draw it from a fixed seed:
//   limit = √(6 / (fan_in + fan_out)), fan_in = kh·kw·C_in/groups, fan_out = kh·kw·filters;
//   generator std::mt19937 seeded with the 32-bit FNV-1a hash of the layer name (offset basis
//   2166136261, prime 16777619, over the UTF-8 bytes); for each kernel element in row-major HWIO
//   order, u = (gen() >> 8) · 2⁻²⁴ and value = float(−limit + 2·limit·u) computed in double;
//   bias zeros. C_in is known only from the input, so these are made on demand (resolvedWeights).
// File format: Keras config under "config", plus LayerScope's "weights" beside it:
//   "weights": {"kernel": {"shape": [kh, kw, C_in/groups, filters], "data": [...]},
//               "bias": {"shape": [filters], "data": [...]}}

#include "../fuzz_bytes.h"
#include "../layer.h"
#include "../layer_fields.h"
#include "../layout.h"
#include "activations.h"

#include <array>
#include <string>
#include <vector>

namespace layerscope {

struct Conv2DParams {
    int64_t filters = 1;
    std::array<int64_t, 2> kernelSize{3, 3};
    std::array<int64_t, 2> strides{1, 1};
    Padding padding = Padding::Valid;
    DataFormat dataFormat = DataFormat::ChannelsLast;
    std::array<int64_t, 2> dilationRate{1, 1};
    int64_t groups = 1;
    std::string activation = "linear";
    // The activation as a serialized layer object (Keras 3.3 files: {"class_name": "LeakyReLU",
    // "config": {...}}), null otherwise. ReLU, LeakyReLU and ELU objects run after the convolution
    // (with `activation` linear); a Softmax object over axis −1 is `activation` "softmax".
    nlohmann::json activationLayer;
    bool useBias = true;
    Shape kernelShape;         // empty: default weights
    std::vector<float> kernel; // HWIO row-major, elementCount(kernelShape) values
    std::vector<float> bias;   // filters values, or empty (zeros)

    bool hasExplicitKernel() const { return !kernel.empty(); }
    bool operator==(const Conv2DParams&) const = default;
};

// The weights a run uses: explicit ones or the deterministic default.
struct Conv2DWeights {
    Shape kernelShape;         // (kh, kw, C_in / groups, filters)
    std::vector<float> kernel; // HWIO row-major
    std::vector<float> bias;   // filters values (zeros when useBias is false or none stored)
};

class Conv2D final : public Layer {
public:
    static constexpr const char* kClassName = "Conv2D";
    static constexpr const char* kNameStem = "conv2d";
    static constexpr const char* kIconLabel = "C";
    static constexpr uint32_t kIconColour = 0xd96c2b;
    static constexpr const char* kCategory = "Convolution";
    // The registry entry's editor fields and fuzz constructor (layer_registry.h).
    static std::vector<FieldSpec> editorFields();
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    explicit Conv2D(std::string name, Conv2DParams params = {})
        : Layer(std::move(name)), m_params(std::move(params)) {}
    // Throws std::invalid_argument for type errors and for weight data whose length differs from
    // the product of its shape.
    static std::unique_ptr<Conv2D> fromJson(const nlohmann::json& layerObject);

    const Conv2DParams& params() const { return m_params; }
    void setParams(const Conv2DParams& params) { m_params = params; }
    // Explicit weights (the kernel editor). Throws std::invalid_argument when a data length differs
    // from its shape's product or the kernel is not rank 4; an empty bias means zeros. Whether the
    // shape fits the config and input is checked by inferShape.
    void setWeights(Shape kernelShape, std::vector<float> kernel, std::vector<float> bias = {});
    // Back to the deterministic default weights.
    void clearWeights();

    // Explicit weights when present, else the deterministic glorot kernel for this input channel
    // count and zero bias. Recomputed on each call (no mutable cache, so concurrent const use is
    // safe; the cost is one pass over the kernel).
    Conv2DWeights resolvedWeights(int64_t inputChannels) const;
    // The documented deterministic glorot-uniform draw for a rank-4 HWIO shape (see above).
    static std::vector<float> glorotUniform(const std::string& name, const Shape& kernelShape);

    std::string className() const override { return kClassName; }
    LayerShape inferShape(const Shape& input) const override;
    Tensor forward(const Tensor& input, const ExecContext& context) const override;
    std::string summary() const override;
    nlohmann::json config() const override;
    nlohmann::json extras() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv2D>(*this); }
    bool makesSignedValues() const override { return true; }

    std::optional<DataFormat> dataFormat() const override { return m_params.dataFormat; }
    CellExplanation explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& cell) const override;
    RegionMapping mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                  const std::vector<Interval>& unclipped) const override;
    std::vector<AxisWindow> outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const override;
    std::optional<WindowConfig> slidingWindow(const Shape& input, int spatialAxis) const override;
    // Keras's set_weights takes [kernel, bias] (or [kernel] without use_bias): resolvedWeights.
    long double generatedWeightCount(const Shape& input) const override;
    std::vector<NamedArray> kerasWeights(const Shape& input) const override;
    bool hasEditableKernel() const override { return true; }
    // Stored weights follow filters / kernel_size / groups / use_bias: the overlap is kept, added
    // filters get the seeded Glorot draw a new layer of this name gets; beyond 2^22 weights the
    // stored weights are dropped (the engine's default weights apply) rather than built.
    void refitStoredWeights(nlohmann::json& edited, const Shape& input) const override;

private:
    // Throws WorkBudgetError when the convolution needs more than context.maxMultiplyAdds.
    void guardWork(const ExecContext& context, const Shape& inputNhwc, const Shape& outputNhwc) const;

    Conv2DParams m_params;
};

// Geometry of one convolution on NHWC data, as the kernel needs it.
struct Conv2DGeometry {
    std::array<int64_t, 2> kernelSize{1, 1};
    std::array<int64_t, 2> strides{1, 1};
    std::array<int64_t, 2> dilation{1, 1};
    std::array<int64_t, 2> padBefore{0, 0}; // top, left
    int64_t groups = 1;
};

// The NHWC kernel (exposed for the reference-loop tests and the benchmark): output must be
// (B, OH, OW, filters); kernel is HWIO (kh, kw, C/groups, filters); bias has `filters` values or is
// null. `fused` is applied to each block while it is in cache: an elementwise activation, or
// softmax / log_softmax / sparsemax over the channels; glu must be applied afterwards.
// Eigen's thread count is set from the context.
void conv2dNhwc(const Tensor& input, Tensor& output, const float* kernel, const float* bias,
                const Conv2DGeometry& geometry, Activation fused, const ExecContext& context);
// Which GEMM conv2dNhwc runs for depths K = kh·kw·C/groups ≤ 1024 (deeper ones always use Eigen):
// Best picks the AVX-512 register tile when the CPU has it, else the AVX2 one. Tests force the
// others so that every path is checked on any machine; process-wide, not for production use.
enum class Conv2DKernelIsa { Best, Avx2, Eigen };
void setConv2dKernelIsa(Conv2DKernelIsa isa);
// Bytes of im2col scratch conv2dNhwc allocates for this problem (for the memory guard).
int64_t conv2dScratchBytes(const Shape& inputNhwc, const Shape& outputNhwc,
                           const Conv2DGeometry& geometry, const ExecContext& context);

} // namespace layerscope
