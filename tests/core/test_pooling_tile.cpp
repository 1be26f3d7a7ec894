// AveragePooling2D, GlobalAveragePooling2D and Tile against plain reference loops written here,
// over odd non-square shapes and channel counts 1–16, plus the shape arithmetic and Keras errors.

#include "core/layers/average_pooling2d.h"
#include "core/layers/global_average_pooling2d.h"
#include "core/layers/tile.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace layerscope;

namespace {

// TF SpatialAvgPool written as directly as possible: NHWC, window clipped to the image.
Tensor referenceAvgPool(const Tensor& x, int kh, int kw, int sh, int sw, bool same)
{
    const int64_t B = x.dim(0), H = x.dim(1), W = x.dim(2), C = x.dim(3);
    int64_t OH, OW, top = 0, left = 0;
    if (same) {
        OH = (H + sh - 1) / sh;
        OW = (W + sw - 1) / sw;
        top = std::max<int64_t>(0, (OH - 1) * sh + kh - H) / 2;
        left = std::max<int64_t>(0, (OW - 1) * sw + kw - W) / 2;
    } else {
        OH = (H - kh) / sh + 1;
        OW = (W - kw) / sw + 1;
    }
    Tensor out({B, OH, OW, C});
    for (int64_t b = 0; b < B; ++b)
        for (int64_t oy = 0; oy < OH; ++oy)
            for (int64_t ox = 0; ox < OW; ++ox)
                for (int64_t c = 0; c < C; ++c) {
                    float sum = 0;
                    int count = 0;
                    for (int64_t i = 0; i < kh; ++i)
                        for (int64_t j = 0; j < kw; ++j) {
                            const int64_t y = oy * sh - top + i, xx = ox * sw - left + j;
                            if (y < 0 || y >= H || xx < 0 || xx >= W)
                                continue;
                            sum += x.at(b, y, xx, c);
                            ++count;
                        }
                    out.at(b, oy, ox, c) = sum / static_cast<float>(count);
                }
    return out;
}

Tensor toNchw(const Tensor& t)
{
    Tensor out({t.dim(0), t.dim(3), t.dim(1), t.dim(2)});
    for (int64_t b = 0; b < t.dim(0); ++b)
        for (int64_t y = 0; y < t.dim(1); ++y)
            for (int64_t x = 0; x < t.dim(2); ++x)
                for (int64_t c = 0; c < t.dim(3); ++c)
                    out[((b * t.dim(3) + c) * t.dim(1) + y) * t.dim(2) + x] = t.at(b, y, x, c);
    return out;
}

std::string layerError(const Layer& layer, const Shape& input)
{
    try {
        layer.inferShape(input);
    } catch (const LayerError& e) {
        return e.what();
    }
    return {};
}

// One pooling case of a data-driven test: the columns, the rows (every channel count × size ×
// window, SAME and, where the window fits, VALID), and reading the current row back.
struct PoolCase {
    int h, w, c, kh, kw, sh, sw;
    bool same;
};

void addPoolCases(std::initializer_list<int> channels, std::initializer_list<std::pair<int, int>> sizes,
                  std::initializer_list<std::array<int, 4>> windows)
{
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<int>("c");
    QTest::addColumn<int>("kh");
    QTest::addColumn<int>("kw");
    QTest::addColumn<int>("sh");
    QTest::addColumn<int>("sw");
    QTest::addColumn<bool>("same");
    int row = 0;
    for (int c : channels)
        for (auto [h, w] : sizes)
            for (auto [kh, kw, sh, sw] : windows)
                for (bool same : {false, true}) {
                    if (!same && (kh > h || kw > w))
                        continue;
                    QTest::addRow("%d: %dx%dx%d pool %dx%d s%dx%d %s", row++, h, w, c, kh, kw, sh, sw, same ? "same" : "valid")
                        << h << w << c << kh << kw << sh << sw << same;
                }
}

PoolCase fetchPoolCase()
{
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(int, c);
    QFETCH(int, kh);
    QFETCH(int, kw);
    QFETCH(int, sh);
    QFETCH(int, sw);
    QFETCH(bool, same);
    return {h, w, c, kh, kw, sh, sw, same};
}

} // namespace

