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

QImage channelImage(const Tensor& tensor, int channel, const RenderOptions& options)
{
    return matToImage(renderChannel(tensor, channel, options));
}

QImage compositeImage(const Tensor& tensor, const RenderOptions& options)
{
    return matToImage(renderComposite(tensor, options));
}

TensorGeometry tensorGeometry(const Tensor& tensor)
{
    TensorGeometry g;
    if (tensor.rank() == 4) {
        g = {tensor.dim(0), tensor.dim(1), tensor.dim(2), tensor.dim(3), true};
    } else if (tensor.rank() == 2) {
        g = {tensor.dim(0), 1, 1, tensor.dim(1), true};
    } else if (tensor.rank() == 3) {
        g = {1, tensor.dim(0), tensor.dim(1), tensor.dim(2), true};
    }
    return g;
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
