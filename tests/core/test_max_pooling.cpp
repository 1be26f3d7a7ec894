// MaxPooling2D and GlobalMaxPooling2D against plain reference loops written here (odd non-square
// shapes, channel counts 1, 3, 5, 17, 64, both data formats, SAME and VALID), TF's NaN / −inf
// behaviour, the Keras errors, the memory guard and cancellation, and a few outputs computed with
// real Keras 3.15.1 (TF 2.21, CPU) typed in as literals.

#include "core/explain/cell_explanation.h"
#include "core/layers/global_max_pooling2d.h"
#include "core/layers/max_pooling2d.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace layerscope;

namespace {

// TF SpatialMaxPool as directly as possible: NHWC, the window clipped to the image (padding is
// never compared), a value replaces the running maximum only when greater, starting at lowest().
Tensor referenceMaxPool(const Tensor& x, int kh, int kw, int sh, int sw, bool same)
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
                    float best = std::numeric_limits<float>::lowest();
                    for (int64_t i = 0; i < kh; ++i)
                        for (int64_t j = 0; j < kw; ++j) {
                            const int64_t y = oy * sh - top + i, xx = ox * sw - left + j;
                            if (y < 0 || y >= H || xx < 0 || xx >= W)
                                continue;
                            if (x.at(b, y, xx, c) > best)
                                best = x.at(b, y, xx, c);
                        }
                    out.at(b, oy, ox, c) = best;
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

Tensor fromValues(const Shape& shape, const std::vector<float>& values)
{
    Tensor t(shape);
    for (size_t i = 0; i < values.size(); ++i)
        t[static_cast<int64_t>(i)] = values[i];
    return t;
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

// The input of the Keras literals below: ((i·7) mod 11) − 12 over a 1×4×5×2 NHWC arange, all
// negative so that a padding cell counted as 0 would win.
Tensor kerasInput()
{
    Tensor x({1, 4, 5, 2});
    for (int64_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>((i * 7) % 11 - 12);
    return x;
}

} // namespace

class TestMaxPooling : public QObject {
    Q_OBJECT

private slots:
    void matchesReference();
    void kernelOrderIndependentOfThreads();
    void kerasValues();
    void nanAndInfinity();
    void shapesAndErrors();
    void memoryGuardAndCancel();
    void explanationNamesTheWinner();
    void globalMaxPool();
    void globalMaxPoolKerasValuesAndNan();
};

void TestMaxPooling::matchesReference()
{
    const std::array<int, 4> windows[] = {{2, 2, 2, 2}, {3, 3, 2, 2}, {3, 2, 1, 3}, {1, 4, 1, 1}, {5, 3, 2, 1}, {7, 7, 3, 3}};
    const std::pair<int, int> sizes[] = {{9, 7}, {1, 5}, {6, 11}, {13, 2}};
    int checked = 0;
    for (int c : {1, 3, 5, 17, 64})
        for (auto [h, w] : sizes)
            for (auto [kh, kw, sh, sw] : windows)
                for (bool same : {false, true}) {
                    if (!same && (kh > h || kw > w))
                        continue;
                    const Tensor x = test::randomTensor({2, h, w, c}, static_cast<uint32_t>(h * 1000 + w * 10 + c));
                    const Tensor expected = referenceMaxPool(x, kh, kw, sh, sw, same);
                    MaxPooling2DParams p;
                    p.poolSize = {kh, kw};
                    p.strides = std::array<int64_t, 2>{sh, sw};
                    p.padding = same ? Padding::Same : Padding::Valid;
                    const std::string what = std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c)
                                           + " pool " + std::to_string(kh) + "x" + std::to_string(kw) + " s"
                                           + std::to_string(sh) + "x" + std::to_string(sw) + (same ? " same" : " valid");
                    const Tensor out = MaxPooling2D("mp", p).forward(x, ExecContext{});
                    QVERIFY2(out == expected, (what + ": " + test::compareTensors(out, expected, 0, 0)).c_str());
                    p.dataFormat = DataFormat::ChannelsFirst;
                    const Tensor nchw = MaxPooling2D("mp", p).forward(toNchw(x), ExecContext{});
                    QVERIFY2(nchw == toNchw(expected), (what + " channels_first").c_str());
                    ++checked;
                }
    QVERIFY(checked > 150);
}

void TestMaxPooling::kernelOrderIndependentOfThreads()
{
    const Tensor x = test::randomTensor({3, 31, 29, 5}, 4);
    MaxPooling2DParams p;
    p.poolSize = {3, 3};
    p.strides = std::array<int64_t, 2>{1, 1};
    p.padding = Padding::Same;
    ExecContext one;
    one.threads = 1;
    ExecContext many;
    many.threads = 4;
    QVERIFY(MaxPooling2D("mp", p).forward(x, one) == MaxPooling2D("mp", p).forward(x, many));
}

void TestMaxPooling::kerasValues()
{
    // Computed with Keras 3.15.1 (TF 2.21 CPU), keras.layers.MaxPooling2D on kerasInput().
    const Tensor x = kerasInput();
    MaxPooling2DParams p;
    p.poolSize = {3, 3};
    p.strides = std::array<int64_t, 2>{2, 2};
    p.padding = Padding::Same;
    QCOMPARE(MaxPooling2D("mp", p).forward(x, ExecContext{}),
             fromValues({1, 2, 3, 2}, {-4, -2, -2, -2, -3, -3, -4, -4, -2, -2, -2, -3}));
    p.dataFormat = DataFormat::ChannelsFirst;
    QCOMPARE(MaxPooling2D("mp", p).forward(toNchw(x), ExecContext{}),
             fromValues({1, 2, 2, 3}, {-4, -2, -3, -4, -2, -2, -2, -2, -3, -4, -2, -3}));
    p = {};
    p.poolSize = {2, 3};
    p.strides = std::array<int64_t, 2>{1, 2};
    QCOMPARE(MaxPooling2D("mp", p).forward(x, ExecContext{}),
             fromValues({1, 3, 2, 2}, {-2, -2, -2, -3, -2, -2, -2, -2, -4, -2, -2, -2}));
    p = {};
    p.poolSize = {2, 2};
    p.strides = std::array<int64_t, 2>{1, 1};
    p.padding = Padding::Same;
    QCOMPARE(MaxPooling2D("mp", p).forward(x, ExecContext{}),
             fromValues({1, 4, 5, 2}, {-5, -2, -2, -2, -2, -3, -3, -3, -7, -4, -4, -5, -2, -2, -2, -2, -3, -3, -3, -7,
                                       -4, -4, -5, -2, -2, -2, -2, -3, -3, -3, -8, -4, -5, -9, -2, -6, -2, -3, -10, -3}));
}

void TestMaxPooling::nanAndInfinity()
{
    // Keras 3.15.1: max(1, NaN, 3, 4) = 4, max(NaN, 1, 3, 4) = 4, max(5, 1, 3, NaN) = 5, an all-NaN
    // or NaN/−inf window gives float32 lowest() = −3.4028235e38, an all −inf window too.
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const float lowest = std::numeric_limits<float>::lowest();
    auto pool = [](std::vector<float> v) {
        return MaxPooling2D("mp", {}).forward(fromValues({1, 2, 2, 1}, v), ExecContext{})[0];
    };
    QCOMPARE(pool({1, nan, 3, 4}), 4.0f);
    QCOMPARE(pool({nan, 1, 3, 4}), 4.0f);
    QCOMPARE(pool({5, 1, 3, nan}), 5.0f);
    QCOMPARE(pool({nan, nan, nan, nan}), lowest);
    QCOMPARE(pool({nan, -inf, nan, nan}), lowest);
    QCOMPARE(pool({-inf, -inf, -inf, -inf}), lowest);
    QCOMPARE(pool({-inf, inf, 0, 1}), inf);
}

void TestMaxPooling::shapesAndErrors()
{
    MaxPooling2DParams p; // Keras default pool (2, 2), strides = pool
    QCOMPARE(MaxPooling2D("mp", p).inferShape({1, 9, 7, 3}).output, (Shape{1, 4, 3, 3}));
    p.padding = Padding::Same;
    QCOMPARE(MaxPooling2D("mp", p).inferShape({1, 9, 7, 3}).output, (Shape{1, 5, 4, 3}));
    p.dataFormat = DataFormat::ChannelsFirst;
    QCOMPARE(MaxPooling2D("mp", p).inferShape({1, 3, 9, 7}).output, (Shape{1, 3, 5, 4}));

    p = {};
    p.poolSize = {5, 5};
    const std::string tooBig = layerError(MaxPooling2D("mp", p), {1, 4, 5, 2});
    // Keras: "Computed output size would be zero or negative. Received: `inputs.shape=[1 4 5 2]`,
    // `pool_size=[5 5]`, `strides=(5, 5)`, `padding=valid`." (LayerScope adds the arithmetic).
    QVERIFY2(tooBig.find("MaxPooling2D 'mp'") == 0 && tooBig.find("Computed output size would be zero or negative")
                 != std::string::npos && tooBig.find("`pool_size=(5, 5)`") != std::string::npos
                 && tooBig.find("`padding=valid`") != std::string::npos,
             tooBig.c_str());
    p = {};
    p.strides = std::array<int64_t, 2>{0, 1};
    const std::string zero = layerError(MaxPooling2D("mp", p), {1, 4, 5, 2});
    QVERIFY2(zero.find("The `strides` argument must be a tuple of 2 integers. Received strides=(0, 1), including "
                       "values {0} that do not satisfy `value > 0`") != std::string::npos,
             zero.c_str());
    const std::string rank = layerError(MaxPooling2D("mp", {}), {4, 5, 2});
    QVERIFY2(rank.find("expected ndim=4, found ndim=3. Full shape received: (4, 5, 2)") != std::string::npos, rank.c_str());

    // Config: strides None stays None; pool_size defaults to (2, 2) when missing.
    const auto loaded = MaxPooling2D::fromJson({{"class_name", "MaxPooling2D"},
                                                {"config", {{"name", "m"}, {"padding", "same"}}}});
    QCOMPARE(loaded->params().poolSize, (std::array<int64_t, 2>{2, 2}));
    QVERIFY(!loaded->params().strides);
    QCOMPARE(loaded->params().padding, Padding::Same);
    QVERIFY(loaded->config().at("strides").is_null());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             MaxPooling2D::fromJson({{"class_name", "MaxPooling2D"},
                                                     {"config", {{"name", "m"}, {"padding", "full"}}}}));
    // Keras 3.15 passes a pooling padding unchanged to compute_pooling_output_shape: "SAME" is
    // refused when the model is built (unlike a convolution's, which is lowercased).
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             MaxPooling2D::fromJson({{"class_name", "MaxPooling2D"},
                                                     {"config", {{"name", "m"}, {"padding", "SAME"}}}}));
}

