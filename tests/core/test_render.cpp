// Rendering: known colours at the colormap ends, the diverging map's white centre, magenta for
// non-finite cells, the three normalisations, tensor layouts, composites, contact sheet geometry
// and PNG text metadata (chunks checked byte by byte with an independent bitwise CRC).

#include "core/errors.h"
#include "core/render/render.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

using namespace layerscope;
namespace fs = std::filesystem;

namespace {

const cv::Vec3b kMagenta(255, 0, 255);

RenderOptions options(Colormap colormap, Normalization normalization = Normalization::PerChannel)
{
    RenderOptions o;
    o.colormap = colormap;
    o.normalization = normalization;
    return o;
}

// One row of pixels, one channel: shape 1×1×W×1.
Tensor row(std::vector<float> values)
{
    const auto width = static_cast<int64_t>(values.size());
    return Tensor({1, 1, width, 1}, std::move(values));
}

// Bit-at-a-time CRC-32, deliberately unlike the table-driven one under test.
uint32_t slowCrc(const std::string& bytes)
{
    uint32_t crc = 0xffffffffu;
    for (unsigned char b : bytes) {
        crc ^= b;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

uint32_t be32(const std::string& s, size_t i)
{
    return (uint32_t(uint8_t(s[i])) << 24) | (uint32_t(uint8_t(s[i + 1])) << 16)
           | (uint32_t(uint8_t(s[i + 2])) << 8) | uint8_t(s[i + 3]);
}

struct Chunk {
    std::string type, data;
    bool crcOk;
};

std::vector<Chunk> pngChunks(const std::string& png)
{
    std::vector<Chunk> chunks;
    for (size_t at = 8; at + 12 <= png.size();) {
        const uint32_t length = be32(png, at);
        const std::string type = png.substr(at + 4, 4);
        const std::string data = png.substr(at + 8, length);
        chunks.push_back({type, data, slowCrc(type + data) == be32(png, at + 8 + length)});
        at += 12 + length;
    }
    return chunks;
}

} // namespace

class TestRender : public QObject {
    Q_OBJECT

private slots:
    void names()
    {
        QCOMPARE(colormapName(Colormap::Viridis), std::string("viridis"));
        QCOMPARE(colormapName(Colormap::Diverging), std::string("diverging"));
        QCOMPARE(normalizationName(Normalization::PerLayer), std::string("per-layer"));
    }

    void grayEndsAreBlackAndWhite()
    {
        const cv::Mat image = renderChannel(row({-3.0f, 1.0f, 7.0f}), 0, options(Colormap::Gray));
        QCOMPARE(image.type(), CV_8UC3);
        QCOMPARE(image.size(), cv::Size(3, 1));
        QCOMPARE(image.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 0));
        QCOMPARE(image.at<cv::Vec3b>(0, 1), cv::Vec3b(102, 102, 102)); // 0.4 · 255
        QCOMPARE(image.at<cv::Vec3b>(0, 2), cv::Vec3b(255, 255, 255));
        QCOMPARE(colormapColor(Colormap::Gray, 0.0f), cv::Vec3b(0, 0, 0));
        QCOMPARE(colormapColor(Colormap::Gray, 1.0f), cv::Vec3b(255, 255, 255));
        QCOMPARE(colormapColor(Colormap::Gray, 2.0f), cv::Vec3b(255, 255, 255)); // clamped
    }

    void opencvMapsMatchApplyColorMap()
    {
        for (auto [map, cvMap] : {std::pair{Colormap::Viridis, cv::COLORMAP_VIRIDIS},
                                  std::pair{Colormap::Magma, cv::COLORMAP_MAGMA}}) {
            cv::Mat index(1, 2, CV_8U);
            index.at<uint8_t>(0) = 0;
            index.at<uint8_t>(1) = 255;
            cv::Mat expected;
            cv::applyColorMap(index, expected, cvMap);
            QCOMPARE(colormapColor(map, 0.0f), expected.at<cv::Vec3b>(0, 0));
            QCOMPARE(colormapColor(map, 1.0f), expected.at<cv::Vec3b>(0, 1));
            const cv::Mat image = renderChannel(row({0.0f, 5.0f}), 0, options(map));
            QCOMPARE(image.at<cv::Vec3b>(0, 0), expected.at<cv::Vec3b>(0, 0));
            QCOMPARE(image.at<cv::Vec3b>(0, 1), expected.at<cv::Vec3b>(0, 1));
        }
        // Viridis ends in yellow (high red and green, low blue in BGR).
        const cv::Vec3b top = colormapColor(Colormap::Viridis, 1.0f);
        QVERIFY(top[2] > 200 && top[1] > 200 && top[0] < 100);
    }

    void divergingIsSymmetricWithWhiteCentre()
    {
        const Tensor t = row({-2.0f, 0.0f, 1.0f, 2.0f});
        const ValueRange range = displayRange(t, 0, options(Colormap::Diverging));
        QCOMPARE(range.min, -2.0f);
        QCOMPARE(range.max, 2.0f);
        const cv::Mat image = renderChannel(t, 0, options(Colormap::Diverging));
        const cv::Vec3b negative = image.at<cv::Vec3b>(0, 0), zero = image.at<cv::Vec3b>(0, 1),
                        half = image.at<cv::Vec3b>(0, 2), positive = image.at<cv::Vec3b>(0, 3);
        QVERIFY(zero[0] >= 240 && zero[1] >= 240 && zero[2] >= 240);
        QVERIFY(negative[0] > negative[2] + 50); // blue
        QVERIFY(positive[2] > positive[0] + 50); // red
        QVERIFY(half[2] > half[0] && half[1] > positive[1]); // lighter red halfway
        // All-zero channel: the centre colour, not a division by zero.
        const cv::Mat zeros = renderChannel(row({0.0f, 0.0f}), 0, options(Colormap::Diverging));
        QCOMPARE(zeros.at<cv::Vec3b>(0, 0), zero);
    }

    void nonFiniteIsMagentaAndCounted()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
        const Tensor t = row({1.0f, nan, inf, -inf, 3.0f});
        const ValueRange range = channelRange(t, 0, 0);
        QCOMPARE(range.min, 1.0f);
        QCOMPARE(range.max, 3.0f);
        QCOMPARE(range.nonFinite, int64_t{3});
        QCOMPARE(tensorRange(t, 0).nonFinite, int64_t{3});
        for (Colormap map : {Colormap::Gray, Colormap::Viridis, Colormap::Magma, Colormap::Diverging}) {
            const cv::Mat image = renderChannel(t, 0, options(map));
            for (int x : {1, 2, 3})
                QCOMPARE(image.at<cv::Vec3b>(0, x), kMagenta);
            QVERIFY(image.at<cv::Vec3b>(0, 0) != kMagenta);
        }
        QCOMPARE(colormapColor(Colormap::Gray, nan), kMagenta);
        // An all-NaN channel has the range 0..0 and renders entirely magenta.
        const ValueRange allNan = channelRange(row({nan, nan}), 0, 0);
        QCOMPARE(allNan.nonFinite, int64_t{2});
        QCOMPARE(allNan.min, 0.0f);
    }