class TestPoolingTile : public QObject {
    Q_OBJECT

private slots:
    void avgPoolMatchesReference_data();
    void avgPoolMatchesReference();
    void avgPoolWindowSumsMatchesReference_data();
    void avgPoolWindowSumsMatchesReference();
    void avgPoolWindowSumsNonFiniteAndHugeValues();
    void avgPoolChoosesWindowSumsOnlyForLargeWindows();
    void avgPoolDocumentationExample();
    void avgPoolSamePaddingExcludesBorder();
    void avgPoolShapeTable_data();
    void avgPoolShapeTable();
    void avgPoolErrors();
    void avgPoolMemoryGuardAndCancel();
    void globalAveragePool();
    void tileMatchesModuloIndexing();
    void tileRankAlignmentAndErrors();
};

void TestPoolingTile::avgPoolMatchesReference_data()
{
    addPoolCases({1, 2, 3, 4, 7, 8, 15, 16, 40, 64}, {{9, 7}, {1, 5}, {5, 1}, {8, 11}},
                 {{2, 2, 2, 2}, {3, 1, 1, 2}, {1, 3, 3, 1}, {3, 3, 1, 1}, {2, 3, 3, 2}});
    // An output of 17 MB (batch 2): the in-register rows write it with non-temporal stores.
    addPoolCases({64}, {{520, 260}}, {{2, 2, 2, 2}});
}

void TestPoolingTile::avgPoolMatchesReference()
{
    const auto [h, w, c, kh, kw, sh, sw, same] = fetchPoolCase();
    const Tensor x = test::randomTensor({2, h, w, c}, static_cast<uint32_t>(h * 131 + w * 17 + c), -5, 5);
    AveragePooling2DParams p;
    p.poolSize = {kh, kw};
    p.strides = std::array<int64_t, 2>{sh, sw};
    p.padding = same ? Padding::Same : Padding::Valid;
    const Tensor expected = referenceAvgPool(x, kh, kw, sh, sw, same);
    const Tensor actual = AveragePooling2D("pool", p).forward(x, ExecContext{});
    // Same summation order and one division: bit-exact.
    QVERIFY2(test::compareTensors(actual, expected, 0, 0).empty(), test::compareTensors(actual, expected, 0, 0).c_str());

    p.dataFormat = DataFormat::ChannelsFirst;
    const Tensor actualNchw = AveragePooling2D("pool", p).forward(toNchw(x), ExecContext{});
    QCOMPARE(actualNchw.shape(), toNchw(expected).shape());
    QVERIFY(actualNchw == toNchw(expected));
}

namespace {

// Runs the kernel with a forced method, the geometry computed as referenceAvgPool does.
Tensor avgPoolWith(AvgPoolMethod method, const Tensor& x, int kh, int kw, int sh, int sw, bool same)
{
    const int64_t H = x.dim(1), W = x.dim(2);
    int64_t OH = (H - kh) / sh + 1, OW = (W - kw) / sw + 1, top = 0, left = 0;
    if (same) {
        OH = (H + sh - 1) / sh;
        OW = (W + sw - 1) / sw;
        top = std::max<int64_t>(0, (OH - 1) * sh + kh - H) / 2;
        left = std::max<int64_t>(0, (OW - 1) * sw + kw - W) / 2;
    }
    Tensor out({x.dim(0), OH, OW, x.dim(3)});
    averagePoolNhwc(x, out, {kh, kw}, {sh, sw}, {top, left}, ExecContext{}, method);
    return out;
}

} // namespace

void TestPoolingTile::avgPoolWindowSumsMatchesReference_data()
{
    addPoolCases({1, 3, 8, 17}, {{9, 7}, {1, 5}, {13, 4}, {20, 17}},
                 {{2, 2, 2, 2}, {3, 1, 1, 2}, {5, 5, 1, 1}, {9, 7, 2, 3}, {4, 6, 4, 6}, {7, 3, 3, 1}, {40, 40, 1, 1}, {33, 2, 5, 1}});
}

void TestPoolingTile::avgPoolWindowSumsMatchesReference()
{
    // The separable block-sum path adds the same cells in another order: equal to rounding.
    const auto [h, w, c, kh, kw, sh, sw, same] = fetchPoolCase();
    const Tensor x = test::randomTensor({2, h, w, c}, static_cast<uint32_t>(h * 7 + w * 3 + c + kh), -5, 5);
    const Tensor expected = referenceAvgPool(x, kh, kw, sh, sw, same);
    const Tensor actual = avgPoolWith(AvgPoolMethod::WindowSums, x, kh, kw, sh, sw, same);
    const std::string mismatch = test::compareTensors(actual, expected, 1e-5, 1e-5);
    QVERIFY2(mismatch.empty(), mismatch.c_str());
}

