// Tensor → picture. Every renderer maps a value through a ValueRange to an index 0..255 and a
// 256-entry BGR lookup table, so a channel image, a contact sheet tile, the colour bar and
// colormapColor() agree to the last bit. Non-finite cells never take part in a range and are
// painted magenta, which none of the maps contain.

#include "render.h"

#include "../errors.h"
#include "../io/atomic_file.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

namespace layerscope {

namespace fs = std::filesystem;

namespace {

using Lut = std::array<cv::Vec3b, 256>;

const cv::Vec3b kNonFiniteColor(255, 0, 255); // BGR magenta

// ---- lookup tables -------------------------------------------------------------------------

Lut opencvLut(int colormap)
{
    cv::Mat ramp(256, 1, CV_8U);
    for (int i = 0; i < 256; ++i)
        ramp.at<uint8_t>(i) = static_cast<uint8_t>(i);
    cv::Mat colored;
    cv::applyColorMap(ramp, colored, colormap);
    Lut lut;
    for (int i = 0; i < 256; ++i)
        lut[static_cast<size_t>(i)] = colored.at<cv::Vec3b>(i);
    return lut;
}

// OpenCV has no diverging blue–white–red map, so this one is built here: ColorBrewer's 11-class
// RdBu reversed (matplotlib "RdBu_r"), linearly interpolated. Blue for negative values, near-white
// (247,247,247) at the centre, red for positive values.
Lut divergingLut()
{
    static constexpr std::array<std::array<double, 3>, 11> rgb = {{
        {5, 48, 97}, {33, 102, 172}, {67, 147, 195}, {146, 197, 222}, {209, 229, 240},
        {247, 247, 247},
        {253, 219, 199}, {244, 165, 130}, {214, 96, 77}, {178, 24, 43}, {103, 0, 31},
    }};
    Lut lut;
    for (int i = 0; i < 256; ++i) {
        const double position = i / 255.0 * 10.0;
        const int k = std::min(9, static_cast<int>(position));
        const double f = position - k;
        cv::Vec3b bgr;
        for (int ch = 0; ch < 3; ++ch) {
            const double v = rgb[static_cast<size_t>(k)][static_cast<size_t>(ch)] * (1 - f)
                             + rgb[static_cast<size_t>(k + 1)][static_cast<size_t>(ch)] * f;
            bgr[2 - ch] = static_cast<uint8_t>(std::lround(v));
        }
        lut[static_cast<size_t>(i)] = bgr;
    }
    return lut;
}

const Lut& lutFor(Colormap colormap)
{
    static const Lut gray = [] {
        Lut lut;
        for (int i = 0; i < 256; ++i)
            lut[static_cast<size_t>(i)] = cv::Vec3b(static_cast<uint8_t>(i), static_cast<uint8_t>(i),
                                                    static_cast<uint8_t>(i));
        return lut;
    }();
    static const Lut viridis = opencvLut(cv::COLORMAP_VIRIDIS);
    static const Lut magma = opencvLut(cv::COLORMAP_MAGMA);
    static const Lut diverging = divergingLut();
    switch (colormap) {
    case Colormap::Viridis: return viridis;
    case Colormap::Magma: return magma;
    case Colormap::Diverging: return diverging;
    case Colormap::Gray: break;
    }
    return gray;
}

// ---- tensor view ---------------------------------------------------------------------------

// NHWC view of the layouts the app shows: rank 4 as is, rank 3 as one H×W×C image, rank 2 (B, C)
// (GlobalAveragePooling2D) as B×1×1×C, rank 1 as one pixel with C channels.
struct View {
    int64_t batch = 0, height = 0, width = 0, channels = 0;
    const float* data = nullptr;

