#pragma once
// What the views need to know about a computed tensor before drawing it: every channel's finite
// range, the whole batch item's range (the "shared across layer" normalisation), and per channel
// and per item the moments and a 64-bin histogram (the Statistics panel). Computed once per
// tensor, on the worker, right after the layer that produced it (two parallel, cancellable
// passes), so painting a tile or switching the selected channel never scans the data. The first
// pass alone (summarizeRanges) is all the pictures need: the worker hands it over at once and the
// histograms (addHistograms) follow.

#include "../exec_context.h"
#include "../tensor.h"
#include "render.h"

#include <cstdint>
#include <vector>

namespace layerscope {

// Spatial layout the views use: rank 4 NHWC as is, rank 3 as one H×W×C image, rank 2 (B, C)
// (GlobalAveragePooling2D) as B×1×1×C, rank 1 as one pixel with C channels. `valid` is false for
// other ranks and for empty tensors.
struct ImageGeometry {
    int64_t batch = 0, height = 0, width = 0, channels = 0;
    bool valid = false;
};
ImageGeometry imageGeometry(const Shape& shape);

struct TensorStatistics {
    double min = 0, max = 0, mean = 0, stddev = 0; // over the finite values; 0 when there are none
    int64_t count = 0, nonFinite = 0;
    std::vector<int64_t> bins;                      // over [min, max]; empty when count is 0
    ValueRange range() const;
};

// The reference: one channel (c ≥ 0) or all channels (c = -1) of batch item b, in one thread.
TensorStatistics computeStatistics(const Tensor& tensor, int batch, int channel, int binCount = 64);

class LayerSummary {
public:
    static constexpr int kBins = 64;

    LayerSummary() = default;
    const ImageGeometry& geometry() const { return m_geometry; }
    // Channel c of batch item b, and the whole item b (all channels).
    const TensorStatistics& channel(int batch, int channel) const;
    const TensorStatistics& item(int batch) const;
    // The range channel c of item options.batchIndex is mapped through (displayRange).
    ValueRange displayRange(int channel, const RenderOptions& options) const;
    int64_t byteSize() const;
    // False after summarizeRanges alone: the statistics have their ranges and moments, the bins
    // are zeros.
    bool hasHistograms() const { return m_histograms; }
    // Same geometry and the same ranges everywhere (pictures made with one fit the other).
    bool sameRanges(const LayerSummary& other) const;

private:
    friend LayerSummary summarizeRanges(const Tensor& tensor, const ExecContext& context);
    friend LayerSummary addHistograms(LayerSummary summary, const Tensor& tensor, const ExecContext& context);
    ImageGeometry m_geometry;
    bool m_histograms = false;
    std::vector<TensorStatistics> m_channels; // [b * channels + c]
    std::vector<TensorStatistics> m_items;    // [b]
};

// Both passes. Throws CancelledError when context.stop is requested; Error for a tensor the views
// cannot show.
LayerSummary summarizeLayer(const Tensor& tensor, const ExecContext& context);
// The first pass: ranges and moments.
LayerSummary summarizeRanges(const Tensor& tensor, const ExecContext& context);
// The second pass, for the tensor `summary` was made from.
LayerSummary addHistograms(LayerSummary summary, const Tensor& tensor, const ExecContext& context);

} // namespace layerscope
