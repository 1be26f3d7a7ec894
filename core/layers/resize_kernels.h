#pragma once
// The image-resize kernels shared by Resizing and UpSampling2D: TF's CPU kernels ResizeBilinear,
// ResizeNearestNeighbor, ResizeBicubic, ResizeArea and ScaleAndTranslate, all with half-pixel
// centres, reproduced bit for bit (SEMANTICS.md §4.7; the build uses -ffp-contract=off).
//
// Conventions, per axis with input size n and output size m:
//   scale = f32(n) / f32(m);  src(i) = f32(f32(f32(i) + 0.5) · scale) − 0.5   (half-pixel centres)
//   bilinear  lo = max(⌊src⌋, 0), hi = min(⌈src⌉, n − 1), f = src − ⌊src⌋;
//             top = TL + (TR − TL)·fx, bottom = BL + (BR − BL)·fx, out = top + (bottom − top)·fy
//   nearest   idx = clamp(⌊f32(f32(i) + 0.5) · scale⌋, 0, n − 1)   (no −0.5: 4 → 2 picks 1 and 3)
//   bicubic   Keys a = −0.5 from a 1024-step table indexed by rint(f32(d · 1024)); taps outside the
//             image get weight 0 and the rest are renormalised; vertical pass, then horizontal,
//             each ((p0·w0 + p1·w1) + p2·w2) + p3·w3
//   area      box filter: per source row, first·w_first + interior cells (unweighted) + last·w_last,
//             total += row·w_row, out = total · f32(1 / (scale_h · scale_w))
//   ScaleAndTranslate (lanczos3, lanczos5; antialiased bilinear = triangle, antialiased bicubic =
//             keyscubic): per axis inv = f32(1 / (f32(m) / f32(n))), sample s = f32(x + 0.5) · inv,
//             kernel stretched by max(inv, 1) when antialiasing, weights normalised; rows first
//             into an (m_h × n_w) intermediate, then columns; acc += w · pixel from 0
// Same-size bilinear, bicubic and area are copies (as TF's kernels are, up to −0 and NaN).
//
// Images are NHWC. The kernels read through an ImageView so that a crop (§4.4) is a view, not a
// copy; the output is always a dense NHWC tensor allocated by the caller. Every kernel precomputes
// its per-axis taps once per call and runs output rows in parallel (parallelChunks, which also
// checks cancellation and reports progress); the innermost loops run over contiguous floats (the
// channel axis, or a whole row of W·C floats for few channels) so they vectorise.

#include "../exec_context.h"
#include "../tensor.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace layerscope {

enum class Interpolation { Bilinear, Nearest, Lanczos3, Lanczos5, Bicubic, Area };

// Exact (case-sensitive) Keras-TF name → mode; nullopt for anything else (gaussian, "Bilinear").
std::optional<Interpolation> parseInterpolation(const std::string& text);
std::string interpolationName(Interpolation interpolation);
// "Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', 'lanczos3',
// 'lanczos5', 'bicubic', 'area'). Received: interpolation=<received>" (Keras's wording verbatim).
std::string interpolationErrorMessage(const std::string& received);

// A read-only NHWC image batch with arbitrary batch and row strides (in floats); the pixel stride
// is `channels`. A dense tensor has rowStride = width·channels, batchStride = height·rowStride.
struct ImageView {
    const float* data = nullptr;
    int64_t batch = 0, height = 0, width = 0, channels = 0;
    int64_t batchStride = 0, rowStride = 0;

    static ImageView of(const Tensor& nhwc);
    const float* row(int64_t b, int64_t y) const { return data + b * batchStride + y * rowStride; }
    // The sub-rectangle [top, top + h) × [left, left + w).
    ImageView cropped(int64_t top, int64_t left, int64_t h, int64_t w) const;
};

// How the input is fitted to the target aspect ratio before resizing (§4.4, §4.5), computed with
// TF's float32 integer arithmetic.
struct AspectFit {
    enum class Kind { None, Crop, Pad };
    Kind kind = Kind::None;
    // Crop: the window [top, top + height) × [left, left + width) of the input.
    // Pad: `top` rows of fill above and below, `left` columns left and right (at most one of the
    // two is non-zero); height × width is the padded size (H + 2·top) × (W + 2·left), which is one
    // less than TF's pad_h/pad_w when their difference from H/W is odd (the §4.5 quirk).
    int64_t top = 0, left = 0, height = 0, width = 0;
    // The pad_h / pad_w TF computed, kept for the explanation of the quirk.
    int64_t targetPadHeight = 0, targetPadWidth = 0;
};
AspectFit cropToAspectRatio(int64_t inHeight, int64_t inWidth, int64_t height, int64_t width);
AspectFit padToAspectRatio(int64_t inHeight, int64_t inWidth, int64_t height, int64_t width);

// Copies `input` into a new (B, H + 2·fit.top, W + 2·fit.left, C) tensor surrounded by f32(fill).
Tensor padImages(const ImageView& input, const AspectFit& fit, float fill);

