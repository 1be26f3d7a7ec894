// LayerSummary and channel pictures, the app's view data computed once per tensor on the worker:
// every channel's and every item's statistics equal the one-thread reference computeStatistics
// (odd shapes, several items, NaN/Inf, constant channels), display ranges equal render.h's, the
// RGB32 pictures equal renderChannel/renderComposite pixel for pixel at step 1 and are the same
// cells subsampled at larger steps, and both stop promptly when cancelled.

#include "core/errors.h"
#include "core/render/channel_image.h"
#include "core/render/layer_summary.h"
#include "core/render/render.h"
#include "test_support.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

using namespace layerscope;

namespace {

QString describe(const Shape& shape, int b, int c)
{
    return QStringLiteral("shape %1, item %2, channel %3").arg(QString::fromStdString(shapeToString(shape))).arg(b).arg(c);
}

bool sameStatistics(const TensorStatistics& a, const TensorStatistics& e)
{
    const auto close = [](double x, double y) { return std::abs(x - y) <= 1e-9 * (1 + std::abs(y)); };
    return a.count == e.count && a.nonFinite == e.nonFinite && a.min == e.min && a.max == e.max
           && close(a.mean, e.mean) && close(a.stddev, e.stddev) && a.bins == e.bins;
}

Tensor withSpecials(Tensor t)
{
    t[0] = std::numeric_limits<float>::quiet_NaN();
    if (t.size() > 5)
        t[5] = std::numeric_limits<float>::infinity();
    return t;
}

uint32_t rgb32(const cv::Vec3b& bgr)
{
    return 0xff000000u | (uint32_t{bgr[2]} << 16) | (uint32_t{bgr[1]} << 8) | bgr[0];
}

} // namespace

class TestLayerSummary : public QObject {
    Q_OBJECT

private slots:
    void statisticsEqualTheReference()
    {
        // Few channels are summed in lanes of lcm(C, 8) values (whole periods, then a tail):
        // sizes with and without a tail, and large enough to be split into several chunks.
        const std::vector<Shape> shapes = {{1, 9, 7, 3}, {2, 5, 1, 7}, {3, 4, 6, 16}, {1, 1, 1, 1}, {4, 15}, {9, 7, 2}, {5},
                                           {1, 300, 333, 5}, {2, 131, 517, 4}, {1, 97, 41, 6}, {1, 64, 64, 1}};
        for (const Shape& shape : shapes) {
            const Tensor t = withSpecials(test::randomTensor(shape, 7, -3.0f, 5.0f));
            ExecContext context;
            context.threads = 2;
            const LayerSummary s = summarizeLayer(t, context);
            const ImageGeometry g = s.geometry();
            for (int b = 0; b < g.batch; ++b) {
                QVERIFY2(sameStatistics(s.item(b), computeStatistics(t, b, -1)), qPrintable(describe(shape, b, -1)));
                for (int c = 0; c < g.channels; ++c)
                    QVERIFY2(sameStatistics(s.channel(b, c), computeStatistics(t, b, c)), qPrintable(describe(shape, b, c)));
            }
        }
    }

    // The worker hands the first pass over at once and the histograms after it.
    void rangesFirstThenHistograms()
    {
        const Tensor t = withSpecials(test::randomTensor({2, 9, 7, 5}, 21, -4.0f, 3.0f));
        const LayerSummary ranges = summarizeRanges(t, ExecContext{});
        QVERIFY(!ranges.hasHistograms());
        const LayerSummary full = addHistograms(ranges, t, ExecContext{});
        QVERIFY(full.hasHistograms());
        QVERIFY(full.sameRanges(ranges));
        const LayerSummary reference = summarizeLayer(t, ExecContext{});
        for (int b = 0; b < 2; ++b) {
            QVERIFY(sameStatistics(full.item(b), reference.item(b)));
            for (int c = 0; c < 5; ++c) {
                QVERIFY(sameStatistics(full.channel(b, c), reference.channel(b, c)));
                QCOMPARE(ranges.channel(b, c).range().min, reference.channel(b, c).range().min);
                QCOMPARE(ranges.channel(b, c).mean, reference.channel(b, c).mean);
            }
        }
        const Tensor other = test::randomTensor({2, 9, 7, 5}, 22, -4.0f, 3.0f);
        QVERIFY(!summarizeRanges(other, ExecContext{}).sameRanges(ranges));
    }

    void constantAndNonFiniteChannels()
    {
        Tensor t({1, 2, 3, 2});
        for (int64_t i = 0; i < t.size(); i += 2)
            t[i] = 4.0f; // channel 0 constant 4
        for (int64_t i = 1; i < t.size(); i += 2)
            t[i] = std::numeric_limits<float>::quiet_NaN(); // channel 1 all NaN
        const LayerSummary s = summarizeLayer(t, ExecContext{});
        QCOMPARE(s.channel(0, 0).range().min, 4.0f);
        QCOMPARE(s.channel(0, 0).bins[0], int64_t{6});
        QCOMPARE(s.channel(0, 1).count, int64_t{0});
        QCOMPARE(s.channel(0, 1).nonFinite, int64_t{6});
        QVERIFY(s.channel(0, 1).bins.empty());
        QCOMPARE(s.channel(0, 1).range().max, 0.0f);
        QCOMPARE(s.item(0).nonFinite, int64_t{6});
    }

