#include "video_writer.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <stdexcept>
#include <system_error>

namespace layerscope::gui {

void writeMp4(const std::filesystem::path& path, const FrameSource& frames, double fps)
{
    if (frames.count == 0)
        throw std::invalid_argument("no frames to write");
    namespace fs = std::filesystem;
    const QImage first = frames.frame(0);
    const int width = (first.width() + 1) / 2 * 2, height = (first.height() + 1) / 2 * 2;
    // The FFmpeg backend picks the container from the file name, so the temporary keeps ".mp4".
    // Appended rather than "." + stem: GCC 12 warns falsely (-Wrestrict) on that operator+.
    std::string name = ".";
    name += path.stem().string();
    name += ".partial.mp4";
    const fs::path temporary = path.parent_path() / name;
    {
        cv::VideoWriter writer;
        if (!writer.open(temporary.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps,
                         cv::Size(width, height))) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw std::runtime_error("OpenCV could not open an MP4 writer (FFmpeg backend, fourcc mp4v) for "
                                     + path.string() + "; write a .gif instead");
        }
        cv::Mat bgr(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
        for (size_t k = 0; k < frames.count; ++k) {
            const QImage frame = k == 0 ? first : frames.frame(k);
            const QImage rgb = frame.convertToFormat(QImage::Format_RGB888);
            const cv::Mat view(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
                               static_cast<size_t>(rgb.bytesPerLine()));
            cv::cvtColor(view, bgr(cv::Rect(0, 0, rgb.width(), rgb.height())), cv::COLOR_RGB2BGR);
            writer.write(bgr);
        }
        writer.release();
    }
    std::error_code error;
    if (!fs::exists(temporary, error) || fs::file_size(temporary, error) == 0) {
        fs::remove(temporary, error);
        throw std::runtime_error("OpenCV wrote no MP4 data to " + path.string());
    }
    fs::rename(temporary, path, error);
    if (error) {
        const std::string message = error.message();
        fs::remove(temporary, error);
        throw std::runtime_error("cannot write " + path.string() + ": " + message);
    }
}

} // namespace layerscope::gui
