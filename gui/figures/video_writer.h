#pragma once
// MP4 through OpenCV's video writer (cv::VideoWriter, FFmpeg backend), fourcc "mp4v" (MPEG-4
// Part 2: Debian's FFmpeg always has its encoder, unlike H.264's).

#include "gif_writer.h"

#include <QImage>

#include <filesystem>
#include <functional>
#include <vector>

namespace layerscope::gui {

// Writes `frames` (one size; odd sizes are padded to even, as the codec needs) at `fps` frames per
// second. Throws std::runtime_error naming the codec when OpenCV cannot open the writer (no FFmpeg
// backend, no encoder); the file is written beside the target and renamed when complete.
void writeMp4(const std::filesystem::path& path, const FrameSource& frames, double fps);

} // namespace layerscope::gui