    float at(int64_t b, int64_t y, int64_t x, int64_t c) const
    {
        return data[((b * height + y) * width + x) * channels + c];
    }
};

View viewOf(const Tensor& tensor)
{
    const Shape& s = tensor.shape();
    View v;
    v.data = tensor.data();
    switch (s.size()) {
    case 4: v.batch = s[0]; v.height = s[1]; v.width = s[2]; v.channels = s[3]; break;
    case 3: v.batch = 1; v.height = s[0]; v.width = s[1]; v.channels = s[2]; break;
    case 2: v.batch = s[0]; v.height = 1; v.width = 1; v.channels = s[1]; break;
    case 1: v.batch = 1; v.height = 1; v.width = 1; v.channels = s[0]; break;
    default:
        throw Error("cannot render a tensor of shape " + shapeToString(s) + " (rank "
                    + std::to_string(s.size()) + "; ranks 1 to 4 are shown)");
    }
    if (tensor.empty())
        throw Error("cannot render the empty tensor " + shapeToString(s));
    if (v.height > std::numeric_limits<int>::max() / 4 || v.width > std::numeric_limits<int>::max() / 4)
        throw Error("tensor " + shapeToString(s) + " is too large to render");
    return v;
}

void checkBatch(const View& v, const Tensor& tensor, int batch)
{
    if (batch < 0 || batch >= v.batch)
        throw Error("batch index " + std::to_string(batch) + " is out of range for shape "
                    + shapeToString(tensor.shape()));
}

void checkChannel(const View& v, const Tensor& tensor, int channel)
{
    if (channel < 0 || channel >= v.channels)
        throw Error("channel " + std::to_string(channel) + " is out of range for shape "
                    + shapeToString(tensor.shape()));
}

// Accumulates a finite min/max; `any` tells an all-non-finite channel from a real 0..0.
struct RangeAccumulator {
    float min = std::numeric_limits<float>::infinity();
    float max = -std::numeric_limits<float>::infinity();
    int64_t nonFinite = 0;

    void add(float value)
    {
        if (!std::isfinite(value)) {
            ++nonFinite;
            return;
        }
        min = std::min(min, value);
        max = std::max(max, value);
    }
    void merge(const RangeAccumulator& o)
    {
        min = std::min(min, o.min);
        max = std::max(max, o.max);
        nonFinite += o.nonFinite;
    }
    bool any() const { return min <= max; }
    ValueRange result() const { return any() ? ValueRange{min, max, nonFinite} : ValueRange{0, 0, nonFinite}; }
};

// All channel ranges of one batch item in a single contiguous pass.
std::vector<RangeAccumulator> allChannelRanges(const View& v, int batch)
{
    std::vector<RangeAccumulator> ranges(static_cast<size_t>(v.channels));
    const float* p = v.data + batch * v.height * v.width * v.channels;
    for (int64_t i = 0; i < v.height * v.width; ++i)
        for (int64_t c = 0; c < v.channels; ++c)
            ranges[static_cast<size_t>(c)].add(*p++);
    return ranges;
}

ValueRange combine(const std::vector<RangeAccumulator>& ranges)
{
    RangeAccumulator all;
    for (const auto& r : ranges)
        all.merge(r);
    return all.result();
}

// One channel, every `step`-th row and column (step 1: the whole channel), colour-mapped.
cv::Mat mapChannel(const View& v, int batch, int channel, const ValueMapper& mapper, const Lut& lut, int step = 1)
{
    const int rows = static_cast<int>((v.height + step - 1) / step);
    const int cols = static_cast<int>((v.width + step - 1) / step);
    cv::Mat out(rows, cols, CV_8UC3);
    for (int y = 0; y < rows; ++y) {
        auto* row = out.ptr<cv::Vec3b>(y);
        for (int x = 0; x < cols; ++x) {
            const int i = mapper.index(v.at(batch, int64_t{y} * step, int64_t{x} * step, channel));
            row[x] = i < 0 ? kNonFiniteColor : lut[static_cast<size_t>(i)];
        }
    }
    return out;
}

// ---- text ----------------------------------------------------------------------------------

// Hershey fonts only have ASCII glyphs: replace the few typographic characters our titles use and
// turn any other UTF-8 sequence into '?'.
std::string hersheyText(const std::string& text)
{
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        const std::string sequence = text.substr(i, length);
        if (sequence == "\xc3\x97")
            out += 'x';
        else if (sequence == "\xe2\x80\x94" || sequence == "\xe2\x80\x93" || sequence == "\xe2\x88\x92")
            out += '-';
        else if (sequence == "\xe2\x80\xa6")
            out += "...";
        else
            out += '?';
        i += length;
    }
    return out;
}

std::string formatNumber(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

int textWidth(const std::string& text, double scale)
{
    int baseline = 0;
    return cv::getTextSize(text, kFont, scale, 1, &baseline).width;
}

// ---- PNG text chunks -----------------------------------------------------------------------

// The standard CRC-32 (ISO 3309 / PNG spec annex D), table-driven.
uint32_t crc32(const std::string& bytes)
{
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    uint32_t c = 0xffffffffu;
    for (unsigned char b : bytes)
        c = table[(c ^ b) & 0xffu] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

void appendBe32(std::string& out, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((v >> shift) & 0xffu);
}

std::string pngChunk(const std::string& type, const std::string& data)
{
    std::string chunk;
    appendBe32(chunk, static_cast<uint32_t>(data.size()));
    const std::string body = type + data;
    chunk += body;
    appendBe32(chunk, crc32(body));
    return chunk;
}

// tEXt for printable ASCII values (the common case, readable by every tool); iTXt, which is UTF-8
// by definition, for anything else such as a title with "×".
std::string textChunk(const std::string& keyword, const std::string& text)
{
    const bool keywordOk = !keyword.empty() && keyword.size() <= 79 && keyword.front() != ' '
                           && keyword.back() != ' '
                           && std::all_of(keyword.begin(), keyword.end(), [](char c) {
                                  return c >= 0x20 && c <= 0x7e;
                              });
    if (!keywordOk)
        throw Error("invalid PNG text keyword '" + keyword + "' (1-79 printable ASCII characters)");
    if (text.find('\0') != std::string::npos)
        throw Error("PNG text for '" + keyword + "' contains a NUL character");
    const bool ascii = std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 0x20 && c <= 0x7e) || c == '\n';
    });
    if (ascii)
        return pngChunk("tEXt", keyword + '\0' + text);
    // keyword, NUL, compression flag 0, method 0, empty language tag, empty translated keyword
    return pngChunk("iTXt", keyword + std::string("\0\0\0\0\0", 5) + text);
}

} // namespace

