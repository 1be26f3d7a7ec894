// ZeroPadding2D, Cropping2D, CenterCrop, Flatten, Reshape and Permute against plain reference
// loops written here (odd shapes, channel counts 1, 3, 5, 17, 64, both data formats), their
// back mappings against a brute-force bounding box, Keras's errors, the memory guard and
// cancellation, and outputs computed with real Keras 3.15.1 (TF 2.21, CPU) typed in as literals.

#include "core/explain/cell_explanation.h"
#include "core/explain/receptive_field.h"
#include "core/layers/center_crop.h"
#include "core/layers/cropping2d.h"
#include "core/layers/flatten.h"
#include "core/layers/permute.h"
#include "core/layers/reshape.h"
#include "core/layers/zero_padding2d.h"
#include "test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace layerscope;
using nlohmann::json;

namespace {

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

std::string loadError(const std::function<void()>& load)
{
    try {
        load();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

// The input of the Keras literals: ((i·7) mod 11) − 12 over a 1×4×5×2 NHWC arange.
Tensor kerasInput()
{
    Tensor x({1, 4, 5, 2});
    for (int64_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>((i * 7) % 11 - 12);
    return x;
}

// Row-major multi-index of flat offset `flat` in `shape`.
std::vector<int64_t> indexOf(int64_t flat, const Shape& shape)
{
    std::vector<int64_t> index(shape.size());
    for (size_t a = shape.size(); a-- > 0;) {
        index[a] = flat % shape[a];
        flat /= shape[a];
    }
    return index;
}

int64_t offsetOf(const std::vector<int64_t>& index, const Shape& shape)
{
    int64_t flat = 0;
    for (size_t a = 0; a < shape.size(); ++a)
        flat = flat * shape[a] + index[a];
    return flat;
}

// For a layer that copies one input cell per output cell: `source(outIndex)` names the input
// index; every random output box must map back to exactly the bounding box of the sources.
void checkBoundingBoxes(const Layer& layer, const Shape& input,
                        const std::function<std::vector<int64_t>(const std::vector<int64_t>&)>& source)
{
    const Shape output = layer.inferShape(input).output;
    std::mt19937 random(5);
    for (int run = 0; run < 60; ++run) {
        std::vector<Interval> box(output.size());
        for (size_t a = 0; a < output.size(); ++a) {
            int64_t p = static_cast<int64_t>(random() % output[a]), q = static_cast<int64_t>(random() % output[a]);
            if (run % 5 == 0)
                p = 0, q = output[a] - 1;
            box[a] = {std::min(p, q), std::max(p, q)};
        }
        std::vector<Interval> expected(input.size(), Interval{INT64_MAX, INT64_MIN});
        for (int64_t flat = 0; flat < elementCount(output); ++flat) {
            const std::vector<int64_t> o = indexOf(flat, output);
            bool in = true;
            for (size_t a = 0; a < o.size(); ++a)
                in = in && o[a] >= box[a].first && o[a] <= box[a].last;
            if (!in)
                continue;
            const std::vector<int64_t> s = source(o);
            for (size_t a = 0; a < s.size(); ++a)
                expected[a] = {std::min(expected[a].first, s[a]), std::max(expected[a].last, s[a])};
        }
        const RegionMapping m = mapRegionBack(layer, input, box, box);
        for (size_t a = 0; a < input.size(); ++a)
            QVERIFY2(m.clipped[a] == expected[a],
                     (layer.className() + " axis " + std::to_string(a) + " run " + std::to_string(run) + ": ["
                      + std::to_string(m.clipped[a].first) + ", " + std::to_string(m.clipped[a].last) + "] expected ["
                      + std::to_string(expected[a].first) + ", " + std::to_string(expected[a].last) + "]")
                         .c_str());
    }
}

// Every output cell's explanation recomputes the engine's value exactly.
void checkExplanations(const Layer& layer, const Tensor& input)
{
    const Tensor output = layer.forward(input, ExecContext{});
    const DataFormat format = layer.dataFormat().value_or(DataFormat::ChannelsLast);
    const AxisRoles roles = axisRoles(output.shape().size(), format);
    for (int64_t flat = 0; flat < output.size(); ++flat) {
        const std::vector<int64_t> index = indexOf(flat, output.shape());
        auto at = [&](int axis) { return axis >= 0 ? index[static_cast<size_t>(axis)] : int64_t{0}; };
        const CellIndex cell{at(roles.batch), at(roles.rows), at(roles.cols), at(roles.channels)};
        const CellExplanation e = explainCell(layer, input, cell);
        QVERIFY2(e.exact && e.value == output[flat],
                 (layer.className() + " " + layer.summary() + " cell " + cellText(cell) + ": " + e.summary).c_str());
    }
}

void checkGuardAndCancel(const Layer& layer, const Tensor& input)
{
    ExecContext tiny;
    tiny.memoryBudgetBytes = 4;
    QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, layer.forward(input, tiny));
    std::stop_source stop;
    stop.request_stop();
    ExecContext cancelled;
    cancelled.stop = stop.get_token();
    QVERIFY_THROWS_EXCEPTION(CancelledError, layer.forward(input, cancelled));
}

} // namespace

class TestShapeLayers : public QObject {
    Q_OBJECT

private slots:
    void paddingAndCroppingMatchReference();
    void marginForms();
    void paddingAndCroppingErrors();
    void paddingAndCroppingKerasValues();
    void paddingExplanation();
    void centerCropMatchesReference();
    void centerCropKerasValues();
    void flattenOrders();
    void reshapeShapesAndErrors();
    void permuteMatchesReference();
    void backMappingsAreBoundingBoxes();
    void explanationsEqualTheOutput();
    void guardsAndCancellation();
};

void TestShapeLayers::explanationsEqualTheOutput()
{
    const Tensor x = test::randomTensor({2, 5, 4, 3}, 6);
    const Tensor nchw = toNchw(x);
    checkExplanations(ZeroPadding2D("zp", {{{{2, 0}, {1, 3}}}, DataFormat::ChannelsLast}), x);
    checkExplanations(ZeroPadding2D("zp", {{{{0, 1}, {2, 1}}}, DataFormat::ChannelsFirst}), nchw);
    checkExplanations(Cropping2D("cr", {{{{1, 2}, {0, 1}}}, DataFormat::ChannelsLast}), x);
    checkExplanations(Cropping2D("cr", {{{{1, 0}, {1, 1}}}, DataFormat::ChannelsFirst}), nchw);
    checkExplanations(CenterCrop("cc", {3, 2, DataFormat::ChannelsLast}), x);
    checkExplanations(CenterCrop("cc", {7, 9, DataFormat::ChannelsFirst}), nchw);
    checkExplanations(Flatten("f", {DataFormat::ChannelsFirst}), nchw);
    checkExplanations(Flatten("f", {}), test::randomTensor({3, 7}, 2));
    checkExplanations(Reshape("r", {{6, -1, 2}}), x);
    checkExplanations(Reshape("r", {{}}), test::randomTensor({4, 1}, 2));
    checkExplanations(Permute("p", {{2, 3, 1}}), x);
    checkExplanations(Permute("p", {{2, 1}}), test::randomTensor({2, 3, 5}, 2));
}

void TestShapeLayers::paddingAndCroppingMatchReference()
{
    const Margins margins[] = {{{{1, 1}, {1, 1}}}, {{{0, 2}, {3, 0}}}, {{{2, 0}, {0, 1}}}};
    for (int c : {1, 3, 5, 17, 64})
        for (auto [h, w] : {std::pair{9, 7}, std::pair{5, 11}, std::pair{4, 4}})
            for (const Margins& m : margins) {
                const Tensor x = test::randomTensor({2, h, w, c}, static_cast<uint32_t>(h * 100 + w + c));
                const std::string what = std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c) + " "
                                       + marginsTuple(m);
                // Zero padding: the input placed at (top, left) of a zero tensor.
                Tensor padded({2, h + m[0][0] + m[0][1], w + m[1][0] + m[1][1], c});
                for (int64_t b = 0; b < 2; ++b)
                    for (int64_t y = 0; y < h; ++y)
                        for (int64_t xx = 0; xx < w; ++xx)
                            for (int64_t ch = 0; ch < c; ++ch)
                                padded.at(b, y + m[0][0], xx + m[1][0], ch) = x.at(b, y, xx, ch);
                ZeroPadding2DParams zp{m, DataFormat::ChannelsLast};
                QVERIFY2(ZeroPadding2D("zp", zp).forward(x, ExecContext{}) == padded, what.c_str());
                zp.dataFormat = DataFormat::ChannelsFirst;
                QVERIFY2(ZeroPadding2D("zp", zp).forward(toNchw(x), ExecContext{}) == toNchw(padded), what.c_str());
                // Cropping: the window [top, H − bottom) × [left, W − right).
                const int64_t oh = h - m[0][0] - m[0][1], ow = w - m[1][0] - m[1][1];
                Tensor cropped({2, oh, ow, c});
                for (int64_t b = 0; b < 2; ++b)
                    for (int64_t y = 0; y < oh; ++y)
                        for (int64_t xx = 0; xx < ow; ++xx)
                            for (int64_t ch = 0; ch < c; ++ch)
                                cropped.at(b, y, xx, ch) = x.at(b, y + m[0][0], xx + m[1][0], ch);
                Cropping2DParams cp{m, DataFormat::ChannelsLast};
                QVERIFY2(Cropping2D("cr", cp).forward(x, ExecContext{}) == cropped, what.c_str());
                cp.dataFormat = DataFormat::ChannelsFirst;
                QVERIFY2(Cropping2D("cr", cp).forward(toNchw(x), ExecContext{}) == toNchw(cropped), what.c_str());
            }
}

void TestShapeLayers::marginForms()
{
    auto zp = [](json padding) {
        return ZeroPadding2D::fromJson({{"class_name", "ZeroPadding2D"}, {"config", {{"name", "z"}, {"padding", padding}}}})
            ->params().padding;
    };
    QCOMPARE(zp(2), (Margins{{{2, 2}, {2, 2}}}));
    QCOMPARE(zp({1, 3}), (Margins{{{1, 1}, {3, 3}}}));
    QCOMPARE(zp({{1, 0}, {2, 3}}), (Margins{{{1, 0}, {2, 3}}}));
    QCOMPARE(zp({{1, 0}, 4}), (Margins{{{1, 0}, {4, 4}}}));
    QCOMPARE(ZeroPadding2D::fromJson({{"class_name", "ZeroPadding2D"}, {"config", {{"name", "z"}}}})->params().padding,
             (Margins{{{1, 1}, {1, 1}}}));
    // Keras writes the pair-of-pairs form (get_config: 'padding': ((1, 1), (2, 2)) for (1, 2)).
    ZeroPadding2DParams p;
    p.padding = {{{1, 1}, {2, 2}}};
    QCOMPARE(ZeroPadding2D("z", p).config().at("padding"), (json{{1, 1}, {2, 2}}));
    // Keras 3.15.1 constructor messages.
    auto zpError = [&](json padding) { return loadError([&] { zp(padding); }); };
    QCOMPARE(zpError({1, 2, 3}), std::string("`padding` should have two elements. Received: padding=[1, 2, 3]."));
    QCOMPARE(zpError({-1, 2}), std::string("The `1st entry of padding` argument must be a tuple of 2 integers. Received "
                                           "1st entry of padding=-1, including values {-1} that do not satisfy `value >= 0`"));
    QCOMPARE(zpError("a"), std::string("`padding` should have two elements. Received: padding=a."));
    QVERIFY(zpError(1.5).find("`padding` should be either an int, a tuple of 2 ints") == 0);
    auto crError = [](json cropping) {
        return loadError([&] {
            Cropping2D::fromJson({{"class_name", "Cropping2D"}, {"config", {{"name", "c"}, {"cropping", cropping}}}});
        });
    };
    QCOMPARE(crError(-1), std::string("`cropping` cannot be negative. Received: cropping=-1."));
    QCOMPARE(crError({-1, 1}), std::string("The `1st entry of cropping` argument must be a tuple of 2 integers. Received "
                                           "1st entry of cropping=-1, including values {-1} that do not satisfy `value >= 0`"));
    QCOMPARE(crError({{0, 0}, {1, -2}}), std::string("The `2nd entry of cropping` argument must be a tuple of 2 integers. "
                                                     "Received 2nd entry of cropping=[1, -2], including values {-2} "
                                                     "that do not satisfy `value >= 0`"));
}

void TestShapeLayers::paddingAndCroppingErrors()
{
    // A negative plain int passes Keras's constructor; TF's Pad then fails with this text.
    const auto negative = ZeroPadding2D::fromJson({{"class_name", "ZeroPadding2D"}, {"config", {{"name", "z"}, {"padding", -1}}}});
    const std::string pad = layerError(*negative, {1, 4, 5, 2});
    QVERIFY2(pad.find("Paddings must be non-negative: -1 -1") != std::string::npos, pad.c_str());
    Cropping2DParams c;
    c.cropping = {{{2, 2}, {0, 0}}};
    const std::string rows = layerError(Cropping2D("cr", c), {1, 4, 5, 2});
    QVERIFY2(rows.find("Values in `cropping` argument should be smaller than the corresponding spatial dimension of the "
                       "input. Received: input_shape=(1, 4, 5, 2), cropping=((2, 2), (0, 0))") != std::string::npos,
             rows.c_str());
    c.cropping = {{{0, 0}, {3, 2}}};
    QVERIFY(layerError(Cropping2D("cr", c), {1, 4, 5, 2}).find("cropping=((0, 0), (3, 2))") != std::string::npos);
    c.cropping = {{{1, 2}, {3, 1}}};
    QCOMPARE(Cropping2D("cr", c).inferShape({1, 4, 5, 2}).output, (Shape{1, 1, 1, 2}));
    c.dataFormat = DataFormat::ChannelsFirst;
    QVERIFY(!layerError(Cropping2D("cr", c), {1, 4, 5, 2}).empty()); // 4 rows of NCHW is the channels axis here
    QVERIFY(layerError(Cropping2D("cr", {}), {4, 5, 2}).find("expected ndim=4, found ndim=3") != std::string::npos);
    QVERIFY(layerError(ZeroPadding2D("zp", {}), {4, 5}).find("expected ndim=4, found ndim=2") != std::string::npos);
}

void TestShapeLayers::paddingAndCroppingKerasValues()
{
    // Keras 3.15.1: ZeroPadding2D(((1, 0), (2, 1)), data_format="channels_first") on the first
    // 2×3 of kerasInput() in NCHW; Cropping2D(((1, 1), (2, 0))) on kerasInput().
    const Tensor x = kerasInput();
    Tensor corner({1, 2, 3, 2});
    for (int64_t y = 0; y < 2; ++y)
        for (int64_t xx = 0; xx < 3; ++xx)
            for (int64_t c = 0; c < 2; ++c)
                corner.at(0, y, xx, c) = x.at(0, y, xx, c);
    ZeroPadding2DParams zp{{{{1, 0}, {2, 1}}}, DataFormat::ChannelsFirst};
    QCOMPARE(ZeroPadding2D("zp", zp).forward(toNchw(corner), ExecContext{}),
             fromValues({1, 2, 3, 6}, {0, 0, 0, 0, 0, 0, 0, 0, -12, -9, -6, 0, 0, 0, -8, -5, -2, 0,
                                       0, 0, 0, 0, 0, 0, 0, 0, -5, -2, -10, 0, 0, 0, -12, -9, -6, 0}));
    Cropping2DParams cp{{{{1, 1}, {2, 0}}}, DataFormat::ChannelsLast};
    QCOMPARE(Cropping2D("cr", cp).forward(x, ExecContext{}),
             fromValues({1, 2, 3, 2}, {-2, -6, -10, -3, -7, -11, -9, -2, -6, -10, -3, -7}));
}

void TestShapeLayers::paddingExplanation()
{
    const Tensor x = kerasInput();
    const ZeroPadding2D layer("zp", {});
    const CellExplanation pad = explainCell(layer, x, {0, 0, 3, 1});
    QCOMPARE(pad.value, 0.0f);
    QVERIFY(pad.cells.size() == 1 && pad.cells[0].padding);
    QVERIFY2(pad.summary.find("0 — padding") == 0 && pad.summary.find("top padding row") != std::string::npos,
             pad.summary.c_str());
    const CellExplanation copy = explainCell(layer, x, {0, 2, 3, 1});
    QCOMPARE(copy.value, x.at(0, 1, 2, 1));
    QVERIFY2(copy.summary.find("input row 1, column 2") != std::string::npos, copy.summary.c_str());
}

void TestShapeLayers::centerCropMatchesReference()
{
    // The pure crop (target fits): the window at ((H − h) // 2, (W − w) // 2), both formats, rank 3 and 4.
    for (int c : {1, 3, 5, 17, 64}) {
        const Tensor x = test::randomTensor({2, 9, 7, c}, static_cast<uint32_t>(c));
        for (auto [h, w] : {std::pair{4, 3}, std::pair{9, 1}, std::pair{8, 7}}) {
            Tensor expected({2, h, w, c});
            const int64_t top = (9 - h) / 2, left = (7 - w) / 2;
            for (int64_t b = 0; b < 2; ++b)
                for (int64_t y = 0; y < h; ++y)
                    for (int64_t xx = 0; xx < w; ++xx)
                        for (int64_t ch = 0; ch < c; ++ch)
                            expected.at(b, y, xx, ch) = x.at(b, top + y, left + xx, ch);
            CenterCropParams p{h, w, DataFormat::ChannelsLast};
            QCOMPARE(CenterCrop("cc", p).forward(x, ExecContext{}), expected);
            p.dataFormat = DataFormat::ChannelsFirst;
            QCOMPARE(CenterCrop("cc", p).forward(toNchw(x), ExecContext{}), toNchw(expected));
        }
    }
    const Tensor single = test::randomTensor({9, 7, 2}, 3);
    const Tensor out = CenterCrop("cc", {3, 3, DataFormat::ChannelsLast}).forward(single, ExecContext{});
    QCOMPARE(out.shape(), (Shape{3, 3, 2}));
    QCOMPARE(out[(0 * 3 + 0) * 2 + 1], single[(3 * 7 + 2) * 2 + 1]); // out (0, 0, c 1) = in (3, 2, c 1)
    // Keras's smart_resize crop window when one side is too small (double arithmetic).
    const CenterCrop larger("cc", {8, 9, DataFormat::ChannelsLast});
    const AspectFit fit = larger.cropWindow(5, 7); // crop_h = min(5, int(7·8/9) = 6) = 5, crop_w = int(5·9/8) = 5
    QCOMPARE(fit.height, int64_t{5});
    QCOMPARE(fit.width, int64_t{5});
    QCOMPARE(fit.top, int64_t{0});
    QCOMPARE(fit.left, int64_t{1});
    const std::string rank = layerError(CenterCrop("cc", {}), {5, 7});
    QVERIFY2(rank.find("`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 "
                       "(batched).") != std::string::npos,
             rank.c_str());
    QVERIFY(layerError(CenterCrop("cc", {0, 3, DataFormat::ChannelsLast}), {1, 5, 7, 2}).find("empty tensor") != std::string::npos);
}

void TestShapeLayers::centerCropKerasValues()
{
    // Keras 3.15.1: CenterCrop on arange(70).reshape(1, 5, 7, 2); the target is larger on at
    // least one side, so Keras crops to the aspect ratio and resizes bilinearly.
    Tensor y({1, 5, 7, 2});
    std::iota(y.data(), y.data() + y.size(), 0.0f);
    auto channel = [](const Tensor& t, int64_t c) {
        Tensor out({t.dim(1), t.dim(2)});
        for (int64_t i = 0; i < t.dim(1); ++i)
            for (int64_t j = 0; j < t.dim(2); ++j)
                out[i * t.dim(2) + j] = t.at(0, i, j, c);
        return out;
    };
    const Tensor c89 = channel(CenterCrop("cc", {8, 9, DataFormat::ChannelsLast}).forward(y, ExecContext{}), 1);
    const Tensor k89 = fromValues({8, 9}, {
        3.0f, 3.6666667461395264f, 4.777777671813965f, 5.888889312744141f, 7.0f, 8.111111640930176f, 9.222222328186035f, 10.333333969116211f, 11.0f,
        9.125f, 9.791666030883789f, 10.902778625488281f, 12.01388931274414f, 13.125f, 14.23611068725586f, 15.347221374511719f, 16.45833396911621f, 17.125f,
        17.875f, 18.54166603088379f, 19.65277862548828f, 20.76388931274414f, 21.875f, 22.98611068725586f, 24.09722137451172f, 25.20833396911621f, 25.875f,
        26.625f, 27.29166603088379f, 28.40277862548828f, 29.51388931274414f, 30.625f, 31.73611068725586f, 32.84722137451172f, 33.958335876464844f, 34.625f,
        35.375f, 36.04166793823242f, 37.15277862548828f, 38.26388931274414f, 39.375f, 40.48611068725586f, 41.59722137451172f, 42.708335876464844f, 43.375f,
        44.125f, 44.79166793823242f, 45.90277862548828f, 47.01388931274414f, 48.125f, 49.23611068725586f, 50.34722137451172f, 51.458335876464844f, 52.125f,
        52.875f, 53.54166793823242f, 54.65277862548828f, 55.76388931274414f, 56.875f, 57.986114501953125f, 59.09722137451172f, 60.208335876464844f, 60.875f,
        59.0f, 59.66666793823242f, 60.77777862548828f, 61.88888931274414f, 63.0f, 64.11111450195312f, 65.22222137451172f, 66.33333587646484f, 67.0f});
    QVERIFY2(test::compareTensors(c89, k89, 0, 0).empty(), test::compareTensors(c89, k89, 0, 0).c_str());
    const Tensor c39 = channel(CenterCrop("cc", {3, 9, DataFormat::ChannelsLast}).forward(y, ExecContext{}), 0);
    const Tensor k39 = fromValues({3, 9}, {
        14.0f, 15.333333969116211f, 16.88888931274414f, 18.44444465637207f, 20.0f, 21.55555534362793f, 23.11111068725586f, 24.666667938232422f, 26.0f,
        21.0f, 22.33333396911621f, 23.88888931274414f, 25.444442749023438f, 27.0f, 28.555557250976562f, 30.11111068725586f, 31.666667938232422f, 33.0f,
        28.0f, 29.33333396911621f, 30.88888931274414f, 32.44444274902344f, 34.0f, 35.55555725097656f, 37.11111068725586f, 38.66666793823242f, 40.0f});
    QVERIFY2(test::compareTensors(c39, k39, 0, 0).empty(), test::compareTensors(c39, k39, 0, 0).c_str());
    const Tensor c64 = channel(CenterCrop("cc", {6, 4, DataFormat::ChannelsLast}).forward(y, ExecContext{}), 0);
    const Tensor k64 = fromValues({6, 4}, {4.0f, 5.25f, 6.75f, 8.0f, 14.5f, 15.75f, 17.25f, 18.5f, 26.16666603088379f,
                                           27.41666603088379f, 28.91666603088379f, 30.16666603088379f, 37.83333206176758f,
                                           39.08333206176758f, 40.58333206176758f, 41.83333206176758f, 49.5f, 50.75f, 52.25f,
                                           53.5f, 60.0f, 61.25f, 62.75f, 64.0f});
    QVERIFY2(test::compareTensors(c64, k64, 0, 0).empty(), test::compareTensors(c64, k64, 0, 0).c_str());
    // The explanation recomputes a resized cell exactly.
    const CellExplanation e = explainCell(CenterCrop("cc", {8, 9, DataFormat::ChannelsLast}), y, {0, 1, 1, 1});
    QCOMPARE(e.value, 9.791666030883789f);
}

void TestShapeLayers::flattenOrders()
{
    for (int c : {1, 3, 5, 17, 64}) {
        const Tensor x = test::randomTensor({2, 5, 3, c}, static_cast<uint32_t>(c));
        const Tensor flat = Flatten("f", {}).forward(x, ExecContext{});
        QCOMPARE(flat.shape(), (Shape{2, 5 * 3 * c}));
        QVERIFY(std::equal(flat.data(), flat.data() + flat.size(), x.data()));
        // channels_first: the NCHW tensor flattens to the same vector as the NHWC one.
        const Tensor nchw = Flatten("f", {DataFormat::ChannelsFirst}).forward(toNchw(x), ExecContext{});
        QCOMPARE(nchw, flat);
    }
    // Keras 3.15.1: Flatten(data_format="channels_first") on kerasInput() in NCHW gives the NHWC
    // values in order; on arange(12).reshape(2, 3, 2) (rank 3) it gives [[0, 2, 4, 1, 3, 5], [6, 8, 10, 7, 9, 11]].
    QCOMPARE(Flatten("f", {DataFormat::ChannelsFirst}).forward(toNchw(kerasInput()), ExecContext{}),
             kerasInput().reshaped({1, 40}));
    Tensor r3({2, 3, 2});
    std::iota(r3.data(), r3.data() + r3.size(), 0.0f);
    QCOMPARE(Flatten("f", {DataFormat::ChannelsFirst}).forward(r3, ExecContext{}),
             fromValues({2, 6}, {0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11}));
    QCOMPARE(Flatten("f", {}).inferShape({3}).output, (Shape{3, 1}));   // Keras: (3,) → (3, 1)
    QCOMPARE(Flatten("f", {}).inferShape({2, 3}).output, (Shape{2, 3}));
    const CellExplanation e = explainCell(Flatten("f", {DataFormat::ChannelsFirst}), toNchw(kerasInput()), {0, 0, 0, 7});
    // Feature 7 of H, W, C = 4 × 5 × 2 is (0, 3, 1): NCHW index (0, 1, 0, 3).
    QVERIFY2(e.summary.find("input index (0, 1, 0, 3)") != std::string::npos, e.summary.c_str());
    QCOMPARE(e.value, kerasInput().at(0, 0, 3, 1));
}

void TestShapeLayers::reshapeShapesAndErrors()
{
    auto shape = [](std::vector<int64_t> target, const Shape& input) {
        return Reshape("r", {std::move(target)}).inferShape(input).output;
    };
    QCOMPARE(shape({-1}, {1, 4, 5, 2}), (Shape{1, 40}));
    QCOMPARE(shape({5, -1}, {1, 4, 5, 2}), (Shape{1, 5, 8}));
    QCOMPARE(shape({2, 2}, {2, 4}), (Shape{2, 2, 2}));
    QCOMPARE(shape({}, {3, 1}), (Shape{3}));
    // Keras 3.15.1 messages (input_shape without the batch axis).
    auto error = [](std::vector<int64_t> target, const Shape& input) {
        return layerError(Reshape("r", {std::move(target)}), input);
    };
    QVERIFY(error({7, -1}, {1, 4, 5, 2}).find(
                "The total size of the tensor must be unchanged, however, the input size cannot by divided by the "
                "specified dimensions in target_shape. Received: input_shape=(4, 5, 2), target_shape=(7, -1)")
            != std::string::npos);
    QVERIFY(error({7, 3}, {1, 4, 5, 2}).find("The total size of the tensor must be unchanged. Received: "
                                             "input_shape=(4, 5, 2), target_shape=(7, 3)") != std::string::npos);
    QVERIFY(error({-1, -1}, {1, 4, 5, 2}).find("There must be at most one unknown dimension (-1) in `target_shape`. "
                                               "Received: target_shape=(-1, -1).") != std::string::npos);
    QVERIFY(error({-2, 20}, {1, 4, 5, 2}).find("Each dimension in `target_shape` must be a non-negative integer, or "
                                               "`-1` for a single unknown dimension. Received: target_shape=(-2, 20).")
            != std::string::npos);
    QVERIFY(error({0, -1}, {1, 4, 5, 2}).find("cannot by divided") != std::string::npos);
    // Keras allows a rank-5 output; LayerScope cannot hold it.
    QVERIFY(error({2, 2, 5, 2}, {1, 4, 5, 2}).find("at most 4 axes") != std::string::npos);
    // Keras 3.15.1: Reshape((5, -1)) keeps the row-major order.
    const Tensor r = Reshape("r", {{5, -1}}).forward(kerasInput(), ExecContext{});
    QCOMPARE(r, kerasInput().reshaped({1, 5, 8}));
    const auto loaded = Reshape::fromJson({{"class_name", "Reshape"}, {"config", {{"name", "r"}, {"target_shape", {5, -1}}}}});
    QCOMPARE(loaded->params().targetShape, (std::vector<int64_t>{5, -1}));
    QCOMPARE(loaded->config().at("target_shape"), (json{5, -1}));
    const CellExplanation e = explainCell(*loaded, kerasInput(), {0, 0, 0, 0});
    QVERIFY(!e.summary.empty());
}

void TestShapeLayers::permuteMatchesReference()
{
    // Small axes, and axes longer than the kernel's 16 × 64 transpose blocks.
    for (const Shape& shape : {Shape{2, 3, 4, 5}, Shape{2, 37, 70, 19}}) {
    const Tensor x = test::randomTensor(shape, 8);
    std::vector<int64_t> dims{1, 2, 3};
    do {
        const Tensor out = Permute("p", {dims}).forward(x, ExecContext{});
        Shape expectedShape{2, x.dim(static_cast<int>(dims[0])), x.dim(static_cast<int>(dims[1])),
                            x.dim(static_cast<int>(dims[2]))};
        QCOMPARE(out.shape(), expectedShape);
        for (int64_t flat = 0; flat < out.size(); ++flat) {
            const std::vector<int64_t> o = indexOf(flat, out.shape());
            std::vector<int64_t> i(4);
            i[0] = o[0];
            for (size_t k = 0; k < 3; ++k)
                i[static_cast<size_t>(dims[k])] = o[k + 1];
            if (out[flat] != x[offsetOf(i, x.shape())])
                QFAIL(("dims " + std::to_string(dims[0]) + std::to_string(dims[1]) + std::to_string(dims[2])).c_str());
        }
    } while (std::next_permutation(dims.begin(), dims.end()));
    }
    // Keras 3.15.1: Permute((3, 1, 2)) on kerasInput() (NHWC → NCHW); Permute((2, 1)) on arange(6).reshape(1, 2, 3).
    QCOMPARE(Permute("p", {{3, 1, 2}}).forward(kerasInput(), ExecContext{}),
             fromValues({1, 2, 4, 5}, {-12, -9, -6, -3, -11, -8, -5, -2, -10, -7, -4, -12, -9, -6, -3, -11, -8, -5, -2, -10,
                                       -5, -2, -10, -7, -4, -12, -9, -6, -3, -11, -8, -5, -2, -10, -7, -4, -12, -9, -6, -3}));
    Tensor r3({1, 2, 3});
    std::iota(r3.data(), r3.data() + r3.size(), 0.0f);
    QCOMPARE(Permute("p", {{2, 1}}).forward(r3, ExecContext{}), fromValues({1, 3, 2}, {0, 3, 1, 4, 2, 5}));
    QCOMPARE(layerError(Permute("p", {{0, 1, 2}}), {1, 4, 5, 2}),
             std::string("Permute 'p': Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                         "`dims` must be consecutive and start from 1. Received dims=(0, 1, 2)"));
    QVERIFY(layerError(Permute("p", {{1, 1, 2}}), {1, 4, 5, 2}).find("Received dims=(1, 1, 2)") != std::string::npos);
    QVERIFY(layerError(Permute("p", {{2, 1}}), {1, 4, 5, 2}).find("expected ndim=3, found ndim=4. Full shape received: "
                                                                 "(1, 4, 5, 2)") != std::string::npos);
    QVERIFY(layerError(Permute("p", {{2, 1, 3, 4}}), {1, 4, 5, 2}).find("expected ndim=5") != std::string::npos);
    const CellExplanation e = explainCell(Permute("p", {{3, 1, 2}}), kerasInput(), {0, 1, 3, 4});
    QVERIFY2(e.summary.find("input index (0, 3, 4, 1)") != std::string::npos, e.summary.c_str());
}

void TestShapeLayers::backMappingsAreBoundingBoxes()
{
    const Shape in{2, 6, 5, 3};
    checkBoundingBoxes(Reshape("r", {{10, -1}}), in, [&](const std::vector<int64_t>& o) {
        const int64_t flat = o[1] * 9 + o[2];
        const std::vector<int64_t> tail = indexOf(flat, {6, 5, 3});
        return std::vector<int64_t>{o[0], tail[0], tail[1], tail[2]};
    });
    checkBoundingBoxes(Reshape("r", {{3, 5, 6}}), in, [&](const std::vector<int64_t>& o) {
        const int64_t flat = (o[1] * 5 + o[2]) * 6 + o[3];
        const std::vector<int64_t> tail = indexOf(flat, {6, 5, 3});
        return std::vector<int64_t>{o[0], tail[0], tail[1], tail[2]};
    });
    checkBoundingBoxes(Flatten("f", {}), in, [&](const std::vector<int64_t>& o) {
        const std::vector<int64_t> tail = indexOf(o[1], {6, 5, 3});
        return std::vector<int64_t>{o[0], tail[0], tail[1], tail[2]};
    });
    // channels_first: the input is (B, C, H, W) = (2, 6, 5, 3), flattened in H, W, C order.
    checkBoundingBoxes(Flatten("f", {DataFormat::ChannelsFirst}), in, [&](const std::vector<int64_t>& o) {
        const std::vector<int64_t> hwc = indexOf(o[1], {5, 3, 6});
        return std::vector<int64_t>{o[0], hwc[2], hwc[0], hwc[1]};
    });
    checkBoundingBoxes(Permute("p", {{3, 1, 2}}), in, [&](const std::vector<int64_t>& o) {
        return std::vector<int64_t>{o[0], o[2], o[3], o[1]};
    });
    // Step-through: a Reshape whose output rows are pairs of input rows.
    const std::vector<AxisWindow> rows = spatialAxisWindows(Reshape("r", {{3, 10, 3}}), in, 0);
    QCOMPARE(rows.size(), size_t{3});
    QCOMPARE(rows[1].clipped, (Interval{2, 3}));
    const std::vector<AxisWindow> flat = spatialAxisWindows(Flatten("f", {}), in, 1);
    QCOMPARE(flat.size(), size_t{1});
    QCOMPARE(flat[0].clipped, (Interval{0, 4}));
}

void TestShapeLayers::guardsAndCancellation()
{
    const Tensor x = test::randomTensor({1, 16, 16, 4}, 2);
    checkGuardAndCancel(ZeroPadding2D("zp", {}), x);
    checkGuardAndCancel(Cropping2D("cr", {}), x);
    checkGuardAndCancel(CenterCrop("cc", {}), x);
    checkGuardAndCancel(CenterCrop("cc", {32, 40, DataFormat::ChannelsLast}), x);
    checkGuardAndCancel(Flatten("f", {}), x);
    checkGuardAndCancel(Flatten("f", {DataFormat::ChannelsFirst}), x);
    checkGuardAndCancel(Reshape("r", {}), x);
    checkGuardAndCancel(Permute("p", {}), x);
    ExecContext tiny;
    tiny.memoryBudgetBytes = 1000;
    try {
        ZeroPadding2D("pad1", {}).forward(x, tiny);
        QFAIL("expected a memory budget error");
    } catch (const MemoryBudgetError& e) {
        const std::string message = e.what();
        QVERIFY2(message.find("ZeroPadding2D 'pad1'") == 0 && message.find("1×18×18×4") != std::string::npos, message.c_str());
    }
}

QTEST_APPLESS_MAIN(TestShapeLayers)
#include "test_shape_layers.moc"
