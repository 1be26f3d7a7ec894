#include "tensor_image.h"

#include <cmath>

namespace layerscope::gui {

QImage matToImage(const cv::Mat& bgr)
{
    if (bgr.empty())
        return {};
    cv::Mat continuous = bgr.isContinuous() ? bgr : bgr.clone();
    if (continuous.type() == CV_8UC1)
        return QImage(continuous.data, continuous.cols, continuous.rows,
                      static_cast<qsizetype>(continuous.step), QImage::Format_Grayscale8).copy();
    if (continuous.type() == CV_8UC4)
        return QImage(continuous.data, continuous.cols, continuous.rows,
                      static_cast<qsizetype>(continuous.step), QImage::Format_ARGB32).copy();
    return QImage(continuous.data, continuous.cols, continuous.rows,
                  static_cast<qsizetype>(continuous.step), QImage::Format_BGR888).copy();
}

QImage toQImage(RgbImage&& image)
{
    if (image.pixels.empty())
        return {};
    auto* pixels = new std::vector<uint32_t>(std::move(image.pixels));
    return QImage(reinterpret_cast<uchar*>(pixels->data()), image.width, image.height,
                  static_cast<qsizetype>(image.width) * 4, QImage::Format_RGB32,
                  [](void* owned) { delete static_cast<std::vector<uint32_t>*>(owned); }, pixels);
}

TensorGeometry tensorGeometry(const Tensor& tensor)
{
    return imageGeometry(tensor.shape());
}

float tensorValue(const Tensor& tensor, int64_t b, int64_t y, int64_t x, int64_t c)
{
    const TensorGeometry g = tensorGeometry(tensor);
    return tensor[((b * g.height + y) * g.width + x) * g.channels + c];
}

QString formatValue(float value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("−Inf");
    return QString::number(static_cast<double>(value), 'g', 6);
}

QString colormapLabel(Colormap colormap)
{
    switch (colormap) {
    case Colormap::Gray: return QStringLiteral("gray");
    case Colormap::Viridis: return QStringLiteral("viridis");
    case Colormap::Magma: return QStringLiteral("magma");
    case Colormap::Diverging: return QStringLiteral("diverging (0-centred)");
    }
    return {};
}

QString normalizationLabel(Normalization normalization)
{
    switch (normalization) {
    case Normalization::PerChannel: return QStringLiteral("per channel");
    case Normalization::PerLayer: return QStringLiteral("shared across layer");
    case Normalization::FixedRange: return QStringLiteral("fixed range");
    }
    return {};
}

} // namespace layerscope::gui