void TestPoolingTile::avgPoolWindowSumsNonFiniteAndHugeValues()
{
    // One row of 12: a 1e30 at 0, NaN at 5, +Inf at 8, −Inf at 10; pool 3 stride 1 same. Windows
    // never subtract, so the 1e30 only reaches windows that contain it, and NaN/Inf reach exactly
    // the windows that hold them (Inf + −Inf is NaN), as in the direct sum.
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> values{1e30f, 1, 2, 3, 4, NAN, 6, 7, inf, 9, -inf, 11};
    const Tensor x({1, 1, 12, 1}, values);
    const Tensor direct = avgPoolWith(AvgPoolMethod::DirectSum, x, 1, 3, 1, 1, true);
    const Tensor sums = avgPoolWith(AvgPoolMethod::WindowSums, x, 1, 3, 1, 1, true);
    for (int64_t i = 0; i < 12; ++i) {
        const float d = direct[i], s = sums[i];
        QVERIFY2(std::isnan(d) == std::isnan(s), qPrintable(QString("cell %1: %2 vs %3").arg(i).arg(d).arg(s)));
        if (!std::isnan(d))
            QCOMPARE(s, d);
    }
    QCOMPARE(sums[2], 2.0f);                 // (1 + 2 + 3) / 3: untouched by the 1e30 two cells away
    QVERIFY(std::isnan(sums[9]));            // Inf + 9 − Inf
    QCOMPARE(sums[11], -inf / 2);            // (−Inf + 11) / 2 at the clipped border
}

void TestPoolingTile::avgPoolChoosesWindowSumsOnlyForLargeWindows()
{
    // Real models' pools (and every golden case) keep the bit-exact direct sum.
    QCOMPARE(chooseAvgPoolMethod({1, 1024, 1024, 64}, {1, 512, 512, 64}, {2, 2}), AvgPoolMethod::DirectSum);
    QCOMPARE(chooseAvgPoolMethod({1, 512, 512, 64}, {1, 512, 512, 64}, {3, 3}), AvgPoolMethod::DirectSum);
    QCOMPARE(chooseAvgPoolMethod({1, 9, 9, 3}, {1, 9, 9, 3}, {9, 9}), AvgPoolMethod::DirectSum);
    // The fuzz finding: a 131072×8 SAME pool over 131072×8×3 (direct: 2.6·10^10 additions).
    QCOMPARE(chooseAvgPoolMethod({1, 131072, 8, 3}, {1, 16384, 1, 3}, {131072, 8}), AvgPoolMethod::WindowSums);
    QCOMPARE(chooseAvgPoolMethod({1, 1000, 1000, 3}, {1, 1000, 1000, 3}, {500, 500}), AvgPoolMethod::WindowSums);

    // Through the layer: a 401×401 SAME pool on 600×500×2 picks window sums and agrees with the
    // direct sum of a few cells computed here.
    const Tensor x = test::randomTensor({1, 600, 500, 2}, 11, 0, 255);
    AveragePooling2DParams p;
    p.poolSize = {401, 401};
    p.strides = std::array<int64_t, 2>{1, 1};
    p.padding = Padding::Same;
    const Tensor out = AveragePooling2D("big", p).forward(x, ExecContext{});
    QCOMPARE(out.shape(), (Shape{1, 600, 500, 2}));
    for (auto [oy, ox] : {std::pair<int64_t, int64_t>{0, 0}, {300, 250}, {599, 499}, {123, 457}}) {
        const int64_t top = (599 + 401 - 600) / 2, left = (499 + 401 - 500) / 2;
        double sum = 0;
        int64_t count = 0;
        for (int64_t y = std::max<int64_t>(oy - top, 0); y < std::min<int64_t>(oy - top + 401, 600); ++y)
            for (int64_t xx = std::max<int64_t>(ox - left, 0); xx < std::min<int64_t>(ox - left + 401, 500); ++xx) {
                sum += x.at(0, y, xx, 1);
                ++count;
            }
        QVERIFY2(std::abs(out.at(0, oy, ox, 1) - sum / count) < 1e-3,
                 qPrintable(QString("(%1, %2): %3 vs %4").arg(oy).arg(ox).arg(out.at(0, oy, ox, 1)).arg(sum / count)));
    }
}

void TestPoolingTile::avgPoolDocumentationExample()
{
    // Keras docs: 3×3 input 1..9, pool 2, stride 1, valid → [[3, 4], [6, 7]].
    AveragePooling2DParams p;
    p.strides = std::array<int64_t, 2>{1, 1};
    const Tensor out = AveragePooling2D("pool", p).forward(test::arangeTensor({1, 3, 3, 1}), ExecContext{});
    QCOMPARE(out.shape(), (Shape{1, 2, 2, 1}));
    QCOMPARE(out.toVector(), (std::vector<float>{3, 4, 6, 7}));
}

