#pragma once
// Wraps the engine's renderings as QImage: channel pictures (channel_image.h) without a copy,
// exports (render.h, cv::Mat BGR 8-bit) with the BGR → RGB copy. No pixel is computed here.

#include "core/render/channel_image.h"
#include "core/render/layer_summary.h"
#include "core/render/render.h"

#include <QImage>
#include <QString>

namespace layerscope::gui {

QImage matToImage(const cv::Mat& bgr);
// Takes the buffer over: the QImage frees it when its last copy goes (safe on any thread).
QImage toQImage(RgbImage&& image);

// Spatial layout of a tensor as the views see it (core's imageGeometry).
using TensorGeometry = ImageGeometry;
TensorGeometry tensorGeometry(const Tensor& tensor);
float tensorValue(const Tensor& tensor, int64_t b, int64_t y, int64_t x, int64_t c);

// "1.5", "3", "-0.000123" — compact, exact enough for the numbers view.
QString formatValue(float value);

QString colormapLabel(Colormap colormap);
QString normalizationLabel(Normalization normalization);

} // namespace layerscope::gui
