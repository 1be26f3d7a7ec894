// Image loading: files are written with OpenCV into a temporary directory and loaded back; the
// expected values come from the pixels written, never from loadImage. Covers gray/RGB/RGBA,
// 16-bit scaling, RGB channel order, JPEG EXIF orientation, corrupt/empty files and
// decompression-bomb headers.

#include "core/errors.h"
#include "core/io/image_io.h"
#include "core/io/npy.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>

using namespace layerscope;
namespace fs = std::filesystem;

namespace {

void writeBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string readBytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The InputError message of loading `path`, "" if it loaded.
std::string loadError(const fs::path& path)
{
    try {
        loadInputFile(path);
        return {};
    } catch (const InputError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("other exception: ") + e.what();
    }
}

// An APP1 Exif segment holding a single Orientation tag (big-endian TIFF), to splice in after SOI.
std::string exifOrientationSegment(uint16_t orientation)
{
    std::string tiff("MM\0*\0\0\0\x08", 8);          // header, first IFD at offset 8
    tiff += std::string("\0\x01", 2);                  // one entry
    tiff += std::string("\x01\x12\0\x03\0\0\0\x01", 8); // tag 0x0112, SHORT, count 1
    tiff += static_cast<char>(orientation >> 8);
    tiff += static_cast<char>(orientation & 0xff);
    tiff += std::string("\0\0", 2);                    // value padding
    tiff += std::string("\0\0\0\0", 4);                // no next IFD
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const size_t length = payload.size() + 2;
    return std::string("\xff\xe1", 2) + static_cast<char>(length >> 8) + static_cast<char>(length & 0xff)
           + payload;
}

} // namespace