// ---- public API ----------------------------------------------------------------------------

std::string colormapName(Colormap colormap)
{
    switch (colormap) {
    case Colormap::Gray: return "gray";
    case Colormap::Viridis: return "viridis";
    case Colormap::Magma: return "magma";
    case Colormap::Diverging: return "diverging";
    }
    return "gray";
}

std::string normalizationName(Normalization normalization)
{
    switch (normalization) {
    case Normalization::PerChannel: return "per-channel";
    case Normalization::PerLayer: return "per-layer";
    case Normalization::FixedRange: return "fixed";
    }
    return "per-channel";
}

ValueRange channelRange(const Tensor& tensor, int batch, int channel)
{
    const View v = viewOf(tensor);
    checkBatch(v, tensor, batch);
    checkChannel(v, tensor, channel);
    RangeAccumulator r;
    for (int64_t y = 0; y < v.height; ++y)
        for (int64_t x = 0; x < v.width; ++x)
            r.add(v.at(batch, y, x, channel));
    return r.result();
}

ValueRange tensorRange(const Tensor& tensor, int batch)
{
    const View v = viewOf(tensor);
    checkBatch(v, tensor, batch);
    RangeAccumulator r;
    const float* p = v.data + batch * v.height * v.width * v.channels;
    for (int64_t i = 0; i < v.height * v.width * v.channels; ++i)
        r.add(p[i]);
    return r.result();
}

ValueMapper::ValueMapper(const ValueRange& range)
{
    const double width = static_cast<double>(range.max) - static_cast<double>(range.min);
    m_constant = !(std::isfinite(width) && width != 0.0);
    m_min = range.min;
    m_scale = m_constant ? 0.0 : 255.0 / width;
}

ValueRange displayRange(const ValueRange& channel, const ValueRange& layer, const RenderOptions& options)
{
    ValueRange r;
    switch (options.normalization) {
    case Normalization::PerChannel: r = channel; break;
    case Normalization::PerLayer: r = layer; break;
    case Normalization::FixedRange: r = ValueRange{options.fixedMin, options.fixedMax, 0}; break;
    }
    if (options.colormap == Colormap::Diverging) {
        const float m = std::max(std::abs(r.min), std::abs(r.max));
        r.min = -m;
        r.max = m;
    }
    r.nonFinite = channel.nonFinite;
    return r;
}

ValueRange displayRange(const Tensor& tensor, int channel, const RenderOptions& options)
{
    const ValueRange channelValues = channelRange(tensor, options.batchIndex, channel);
    const ValueRange layer = options.normalization == Normalization::PerLayer
                                 ? tensorRange(tensor, options.batchIndex)
                                 : channelValues;
    return displayRange(channelValues, layer, options);
}