void TestMaxPooling::memoryGuardAndCancel()
{
    const Tensor x = test::randomTensor({1, 64, 64, 8}, 1);
    ExecContext tiny;
    tiny.memoryBudgetBytes = 1000;
    try {
        MaxPooling2D("pool1", {}).forward(x, tiny);
        QFAIL("expected a memory budget error");
    } catch (const MemoryBudgetError& e) {
        const std::string message = e.what();
        QVERIFY2(message.find("MaxPooling2D 'pool1'") == 0 && message.find("1×32×32×8") != std::string::npos, message.c_str());
    }
    QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, GlobalMaxPooling2D("g", {}).forward(x, ExecContext{.memoryBudgetBytes = 8}));
    std::stop_source stop;
    stop.request_stop();
    ExecContext cancelled;
    cancelled.stop = stop.get_token();
    QVERIFY_THROWS_EXCEPTION(CancelledError, MaxPooling2D("pool", {}).forward(x, cancelled));
    QVERIFY_THROWS_EXCEPTION(CancelledError, GlobalMaxPooling2D("g", {}).forward(x, cancelled));
}

void TestMaxPooling::explanationNamesTheWinner()
{
    const Tensor x = kerasInput();
    MaxPooling2DParams p;
    p.poolSize = {3, 3};
    p.strides = std::array<int64_t, 2>{2, 2};
    p.padding = Padding::Same;
    const MaxPooling2D layer("mp", p);
    // Output (0, 0, 0, c 1): SAME pads 4 rows by 0 top / 1 bottom and 5 columns by 1 left / 1
    // right, so the window is rows 0…2, columns −1…1; its real cells of channel 1 are −5, −2,
    // −12, −9, −8, −5 → −2 at row 0, column 1 (Keras's output, see kerasValues).
    const CellExplanation e = explainCell(layer, x, {0, 0, 0, 1});
    QCOMPARE(e.value, -2.0f);
    QCOMPARE(e.cellCount, int64_t{6});
    QCOMPARE(e.paddingCount, int64_t{3});
    int winners = 0;
    for (const ContributingCell& c : e.cells)
        if (c.wins) {
            ++winners;
            QCOMPARE(c.cell, (CellIndex{0, 0, 1, 1}));
        }
    QCOMPARE(winners, 1);
    // Every cell of a SAME pooling with NaNs and ties: the explanation equals the engine.
    Tensor y = test::randomTensor({2, 7, 6, 3}, 12);
    y.at(0, 3, 3, 1) = std::numeric_limits<float>::quiet_NaN();
    y.at(1, 0, 0, 0) = y.at(1, 0, 1, 0) = 5.0f;
    for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst}) {
        MaxPooling2DParams q;
        q.poolSize = {3, 2};
        q.strides = std::array<int64_t, 2>{2, 1};
        q.padding = Padding::Same;
        q.dataFormat = format;
        const MaxPooling2D pool("mp", q);
        const Tensor in = format == DataFormat::ChannelsFirst ? toNchw(y) : y;
        const Tensor out = pool.forward(in, ExecContext{});
        const Shape nhwc = format == DataFormat::ChannelsFirst ? Shape{2, 4, 6, 3} : out.shape();
        for (int64_t b = 0; b < 2; ++b)
            for (int64_t oy = 0; oy < nhwc[1]; ++oy)
                for (int64_t ox = 0; ox < nhwc[2]; ++ox)
                    for (int64_t c = 0; c < 3; ++c) {
                        const CellExplanation cell = explainCell(pool, in, {b, oy, ox, c});
                        const int64_t flat = format == DataFormat::ChannelsFirst ? ((b * 3 + c) * nhwc[1] + oy) * nhwc[2] + ox
                                                                                 : ((b * nhwc[1] + oy) * nhwc[2] + ox) * 3 + c;
                        QVERIFY2(cell.exact && cell.value == out[flat], cell.summary.c_str());
                    }
    }
    QVERIFY2(e.summary.find("max of these 6 cells") == 0 && e.summary.find("row 0, column 1") != std::string::npos
                 && e.summary.find("never compared") != std::string::npos,
             e.summary.c_str());
}

