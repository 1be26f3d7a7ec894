#pragma once
// Channel pictures for the app's views, rendered on a worker: 32-bit pixels 0xffRRGGBB (the
// layout of QImage::Format_RGB32, so the GUI wraps the buffer without touching a pixel). The
// colours are render.h's to the last bit (same ValueMapper, same lookup tables). `step` keeps
// every step-th row and column (nearest, like the view's own minification): a view showing a
// 4000×3000 channel at 1/16 asks for step 16 and gets a 250×188 picture instead of 48 MB.

#include "../tensor.h"
#include "layer_summary.h"
#include "render.h"

#include <cstdint>
#include <stop_token>
#include <vector>

namespace layerscope {

struct RgbImage {
    int width = 0, height = 0;
    std::vector<uint32_t> pixels; // row-major, width × height
    int64_t byteSize() const { return static_cast<int64_t>(pixels.size() * sizeof(uint32_t)); }
};

// One channel of item options.batchIndex through summary.displayRange(channel, options).
// Throws CancelledError when `stop` is requested (checked every few rows).
RgbImage renderChannelImage(const Tensor& tensor, const LayerSummary& summary, int channel,
                            const RenderOptions& options, int step, std::stop_token stop = {});
// The RGB composite of channels 0..2 (renderComposite's rules: no colormap, gray for 1 channel).
RgbImage renderCompositeImage(const Tensor& tensor, const LayerSummary& summary,
                              const RenderOptions& options, int step, std::stop_token stop = {});

} // namespace layerscope