void TestPoolingTile::avgPoolSamePaddingExcludesBorder()
{
    // 1×2 input [7, 8], pool 2×2 stride 1 same: the right window covers only 8 (padding excluded).
    AveragePooling2DParams p;
    p.strides = std::array<int64_t, 2>{1, 1};
    p.padding = Padding::Same;
    const Tensor out = AveragePooling2D("pool", p).forward(Tensor({1, 1, 2, 1}, {7, 8}), ExecContext{});
    QCOMPARE(out.toVector(), (std::vector<float>{7.5f, 8.0f}));
}

void TestPoolingTile::avgPoolShapeTable_data()
{
    // SEMANTICS.md §7 worked examples (pooling rows).
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("s");
    QTest::addColumn<bool>("same");
    QTest::addColumn<int>("out");
    QTest::addColumn<int>("before");
    QTest::addColumn<int>("after");
    QTest::newRow("valid 7/3/2") << 7 << 3 << 2 << false << 3 << 0 << 0;
    QTest::newRow("same 7/3/2") << 7 << 3 << 2 << true << 4 << 1 << 1;
    QTest::newRow("same 6/3/2") << 6 << 3 << 2 << true << 3 << 0 << 1;
    QTest::newRow("same 5/2/2") << 5 << 2 << 2 << true << 3 << 0 << 1;
    QTest::newRow("valid 7/2/3") << 7 << 2 << 3 << false << 2 << 0 << 0;
}

void TestPoolingTile::avgPoolShapeTable()
{
    QFETCH(int, n);
    QFETCH(int, k);
    QFETCH(int, s);
    QFETCH(bool, same);
    QFETCH(int, out);
    QFETCH(int, before);
    QFETCH(int, after);
    AveragePooling2DParams p;
    p.poolSize = {k, 1};
    p.strides = std::array<int64_t, 2>{s, 1};
    p.padding = same ? Padding::Same : Padding::Valid;
    const LayerShape shape = AveragePooling2D("pool", p).inferShape({1, n, 4, 2});
    QCOMPARE(shape.output, (Shape{1, out, 4, 2}));
    const AxisExplanation& rows = shape.axes[1];
    QCOMPARE(rows.axis, std::string("height"));
    QCOMPARE(rows.output, int64_t(out));
    QCOMPARE(rows.padBefore, int64_t(before));
    QCOMPARE(rows.padAfter, int64_t(after));
    // The explanation carries the numbers, e.g. "⌊(7 − 3) / 2⌋ + 1 = 3".
    QVERIFY2(rows.arithmetic.find("= " + std::to_string(out)) != std::string::npos, rows.arithmetic.c_str());
}

void TestPoolingTile::avgPoolErrors()
{
    AveragePooling2DParams p;
    p.poolSize = {3, 3};
    const std::string tooLarge = layerError(AveragePooling2D("pool1", p), {1, 2, 5, 1});
    QVERIFY2(tooLarge.find("AveragePooling2D 'pool1': Computed output size would be zero or negative") == 0, tooLarge.c_str());
    QVERIFY2(tooLarge.find("⌊(2 − 3) / 3⌋ + 1 = 0 rows") != std::string::npos, tooLarge.c_str());
    QVERIFY2(tooLarge.find("pool height 3 > input height 2") != std::string::npos, tooLarge.c_str());

    p.poolSize = {2, 2};
    p.strides = std::array<int64_t, 2>{1, 0};
    const std::string zeroStride = layerError(AveragePooling2D("pool1", p), {1, 4, 4, 1});
    QVERIFY2(zeroStride.find("Received strides=(1, 0), including values {0} that do not satisfy `value > 0`") != std::string::npos,
             zeroStride.c_str());

    p = {};
    p.poolSize = {0, 2};
    QVERIFY(layerError(AveragePooling2D("p", p), {1, 4, 4, 1}).find("`pool_size`") != std::string::npos);
    const std::string rank = layerError(AveragePooling2D("p", {}), {4, 4, 1});
    QVERIFY2(rank.find("expected ndim=4, found ndim=3") != std::string::npos, rank.c_str());
}

