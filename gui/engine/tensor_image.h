#pragma once
// Wraps the engine's renderings (render.h, cv::Mat BGR 8-bit) as QImage. No pixel is computed
// here beyond the BGR → RGB copy.

#include "core/render/render.h"

#include <QImage>
#include <QString>

namespace layerscope::gui {

QImage matToImage(const cv::Mat& bgr);
QImage channelImage(const Tensor& tensor, int channel, const RenderOptions& options);
QImage compositeImage(const Tensor& tensor, const RenderOptions& options);

// Spatial layout of a tensor as the views see it: rank 4 NHWC, rank 2 (B, C) as B×1×1×C.
struct TensorGeometry {
    int64_t batch = 0, height = 0, width = 0, channels = 0;
    bool valid = false;
};
TensorGeometry tensorGeometry(const Tensor& tensor);
float tensorValue(const Tensor& tensor, int64_t b, int64_t y, int64_t x, int64_t c);

// "1.5", "3", "-0.000123" — compact, exact enough for the numbers view.
QString formatValue(float value);

QString colormapLabel(Colormap colormap);
QString normalizationLabel(Normalization normalization);

} // namespace layerscope::gui