// The resize of §4.6: dispatches on interpolation and antialias to the kernels below.
// `output` must be (input.batch, outHeight, outWidth, input.channels) and is fully overwritten.
void resizeImages(const ImageView& input, Tensor& output, Interpolation interpolation,
                  bool antialias, const ExecContext& context);
// Bytes of scratch resizeImages allocates besides its output (tables and per-thread rows).
int64_t resizeScratchBytes(const ImageView& input, int64_t outHeight, int64_t outWidth,
                           Interpolation interpolation, bool antialias, int threads);

// The individual kernels, exposed for the reference-loop tests and the benchmark.
void resizeBilinear(const ImageView& input, Tensor& output, const ExecContext& context);
void resizeNearest(const ImageView& input, Tensor& output, const ExecContext& context);
void resizeBicubic(const ImageView& input, Tensor& output, const ExecContext& context);
// Area resize sums in TF's order (RowsFirst: bit-exact) unless that costs over 8× the transposed
// order (ColumnsFirst: the same sum rounded differently), which only extreme aspect changes do.
enum class AreaOrder { Auto, RowsFirst, ColumnsFirst };
AreaOrder chooseAreaOrder(int64_t inHeight, int64_t inWidth, int64_t outHeight, int64_t outWidth);
void resizeArea(const ImageView& input, Tensor& output, const ExecContext& context,
                AreaOrder order = AreaOrder::Auto);
enum class SamplingKernel { Lanczos3, Lanczos5, Triangle, KeysCubic };
void scaleAndTranslate(const ImageView& input, Tensor& output, SamplingKernel kernel,
                       bool antialias, const ExecContext& context);
// The kernel functions of TF's sampling_kernels.h (float32), for the tests.
float samplingKernelValue(SamplingKernel kernel, float x);

// Which TF kernel a resize runs (§4.6): antialiased bilinear and bicubic, and lanczos, run
// ScaleAndTranslate; nearest and area ignore antialias. resizeImages dispatches on this.
enum class ResizeMethod { Bilinear, Nearest, Bicubic, Area, ScaleAndTranslate };
ResizeMethod resizeMethod(Interpolation interpolation, bool antialias);
// The ScaleAndTranslate kernel of a resize whose method is ScaleAndTranslate.
SamplingKernel samplingKernelFor(Interpolation interpolation);
// Bilinear, bicubic and area copy the image when both axes keep their size (TF's shortcut).
bool copiesWhenSameSize(ResizeMethod method);
// Area's final factor f32(1 / (scale_h · scale_w)) (the product in float32, the division in double).
float areaNormalisation(int64_t inHeight, int64_t outHeight, int64_t inWidth, int64_t outWidth);

// The taps of one output index along one axis, read from the very tables the kernels run on (the
// kernels build them with the same functions), so an explanation of a value shows the engine's
// numbers. The meaning of `source` depends on the method:
//   bilinear, bicubic  src = f32(f32(i + 0.5)·scale) − 0.5, the half-pixel source coordinate
//   nearest            f32(i + 0.5)·scale, floored to the index (no −0.5)
//   area               the output cell's box [source, sourceEnd) = [i·scale, (i + 1)·scale)
//   ScaleAndTranslate  the sample position s = f32(i + 0.5)·inverseScale (no −0.5); a tap j lies
//                      at distance (j + 0.5 − s) / kernelScale from it
struct AxisTaps {
    float scale = 1;              // f32(n) / f32(m); for ScaleAndTranslate inv = f32(1 / (m / n))
    float kernelScale = 1;        // ScaleAndTranslate: the kernel stretch max(inv, 1) when antialiasing
    float source = 0;
    float sourceEnd = 0;          // area only
    float fraction = 0;           // bilinear only: src − ⌊src⌋ (the kernel lerps with it)
    std::vector<int64_t> indices;   // input indices the kernel reads, in its order, within [0, n − 1]
    std::vector<int64_t> requested; // the same before the kernel clamped them (bicubic's outside
                                    // taps, which get weight 0; area's overhang past the edge)
    std::vector<float> weights;     // the float32 weight applied to each index (bilinear: 1 − f, f;
                                    // ScaleAndTranslate: includes the zero weights TF still applies)
};
// One entry per output index 0..outSize − 1. Same-size shortcuts are not applied here (the
// tables are what the general path would use; see copiesWhenSameSize).
std::vector<AxisTaps> resizeAxisTaps(Interpolation interpolation, bool antialias, int64_t inSize,
                                     int64_t outSize);

// UpSampling2D's nearest mode: each row repeated size[0] times, each column size[1] times
// (a pure copy). `output` is (B, H·size[0], W·size[1], C).
void repeatNearest(const Tensor& input, Tensor& output, std::array<int64_t, 2> size,
                   const ExecContext& context);

} // namespace layerscope