class TestImageIo : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path file(const std::string& name) const { return fs::path(m_dir.path().toStdString()) / name; }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void gray8BitPng()
    {
        cv::Mat image(5, 7, CV_8UC1);
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 7; ++x)
                image.at<uint8_t>(y, x) = static_cast<uint8_t>(y * 40 + x);
        QVERIFY(cv::imwrite(file("gray.png").string(), image));
        const Tensor t = loadInputFile(file("gray.png"));
        QCOMPARE(t.shape(), (Shape{1, 5, 7, 1}));
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 7; ++x)
                QCOMPARE(t.at(0, y, x, 0), static_cast<float>(y * 40 + x));
    }

    void rgbPngIsInRgbOrder()
    {
        cv::Mat image(3, 4, CV_8UC3);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 4; ++x)
                image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>(10 + x), // B
                                                      static_cast<uint8_t>(100 + y), // G
                                                      static_cast<uint8_t>(200 + x + y)); // R
        QVERIFY(cv::imwrite(file("rgb.png").string(), image));
        const Tensor t = loadImage(file("rgb.png"));
        QCOMPARE(t.shape(), (Shape{1, 3, 4, 3}));
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 4; ++x) {
                QCOMPARE(t.at(0, y, x, 0), static_cast<float>(200 + x + y));
                QCOMPARE(t.at(0, y, x, 1), static_cast<float>(100 + y));
                QCOMPARE(t.at(0, y, x, 2), static_cast<float>(10 + x));
            }
    }

    void rgbaPngKeepsAlpha()
    {
        cv::Mat image(2, 3, CV_8UC4, cv::Scalar(1, 2, 3, 4)); // B G R A
        image.at<cv::Vec4b>(1, 2) = cv::Vec4b(50, 60, 70, 0);
        QVERIFY(cv::imwrite(file("rgba.png").string(), image));
        const Tensor t = loadImage(file("rgba.png"));
        QCOMPARE(t.shape(), (Shape{1, 2, 3, 4}));
        QCOMPARE(t.at(0, 0, 0, 0), 3.0f);
        QCOMPARE(t.at(0, 0, 0, 1), 2.0f);
        QCOMPARE(t.at(0, 0, 0, 2), 1.0f);
        QCOMPARE(t.at(0, 0, 0, 3), 4.0f);
        QCOMPARE(t.at(0, 1, 2, 0), 70.0f);
        QCOMPARE(t.at(0, 1, 2, 3), 0.0f);
    }

    void sixteenBitIsScaledTo255()
    {
        cv::Mat gray(2, 2, CV_16UC1);
        gray.at<uint16_t>(0, 0) = 0;
        gray.at<uint16_t>(0, 1) = 65535;
        gray.at<uint16_t>(1, 0) = 257;   // 1.0 after scaling
        gray.at<uint16_t>(1, 1) = 32768;
        QVERIFY(cv::imwrite(file("gray16.png").string(), gray));
        const Tensor t = loadImage(file("gray16.png"));
        QCOMPARE(t.shape(), (Shape{1, 2, 2, 1}));
        QCOMPARE(t[0], 0.0f);
        QCOMPARE(t[1], 255.0f);
        QVERIFY(std::abs(t[2] - 1.0f) < 1e-4f);
        QVERIFY(std::abs(t[3] - 32768.0f * 255.0f / 65535.0f) < 1e-3f);

        cv::Mat color(1, 1, CV_16UC3, cv::Scalar(65535, 0, 257)); // B G R
        QVERIFY(cv::imwrite(file("rgb16.png").string(), color));
        const Tensor c = loadImage(file("rgb16.png"));
        QCOMPARE(c.shape(), (Shape{1, 1, 1, 3}));
        QVERIFY(std::abs(c[0] - 1.0f) < 1e-4f);
        QCOMPARE(c[1], 0.0f);
        QCOMPARE(c[2], 255.0f);
    }

    void jpegLoadsApproximately()
    {
        cv::Mat image(16, 24, CV_8UC3, cv::Scalar(30, 120, 220)); // B G R
        QVERIFY(cv::imwrite(file("flat.jpg").string(), image, {cv::IMWRITE_JPEG_QUALITY, 95}));
        const Tensor t = loadInputFile(file("flat.jpg"));
        QCOMPARE(t.shape(), (Shape{1, 16, 24, 3}));
        QVERIFY(std::abs(t.at(0, 8, 12, 0) - 220.0f) <= 3.0f);
        QVERIFY(std::abs(t.at(0, 8, 12, 1) - 120.0f) <= 3.0f);
        QVERIFY(std::abs(t.at(0, 8, 12, 2) - 30.0f) <= 3.0f);

        cv::Mat gray(8, 8, CV_8UC1, cv::Scalar(77));
        QVERIFY(cv::imwrite(file("gray.jpeg").string(), gray));
        const Tensor g = loadInputFile(file("gray.jpeg"));
        QCOMPARE(g.shape(), (Shape{1, 8, 8, 1}));
        QVERIFY(std::abs(g[0] - 77.0f) <= 2.0f);
    }

    void jpegExifOrientationIsApplied()
    {
        // 40 wide × 20 tall: left half red, right half blue. Orientation 6 means "rotate 90° clockwise
        // to display", so the loaded image is 20 wide × 40 tall with red on top.
        cv::Mat image(20, 40, CV_8UC3, cv::Scalar(255, 0, 0));              // blue (BGR)
        image(cv::Rect(0, 0, 20, 20)).setTo(cv::Scalar(0, 0, 255));         // red
        std::vector<uchar> encoded;
        QVERIFY(cv::imencode(".jpg", image, encoded, {cv::IMWRITE_JPEG_QUALITY, 95}));
        const std::string plain(encoded.begin(), encoded.end());
        writeBytes(file("plain.jpg"), plain);
        const std::string rotated = plain.substr(0, 2) + exifOrientationSegment(6) + plain.substr(2);
        writeBytes(file("rotated.jpg"), rotated);

        const Tensor p = loadImage(file("plain.jpg"));
        QCOMPARE(p.shape(), (Shape{1, 20, 40, 3}));
        QVERIFY(p.at(0, 10, 5, 0) > 200 && p.at(0, 10, 5, 2) < 60);  // red at the left

        const Tensor r = loadImage(file("rotated.jpg"));
        QCOMPARE(r.shape(), (Shape{1, 40, 20, 3}));
        QVERIFY(r.at(0, 5, 10, 0) > 200 && r.at(0, 5, 10, 2) < 60);   // red on top
        QVERIFY(r.at(0, 35, 10, 2) > 200 && r.at(0, 35, 10, 0) < 60); // blue at the bottom
    }

    void badFilesAreInputErrorsNamingTheFile()
    {
        writeBytes(file("empty.png"), "");
        writeBytes(file("garbage.png"), std::string(300, '\x5a'));
        cv::Mat image(32, 32, CV_8UC3, cv::Scalar(1, 2, 3));
        std::vector<uchar> png;
        QVERIFY(cv::imencode(".png", image, png));
        writeBytes(file("truncated.png"), std::string(png.begin(), png.begin() + 40));
        writeBytes(file("unknown.xyz"), "hello, world");

        for (const char* name : {"empty.png", "garbage.png", "truncated.png", "unknown.xyz", "missing.png"}) {
            const std::string message = loadError(file(name));
            QVERIFY2(message.find(name) != std::string::npos, (std::string(name) + ": " + message).c_str());
            QVERIFY2(message.find("other exception") == std::string::npos, message.c_str());
        }
        QVERIFY(loadError(file("garbage.png")).find("cannot decode image") != std::string::npos);
        QVERIFY(loadError(file("garbage.png")).find("not a supported image or corrupt") != std::string::npos);
    }

    void decompressionBombsAreRefusedBeforeDecoding()
    {
        // A PNG whose IHDR claims 100000×100000 (the rest need not be valid: it is never decoded).
        std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
        png += std::string("\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0", 13) + std::string(4, '\0');
        png += std::string(64, '\0');
        writeBytes(file("bomb.png"), png);
        std::string message = loadError(file("bomb.png"));
        QVERIFY2(message.find("100000×100000") != std::string::npos && message.find("limit") != std::string::npos,
                 message.c_str());

        // A JPEG whose frame header claims 65000×65000.
        std::string jpeg("\xff\xd8\xff\xc0\0\x11\x08\xfd\xe8\xfd\xe8\x03", 12);
        jpeg += std::string(64, '\0');
        writeBytes(file("bomb.jpg"), jpeg);
        message = loadError(file("bomb.jpg"));
        QVERIFY2(message.find("65000×65000") != std::string::npos, message.c_str());
    }

    void npyInputsGoThroughToImageBatch()
    {
        writeNpy(file("hw.npy"), test::arangeTensor({4, 6}));
        QCOMPARE(loadInputFile(file("hw.npy")).shape(), (Shape{1, 4, 6, 1}));
        writeNpy(file("upper.NPY"), test::arangeTensor({4, 6, 2}));
        QVERIFY(isNpyPath(file("upper.NPY")));
        QVERIFY(!isNpyPath(file("image.png")));
        QCOMPARE(loadInputFile(file("upper.NPY")).shape(), (Shape{1, 4, 6, 2}));

        writeNpy(file("rank5.npy"), test::arangeTensor({1, 1, 2, 2, 2}));
        const std::string message = loadError(file("rank5.npy"));
        QVERIFY2(message.find("rank5.npy") != std::string::npos && message.find("rank 5") != std::string::npos,
                 message.c_str());
    }

    void bundledSampleImageLoads()
    {
        const fs::path camera = fs::path(LAYERSCOPE_SOURCE_DIR) / "images" / "camera.png";
        if (!fs::exists(camera))
            QSKIP("images/camera.png not present");
        const Tensor t = loadInputFile(camera);
        QCOMPARE(t.rank(), 4);
        QCOMPARE(t.dim(0), int64_t{1});
        QVERIFY(t.dim(3) == 1 || t.dim(3) == 3);
    }
};

QTEST_APPLESS_MAIN(TestImageIo)
#include "test_image_io.moc"
