#include "channel_image.h"

#include "../errors.h"

#include <algorithm>
#include <array>

namespace layerscope {

namespace {

using RgbLut = std::array<uint32_t, 256>;

uint32_t packed(const cv::Vec3b& bgr)
{
    return 0xff000000u | (uint32_t{bgr[2]} << 16) | (uint32_t{bgr[1]} << 8) | uint32_t{bgr[0]};
}

// colormapColor(t) rounds t·255 to the index, so i / 255 gives entry i exactly.
RgbLut lutFor(Colormap colormap)
{
    RgbLut lut;
    for (int i = 0; i < 256; ++i)
        lut[static_cast<size_t>(i)] = packed(colormapColor(colormap, static_cast<float>(i / 255.0)));
    return lut;
}

// Magenta, render.cpp's colour for NaN and ±Inf (a constant here: a namespace-scope value built
// from render.cpp's would depend on the order static objects of two files are initialised).
constexpr uint32_t kNonFinite = 0xffff00ffu;

struct Frame {
    ImageGeometry g;
    int batch = 0, step = 1, rows = 0, cols = 0;
    const float* item = nullptr;
};

Frame frameOf(const Tensor& tensor, const RenderOptions& options, int step)
{
    Frame f;
    f.g = imageGeometry(tensor.shape());
    if (!f.g.valid)
        throw Error("cannot render a tensor of shape " + shapeToString(tensor.shape()));
    if (options.batchIndex < 0 || options.batchIndex >= f.g.batch)
        throw Error("batch index " + std::to_string(options.batchIndex) + " is out of range for shape "
                    + shapeToString(tensor.shape()));
    f.batch = options.batchIndex;
    f.step = std::max(1, step);
    f.rows = static_cast<int>((f.g.height + f.step - 1) / f.step);
    f.cols = static_cast<int>((f.g.width + f.step - 1) / f.step);
    f.item = tensor.data() + f.batch * f.g.height * f.g.width * f.g.channels;
    return f;
}

// Rows between two looks at the stop token: about 64k pixels of work.
int checkInterval(const Frame& f)
{
    return std::max(1, (1 << 16) / std::max(1, f.cols));
}

} // namespace

RgbImage renderChannelImage(const Tensor& tensor, const LayerSummary& summary, int channel,
                            const RenderOptions& options, int step, std::stop_token stop)
{
    const Frame f = frameOf(tensor, options, step);
    if (channel < 0 || channel >= f.g.channels)
        throw Error("channel " + std::to_string(channel) + " is out of range for shape "
                    + shapeToString(tensor.shape()));
    const ValueMapper mapper(summary.displayRange(channel, options));
    const RgbLut lut = lutFor(options.colormap);
    RgbImage image{f.cols, f.rows, std::vector<uint32_t>(static_cast<size_t>(f.cols) * f.rows)};
    const int interval = checkInterval(f);
    const int64_t C = f.g.channels, rowStride = f.g.width * C * f.step, colStride = C * f.step;
    for (int y = 0; y < f.rows; ++y) {
        if (y % interval == 0 && stop.stop_requested())
            throw CancelledError();
        const float* p = f.item + y * rowStride + channel;
        uint32_t* out = image.pixels.data() + static_cast<size_t>(y) * f.cols;
        for (int x = 0; x < f.cols; ++x, p += colStride) {
            const int i = mapper.index(*p);
            out[x] = i < 0 ? kNonFinite : lut[static_cast<size_t>(i)];
        }
    }
    return image;
}

RgbImage renderCompositeImage(const Tensor& tensor, const LayerSummary& summary,
                              const RenderOptions& options, int step, std::stop_token stop)
{
    const Frame f = frameOf(tensor, options, step);
    if (f.g.channels == 2)
        throw Error("an RGB composite needs 3 or 4 channels (or 1, shown as gray); shape "
                    + shapeToString(tensor.shape()) + " has 2");
    RenderOptions linear = options;
    linear.colormap = Colormap::Gray;
    const int sources[3] = {0, f.g.channels >= 3 ? 1 : 0, f.g.channels >= 3 ? 2 : 0}; // R, G, B
    const ValueMapper r(summary.displayRange(sources[0], linear));
    const ValueMapper g(summary.displayRange(sources[1], linear));
    const ValueMapper b(summary.displayRange(sources[2], linear));
    RgbImage image{f.cols, f.rows, std::vector<uint32_t>(static_cast<size_t>(f.cols) * f.rows)};
    const int interval = checkInterval(f);
    const int64_t C = f.g.channels, rowStride = f.g.width * C * f.step, colStride = C * f.step;
    for (int y = 0; y < f.rows; ++y) {
        if (y % interval == 0 && stop.stop_requested())
            throw CancelledError();
        const float* p = f.item + y * rowStride;
        uint32_t* out = image.pixels.data() + static_cast<size_t>(y) * f.cols;
        for (int x = 0; x < f.cols; ++x, p += colStride) {
            const int ri = r.index(p[sources[0]]), gi = g.index(p[sources[1]]), bi = b.index(p[sources[2]]);
            out[x] = (ri < 0 || gi < 0 || bi < 0)
                         ? kNonFinite
                         : 0xff000000u | (uint32_t(ri) << 16) | (uint32_t(gi) << 8) | uint32_t(bi);
        }
    }
    return image;
}

} // namespace layerscope