void TestMaxPooling::globalMaxPool()
{
    for (int c : {1, 3, 5, 17, 64}) {
        const Tensor x = test::randomTensor({2, 7, 9, c}, static_cast<uint32_t>(c));
        Tensor expected({2, c});
        for (int64_t b = 0; b < 2; ++b)
            for (int64_t ch = 0; ch < c; ++ch) {
                float best = -std::numeric_limits<float>::infinity();
                for (int64_t y = 0; y < 7; ++y)
                    for (int64_t xx = 0; xx < 9; ++xx)
                        best = std::max(best, x.at(b, y, xx, ch));
                expected[b * c + ch] = best;
            }
        QCOMPARE(GlobalMaxPooling2D("g", {}).forward(x, ExecContext{}), expected);
        GlobalMaxPooling2DParams p;
        p.dataFormat = DataFormat::ChannelsFirst;
        p.keepDims = true;
        const Tensor nchw = GlobalMaxPooling2D("g", p).forward(toNchw(x), ExecContext{});
        QCOMPARE(nchw.shape(), (Shape{2, c, 1, 1}));
        QCOMPARE(nchw.reshaped({2, c}), expected);
    }
    // A map large enough to be reduced in parallel slices, a NaN in one channel of one slice.
    Tensor big = test::randomTensor({2, 300, 170, 3}, 9);
    big.at(1, 250, 3, 2) = std::numeric_limits<float>::quiet_NaN();
    big.at(0, 123, 45, 1) = 7.0f;
    const Tensor reduced = GlobalMaxPooling2D("g", {}).forward(big, ExecContext{});
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t ch = 0; ch < 3; ++ch) {
            float best = -std::numeric_limits<float>::infinity();
            bool nan = false;
            for (int64_t y = 0; y < 300; ++y)
                for (int64_t xx = 0; xx < 170; ++xx) {
                    nan = nan || std::isnan(big.at(b, y, xx, ch));
                    best = std::max(best, big.at(b, y, xx, ch));
                }
            if (nan)
                QVERIFY(std::isnan(reduced[b * 3 + ch]));
            else
                QCOMPARE(reduced[b * 3 + ch], best);
        }
    QCOMPARE(reduced[1], 7.0f);
    GlobalMaxPooling2DParams bigNchw;
    bigNchw.dataFormat = DataFormat::ChannelsFirst;
    const Tensor reducedNchw = GlobalMaxPooling2D("g", bigNchw).forward(toNchw(big), ExecContext{});
    for (int64_t i = 0; i < 6; ++i)
        QVERIFY(reducedNchw[i] == reduced[i] || (std::isnan(reducedNchw[i]) && std::isnan(reduced[i])));
    GlobalMaxPooling2DParams keep;
    keep.keepDims = true;
    QCOMPARE(GlobalMaxPooling2D("g", keep).inferShape({1, 9, 7, 3}).output, (Shape{1, 1, 1, 3}));
    QCOMPARE(GlobalMaxPooling2D("g", {}).inferShape({1, 9, 7, 3}).output, (Shape{1, 3}));
    QVERIFY(layerError(GlobalMaxPooling2D("g", {}), {9, 7, 3}).find("expected ndim=4, found ndim=3") != std::string::npos);
}

