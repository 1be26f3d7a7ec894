#pragma once
// Animated GIF through giflib: each frame is reduced to its own 256-colour palette by giflib's
// median-cut quantiser (GifQuantizeBuffer), written with a local colour map, a frame delay and a
// NETSCAPE2.0 loop block so that browsers and slide programs play it in a loop.

#include <QImage>

#include <filesystem>
#include <functional>
#include <vector>

namespace layerscope::gui {

// Frames drawn one at a time as the writer asks for them, so a long animation never holds more
// than one frame in memory.
struct FrameSource {
    size_t count = 0;
    std::function<QImage(size_t index)> frame;
};

// Writes `frames` (all of one size) to `path`, `delayCentiseconds` per frame (GIF's unit), looping.
// Throws std::runtime_error with giflib's message when the file cannot be written; the file is
// written to a temporary and renamed, so a failure leaves nothing behind.
void writeGif(const std::filesystem::path& path, const FrameSource& frames, int delayCentiseconds);

} // namespace layerscope::gui