cv::Mat renderChannel(const Tensor& tensor, int channel, const RenderOptions& options)
{
    const View v = viewOf(tensor);
    const ValueMapper mapper(displayRange(tensor, channel, options));
    return mapChannel(v, options.batchIndex, channel, mapper, lutFor(options.colormap));
}

cv::Mat renderComposite(const Tensor& tensor, const RenderOptions& options)
{
    const View v = viewOf(tensor);
    checkBatch(v, tensor, options.batchIndex);
    if (v.channels == 2)
        throw Error("an RGB composite needs 3 or 4 channels (or 1, shown as gray); shape "
                    + shapeToString(tensor.shape()) + " has 2");
    // Colour channels are shown as they are: the colormap (and the diverging map's symmetric
    // range) does not apply to a composite.
    RenderOptions linear = options;
    linear.colormap = Colormap::Gray;
    const int sources[3] = {0, v.channels >= 3 ? 1 : 0, v.channels >= 3 ? 2 : 0}; // R, G, B
    std::vector<ValueMapper> mappers;
    for (int c : sources)
        mappers.emplace_back(displayRange(tensor, c, linear));

    cv::Mat out(static_cast<int>(v.height), static_cast<int>(v.width), CV_8UC3);
    const int b = options.batchIndex;
    for (int y = 0; y < out.rows; ++y) {
        auto* row = out.ptr<cv::Vec3b>(y);
        for (int x = 0; x < out.cols; ++x) {
            const int r = mappers[0].index(v.at(b, y, x, sources[0]));
            const int g = mappers[1].index(v.at(b, y, x, sources[1]));
            const int bl = mappers[2].index(v.at(b, y, x, sources[2]));
            row[x] = (r < 0 || g < 0 || bl < 0)
                         ? kNonFiniteColor
                         : cv::Vec3b(static_cast<uint8_t>(bl), static_cast<uint8_t>(g),
                                     static_cast<uint8_t>(r));
        }
    }
    return out;
}

