#include "contact_sheet_figure.h"

#include "figure_header.h"
#include "engine/tensor_image.h"

#include <QFontMetrics>
#include <QLinearGradient>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace layerscope::gui {

namespace {
constexpr int kMargin = 16;
constexpr int kTitle = 28;
constexpr int kLabel = 18;
constexpr int kGap = 10;
constexpr int kBar = 64; // colour bar, its ticks and its caption
constexpr int kSheetWidth = 900;
constexpr int kMaxTile = 240;

QString number(float value)
{
    return QString::number(double(value), 'g', 4).replace('-', QChar(0x2212));
}
} // namespace

Figure contactSheetFigure(const std::string& layerName, const std::string& layerClass, bool signedValues,
                          std::shared_ptr<const Tensor> output)
{
    const TensorGeometry g = tensorGeometry(*output);
    if (!g.valid || g.channels < 1)
        throw std::invalid_argument("the contact sheet needs an image-shaped output; " + layerName + " gives "
                                    + shapeToString(output->shape()));
    const int channels = static_cast<int>(std::min<int64_t>(g.channels, kMaxContactChannels));
    RenderOptions options;
    options.colormap = signedValues ? Colormap::Diverging : Colormap::Viridis;
    options.normalization = Normalization::PerLayer;
    const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(double(channels)))));
    const int rows = (channels + columns - 1) / columns;
    const int tileWidth = std::min(kMaxTile, (kSheetWidth - 2 * kMargin - (columns - 1) * kGap) / columns);
    // Keep the map's aspect ratio; a tall map gets a narrower tile.
    const double aspect = double(std::max<int64_t>(g.height, 1)) / double(std::max<int64_t>(g.width, 1));
    const int tileHeight = std::clamp(static_cast<int>(tileWidth * aspect), 8, 2 * tileWidth);
    const int sheetWidth = std::max(560, 2 * kMargin + columns * tileWidth + (columns - 1) * kGap);
    const QSize size(sheetWidth, kMargin + kTitle + rows * (tileHeight + kLabel + kGap) + kBar + kMargin);
    std::vector<QImage> tiles;
    std::vector<ValueRange> ranges;
    for (int c = 0; c < channels; ++c) {
        // Magnified here, nearest-neighbour, so that no SVG or PDF viewer smooths the data.
        tiles.push_back(matToImage(renderChannel(*output, c, options))
                            .scaled(tileWidth, tileHeight, Qt::IgnoreAspectRatio, Qt::FastTransformation));
        ranges.push_back(channelRange(*output, options.batchIndex, c));
    }
    const ValueRange shown = displayRange(*output, 0, options);
    std::string title = layerName + " (" + layerClass + ") — " + shapeToString(output->shape());
    if (g.channels > channels)
        title += ", first " + std::to_string(channels) + " of " + std::to_string(g.channels) + " channels";
    return {size, title, [=](QPainter& p) {
                const QFont base = paintFigureHeader(p, size, QRect(kMargin, kMargin, size.width() - 2 * kMargin, kTitle),
                                                     title, 12, 14).base;
                p.setFont(base);
                for (int c = 0; c < channels; ++c) {
                    const int x = kMargin + (c % columns) * (tileWidth + kGap);
                    const int y = kMargin + kTitle + (c / columns) * (tileHeight + kLabel + kGap);
                    const QRect tile(x, y, tileWidth, tileHeight);
                    p.drawImage(tile, tiles[static_cast<size_t>(c)]);
                    p.setPen(QColor(200, 200, 200));
                    p.drawRect(tile.adjusted(0, 0, -1, -1));
                    p.setPen(QColor(40, 40, 40));
                    const ValueRange& r = ranges[static_cast<size_t>(c)];
                    p.drawText(QRect(x, y + tileHeight, tileWidth, kLabel), Qt::AlignLeft | Qt::AlignVCenter,
                               QFontMetrics(base).elidedText(QStringLiteral("c%1  %2 … %3").arg(c).arg(number(r.min), number(r.max)),
                                                             Qt::ElideRight, tileWidth));
                }
                // The colour bar: the engine's own colormap colours, 256 steps, with its range.
                const int barTop = size.height() - kMargin - kBar + 10;
                const int barWidth = std::min(512, size.width() - 2 * kMargin);
                const int barLeft = (size.width() - barWidth) / 2;
                // One vector gradient through the colormap's 256 entries (no seams between strips).
                QLinearGradient gradient(barLeft, 0, barLeft + barWidth, 0);
                for (int i = 0; i < 256; ++i) {
                    const cv::Vec3b bgr = colormapColor(options.colormap, static_cast<float>(i) / 255.0f);
                    gradient.setColorAt(i / 255.0, QColor(bgr[2], bgr[1], bgr[0]));
                }
                p.fillRect(QRect(barLeft, barTop, barWidth, 14), gradient);
                p.setPen(QColor(120, 120, 120));
                p.drawRect(QRect(barLeft, barTop, barWidth, 14).adjusted(0, 0, -1, -1));
                p.setPen(Qt::black);
                // The range's ends under the bar's ends, its middle under the middle.
                const QRect ticks(barLeft, barTop + 16, barWidth, 16);
                p.drawText(ticks, Qt::AlignLeft | Qt::AlignVCenter, number(shown.min));
                p.drawText(ticks, Qt::AlignRight | Qt::AlignVCenter, number(shown.max));
                p.drawText(ticks, Qt::AlignHCenter | Qt::AlignVCenter, number((shown.min + shown.max) / 2));
                p.drawText(QRect(barLeft, barTop + 32, barWidth, 16), Qt::AlignHCenter | Qt::AlignVCenter,
                           QStringLiteral("%1 colour map, one range for the whole layer")
                               .arg(colormapLabel(options.colormap)));
            }};
}

} // namespace layerscope::gui
