// Image loading through OpenCV's decoders, normalised to what keras.utils.load_img +
// img_to_array give: float32 1×H×W×C in 0..255, RGB(A) order, gray as one channel.
//
// Two OpenCV behaviours shape this file:
//  * IMREAD_UNCHANGED keeps alpha but ignores EXIF orientation; IMREAD_ANYDEPTH|IMREAD_ANYCOLOR
//    applies the orientation but drops alpha. JPEG has no alpha, so JPEGs are decoded with the
//    latter and everything else with the former (orientation tags in PNG/TIFF/WebP are rare and,
//    in OpenCV 4.6, not read by those decoders anyway). One decode per file either way.
//  * OpenCV's own decompression-bomb limit (OPENCV_IO_MAX_IMAGE_PIXELS, default 2^30 pixels) is
//    read into a namespace-scope static when libopencv_imgcodecs is loaded, i.e. before main(), so
//    a setenv() at run time has no effect. We therefore read the dimensions from the file header
//    ourselves (cheap for every common format) and refuse before decoding; OpenCV's limit remains
//    a backstop for formats we do not sniff.

#include "image_io.h"

#include "../errors.h"
#include "atomic_file.h"
#include "npy.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace layerscope {

namespace fs = std::filesystem;

namespace {

// 2^28 pixels: a 16k×16k image, 4 GiB as float32 RGBA, which is already more than an explorer
// can usefully show.
constexpr uint64_t kMaxPixels = uint64_t{1} << 28;
// Files larger than this are not images anyone should feed an explorer (and would be read whole).
constexpr size_t kMaxFileBytes = size_t{1} << 30;

struct Dimensions {
    uint64_t width = 0;
    uint64_t height = 0;
};

uint32_t be16(const std::string& b, size_t i)
{
    return (static_cast<uint32_t>(static_cast<unsigned char>(b[i])) << 8)
           | static_cast<unsigned char>(b[i + 1]);
}
uint32_t be32(const std::string& b, size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }
uint32_t le16(const std::string& b, size_t i)
{
    return (static_cast<uint32_t>(static_cast<unsigned char>(b[i + 1])) << 8)
           | static_cast<unsigned char>(b[i]);
}
uint32_t le24(const std::string& b, size_t i) { return le16(b, i) | (static_cast<uint32_t>(static_cast<unsigned char>(b[i + 2])) << 16); }
uint32_t le32(const std::string& b, size_t i) { return le16(b, i) | (le16(b, i + 2) << 16); }

bool isJpeg(const std::string& b)
{
    return b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xff
           && static_cast<unsigned char>(b[1]) == 0xd8 && static_cast<unsigned char>(b[2]) == 0xff;
}

std::optional<Dimensions> jpegDimensions(const std::string& b)
{
    size_t i = 2;
    while (i + 4 <= b.size()) {
        if (static_cast<unsigned char>(b[i]) != 0xff)
            return std::nullopt;
        const auto marker = static_cast<unsigned char>(b[i + 1]);
        if (marker == 0xff) { // fill byte
            ++i;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { // markers without a length
            i += 2;
            continue;
        }
        const uint32_t length = be16(b, i + 2);
        const bool sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8
                         && marker != 0xcc;
        if (sof) {
            if (i + 9 > b.size())
                return std::nullopt;
            return Dimensions{be16(b, i + 7), be16(b, i + 5)};
        }
        if (marker == 0xda || length < 2) // scan data before any frame header: give up
            return std::nullopt;
        i += 2 + length;
    }
    return std::nullopt;
}

std::optional<Dimensions> tiffDimensions(const std::string& b)
{
    const bool little = b.compare(0, 4, "II*\0", 4) == 0;
    if (!little && b.compare(0, 4, "MM\0*", 4) != 0)
        return std::nullopt;
    auto u16 = [&](size_t i) { return little ? le16(b, i) : be16(b, i); };
    auto u32 = [&](size_t i) { return little ? le32(b, i) : be32(b, i); };
    const size_t ifd = u32(4);
    if (ifd + 2 > b.size())
        return std::nullopt;
    const uint32_t entries = u16(ifd);
    Dimensions d;
    for (uint32_t e = 0; e < entries; ++e) {
        const size_t at = ifd + 2 + size_t{12} * e;
        if (at + 12 > b.size())
            break;
        const uint32_t tag = u16(at);
        const uint32_t type = u16(at + 2);
        const uint32_t value = type == 3 ? u16(at + 8) : u32(at + 8); // SHORT or LONG
        if (tag == 256)
            d.width = value;
        else if (tag == 257)
            d.height = value;
    }
    if (d.width == 0 || d.height == 0)
        return std::nullopt;
    return d;
}

std::optional<Dimensions> pnmDimensions(const std::string& b)
{
    size_t i = 2;
    uint64_t values[2] = {0, 0};
    for (uint64_t& v : values) {
        while (i < b.size() && (std::isspace(static_cast<unsigned char>(b[i])) || b[i] == '#')) {
            if (b[i] == '#')
                while (i < b.size() && b[i] != '\n')
                    ++i;
            else
                ++i;
        }
        bool any = false;
        while (i < b.size() && std::isdigit(static_cast<unsigned char>(b[i])) && v < (uint64_t{1} << 40)) {
            v = v * 10 + static_cast<uint64_t>(b[i++] - '0');
            any = true;
        }
        if (!any)
            return std::nullopt;
    }
    return Dimensions{values[0], values[1]};
}

// Dimensions from the header of the formats OpenCV is usually built with; nullopt when unknown or
// unparseable (the decoder then gets to reject the file).
std::optional<Dimensions> headerDimensions(const std::string& b)
{
    if (b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n", 8) == 0 && b.compare(12, 4, "IHDR") == 0)
        return Dimensions{be32(b, 16), be32(b, 20)};
    if (isJpeg(b))
        return jpegDimensions(b);
    if (b.size() >= 26 && b.compare(0, 2, "BM") == 0) {
        if (le32(b, 14) == 12) // OS/2 BITMAPCOREHEADER: 16-bit dimensions
            return Dimensions{le16(b, 18), le16(b, 20)};
        // Signed fields: a negative height means top-down rows.
        const int64_t width = static_cast<int32_t>(le32(b, 18));
        const int64_t height = static_cast<int32_t>(le32(b, 22));
        return Dimensions{static_cast<uint64_t>(width < 0 ? -width : width),
                          static_cast<uint64_t>(height < 0 ? -height : height)};
    }
    if (b.size() >= 30 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
        if (b.compare(12, 4, "VP8 ") == 0)
            return Dimensions{le16(b, 26) & 0x3fffu, le16(b, 28) & 0x3fffu};
        if (b.compare(12, 4, "VP8L") == 0) {
            const uint32_t bits = le32(b, 21);
            return Dimensions{(bits & 0x3fffu) + 1, ((bits >> 14) & 0x3fffu) + 1};
        }
        if (b.compare(12, 4, "VP8X") == 0)
            return Dimensions{uint64_t{le24(b, 24)} + 1, uint64_t{le24(b, 27)} + 1};
        return std::nullopt;
    }
    if (b.size() >= 8)
        if (auto d = tiffDimensions(b))
            return d;
    if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6')
        return pnmDimensions(b);
    return std::nullopt;
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// libpng allocates each ancillary chunk (tEXt, zTXt, iCCP, ...) at its declared length before
// reading it, so a 200-byte file whose tEXt chunk claims 1.9 GB made the decoder allocate 1.9 GB
// (found by fuzz_image). A chunk that claims more bytes than the file has left is corrupt:
// refuse the file before decoding.
void checkPngChunks(const fs::path& path, const std::string& b)
{
    size_t at = 8;
    while (at + 8 <= b.size()) {
        const uint64_t length = be32(b, at);
        const std::string type = b.substr(at + 4, 4);
        const uint64_t left = b.size() - (at + 8);
        if (length > left)
            throw InputError("cannot decode image " + quoted(path) + " (corrupt PNG: chunk '"
                             + std::string(type.size() == 4 && std::all_of(type.begin(), type.end(), [](char c) {
                                   return std::isalpha(static_cast<unsigned char>(c));
                               }) ? type : "?")
                             + "' claims " + std::to_string(length) + " bytes, but only "
                             + std::to_string(left) + " follow)");
        if (type == "IEND")
            return;
        at += 12 + static_cast<size_t>(length);
    }
}

void checkPixelCount(const fs::path& path, uint64_t width, uint64_t height)
{
    // Dimensions are below 2^32 each, so the product fits in 64 bits.
    const uint64_t pixels = width * height;
    if (pixels > kMaxPixels)
        throw InputError("image " + quoted(path) + " is " + std::to_string(width) + "×"
                         + std::to_string(height) + " = " + std::to_string(pixels)
                         + " pixels, above the limit of " + std::to_string(kMaxPixels)
                         + " (2^28) pixels; refusing to decode it");
}

} // namespace

bool isNpyPath(const fs::path& path)
{
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".npy";
}

Tensor loadImage(const fs::path& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw InputError("cannot read image " + quoted(path) + ": no such file");
    const std::string bytes = readTextFile(path, kMaxFileBytes);
    if (bytes.empty())
        throw InputError("cannot decode image " + quoted(path) + " (the file is empty)");
    if (const auto d = headerDimensions(bytes))
        checkPixelCount(path, d->width, d->height);
    if (bytes.size() >= 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n", 8) == 0)
        checkPngChunks(path, bytes);

    const int flags = isJpeg(bytes) ? (cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR) : cv::IMREAD_UNCHANGED;
    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U,
                             const_cast<char*>(bytes.data()));
        decoded = cv::imdecode(buffer, flags);
    } catch (const cv::Exception& e) {
        // OpenCV throws for e.g. dimensions beyond its own limits; its message is not user-facing.
        throw InputError("cannot decode image " + quoted(path)
                         + " (not a supported image, corrupt, or too large)");
    }
    if (decoded.empty())
        throw InputError("cannot decode image " + quoted(path) + " (not a supported image or corrupt)");
    checkPixelCount(path, static_cast<uint64_t>(decoded.cols), static_cast<uint64_t>(decoded.rows));

    double scale = 1.0;
    switch (decoded.depth()) {
    case CV_8U:
        break;
    case CV_16U:
        scale = 255.0 / 65535.0;
        break;
    case CV_32F: // float TIFF/EXR/HDR: values kept as stored, there is no canonical 0..255 mapping
        break;
    default:
        throw InputError("image " + quoted(path)
                         + " has an unsupported pixel depth (8-bit, 16-bit and float are supported)");
    }

    cv::Mat ordered;
    switch (decoded.channels()) {
    case 1:
        ordered = decoded;
        break;
    case 2: { // gray + alpha, should a decoder hand it over as such
        cv::Mat planes[2];
        cv::split(decoded, planes);
        cv::merge(std::vector<cv::Mat>{planes[0], planes[0], planes[0], planes[1]}, ordered);
        break;
    }
    case 3:
        cv::cvtColor(decoded, ordered, cv::COLOR_BGR2RGB);
        break;
    case 4:
        cv::cvtColor(decoded, ordered, cv::COLOR_BGRA2RGBA);
        break;
    default:
        throw InputError("image " + quoted(path) + " has " + std::to_string(decoded.channels())
                         + " channels (1, 3 or 4 are supported)");
    }

    const int channels = ordered.channels();
    Tensor tensor = Tensor::uninitialized({1, ordered.rows, ordered.cols, channels});
    // Converting straight into the tensor's memory: dst has the right size and type, so
    // convertTo writes in place instead of reallocating.
    cv::Mat destination(ordered.rows, ordered.cols, CV_MAKETYPE(CV_32F, channels), tensor.data());
    ordered.convertTo(destination, CV_MAKETYPE(CV_32F, channels), scale);
    return tensor;
}

Tensor loadInputFile(const fs::path& path)
{
    if (!isNpyPath(path))
        return loadImage(path);
    Tensor tensor = readNpy(path);
    try {
        return toImageBatch(std::move(tensor));
    } catch (const InputError& e) {
        throw InputError(quoted(path) + ": " + e.what());
    }
}

} // namespace layerscope