cv::Mat renderContactSheet(const Tensor& tensor, const RenderOptions& options,
                           const std::string& title, int minTile)
{
    const View v = viewOf(tensor);
    const int batch = options.batchIndex;
    checkBatch(v, tensor, batch);
    const std::vector<RangeAccumulator> ranges = allChannelRanges(v, batch);
    const ValueRange layerRange = combine(ranges);
    const Lut& lut = lutFor(options.colormap);

    // Sheet geometry limits: ~4096 px wide (magnification shrinks first, never below 1) and
    // 64 megapixels in all (then tiles are subsampled, then channels dropped).
    constexpr int kMaxWidth = 4096;
    constexpr double kMaxPixels = 64e6;
    constexpr int kMargin = 10, kGap = 8;
    constexpr double kLabelScale = 0.35, kTitleScale = 0.5;
    const cv::Scalar background(32, 32, 32), foreground(235, 235, 235);

    const int channels = static_cast<int>(v.channels);
    std::vector<std::string> oneLine(static_cast<size_t>(channels));
    std::vector<std::array<std::string, 3>> threeLines(static_cast<size_t>(channels));
    int oneLineWidth = 0, threeLineWidth = 0;
    for (int c = 0; c < channels; ++c) {
        const auto& r = ranges[static_cast<size_t>(c)];
        const std::string index = "c" + std::to_string(c);
        std::array<std::string, 3> lines = {index, "min " + formatNumber(r.result().min),
                                            "max " + formatNumber(r.result().max)};
        if (!r.any())
            lines = {index, "all non-finite", ""};
        oneLine[static_cast<size_t>(c)] = lines[0] + "  " + lines[1] + " " + lines[2];
        threeLines[static_cast<size_t>(c)] = lines;
        oneLineWidth = std::max(oneLineWidth, textWidth(oneLine[static_cast<size_t>(c)], kLabelScale));
        for (const auto& line : lines)
            threeLineWidth = std::max(threeLineWidth, textWidth(line, kLabelScale));
    }
    const int lineHeight = 13;

    // 64-bit while candidate layouts are compared: an unshrunk layout of a long 1-pixel-high
    // tensor can exceed the int range; the chosen one is bounded by kMaxPixels.
    struct Layout {
        int64_t shown, cols, rows, tileW, tileH, labelLines, cellW, cellH, width, height;
    };
    const int titleHeight = 26;
    const int barHeight = 12, barAreaHeight = barHeight + 22;
    auto layout = [&](int shown, int factor, int step) {
        Layout l{};
        l.shown = shown;
        l.cols = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(shown))));
        l.rows = (shown + l.cols - 1) / l.cols;
        l.tileW = (v.width + step - 1) / step * factor;
        l.tileH = (v.height + step - 1) / step * factor;
        l.labelLines = oneLineWidth <= l.tileW ? 1 : 3;
        l.cellW = std::max<int64_t>(l.tileW, l.labelLines == 1 ? oneLineWidth : threeLineWidth);
        l.cellH = l.labelLines * lineHeight + 3 + l.tileH;
        l.width = 2 * kMargin + l.cols * l.cellW + (l.cols - 1) * kGap;
        l.height = kMargin + titleHeight + l.rows * l.cellH + (l.rows - 1) * kGap + kGap
                   + barAreaHeight + kMargin;
        return l;
    };
    auto area = [](const Layout& l) { return static_cast<double>(l.width) * l.height; };

    const int64_t shortSide = std::min(v.height, v.width);
    int64_t factor = std::max<int64_t>(1, (minTile + shortSide - 1) / shortSide);
    int64_t step = 1;
    int shown = channels;
    // Shrinking the magnification only helps while the tiles, not the labels, set the cell width.
    while (factor > 1 && layout(shown, factor, step).width > kMaxWidth
           && layout(shown, factor - 1, step).width < layout(shown, factor, step).width)
        --factor;
    while (factor > 1 && area(layout(shown, factor, step)) > kMaxPixels)
        --factor;
    while (step < std::max(v.height, v.width) && area(layout(shown, factor, step)) > kMaxPixels)
        ++step;
    while (shown > 1 && area(layout(shown, factor, step)) > kMaxPixels)
        shown = std::max(1, shown * 9 / 10);
    const Layout chosen = layout(shown, factor, step);
    struct {
        int cols, tileW, tileH, labelLines, cellW, cellH, width, height;
    } l{static_cast<int>(chosen.cols),  static_cast<int>(chosen.tileW), static_cast<int>(chosen.tileH),
        static_cast<int>(chosen.labelLines), static_cast<int>(chosen.cellW), static_cast<int>(chosen.cellH),
        static_cast<int>(chosen.width), static_cast<int>(chosen.height)};

    std::string fullTitle = hersheyText(title);
    if (step > 1)
        fullTitle += "  (tiles subsampled 1:" + std::to_string(step) + ")";
    if (shown < channels)
        fullTitle += "  (first " + std::to_string(shown) + " of " + std::to_string(channels) + " channels)";
    if (layerRange.nonFinite > 0)
        fullTitle += "  (" + std::to_string(layerRange.nonFinite) + " NaN/Inf cells in magenta)";
    l.width = std::max({l.width, textWidth(fullTitle, kTitleScale) + 2 * kMargin, 300});

    cv::Mat sheet(l.height, l.width, CV_8UC3, background);
    cv::putText(sheet, fullTitle, cv::Point(kMargin, kMargin + 14), kFont, kTitleScale, foreground, 1,
                cv::LINE_AA);

    const int gridTop = kMargin + titleHeight;
    for (int c = 0; c < shown; ++c) {
        const int col = c % l.cols, row = c / l.cols;
        const int x0 = kMargin + col * (l.cellW + kGap);
        const int y0 = gridTop + row * (l.cellH + kGap);
        // Draw the label into the cell's own ROI so an overlong label is clipped, never spilling
        // into the neighbour.
        cv::Mat labelArea = sheet(cv::Rect(x0, y0, l.cellW, l.labelLines * lineHeight + 3));
        if (l.labelLines == 1) {
            cv::putText(labelArea, oneLine[static_cast<size_t>(c)], cv::Point(0, lineHeight - 3), kFont,
                        kLabelScale, foreground, 1, cv::LINE_AA);
        } else {
            for (int i = 0; i < 3; ++i)
                cv::putText(labelArea, threeLines[static_cast<size_t>(c)][static_cast<size_t>(i)],
                            cv::Point(0, (i + 1) * lineHeight - 3), kFont, kLabelScale, foreground, 1,
                            cv::LINE_AA);
        }
        const ValueMapper mapper(displayRange(ranges[static_cast<size_t>(c)].result(), layerRange, options));
        const cv::Mat tile = mapChannel(v, batch, c, mapper, lut, static_cast<int>(step));
        cv::Mat target = sheet(cv::Rect(x0, y0 + l.labelLines * lineHeight + 3, l.tileW, l.tileH));
        // Integer factor + INTER_NEAREST is pure pixel replication; resize writes into the ROI
        // because it already has the destination size and type.
        cv::resize(tile, target, target.size(), 0, 0, cv::INTER_NEAREST);
    }

    // Colour bar with its end labels (per-channel maps have no single numeric range).
    const int barTop = l.height - kMargin - barAreaHeight;
    const int barWidth = std::min(l.width - 2 * kMargin, 512);
    for (int x = 0; x < barWidth; ++x) {
        const int i = barWidth > 1 ? static_cast<int>(std::lround(x * 255.0 / (barWidth - 1))) : 128;
        cv::rectangle(sheet, cv::Rect(kMargin + x, barTop, 1, barHeight),
                      cv::Scalar(lut[static_cast<size_t>(i)][0], lut[static_cast<size_t>(i)][1],
                                 lut[static_cast<size_t>(i)][2]),
                      cv::FILLED);
    }
    std::string low, high;
    if (options.normalization == Normalization::PerChannel) {
        low = options.colormap == Colormap::Diverging ? "-max|c|" : "channel min";
        high = options.colormap == Colormap::Diverging ? "+max|c|" : "channel max";
    } else {
        const ValueRange r = displayRange(layerRange, layerRange, options);
        low = formatNumber(r.min);
        high = formatNumber(r.max);
    }
    const int labelY = barTop + barHeight + 14;
    cv::putText(sheet, low, cv::Point(kMargin, labelY), kFont, kLabelScale, foreground, 1, cv::LINE_AA);
    cv::putText(sheet, high, cv::Point(kMargin + barWidth - textWidth(high, kLabelScale), labelY), kFont,
                kLabelScale, foreground, 1, cv::LINE_AA);
    if (options.colormap == Colormap::Diverging)
        cv::putText(sheet, "0", cv::Point(kMargin + barWidth / 2 - 3, labelY), kFont, kLabelScale,
                    foreground, 1, cv::LINE_AA);
    return sheet;
}