    void constantChannelIsMidGrey()
    {
        const cv::Mat image = renderChannel(row({5.0f, 5.0f, 5.0f}), 0, options(Colormap::Gray));
        QCOMPARE(image.at<cv::Vec3b>(0, 0), cv::Vec3b(128, 128, 128));
    }

    void normalisationsDiffer()
    {
        // Channel 0 spans 0..1, channel 1 spans 0..100.
        const Tensor t({1, 1, 2, 2}, {0.0f, 0.0f, 1.0f, 100.0f});
        const cv::Mat perChannel = renderChannel(t, 0, options(Colormap::Gray, Normalization::PerChannel));
        const cv::Mat perLayer = renderChannel(t, 0, options(Colormap::Gray, Normalization::PerLayer));
        QCOMPARE(perChannel.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 255, 255));
        QCOMPARE(perLayer.at<cv::Vec3b>(0, 1), cv::Vec3b(3, 3, 3)); // round(1/100 · 255)
        const ValueRange layer = displayRange(t, 0, options(Colormap::Gray, Normalization::PerLayer));
        QCOMPARE(layer.max, 100.0f);

        RenderOptions fixed = options(Colormap::Gray, Normalization::FixedRange);
        fixed.fixedMin = 0.0f;
        fixed.fixedMax = 2.0f;
        const cv::Mat fixedImage = renderChannel(t, 0, fixed);
        QCOMPARE(fixedImage.at<cv::Vec3b>(0, 1), cv::Vec3b(128, 128, 128)); // 1 of 0..2
        const cv::Mat clamped = renderChannel(t, 1, fixed);
        QCOMPARE(clamped.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 255, 255));
    }

    void layoutsAndBatchIndex()
    {
        // Rank 2 (B, C) from GlobalAveragePooling2D: each channel is a 1×1 image.
        const Tensor t({2, 3}, {0, 1, 2, 10, 20, 30});
        RenderOptions o = options(Colormap::Gray, Normalization::PerLayer);
        o.batchIndex = 1;
        const cv::Mat image = renderChannel(t, 2, o);
        QCOMPARE(image.size(), cv::Size(1, 1));
        QCOMPARE(image.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
        QCOMPARE(tensorRange(t, 1).min, 10.0f);
        QCOMPARE(channelRange(t, 0, 1).max, 1.0f);

        // Rank 4 with a batch: item 1 of 2.
        const Tensor b({2, 2, 3, 1}, {0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6});
        RenderOptions second = options(Colormap::Gray);
        second.batchIndex = 1;
        const cv::Mat item = renderChannel(b, 0, second);
        QCOMPARE(item.size(), cv::Size(3, 2)); // W × H
        QCOMPARE(item.at<cv::Vec3b>(1, 2), cv::Vec3b(255, 255, 255));
        QCOMPARE(item.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 0));

        second.batchIndex = 2;
        QVERIFY_THROWS_EXCEPTION(Error, renderChannel(b, 0, second));
        QVERIFY_THROWS_EXCEPTION(Error, renderChannel(b, 1, options(Colormap::Gray)));
        QVERIFY_THROWS_EXCEPTION(Error, renderChannel(test::arangeTensor({1, 1, 1, 1, 1}), 0, options(Colormap::Gray)));
    }

    void compositeWithFixedRangeLooksLikeTheImage()
    {
        // An RGB image in 0..255: fixed 0..255 must reproduce it exactly, in BGR order.
        Tensor t({1, 2, 3, 3});
        for (int64_t i = 0; i < t.size(); ++i)
            t[i] = static_cast<float>((i * 37) % 256);
        RenderOptions fixed = options(Colormap::Gray, Normalization::FixedRange);
        fixed.fixedMin = 0.0f;
        fixed.fixedMax = 255.0f;
        const cv::Mat image = renderComposite(t, fixed);
        QCOMPARE(image.size(), cv::Size(3, 2));
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 3; ++x)
                for (int c = 0; c < 3; ++c)
                    QCOMPARE(static_cast<float>(image.at<cv::Vec3b>(y, x)[2 - c]), t.at(0, y, x, c));

        // RGBA: alpha is ignored; per-channel stretching changes the pixels.
        Tensor rgba({1, 1, 2, 4}, {10, 20, 30, 255, 20, 40, 60, 0});
        const cv::Mat stretched = renderComposite(rgba, options(Colormap::Gray));
        QCOMPARE(stretched.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 0));
        QCOMPARE(stretched.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 255, 255));
        rgba[1] = std::numeric_limits<float>::quiet_NaN();
        QCOMPARE(renderComposite(rgba, fixed).at<cv::Vec3b>(0, 0), kMagenta);
        QVERIFY_THROWS_EXCEPTION(Error, renderComposite(test::arangeTensor({1, 2, 2, 2}), fixed));
    }

    void contactSheetGrowsWithChannels()
    {
        cv::Size previous(0, 0);
        for (int channels : {1, 4, 9, 16, 33}) {
            const Tensor t = test::randomTensor({1, 8, 8, channels}, static_cast<uint32_t>(channels));
            const cv::Mat sheet = renderContactSheet(t, options(Colormap::Viridis), "conv — 1×8×8×" + std::to_string(channels));
            QCOMPARE(sheet.type(), CV_8UC3);
            QVERIFY(sheet.cols >= previous.width && sheet.rows >= previous.height);
            QVERIFY(sheet.cols * sheet.rows > previous.area());
            // An 8×8 tile is magnified (×12) to at least the default 96 px.
            QVERIFY(sheet.cols >= 96 * static_cast<int>(std::ceil(std::sqrt(channels))));
            previous = sheet.size();
        }
        // A tile is an exact nearest-neighbour magnification: a 2×2 checkerboard of 0/1 with
        // minTile 40 gives 20 px blocks, each one flat colour.
        const Tensor checker({1, 2, 2, 1}, {0, 1, 1, 0});
        const cv::Mat sheet = renderContactSheet(checker, options(Colormap::Gray), "checker", 40);
        const cv::Mat white = sheet == 255;
        cv::Mat whiteGray;
        cv::cvtColor(white, whiteGray, cv::COLOR_BGR2GRAY);
        // Two 20×20 white blocks = 800 pure-white pixels (text is light gray, not pure white, or
        // anti-aliased, and the background is dark).
        QVERIFY2(cv::countNonZero(whiteGray == 255) >= 800, std::to_string(cv::countNonZero(whiteGray == 255)).c_str());
    }

    void contactSheetStaysBounded()
    {
        // 64 channels of 128×128 with a large minimum tile: the magnification shrinks to keep the
        // sheet about 4096 px wide.
        const Tensor t = test::randomTensor({1, 128, 128, 64}, 5);
        const cv::Mat sheet = renderContactSheet(t, options(Colormap::Magma, Normalization::PerLayer), "big", 512);
        QVERIFY2(sheet.cols <= 4096 + 200, std::to_string(sheet.cols).c_str());
        QVERIFY(sheet.cols >= 8 * 128);
        // GlobalAveragePooling2D output (B, C): 1×1 tiles.
        const cv::Mat gap = renderContactSheet(test::randomTensor({1, 300}, 3), options(Colormap::Diverging), "gap");
        QVERIFY(!gap.empty() && static_cast<double>(gap.cols) * gap.rows <= 64e6);
    }

    void writePngWithTextMetadata()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path path = fs::path(dir.path().toStdString()) / "sheet.png";
        const Tensor t = test::randomTensor({1, 6, 5, 3}, 11);
        const cv::Mat sheet = renderContactSheet(t, options(Colormap::Viridis), "03 conv2d — 1×6×5×3");
        writePng(path, sheet, {{"layerscope:colormap", "viridis"},
                               {"layerscope:normalization", "per-channel"},
                               {"layerscope:title", "03 conv2d — 1×6×5×3"}});

        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        QVERIFY(bytes.find(std::string("layerscope:colormap\0viridis", 27)) != std::string::npos);
        const std::vector<Chunk> chunks = pngChunks(bytes);
        QVERIFY(!chunks.empty());
        QCOMPARE(chunks.front().type, std::string("IHDR"));
        QCOMPARE(chunks.back().type, std::string("IEND"));
        int text = 0, itext = 0;
        for (const Chunk& c : chunks) {
            QVERIFY2(c.crcOk, c.type.c_str());
            text += c.type == "tEXt";
            itext += c.type == "iTXt";
        }
        QCOMPARE(text, 2);
        QCOMPARE(itext, 1); // the title is UTF-8

        const cv::Mat decoded = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
        QCOMPARE(decoded.size(), sheet.size());
        QCOMPARE(cv::norm(decoded, sheet, cv::NORM_INF), 0.0);
        QCOMPARE(std::distance(fs::directory_iterator(dir.path().toStdString()), fs::directory_iterator{}), 1);

        QVERIFY_THROWS_EXCEPTION(Error, writePng(path, cv::Mat(), {}));
        QVERIFY_THROWS_EXCEPTION(Error, writePng(path, sheet, {{"", "empty keyword"}}));
        // A failed write leaves the previous file intact.
        QCOMPARE(cv::imread(path.string()).size(), sheet.size());
    }
};

QTEST_APPLESS_MAIN(TestRender)
#include "test_render.moc"