void TestPoolingTile::avgPoolMemoryGuardAndCancel()
{
    const Tensor x = test::randomTensor({1, 64, 64, 8}, 1);
    ExecContext tiny;
    tiny.memoryBudgetBytes = 1000;
    try {
        AveragePooling2D("pool1", {}).forward(x, tiny);
        QFAIL("expected a memory budget error");
    } catch (const MemoryBudgetError& e) {
        const std::string message = e.what();
        QVERIFY2(message.find("AveragePooling2D 'pool1'") == 0 && message.find("1×32×32×8") != std::string::npos
                     && message.find("32.00 KiB") != std::string::npos,
                 message.c_str());
    }
    std::stop_source stop;
    stop.request_stop();
    ExecContext cancelled;
    cancelled.stop = stop.get_token();
    QVERIFY_THROWS_EXCEPTION(CancelledError, AveragePooling2D("pool", {}).forward(x, cancelled));
}

void TestPoolingTile::globalAveragePool()
{
    const Tensor x = test::randomTensor({2, 5, 3, 7}, 7, 0, 255);
    Tensor expected({2, 7});
    for (int b = 0; b < 2; ++b)
        for (int c = 0; c < 7; ++c) {
            double sum = 0;
            for (int y = 0; y < 5; ++y)
                for (int xx = 0; xx < 3; ++xx)
                    sum += x.at(b, y, xx, c);
            expected[b * 7 + c] = static_cast<float>(sum / 15);
        }
    const Tensor out = GlobalAveragePooling2D("gap", {}).forward(x, ExecContext{});
    QVERIFY(test::compareTensors(out, expected, 1e-5, 1e-6).empty());
    GlobalAveragePooling2DParams keep{DataFormat::ChannelsFirst, true};
    const Tensor outNchw = GlobalAveragePooling2D("gap", keep).forward(toNchw(x), ExecContext{});
    QCOMPARE(outNchw.shape(), (Shape{2, 7, 1, 1}));
    QVERIFY(test::compareTensors(outNchw.reshaped({2, 7}), expected, 1e-5, 1e-6).empty());
    QCOMPARE(GlobalAveragePooling2D("gap", {DataFormat::ChannelsLast, true}).inferShape({2, 5, 3, 7}).output, (Shape{2, 1, 1, 7}));
}

void TestPoolingTile::tileMatchesModuloIndexing()
{
    for (auto multiples : {std::vector<int64_t>{1, 2, 2, 1}, {2, 1, 3, 2}, {1, 1, 1, 5}, {3, 2}})
        for (int c : {1, 3, 16}) {
            const Tensor x = test::randomTensor({2, 3, 5, c}, static_cast<uint32_t>(c));
            const Tensor out = Tile("tile", {multiples}).forward(x, ExecContext{});
            std::vector<int64_t> m = multiples;
            while (m.size() < 4)
                m.insert(m.begin(), 1);
            QCOMPARE(out.shape(), (Shape{2 * m[0], 3 * m[1], 5 * m[2], c * m[3]}));
            for (int64_t b = 0; b < out.dim(0); ++b)
                for (int64_t y = 0; y < out.dim(1); ++y)
                    for (int64_t xx = 0; xx < out.dim(2); ++xx)
                        for (int64_t k = 0; k < out.dim(3); ++k)
                            QCOMPARE(out.at(b, y, xx, k), x.at(b % 2, y % 3, xx % 5, k % c));
        }
}

void TestPoolingTile::tileRankAlignmentAndErrors()
{
    // (B, C) from a global pool tiled with 4 multiples gains two leading axes: (1, 1, 2, 3) · [1, 4, 4, 1].
    const LayerShape shape = Tile("t", {{1, 4, 4, 1}}).inferShape({2, 3});
    QCOMPARE(shape.output, (Shape{1, 4, 8, 3}));
    QVERIFY(layerError(Tile("t", {{1, 0, 2, 1}}), {1, 4, 4, 1}).find("multiples[1] = 0") != std::string::npos);
    QVERIFY(layerError(Tile("t", {{1, -2, 2, 1}}), {1, 4, 4, 1}).find("Expected multiples[1] >= 0, but got -2") != std::string::npos);
    QVERIFY(layerError(Tile("t", {{1, 1, 1, 1, 1}}), {1, 4, 4, 1}).find("at most 4 axes") != std::string::npos);
    // Absurd multiples are refused by the memory guard before allocating.
    ExecContext context;
    context.memoryBudgetBytes = int64_t{1} << 30;
    QVERIFY_THROWS_EXCEPTION(MemoryBudgetError,
                             Tile("t", {{1, 100000, 100000, 1}}).forward(Tensor({1, 2, 2, 3}), context));
}

QTEST_APPLESS_MAIN(TestPoolingTile)
#include "test_pooling_tile.moc"
