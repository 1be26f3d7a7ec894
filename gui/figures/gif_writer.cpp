#include "gif_writer.h"

#include "core/io/atomic_file.h"

#include <gif_lib.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace layerscope::gui {

namespace {

[[noreturn]] void fail(const std::string& what, int error)
{
    const char* message = GifErrorString(error);
    throw std::runtime_error("GIF " + what + ": " + (message ? message : "unknown giflib error"));
}

// Closes the file on every path; EGifCloseFile also frees the handle.
struct GifFile {
    GifFileType* gif = nullptr;
    ~GifFile()
    {
        if (gif) {
            int error = 0;
            EGifCloseFile(gif, &error);
        }
    }
};

} // namespace

void writeGif(const std::filesystem::path& path, const FrameSource& frames, int delayCentiseconds)
{
    if (frames.count == 0)
        throw std::invalid_argument("no frames to write");
    const QImage first = frames.frame(0);
    const int width = first.width(), height = first.height();
    writeAtomically(path, [&](const std::filesystem::path& temporary) {
        int error = 0;
        // Opened here rather than by EGifOpenFileName, which creates files readable by the owner
        // only: 0666 and the umask, like every other file LayerScope writes.
        const int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (descriptor < 0)
            throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
        GifFile file{EGifOpenFileHandle(descriptor, &error)};
        if (!file.gif) {
            ::close(descriptor);
            fail("cannot open " + path.string(), error);
        }
        EGifSetGifVersion(file.gif, /*gif89=*/true);
        if (EGifPutScreenDesc(file.gif, width, height, /*ColorRes=*/8, /*BackGround=*/0, /*ColorMap=*/nullptr) == GIF_ERROR)
            fail("screen", file.gif->Error);
        // Loop forever: the NETSCAPE2.0 application extension with a loop count of 0.
        const unsigned char loop[] = {1, 0, 0};
        if (EGifPutExtensionLeader(file.gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR
            || EGifPutExtensionBlock(file.gif, 11, "NETSCAPE2.0") == GIF_ERROR
            || EGifPutExtensionBlock(file.gif, 3, loop) == GIF_ERROR || EGifPutExtensionTrailer(file.gif) == GIF_ERROR)
            fail("loop block", file.gif->Error);
        const int pixels = width * height;
        std::vector<GifByteType> red(static_cast<size_t>(pixels)), green(red.size()), blue(red.size()), indices(red.size());
        std::vector<GifColorType> palette(256);
        for (size_t k = 0; k < frames.count; ++k) {
            const QImage frame = k == 0 ? first : frames.frame(k);
            const QImage rgb = frame.convertToFormat(QImage::Format_RGB888);
            if (rgb.width() != width || rgb.height() != height)
                throw std::invalid_argument("GIF frames differ in size");
            for (int y = 0; y < height; ++y) {
                const uchar* line = rgb.constScanLine(y);
                for (int x = 0; x < width; ++x) {
                    const size_t i = static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x);
                    red[i] = line[3 * x];
                    green[i] = line[3 * x + 1];
                    blue[i] = line[3 * x + 2];
                }
            }
            int colors = 256;
            if (GifQuantizeBuffer(static_cast<unsigned>(width), static_cast<unsigned>(height), &colors, red.data(),
                                  green.data(), blue.data(), indices.data(), palette.data()) == GIF_ERROR)
                throw std::runtime_error("GIF: quantising a frame failed");
            GraphicsControlBlock control{};
            control.DisposalMode = DISPOSE_DO_NOT;
            control.DelayTime = delayCentiseconds;
            control.TransparentColor = NO_TRANSPARENT_COLOR;
            GifByteType extension[4];
            const size_t length = EGifGCBToExtension(&control, extension);
            if (EGifPutExtension(file.gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension) == GIF_ERROR)
                fail("frame delay", file.gif->Error);
            // A colour map's size must be a power of two: giflib's quantiser gives 256 entries.
            ColorMapObject* map = GifMakeMapObject(256, palette.data());
            const int status = EGifPutImageDesc(file.gif, 0, 0, width, height, /*Interlace=*/false, map);
            GifFreeMapObject(map);
            if (status == GIF_ERROR)
                fail("frame", file.gif->Error);
            for (int y = 0; y < height; ++y)
                if (EGifPutLine(file.gif, indices.data() + static_cast<size_t>(y) * static_cast<size_t>(width), width) == GIF_ERROR)
                    fail("writing " + path.string(), file.gif->Error);
        }
        GifFileType* gif = file.gif;
        file.gif = nullptr;
        if (EGifCloseFile(gif, &error) == GIF_ERROR)
            fail("closing " + path.string(), error);
    });
}

} // namespace layerscope::gui
