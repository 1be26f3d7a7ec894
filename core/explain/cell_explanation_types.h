#pragma once
// The value types of a cell explanation (see cell_explanation.h for what they mean and how they
// are computed). Apart from layer.h so that Layer can declare its explainer without a cycle.

#include "core/layers/resize_kernels.h"
#include "core/layout.h"
#include "core/tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

struct CellIndex {
    int64_t b = 0, y = 0, x = 0, c = 0;
    bool operator==(const CellIndex&) const = default;
};

// Flat row-major offset of `cell` in a tensor of `shape` stored in `format` (see above for ranks
// below 4). Throws std::out_of_range naming the cell and shape when the cell is outside.
int64_t tensorOffset(const Shape& shape, const CellIndex& cell, DataFormat format = DataFormat::ChannelsLast);
// "(b 0, y 3, x 4, c 1)".
std::string cellText(const CellIndex& cell);

// Which explainer produced an explanation (set by the layer; the GUI draws padding by it).
enum class ExplanationKind {
    AveragePooling,       // AveragePooling2D
    GlobalAveragePooling, // GlobalAveragePooling2D
    Convolution,          // Conv2D
    Repeat,               // UpSampling2D nearest (a copy, not a resize)
    Resize,               // Resizing, UpSampling2D with another interpolation
    Tile,                 // Tile
    Elementwise,          // one input cell through a formula (activations, normalisations, identities)
    AlongAxis,            // Softmax and axis −1 activations: every cell of a slice along an axis
    MaxPooling,           // MaxPooling2D, GlobalMaxPooling2D (one cell wins: ContributingCell::wins)
    Copy,                 // a value moved unchanged (padding, cropping, reshaping, inference-time
                          // identity of the augmentation layers); a ZeroPadding2D cell is padding
    Merge,                // Add, Subtract, Multiply, Average, Maximum, Minimum (element-wise)
    Concatenate,          // Concatenate
};

// One input cell that takes part in (or, for padding and dilation gaps, sits inside the window of)
// the output value.
struct ContributingCell {
    CellIndex cell;          // in the layer's input (may be outside the image, see `padding`)
    float value = 0;         // the value the kernel reads (0 / fill value for padding)
    float weight = 1;        // pooling: 1 (the sum is divided once); conv: the kernel weight;
                             // resize: row weight · column weight (display only: the kernel
                             // applies the two separately); repeat / tile: 1
    bool padding = false;    // outside the input image: SAME padding (pooling: not counted;
                             // conv: zero) or a pad_to_aspect_ratio fill cell
    bool dilationGap = false;// between the taps of a dilated kernel: inside the window, not read
    bool gate = false;       // Conv2D with glu: a term of the gate half (filter + filters/2)
    bool wins = false;       // max pooling: the (first, in row-major window order) cell whose
                             // value is the output
    int64_t windowY = -1, windowX = -1; // position in the window / kernel (ky, kx) or tap (row, col)
    int input = 0;           // which of a multi-input layer's inputs the cell is in (merges)
};

// Conv2D: the dot product of one input channel's window with the kernel.
struct ChannelPartialSum {
    int64_t inputChannel = 0;
    int64_t filter = 0;      // the output filter (differs from the explained one for a glu gate)
    double sum = 0;          // Σ x·w over the window, in double
    int terms = 0;           // in-image taps
};

// The activation step of Conv2D. Elementwise ones need only `input`; along-axis ones (softmax,
// log_softmax, sparsemax, glu) depend on the whole vector along axis −1 (the filters at this pixel
// for channels_last, the row of widths for channels_first), given in `vector`.
struct ActivationStep {
    std::string name;
    float input = 0;              // the pre-activation value of the explained position
    float output = 0;
    bool alongAxis = false;
    std::vector<float> vector;    // pre-activation values along axis −1 (alongAxis only)
    int64_t position = 0;         // index of the explained value in `vector`
    float gateInput = 0;          // glu: the gate z at position + n/2
};

// One spatial axis of a resize.
struct ResizeAxis {
    std::string axis;          // "rows" / "columns"
    int64_t inSize = 0;        // after crop / pad
    int64_t outSize = 0;
    int64_t outputIndex = 0;
    AxisTaps taps;             // from resizeAxisTaps: source coordinate, indices, weights
    std::string text;          // the source coordinate written out, e.g. "src = (3 + 0.5)·(4/8) − 0.5 = 1.25 → …"
};

struct ResizeDetail {
    Interpolation interpolation = Interpolation::Bilinear;
    ResizeMethod method = ResizeMethod::Bilinear;
    bool antialias = false;
    bool sameSizeCopy = false; // TF copies when both axes keep their size
    AspectFit fit;             // crop or pad before the resize (Kind::None when neither)
    float fillValue = 0;
    ResizeAxis rows, cols;
};

// A rectangle of input rows and columns, inclusive (first > last means empty).
struct CellWindow {
    int64_t y0 = 0, y1 = -1, x0 = 0, x1 = -1;
    int64_t height() const { return y1 >= y0 ? y1 - y0 + 1 : 0; }
    int64_t width() const { return x1 >= x0 ? x1 - x0 + 1 : 0; }
    bool operator==(const CellWindow&) const = default;
};

struct CellExplanation {
    ExplanationKind kind = ExplanationKind::AveragePooling;
    std::string layerClass, layerName;
    DataFormat inputFormat = DataFormat::ChannelsLast;  // layout of the input tensor
    DataFormat outputFormat = DataFormat::ChannelsLast; // layout of the output tensor
    CellIndex output;

    // The input window: `window` including padding (what a GUI draws, hatching the part outside
    // the image), `clipped` the part inside the image.
    CellWindow window, clipped;
    std::vector<ContributingCell> cells;  // row-major in the window; see cellCount
    int64_t cellCount = 0;                // cells in the computation (> cells.size() when a global
                                          // average over a large map lists only kMaxListedCells)
    int64_t paddingCount = 0;             // window cells outside the image
    // Padding cells take no part in the value (pooling excludes them from the average) rather
    // than entering it as zeros or a fill value: a view labels them "pad" instead of a number.
    bool paddingExcluded = false;

    std::vector<ChannelPartialSum> channelSums; // Conv2D
    std::optional<float> bias;                  // Conv2D with use_bias
    std::optional<ActivationStep> activation;   // Conv2D
    std::optional<ResizeDetail> resize;         // Resize

    float value = 0;      // reconstructed from the terms
    bool exact = false;   // evaluated in the kernel's order: equals the layer output bit for bit
    std::string summary;  // the main line, e.g. "(7 + 8) / 2 = 7.5 — 2 of the 4 window cells are …"
    std::vector<std::string> details; // further lines (source coordinates, crop / pad, per-channel sums)

    std::string text() const; // summary and details, one per line
};

// At most this many cells are listed for a global average (the text shows a few of them).
constexpr int64_t kMaxListedCells = 4096;

// A float as the explanations print it: up to 6 significant digits, U+2212 for minus.
std::string formatValue(double value);

} // namespace layerscope