void TestMaxPooling::globalMaxPoolKerasValuesAndNan()
{
    // Keras 3.15.1: GlobalMaxPooling2D(keepdims=True, data_format="channels_first") on
    // kerasInput() in NCHW → [[[[-2]], [[-2]]]]; reduce_max propagates NaN: max(5, 1, NaN, 3) = NaN;
    // an all −inf map gives −inf.
    GlobalMaxPooling2DParams p;
    p.keepDims = true;
    p.dataFormat = DataFormat::ChannelsFirst;
    QCOMPARE(GlobalMaxPooling2D("g", p).forward(toNchw(kerasInput()), ExecContext{}), fromValues({1, 2, 1, 1}, {-2, -2}));
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    QVERIFY(std::isnan(GlobalMaxPooling2D("g", {}).forward(fromValues({1, 2, 2, 1}, {5, 1, nan, 3}), ExecContext{})[0]));
    QVERIFY(std::isnan(GlobalMaxPooling2D("g", {}).forward(fromValues({1, 2, 2, 1}, {nan, 1, 7, 3}), ExecContext{})[0]));
    QCOMPARE(GlobalMaxPooling2D("g", {}).forward(fromValues({1, 2, 2, 1}, {-inf, -inf, -inf, -inf}), ExecContext{})[0], -inf);
    const CellExplanation e = explainCell(GlobalMaxPooling2D("g", {}), fromValues({1, 2, 2, 1}, {5, 9, 3, 9}), {0, 0, 0, 0});
    QCOMPARE(e.value, 9.0f);
    QVERIFY(e.cells.front().wins && e.cells.front().cell == (CellIndex{0, 0, 1, 0}));
}

QTEST_APPLESS_MAIN(TestMaxPooling)
#include "test_max_pooling.moc"