void writePng(const fs::path& path, const cv::Mat& image,
              const std::vector<std::pair<std::string, std::string>>& text)
{
    std::vector<uchar> encoded;
    bool ok = false;
    try {
        ok = !image.empty() && cv::imencode(".png", image, encoded);
    } catch (const cv::Exception&) {
        ok = false;
    }
    if (!ok)
        throw Error("cannot encode '" + path.string() + "' as PNG (image " + std::to_string(image.cols)
                    + "x" + std::to_string(image.rows) + ", " + std::to_string(image.channels())
                    + " channels)");
    std::string png(encoded.begin(), encoded.end());

    // OpenCV's PNG writer offers no text chunks, so they are spliced in by hand right before IEND
    // (the spec allows tEXt/iTXt anywhere between IHDR and IEND).
    if (!text.empty()) {
        size_t at = 8;
        size_t iend = std::string::npos;
        while (at + 12 <= png.size()) {
            const uint32_t length = (static_cast<uint32_t>(static_cast<unsigned char>(png[at])) << 24)
                                    | (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16)
                                    | (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8)
                                    | static_cast<unsigned char>(png[at + 3]);
            if (png.compare(at + 4, 4, "IEND") == 0) {
                iend = at;
                break;
            }
            at += 12 + length;
        }
        if (iend == std::string::npos)
            throw Error("cannot write '" + path.string() + "': the encoded PNG has no IEND chunk");
        std::string chunks;
        for (const auto& [keyword, value] : text)
            chunks += textChunk(keyword, value);
        png.insert(iend, chunks);
    }
    writeTextAtomically(path, png);
}

cv::Vec3b colormapColor(Colormap colormap, float t)
{
    if (!std::isfinite(t))
        return kNonFiniteColor;
    const int i = static_cast<int>(std::clamp(static_cast<double>(t), 0.0, 1.0) * 255.0 + 0.5);
    return lutFor(colormap)[static_cast<size_t>(i)];
}

} // namespace layerscope