    void displayRangesEqualRenderH()
    {
        const Tensor t = withSpecials(test::randomTensor({2, 5, 4, 3}, 11, -2.0f, 7.0f));
        const LayerSummary s = summarizeLayer(t, ExecContext{});
        for (Normalization n : {Normalization::PerChannel, Normalization::PerLayer, Normalization::FixedRange})
            for (Colormap m : {Colormap::Gray, Colormap::Diverging})
                for (int b = 0; b < 2; ++b)
                    for (int c = 0; c < 3; ++c) {
                        RenderOptions o;
                        o.normalization = n;
                        o.colormap = m;
                        o.batchIndex = b;
                        o.fixedMin = -1.0f;
                        o.fixedMax = 3.0f;
                        const ValueRange expected = displayRange(t, c, o);
                        const ValueRange actual = s.displayRange(c, o);
                        QCOMPARE(actual.min, expected.min);
                        QCOMPARE(actual.max, expected.max);
                        QCOMPARE(actual.nonFinite, expected.nonFinite);
                    }
    }

    void channelPicturesEqualRenderChannel()
    {
        const Tensor t = withSpecials(test::randomTensor({2, 9, 7, 5}, 3, -1.0f, 2.0f));
        const LayerSummary s = summarizeLayer(t, ExecContext{});
        for (Colormap m : {Colormap::Gray, Colormap::Viridis, Colormap::Magma, Colormap::Diverging})
            for (Normalization n : {Normalization::PerChannel, Normalization::PerLayer, Normalization::FixedRange})
                for (int b = 0; b < 2; ++b)
                    for (int c = 0; c < 5; ++c) {
                        RenderOptions o;
                        o.colormap = m;
                        o.normalization = n;
                        o.batchIndex = b;
                        o.fixedMax = 1.5f;
                        const cv::Mat expected = renderChannel(t, c, o);
                        for (int step : {1, 2, 3, 8}) {
                            const RgbImage image = renderChannelImage(t, s, c, o, step);
                            QCOMPARE(image.width, (7 + step - 1) / step);
                            QCOMPARE(image.height, (9 + step - 1) / step);
                            for (int y = 0; y < image.height; ++y)
                                for (int x = 0; x < image.width; ++x)
                                    QCOMPARE(image.pixels[static_cast<size_t>(y * image.width + x)],
                                             rgb32(expected.at<cv::Vec3b>(y * step, x * step)));
                        }
                    }
    }

    void compositeEqualsRenderComposite()
    {
        for (int channels : {1, 3, 4}) {
            const Tensor t = withSpecials(test::randomTensor({1, 6, 5, channels}, 5, 0.0f, 255.0f));
            const LayerSummary s = summarizeLayer(t, ExecContext{});
            for (Normalization n : {Normalization::PerChannel, Normalization::PerLayer, Normalization::FixedRange}) {
                RenderOptions o;
                o.normalization = n;
                o.colormap = Colormap::Viridis; // ignored by composites
                const cv::Mat expected = renderComposite(t, o);
                const RgbImage image = renderCompositeImage(t, s, o, 1);
                for (int y = 0; y < 6; ++y)
                    for (int x = 0; x < 5; ++x)
                        QCOMPARE(image.pixels[static_cast<size_t>(y * 5 + x)], rgb32(expected.at<cv::Vec3b>(y, x)));
            }
        }
        const Tensor two = test::randomTensor({1, 2, 2, 2}, 1);
        QVERIFY_THROWS_EXCEPTION(Error, renderCompositeImage(two, summarizeLayer(two, ExecContext{}), RenderOptions{}, 1));
    }

    void cancellationIsPrompt()
    {
        const Tensor big = test::randomTensor({1, 2000, 1500, 8}, 9);
        std::stop_source stop;
        ExecContext context;
        context.stop = stop.get_token();
        stop.request_stop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, summarizeLayer(big, context));
        const LayerSummary s = summarizeLayer(big, ExecContext{});
        QVERIFY_THROWS_EXCEPTION(CancelledError, renderChannelImage(big, s, 0, RenderOptions{}, 1, stop.get_token()));

        // Stopped from another thread while rendering: returns within a few milliseconds.
        std::stop_source later;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            later.request_stop();
        });
        const auto t0 = std::chrono::steady_clock::now();
        bool cancelled = false;
        try {
            for (int i = 0; i < 1000; ++i)
                renderChannelImage(big, s, i % 8, RenderOptions{}, 1, later.get_token());
        } catch (const CancelledError&) {
            cancelled = true;
        }
        canceller.join();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        QVERIFY(cancelled);
        QVERIFY2(ms < 500, qPrintable(QString::number(ms)));
    }
};

QTEST_APPLESS_MAIN(TestLayerSummary)
#include "test_layer_summary.moc"
