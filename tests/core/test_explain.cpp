// The explain engine (core/explain) against the layers themselves: every explained value is
// compared with the engine's output at that cell (bit for bit where the kernel is exact), over
// corners, borders, SAME padding, crop / pad, dilation, groups, channels_first and batch 2; the
// receptive field is checked against known stacks and by perturbing everything outside it; the
// what-if numbers against SEMANTICS.md §7; and the compare statistics.

#include "core/explain/cell_explanation.h"
#include "core/explain/compare.h"
#include "core/explain/receptive_field.h"
#include "core/explain/shape_what_if.h"
#include "core/explain/step_through.h"
#include "core/layers/average_pooling2d.h"
#include "core/layers/conv2d.h"
#include "core/layers/global_average_pooling2d.h"
#include "core/layers/resizing.h"
#include "core/layers/tile.h"
#include "core/layers/up_sampling2d.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>

using namespace layerscope;
using layerscope::test::randomTensor;

namespace {

// Every cell of a tensor of `shape` read in `format`, as semantic (b, y, x, c).
void forEachCell(const Shape& shape, DataFormat format, const std::function<void(const CellIndex&)>& body)
{
    const AxisRoles roles = axisRoles(shape.size(), format);
    const int64_t count = elementCount(shape);
    std::vector<int64_t> index(shape.size());
    for (int64_t i = 0; i < count; ++i) {
        int64_t rest = i;
        for (size_t a = shape.size(); a-- > 0;) {
            index[a] = rest % shape[a];
            rest /= shape[a];
        }
        CellIndex cell;
        auto at = [&](int axis) { return axis >= 0 ? index[static_cast<size_t>(axis)] : 0; };
        cell.b = at(roles.batch);
        cell.y = at(roles.rows);
        cell.x = at(roles.cols);
        cell.c = at(roles.channels);
        body(cell);
    }
}

bool sameBits(float a, float b)
{
    return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

// Explains every output cell and compares with the layer's output. Returns "" or the first failure.
// `exact`: bit-for-bit (and e.exact must say so); otherwise |a − e| ≤ tol·(1 + |e|).
std::string checkAllCells(const Layer& layer, const Tensor& input, DataFormat outFormat, bool exact,
                          double tol = 1e-5, int64_t* exactCount = nullptr)
{
    const Tensor output = layer.forward(input, ExecContext{});
    std::string failure;
    int64_t bitExact = 0;
    forEachCell(output.shape(), outFormat, [&](const CellIndex& cell) {
        if (!failure.empty())
            return;
        const CellExplanation e = explainCell(layer, input, cell);
        const float expected = output[tensorOffset(output.shape(), cell, outFormat)];
        bitExact += sameBits(e.value, expected) ? 1 : 0;
        const bool ok = exact ? sameBits(e.value, expected) && e.exact
                              : std::abs(static_cast<double>(e.value) - expected) <= tol * (1.0 + std::abs(expected));
        if (!ok) {
            std::ostringstream out;
            out.precision(9);
            out << layer.className() << " " << layer.summary() << " on " << shapeToString(input.shape()) << " at "
                << cellText(cell) << ": explained " << e.value << " (exact flag " << e.exact << ") vs output "
                << expected << "\n" << e.text();
            failure = out.str();
        }
    });
    if (exactCount)
        *exactCount = bitExact;
    return failure;
}

std::unique_ptr<Conv2D> makeConv(const std::string& name, Conv2DParams p, int64_t inChannels, uint32_t seed)
{
    auto conv = std::make_unique<Conv2D>(name, p);
    const Shape kernelShape{p.kernelSize[0], p.kernelSize[1], inChannels / p.groups, p.filters};
    const Tensor k = randomTensor(kernelShape, seed);
    const Tensor b = randomTensor({p.filters}, seed + 1);
    conv->setWeights(kernelShape, k.toVector(), p.useBias ? b.toVector() : std::vector<float>{});
    return conv;
}

Shape inShape(DataFormat f, int64_t B, int64_t H, int64_t W, int64_t C)
{
    return f == DataFormat::ChannelsFirst ? Shape{B, C, H, W} : Shape{B, H, W, C};
}

Pipeline pipelineOf(std::vector<std::unique_ptr<Layer>> layers)
{
    Pipeline p;
    p.layers = std::move(layers);
    return p;
}

} // namespace

class TestExplain : public QObject {
    Q_OBJECT

private slots:
    // ---- value inspection -------------------------------------------------------------------

    void averagePoolingEveryCell()
    {
        struct Case { std::array<int64_t, 2> pool, strides; Padding padding; DataFormat format; };
        const Case cases[] = {
            {{2, 2}, {2, 2}, Padding::Valid, DataFormat::ChannelsLast},
            {{2, 2}, {2, 2}, Padding::Same, DataFormat::ChannelsLast},
            {{3, 3}, {2, 2}, Padding::Same, DataFormat::ChannelsFirst},
            {{3, 2}, {1, 3}, Padding::Same, DataFormat::ChannelsLast},
            {{1, 4}, {2, 1}, Padding::Valid, DataFormat::ChannelsFirst},
        };
        for (const Case& c : cases) {
            AveragePooling2DParams p;
            p.poolSize = c.pool;
            p.strides = c.strides;
            p.padding = c.padding;
            p.dataFormat = c.format;
            const AveragePooling2D pool("pool", p);
            const Tensor x = randomTensor(inShape(c.format, 2, 7, 9, 3), 11, -5, 5);
            const std::string failure = checkAllCells(pool, x, c.format, /*exact=*/true);
            QVERIFY2(failure.empty(), failure.c_str());
        }
    }

    void averagePoolingSameText()
    {
        // 1×4 image [5, 6, 7, 8], 2×2 pool, stride 2, SAME: rows pad 0 top / 1 bottom, so the
        // second window holds 7 and 8 and two padding cells.
        AveragePooling2DParams p;
        p.poolSize = {2, 2};
        p.padding = Padding::Same;
        const AveragePooling2D pool("pool", p);
        const Tensor x({1, 1, 4, 1}, {5, 6, 7, 8});
        const CellExplanation e = explainCell(pool, x, {0, 0, 1, 0});
        QCOMPARE(QString::fromStdString(e.summary),
                 QString::fromStdString("(7 + 8) / 2 = 7.5 — 2 of the 4 window cells are padding and are not "
                                        "counted (Keras 'same')"));
        QCOMPARE(e.value, 7.5f);
        QCOMPARE(e.cells.size(), size_t{4});
        QCOMPARE(e.paddingCount, int64_t{2});
        QCOMPARE(e.cellCount, int64_t{2});
        // Padding cells lie outside the image (row 1 of a 1-row image), flagged for hatching.
        int padding = 0;
        for (const ContributingCell& cell : e.cells) {
            if (cell.padding) {
                ++padding;
                QCOMPARE(cell.cell.y, int64_t{1});
            }
        }
        QCOMPARE(padding, 2);
        QCOMPARE(e.window, (CellWindow{0, 1, 2, 3}));
        QCOMPARE(e.clipped, (CellWindow{0, 0, 2, 3}));
    }

    void largeWindowsAreMarkedApproximate()
    {
        // A 65×65 SAME pool over 300×260×2 takes the engine's block-sum path: the explanation
        // (TF's cell order) is then marked not exact, says why, and agrees to rounding.
        AveragePooling2DParams p;
        p.poolSize = {65, 65};
        p.strides = std::array<int64_t, 2>{1, 1};
        p.padding = Padding::Same;
        const AveragePooling2D pool("big", p);
        const Tensor x = randomTensor({1, 300, 260, 2}, 3, 0.0f, 255.0f);
        const Tensor out = pool.forward(x, ExecContext{});
        for (const CellIndex cell : {CellIndex{0, 0, 0, 0}, CellIndex{0, 150, 100, 1}, CellIndex{0, 299, 259, 0}}) {
            const CellExplanation e = explainCell(pool, x, cell);
            QVERIFY(!e.exact);
            const float expected = out.at(0, cell.y, cell.x, cell.c);
            QVERIFY2(std::abs(e.value - expected) <= 1e-5f * (1 + std::abs(expected)),
                     qPrintable(QString("%1 vs %2").arg(e.value).arg(expected)));
            QVERIFY(QString::fromStdString(e.text()).contains("another order"));
        }
        // An ordinary pool stays exact (checked cell by cell in averagePoolingEveryCell).
        p.poolSize = {3, 3};
        QVERIFY(explainCell(AveragePooling2D("small", p), x, {0, 10, 10, 0}).exact);
    }

    void globalAveragePoolingEveryCell()
    {
        for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst}) {
            for (bool keep : {false, true}) {
                GlobalAveragePooling2DParams p;
                p.dataFormat = format;
                p.keepDims = keep;
                const GlobalAveragePooling2D gap("gap", p);
                const Tensor x = randomTensor(inShape(format, 2, 9, 7, 5), 3, -2, 3);
                const std::string failure = checkAllCells(gap, x, format, /*exact=*/true);
                QVERIFY2(failure.empty(), failure.c_str());
            }
        }
        // A large map lists kMaxListedCells cells and a short text.
        const GlobalAveragePooling2D gap("gap");
        const Tensor big = randomTensor({1, 80, 70, 2}, 5);
        const CellExplanation e = explainCell(gap, big, {0, 0, 0, 1});
        QCOMPARE(e.cellCount, int64_t{5600});
        QCOMPARE(static_cast<int64_t>(e.cells.size()), kMaxListedCells);
        QVERIFY(e.summary.find("mean of the 80×70 = 5600 values of channel 1") == 0);
        QVERIFY(e.summary.size() < 300);
        QCOMPARE(e.window, (CellWindow{0, 79, 0, 69}));
    }

    void convolutionEveryCell_data()
    {
        QTest::addColumn<int>("index");
        const char* names[] = {"3x3 valid", "3x3 same stride 2", "dilation 2 same", "groups 2 same",
                               "channels_first same relu", "5x2 stride (2,3) valid tanh", "softmax",
                               "log_softmax", "sparsemax", "glu", "channels_first softmax (width)",
                               "channels_first glu (width)", "no bias", "dilation (1,3) valid channels_first"};
        for (int i = 0; i < static_cast<int>(std::size(names)); ++i)
            QTest::newRow(names[i]) << i;
    }

    void convolutionEveryCell()
    {
        QFETCH(int, index);
        Conv2DParams p;
        p.filters = 4;
        int64_t C = 3;
        switch (index) {
        case 0: break;
        case 1: p.padding = Padding::Same; p.strides = {2, 2}; break;
        case 2: p.padding = Padding::Same; p.dilationRate = {2, 2}; break;
        case 3: p.padding = Padding::Same; p.groups = 2; C = 4; p.filters = 6; break;
        case 4: p.padding = Padding::Same; p.dataFormat = DataFormat::ChannelsFirst; p.activation = "relu"; break;
        case 5: p.kernelSize = {5, 2}; p.strides = {2, 3}; p.activation = "tanh"; break;
        case 6: p.padding = Padding::Same; p.activation = "softmax"; break;
        case 7: p.activation = "log_softmax"; break;
        case 8: p.padding = Padding::Same; p.activation = "sparsemax"; break;
        case 9: p.padding = Padding::Same; p.activation = "glu"; p.groups = 2; C = 2; break;
        case 10: p.dataFormat = DataFormat::ChannelsFirst; p.activation = "softmax"; break;
        case 11: p.dataFormat = DataFormat::ChannelsFirst; p.activation = "glu"; p.padding = Padding::Same; break;
        case 12: p.useBias = false; p.padding = Padding::Same; p.activation = "elu"; break;
        case 13: p.dataFormat = DataFormat::ChannelsFirst; p.dilationRate = {1, 3}; break;
        }
        const auto conv = makeConv("conv", p, C, 100 + static_cast<uint32_t>(index));
        const Tensor x = randomTensor(inShape(p.dataFormat, 2, 9, 8, C), 7 + static_cast<uint32_t>(index), -2, 2);
        const std::string failure = checkAllCells(*conv, x, p.dataFormat, /*exact=*/false, 2e-5);
        QVERIFY2(failure.empty(), failure.c_str());
    }

    void convolutionText()
    {
        // 1×1 convolution of three channels with unit weights: the partial sums are the inputs.
        Conv2DParams p;
        p.kernelSize = {1, 1};
        p.activation = "relu";
        const auto conv = std::make_unique<Conv2D>("conv", p);
        conv->setWeights({1, 1, 3, 1}, {1, 1, 1}, {0.1f});
        const Tensor x({1, 1, 1, 3}, {3.12f, -0.4f, 1.05f});
        const CellExplanation e = explainCell(*conv, x, {0, 0, 0, 0});
        QCOMPARE(QString::fromStdString(e.summary),
                 QString::fromStdString("Σ = 3.12 + (−0.4) + 1.05 = 3.77; + bias 0.1 = 3.87; relu → 3.87"));
        QCOMPARE(e.channelSums.size(), size_t{3});
        QVERIFY(e.bias && *e.bias == 0.1f);
        QVERIFY(e.activation && e.activation->name == "relu");
        QCOMPARE(e.value, conv->forward(x, ExecContext{})[0]);
    }

    void convolutionFlags()
    {
        // Dilation 2, 3×3, SAME on 7×7: the corner cell's window is 5×5 starting at (−2, −2).
        Conv2DParams p;
        p.filters = 2;
        p.dilationRate = {2, 2};
        p.padding = Padding::Same;
        const auto conv = makeConv("conv", p, 2, 9);
        const Tensor x = randomTensor({1, 7, 7, 2}, 4);
        const CellExplanation e = explainCell(*conv, x, {0, 0, 0, 1});
        QCOMPARE(e.window, (CellWindow{-2, 2, -2, 2}));
        QCOMPARE(e.clipped, (CellWindow{0, 2, 0, 2}));
        int gaps = 0, taps = 0, paddingTaps = 0;
        for (const ContributingCell& c : e.cells) {
            if (c.dilationGap) {
                ++gaps;
                QCOMPARE(c.weight, 0.0f);
            } else {
                ++taps;
                if (c.padding) {
                    ++paddingTaps;
                    QCOMPARE(c.value, 0.0f);
                }
            }
        }
        QCOMPARE(gaps, 16 * 2);
        QCOMPARE(taps, 9 * 2);
        QCOMPARE(paddingTaps, 5 * 2); // rows −2 or columns −2: 3 + 3 − 1 taps per channel
        QCOMPARE(e.paddingCount, int64_t{10});
        QVERIFY(e.text().find("effective kernel 5×5") != std::string::npos);

        // Groups: filter 5 of 6 with 2 groups of 2 input channels reads channels 2 and 3 only.
        Conv2DParams g;
        g.filters = 6;
        g.groups = 2;
        const auto grouped = makeConv("grouped", g, 4, 12);
        const CellExplanation ge = explainCell(*grouped, randomTensor({1, 5, 5, 4}, 2), {0, 1, 1, 5});
        QCOMPARE(ge.channelSums.size(), size_t{2});
        QCOMPARE(ge.channelSums[0].inputChannel, int64_t{2});
        QCOMPARE(ge.channelSums[1].inputChannel, int64_t{3});
        for (const ContributingCell& c : ge.cells)
            QVERIFY(c.cell.c == 2 || c.cell.c == 3);

        // Softmax's text names the whole vector along the channels.
        Conv2DParams s;
        s.filters = 4;
        s.activation = "softmax";
        const auto soft = makeConv("soft", s, 1, 3);
        const CellExplanation se = explainCell(*soft, randomTensor({1, 3, 3, 1}, 1), {0, 0, 0, 2});
        QVERIFY(se.summary.find("softmax over the 4 filters at this pixel") != std::string::npos);
        QVERIFY(se.activation && se.activation->vector.size() == 4 && se.activation->position == 2);
    }

    void upSamplingEveryCell()
    {
        for (const char* mode : {"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5"}) {
            for (DataFormat format : {DataFormat::ChannelsLast, DataFormat::ChannelsFirst}) {
                UpSampling2DParams p;
                p.size = {2, 3};
                p.interpolation = mode;
                p.dataFormat = format;
                const UpSampling2D up("up", p);
                const Tensor x = randomTensor(inShape(format, 2, 4, 3, 2), 21, -3, 3);
                const std::string failure = checkAllCells(up, x, format, /*exact=*/true);
                QVERIFY2(failure.empty(), failure.c_str());
            }
        }
        UpSampling2DParams p;
        p.size = {2, 2};
        const CellExplanation e = explainCell(UpSampling2D("up", p), test::arangeTensor({1, 3, 3, 1}), {0, 5, 3, 0});
        QCOMPARE(e.kind, ExplanationKind::Repeat);
        QCOMPARE(e.cells[0].cell, (CellIndex{0, 2, 1, 0}));
        QVERIFY(e.summary.find("row ⌊5 / 2⌋ = 2, column ⌊3 / 2⌋ = 1") != std::string::npos);
    }

    void resizingEveryCell_data()
    {
        QTest::addColumn<QString>("interpolation");
        QTest::addColumn<bool>("antialias");
        for (const char* mode : {"bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"})
            for (bool aa : {false, true})
                QTest::newRow((std::string(mode) + (aa ? " antialias" : "")).c_str()) << QString(mode) << aa;
    }

    void resizingEveryCell()
    {
        QFETCH(QString, interpolation);
        QFETCH(bool, antialias);
        // Every method, ScaleAndTranslate included, is recomputed in the kernel's order: bit-exact.
        const bool exact = true;
        struct Case { int64_t H, W, h, w; bool crop, pad; DataFormat format; bool single; };
        const Case cases[] = {
            {7, 9, 4, 5, false, false, DataFormat::ChannelsLast, false},  // down
            {5, 3, 11, 8, false, false, DataFormat::ChannelsFirst, false}, // up
            {6, 6, 6, 6, false, false, DataFormat::ChannelsLast, false},  // same size: a copy
            {6, 5, 6, 9, false, false, DataFormat::ChannelsLast, false},  // one axis same
            {8, 5, 4, 6, true, false, DataFormat::ChannelsLast, false},   // crop rows
            {5, 9, 7, 4, true, false, DataFormat::ChannelsFirst, false},  // crop columns
            {10, 8, 4, 4, false, true, DataFormat::ChannelsLast, false},  // pad columns
            {4, 9, 6, 5, false, true, DataFormat::ChannelsFirst, false},  // pad rows
            {6, 7, 3, 5, false, false, DataFormat::ChannelsLast, true},   // rank-3 single image
        };
        for (const Case& c : cases) {
            ResizingParams p;
            p.height = c.h;
            p.width = c.w;
            p.interpolation = interpolation.toStdString();
            p.antialias = antialias;
            p.cropToAspectRatio = c.crop;
            p.padToAspectRatio = c.pad;
            p.fillValue = 1.5;
            p.dataFormat = c.format;
            const Resizing layer("resize", p);
            Shape shape = inShape(c.format, 2, c.H, c.W, 3);
            if (c.single)
                shape.erase(shape.begin());
            const Tensor x = randomTensor(shape, 31, -4, 4);
            const std::string failure = checkAllCells(layer, x, c.format, exact);
            QVERIFY2(failure.empty(), failure.c_str());
        }
    }

    void resizingDetails()
    {
        // Bilinear 4 → 8: the half-pixel source coordinate written out.
        ResizingParams p;
        p.height = 8;
        p.width = 8;
        const Tensor x = randomTensor({1, 4, 4, 1}, 8);
        const CellExplanation e = explainCell(Resizing("r", p), x, {0, 3, 0, 0});
        QVERIFY(e.resize);
        QCOMPARE(e.resize->rows.taps.source, 1.25f);
        QCOMPARE(e.resize->rows.taps.indices, (std::vector<int64_t>{1, 2}));
        QVERIFY(e.resize->rows.text.find("src = (y + 0.5)·(in/out) − 0.5 = (3 + 0.5)·(4/8) − 0.5 = 1.25") != std::string::npos);
        QCOMPARE(e.cells.size(), size_t{4});
        // Column 0: src = −0.25, the edge clamps.
        QVERIFY(e.resize->cols.text.find("the edge clamps") != std::string::npos);

        // Bicubic at the border: 16 taps, the outside ones weight 0 and flagged as outside.
        p.interpolation = "bicubic";
        const CellExplanation b = explainCell(Resizing("r", p), x, {0, 0, 0, 0});
        QCOMPARE(b.cells.size(), size_t{16});
        int outside = 0;
        for (const ContributingCell& c : b.cells)
            if (c.padding) {
                ++outside;
                QCOMPARE(c.weight, 0.0f);
            }
        QCOMPARE(outside, 12); // src = −0.25: rows and columns −2 and −1 of the 4×4 tap grid
        QVERIFY(b.resize->rows.text.find("renormalised") != std::string::npos);

        // Pad to aspect: 4×2 → 4×4 pads one column of fill left and right; output column 0 reads
        // the fill value from input column −1.
        ResizingParams pad;
        pad.height = 4;
        pad.width = 4;
        pad.interpolation = "nearest";
        pad.padToAspectRatio = true;
        pad.fillValue = 9;
        const Resizing padLayer("pad", pad);
        const Tensor small = test::arangeTensor({1, 4, 2, 1});
        const CellExplanation pe = explainCell(padLayer, small, {0, 2, 0, 0});
        QCOMPARE(pe.cells.size(), size_t{1});
        QVERIFY(pe.cells[0].padding);
        QCOMPARE(pe.cells[0].cell.x, int64_t{-1});
        QCOMPARE(pe.value, 9.0f);
        QVERIFY(pe.text().find("pad_to_aspect_ratio: 1 column of fill_value 9 left and right") != std::string::npos);

        // Crop to aspect: 4×4 → 4×2 keeps columns 1…2 (SEMANTICS §4.4 example).
        ResizingParams crop;
        crop.height = 4;
        crop.width = 2;
        crop.interpolation = "nearest";
        crop.cropToAspectRatio = true;
        const CellExplanation ce = explainCell(Resizing("crop", crop), test::arangeTensor({1, 4, 4, 1}), {0, 0, 0, 0});
        QCOMPARE(ce.cells[0].cell, (CellIndex{0, 0, 1, 0}));
        QVERIFY(ce.text().find("columns 1…2") != std::string::npos);

        // Area 4 → 3 on [1, 2, 3, 4]: [1.25, 2.5, 3.75] (SEMANTICS §4.7.4).
        ResizingParams area;
        area.height = 1;
        area.width = 3;
        area.interpolation = "area";
        const Tensor row({1, 1, 4, 1}, {1, 2, 3, 4});
        QCOMPARE(explainCell(Resizing("area", area), row, {0, 0, 1, 0}).value, 2.5f);
    }

    void axisTaps()
    {
        // Nearest 4 → 2 picks 1 and 3 (SEMANTICS §7 teaching point 4).
        const auto nearest = resizeAxisTaps(Interpolation::Nearest, false, 4, 2);
        QCOMPARE(nearest[0].indices, (std::vector<int64_t>{1}));
        QCOMPARE(nearest[1].indices, (std::vector<int64_t>{3}));
        // Bilinear weights 1 − f, f; bicubic weights renormalised to 1 at every index.
        for (const AxisTaps& t : resizeAxisTaps(Interpolation::Bilinear, false, 5, 13))
            QCOMPARE(t.weights[0] + t.weights[1], 1.0f);
        for (const AxisTaps& t : resizeAxisTaps(Interpolation::Bicubic, false, 5, 13)) {
            const float sum = ((t.weights[0] + t.weights[1]) + t.weights[2]) + t.weights[3];
            QVERIFY(std::abs(sum - 1.0f) < 1e-6f);
            QCOMPARE(t.indices.size(), size_t{4});
        }
        // Lanczos3 downsampling with antialias stretches the kernel by in/out.
        const auto lanczos = resizeAxisTaps(Interpolation::Lanczos3, true, 12, 4);
        QCOMPARE(lanczos[1].kernelScale, 3.0f);
        QVERIFY(lanczos[1].indices.size() > 6);
    }

    void tileEveryCell()
    {
        const Tile tile("tile", TileParams{{2, 2, 3, 1}});
        const std::string failure = checkAllCells(tile, randomTensor({2, 3, 2, 3}, 41), DataFormat::ChannelsLast, true);
        QVERIFY2(failure.empty(), failure.c_str());
        // A (B, C) input with four multiples gains two leading axes.
        const Tile lifted("tile", TileParams{{1, 2, 2, 1}});
        const std::string failure2 = checkAllCells(lifted, randomTensor({2, 3}, 42), DataFormat::ChannelsLast, true);
        QVERIFY2(failure2.empty(), failure2.c_str());
        const CellExplanation e = explainCell(tile, test::arangeTensor({2, 3, 2, 3}), {3, 5, 3, 2});
        QCOMPARE(e.cells[0].cell, (CellIndex{1, 2, 1, 2}));
        QVERIFY(e.summary.find("y 5 mod 3 = 2") != std::string::npos);
    }

    void badCells()
    {
        const AveragePooling2D pool("pool");
        const Tensor x = randomTensor({1, 4, 4, 1}, 1);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, explainCell(pool, x, {0, 2, 0, 0}));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, explainCell(pool, x, {0, 0, 0, 1}));
        QVERIFY_THROWS_EXCEPTION(LayerError, explainCell(pool, randomTensor({4, 4}, 1), {0, 0, 0, 0}));
    }

    // ---- receptive field --------------------------------------------------------------------

    void receptiveFieldSizes()
    {
        Conv2DParams c3;
        c3.kernelSize = {3, 3};
        auto twoConvs = [&](Padding padding) {
            Conv2DParams p = c3;
            p.padding = padding;
            std::vector<std::unique_ptr<Layer>> layers;
            layers.push_back(std::make_unique<Conv2D>("a", p));
            layers.push_back(std::make_unique<Conv2D>("b", p));
            return pipelineOf(std::move(layers));
        };
        // Two 3×3 stride-1 convolutions → 5×5.
        const ReceptiveField two = receptiveField(twoConvs(Padding::Valid), {1, 12, 12, 1}, 1, {3, 3}, {4, 4});
        QCOMPARE(two.height, int64_t{5});
        QCOMPARE(two.width, int64_t{5});
        QCOMPARE(two.tensors.size(), size_t{3});
        QCOMPARE(two.tensors[0].rows(), (Interval{3, 7}));
        QCOMPARE(two.tensors[1].rows(), (Interval{3, 5}));

        // 3×3 conv, then 2×2/2 pooling → 4×4 for one output cell.
        std::vector<std::unique_ptr<Layer>> layers;
        layers.push_back(std::make_unique<Conv2D>("a", c3));
        layers.push_back(std::make_unique<AveragePooling2D>("pool"));
        const ReceptiveField pooled = receptiveField(pipelineOf(std::move(layers)), {1, 12, 12, 1}, 1, {2, 2}, {1, 1});
        QCOMPARE(pooled.height, int64_t{4});
        QCOMPARE(pooled.width, int64_t{4});
        QCOMPARE(pooled.tensors[0].rows(), (Interval{4, 7}));
        QCOMPARE(pooled.tensors[0].cols(), (Interval{2, 5}));

        // Dilation 2, 3×3 → 5×5.
        Conv2DParams d = c3;
        d.dilationRate = {2, 2};
        std::vector<std::unique_ptr<Layer>> dilated;
        dilated.push_back(std::make_unique<Conv2D>("d", d));
        const ReceptiveField dr = receptiveField(pipelineOf(std::move(dilated)), {1, 9, 9, 1}, 0, {1, 1}, {1, 1});
        QCOMPARE(dr.height, int64_t{5});
        QCOMPARE(dr.width, int64_t{5});

        // Border cell of two SAME 3×3 convolutions: 3×3 real pixels, 5×5 with the padding.
        const ReceptiveField border = receptiveField(twoConvs(Padding::Same), {1, 8, 8, 1}, 1, {0, 0}, {0, 0});
        QCOMPARE(border.height, int64_t{3});
        QCOMPARE(border.width, int64_t{3});
        QCOMPARE(border.extentHeight, int64_t{5});
        QCOMPARE(border.tensors[0].rowsUnclipped(), (Interval{-2, 2}));
        QVERIFY(border.text.find("3×3 input pixels") == 0);

        // Global average pooling: the whole map; then Tile back up keeps the whole map.
        std::vector<std::unique_ptr<Layer>> global;
        global.push_back(std::make_unique<Conv2D>("a", c3));
        GlobalAveragePooling2DParams keep;
        keep.keepDims = true;
        global.push_back(std::make_unique<GlobalAveragePooling2D>("gap", keep));
        global.push_back(std::make_unique<Tile>("tile", TileParams{{1, 4, 4, 1}}));
        const ReceptiveField gr = receptiveField(pipelineOf(std::move(global)), {1, 10, 11, 2}, 2, {1, 1}, {2, 2});
        QCOMPARE(gr.height, int64_t{10});
        QCOMPARE(gr.width, int64_t{11});

        // Nearest upsampling ×2: output rows 4…5 come from input row 2.
        std::vector<std::unique_ptr<Layer>> up;
        up.push_back(std::make_unique<UpSampling2D>("up"));
        const ReceptiveField ur = receptiveField(pipelineOf(std::move(up)), {1, 5, 5, 1}, 0, {4, 5}, {0, 3});
        QCOMPARE(ur.tensors[0].rows(), (Interval{2, 2}));
        QCOMPARE(ur.tensors[0].cols(), (Interval{0, 1}));
    }

    void receptiveFieldPerturbation_data()
    {
        QTest::addColumn<int>("stack");
        const char* names[] = {"conv-pool-conv", "resize-conv channels_first", "bicubic-pool same",
                               "pad-resize lanczos", "grouped conv + glu", "upsample bilinear + tile",
                               "crop resize area", "channels_first softmax conv"};
        for (int i = 0; i < static_cast<int>(std::size(names)); ++i)
            QTest::newRow(names[i]) << i;
    }

    // Everything outside the receptive field may change without changing the selected cells.
    void receptiveFieldPerturbation()
    {
        QFETCH(int, stack);
        std::vector<std::unique_ptr<Layer>> layers;
        Shape input{2, 13, 11, 4};
        DataFormat format = DataFormat::ChannelsLast;
        Conv2DParams conv;
        conv.filters = 4;
        conv.padding = Padding::Same;
        AveragePooling2DParams pool;
        pool.poolSize = {3, 2};
        pool.strides = std::array<int64_t, 2>{2, 2};
        pool.padding = Padding::Same;
        ResizingParams resize;
        resize.height = 9;
        resize.width = 17;
        switch (stack) {
        case 0:
            layers.push_back(makeConv("a", conv, 4, 1));
            layers.push_back(std::make_unique<AveragePooling2D>("p", pool));
            conv.strides = {2, 1};
            layers.push_back(makeConv("b", conv, 4, 2));
            break;
        case 1:
            format = conv.dataFormat = resize.dataFormat = DataFormat::ChannelsFirst;
            input = {2, 4, 13, 11};
            layers.push_back(std::make_unique<Resizing>("r", resize));
            conv.dilationRate = {2, 1};
            layers.push_back(makeConv("a", conv, 4, 3));
            break;
        case 2:
            resize.interpolation = "bicubic";
            layers.push_back(std::make_unique<Resizing>("r", resize));
            layers.push_back(std::make_unique<AveragePooling2D>("p", pool));
            break;
        case 3:
            resize.interpolation = "lanczos3";
            resize.padToAspectRatio = true;
            resize.fillValue = 2;
            resize.height = 7;
            resize.width = 12;
            layers.push_back(std::make_unique<Resizing>("r", resize));
            break;
        case 4:
            conv.groups = 2;
            conv.activation = "glu";
            layers.push_back(makeConv("a", conv, 4, 4));
            break;
        case 5: {
            UpSampling2DParams up;
            up.interpolation = "bilinear";
            up.size = {3, 2};
            layers.push_back(std::make_unique<UpSampling2D>("u", up));
            layers.push_back(std::make_unique<Tile>("t", TileParams{{1, 2, 1, 1}}));
            break;
        }
        case 6:
            resize.interpolation = "area";
            resize.cropToAspectRatio = true;
            resize.height = 5;
            resize.width = 3;
            layers.push_back(std::make_unique<Resizing>("r", resize));
            break;
        case 7:
            format = conv.dataFormat = DataFormat::ChannelsFirst;
            input = {2, 4, 13, 11};
            conv.activation = "softmax";
            layers.push_back(makeConv("a", conv, 4, 5));
            break;
        }
        const Pipeline pipeline = pipelineOf(std::move(layers));
        const size_t last = pipeline.layers.size() - 1;
        const Tensor x = randomTensor(input, 77, -3, 3);
        const Tensor out = runPipeline(pipeline, x, ExecContext{}).back();
        const AxisRoles outRoles = axisRoles(out.rank(), format);
        const int64_t OH = out.dim(outRoles.rows), OW = out.dim(outRoles.cols);
        // A corner, an edge and an interior region of the last output, batch item 1.
        const std::pair<Interval, Interval> regions[] = {
            {{0, 0}, {0, 0}}, {{OH - 1, OH - 1}, {OW / 2, OW / 2 + 1}}, {{OH / 2, OH / 2 + 1}, {1, 2}}};
        for (const auto& [rows, cols] : regions) {
            const ReceptiveField field = receptiveField(pipeline, input, last, rows, cols, /*batch=*/1);
            const TensorRegion& in = field.tensors.front();
            Tensor perturbed = x;
            const AxisRoles r = axisRoles(input.size(), in.format);
            int64_t changed = 0;
            forEachCell(input, in.format, [&](const CellIndex& cell) {
                const int64_t axisValue[4] = {cell.b, cell.y, cell.x, cell.c};
                (void)axisValue;
                const bool insideField = cell.b >= in.clipped[static_cast<size_t>(r.batch)].first
                                      && cell.b <= in.clipped[static_cast<size_t>(r.batch)].last
                                      && cell.y >= in.rows().first && cell.y <= in.rows().last
                                      && cell.x >= in.cols().first && cell.x <= in.cols().last
                                      && cell.c >= in.clipped[static_cast<size_t>(r.channels)].first
                                      && cell.c <= in.clipped[static_cast<size_t>(r.channels)].last;
                if (!insideField) {
                    perturbed[tensorOffset(input, cell, in.format)] += 10.0f;
                    ++changed;
                }
            });
            QVERIFY(changed > 0);
            const Tensor again = runPipeline(pipeline, perturbed, ExecContext{}).back();
            const TensorRegion& sel = field.tensors.back();
            forEachCell(out.shape(), format, [&](const CellIndex& cell) {
                if (cell.b != 1 || cell.y < sel.rows().first || cell.y > sel.rows().last || cell.x < sel.cols().first
                    || cell.x > sel.cols().last)
                    return;
                const int64_t i = tensorOffset(out.shape(), cell, format);
                if (out[i] != again[i])
                    QFAIL(("output " + cellText(cell) + " changed although only cells outside the field "
                           + field.text + " changed")
                              .c_str());
            });
        }
    }

    // ---- step-through -----------------------------------------------------------------------

    void stepThrough()
    {
        AveragePooling2DParams p;
        p.poolSize = {3, 3};
        p.strides = std::array<int64_t, 2>{2, 2};
        p.padding = Padding::Same;
        const AveragePooling2D pool("pool", p);
        const Tensor x = randomTensor({1, 7, 8, 2}, 6);
        const StepThrough steps(pool, x.shape(), 0, 1);
        QCOMPARE(steps.count(), int64_t{4 * 4});
        for (int64_t i = 0; i < steps.count(); ++i) {
            const StepCell s = steps.at(i);
            QCOMPARE(s.output, (CellIndex{0, i / 4, i % 4, 1}));
            const CellExplanation e = steps.explain(x, i);
            QCOMPARE(s.rows, (Interval{e.clipped.y0, e.clipped.y1}));
            QCOMPARE(s.cols, (Interval{e.clipped.x0, e.clipped.x1}));
            QCOMPARE(s.rowsUnclipped, (Interval{e.window.y0, e.window.y1}));
            QCOMPARE(s.colsUnclipped, (Interval{e.window.x0, e.window.x1}));
        }
        QCOMPARE(steps.at(99).index, int64_t{15}); // clamped

        Conv2DParams c;
        c.filters = 2;
        c.dilationRate = {2, 1};
        c.padding = Padding::Same;
        c.dataFormat = DataFormat::ChannelsFirst;
        const auto conv = makeConv("conv", c, 3, 8);
        const Tensor cx = randomTensor({1, 3, 6, 5}, 7);
        const StepThrough cs(*conv, cx.shape(), 0, 1);
        QCOMPARE(cs.count(), int64_t{30});
        for (int64_t i = 0; i < cs.count(); ++i) {
            const CellExplanation e = cs.explain(cx, i);
            QCOMPARE(cs.at(i).rowsUnclipped, (Interval{e.window.y0, e.window.y1}));
            QCOMPARE(cs.at(i).cols, (Interval{e.clipped.x0, e.clipped.x1}));
        }

        // A large resize: construction tabulates once, at() is constant time.
        ResizingParams r;
        r.height = 1080;
        r.width = 1920;
        r.interpolation = "lanczos5";
        const Resizing big("big", r);
        QElapsedTimer timer;
        timer.start();
        const StepThrough bs(big, {1, 720, 1280, 3});
        int64_t sum = 0;
        for (int64_t i = 0; i < bs.count(); i += 997)
            sum += bs.at(i).rows.size();
        QVERIFY(sum > 0);
        QVERIFY2(timer.elapsed() < 2000, "step-through of a 1080p resize took too long");
    }

    // ---- shape math -------------------------------------------------------------------------

    void whatIfSemanticsTable()
    {
        struct Row { int64_t n, k, s, d; Padding padding; bool conv; int64_t out, before, after; };
        // SEMANTICS.md §7, worked examples.
        const Row rows[] = {
            {7, 3, 2, 1, Padding::Valid, false, 3, 0, 0}, {7, 3, 2, 1, Padding::Same, false, 4, 1, 1},
            {6, 3, 2, 1, Padding::Same, false, 3, 0, 1},  {5, 2, 2, 1, Padding::Same, false, 3, 0, 1},
            {7, 2, 3, 1, Padding::Valid, false, 2, 0, 0}, {5, 3, 1, 1, Padding::Same, true, 5, 1, 1},
            {5, 2, 1, 1, Padding::Same, true, 5, 0, 1},   {7, 3, 1, 2, Padding::Valid, true, 3, 0, 0},
            {7, 3, 1, 2, Padding::Same, true, 7, 2, 2},   {4, 2, 3, 1, Padding::Same, true, 2, 0, 1},
        };
        for (const Row& r : rows) {
            const ShapeWhatIf w = shapeWhatIf(WindowConfig{r.n, r.k, r.s, r.d, r.padding, r.conv});
            QVERIFY(w.current.valid);
            QCOMPARE(w.current.output, r.out);
            QCOMPARE(w.current.padBefore, r.before);
            QCOMPARE(w.current.padAfter, r.after);
            QCOMPARE(w.padTotal, r.before + r.after);
            QCOMPARE(static_cast<int64_t>(w.windows.size()), r.out);
        }
        // pool valid, k > n: an error.
        const WhatIfEntry bad = evaluateWindow(WindowConfig{2, 3, 3, 1, Padding::Valid, false});
        QVERIFY(!bad.valid);
        QVERIFY(bad.reason.find("larger than the input 2") != std::string::npos);
        QVERIFY(!evaluateWindow(WindowConfig{7, 3, 2, 2, Padding::Valid, true}).valid);  // stride and dilation
        QVERIFY(!evaluateWindow(WindowConfig{7, 3, 1, 2, Padding::Valid, false}).valid); // pooling dilation
    }

    void whatIfTables()
    {
        // 7 with pool 2 stride 2 gives 3; the neighbours are in the first table.
        AveragePooling2DParams p;
        p.poolSize = {2, 2};
        const AveragePooling2D pool("pool", p);
        const ShapeWhatIf w = shapeWhatIf(pool, {1, 5, 7, 3}, 1);
        QCOMPARE(w.config.input, int64_t{7});
        QCOMPARE(w.current.output, int64_t{3});
        QCOMPARE(QString::fromStdString(w.current.arithmetic), QString("⌊(7 − 2) / 2⌋ + 1 = 3"));
        QCOMPARE(QString::fromStdString(w.rule), QString("valid: ⌊(n − k) / s⌋ + 1"));
        const WhatIfTable& byInput = w.tables[0];
        QCOMPARE(byInput.rowLabels, (std::vector<std::string>{"5", "6", "7", "8", "9"}));
        QCOMPARE(byInput.columnLabels, (std::vector<std::string>{"1", "2", "3", "4"}));
        QCOMPARE(byInput.currentRow, 2);
        QCOMPARE(byInput.currentColumn, 1);
        QCOMPARE(byInput.entries[2][1].output, int64_t{3});
        QCOMPARE(byInput.entries[3][1].output, int64_t{4}); // 8 → 4
        QCOMPARE(byInput.entries[2][2].output, int64_t{2}); // stride 3 → 2
        // Kernel table: k = 1 … 4, and the padding table compares valid with same.
        const WhatIfTable& byKernel = w.tables[1];
        QCOMPARE(byKernel.rowLabels.front(), std::string("1"));
        const WhatIfTable& byPadding = w.tables.back();
        QCOMPARE(byPadding.columnLabels, (std::vector<std::string>{"valid", "same"}));
        QCOMPARE(byPadding.entries[2][1].output, int64_t{4}); // same: ⌈7 / 2⌉
        QCOMPARE(byPadding.entries[2][1].padAfter, int64_t{1});

        // Conv with dilation has the dilation table, with stride > 1 × dilation > 1 invalid.
        Conv2DParams c;
        c.kernelSize = {3, 3};
        c.padding = Padding::Same;
        const ShapeWhatIf cw = shapeWhatIf(Conv2D("conv", c), {1, 3, 7, 7}, 0);
        QCOMPARE(cw.tables.size(), size_t{4});
        QCOMPARE(cw.tables[2].rowParameter, std::string("d"));
        QVERIFY(cw.paddingSplit.find("SAME: total 2 = 1 top + 1 bottom") == 0);
        bool sawInvalidStride = false;
        for (const auto& line : cw.tables[0].entries)
            for (const WhatIfEntry& e : line)
                QVERIFY(e.valid);
        WindowConfig dilated = cw.config;
        dilated.dilation = 2;
        const ShapeWhatIf dilatedWhatIf = shapeWhatIf(dilated, "height");
        for (const auto& line : dilatedWhatIf.tables[0].entries)
            for (const WhatIfEntry& e : line)
                sawInvalidStride = sawInvalidStride || e.reason.find("dilation_rate > 1") != std::string::npos;
        QVERIFY(sawInvalidStride);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, shapeWhatIf(Tile("t"), {1, 2, 2, 1}, 0));
    }

    // ---- compare ----------------------------------------------------------------------------

    void compareStatistics()
    {
        const Tensor a({2, 3}, {1, 2, 3, 4, 5, 6});
        const Tensor b({2, 3}, {1, 2.5f, 3, 3, 5, 6});
        const TensorDifference d = tensorDifference(a, b);
        QCOMPARE(d.maxAbs, 1.0);
        QCOMPARE(d.maxIndex, int64_t{3});
        QCOMPARE(d.maxPosition, (std::vector<int64_t>{1, 0}));
        QCOMPARE(d.aAtMax, 4.0f);
        QCOMPARE(d.bAtMax, 3.0f);
        QCOMPARE(d.meanAbs, 0.25);
        QCOMPARE(d.differing, int64_t{2});
        QCOMPARE(d.difference[1], -0.5f);
        QVERIFY(!d.identical());
        QVERIFY(d.summary().find("max |difference| 1 at (1, 0) (4 vs 3)") == 0);
        QVERIFY(tensorDifference(a, a).identical());
        try {
            tensorDifference(a, Tensor({3, 2}));
            QFAIL("no error for different shapes");
        } catch (const std::invalid_argument& error) {
            QCOMPARE(QString(error.what()), QString("cannot compare tensors of different shapes: (2, 3) and (3, 2)"));
        }
        const Tensor n({3}, {NAN, NAN, INFINITY});
        const Tensor m({3}, {NAN, 1, INFINITY});
        const TensorDifference nd = tensorDifference(n, m);
        QCOMPARE(nd.nanMismatches, int64_t{1});
        QCOMPARE(nd.difference[0], 0.0f);
        QVERIFY(std::isnan(nd.difference[1]));
        QCOMPARE(nd.difference[2], 0.0f);
        QCOMPARE(nd.maxAbs, 0.0);

        // Resizing, UpSampling2D and Tile broadcast a 1×1 global average identically.
        GlobalAveragePooling2DParams keep;
        keep.keepDims = true;
        const Tensor mean = GlobalAveragePooling2D("gap", keep).forward(randomTensor({1, 5, 5, 3}, 2), ExecContext{});
        ResizingParams r;
        r.height = r.width = 4;
        UpSampling2DParams u;
        u.size = {4, 4};
        u.interpolation = "bilinear";
        const Tensor viaResize = Resizing("r", r).forward(mean, ExecContext{});
        const Tensor viaUp = UpSampling2D("u", u).forward(mean, ExecContext{});
        const Tensor viaTile = Tile("t", TileParams{{1, 4, 4, 1}}).forward(mean, ExecContext{});
        QVERIFY(tensorDifference(viaResize, viaTile).identical());
        QVERIFY(tensorDifference(viaUp, viaTile).identical());
    }
};

QTEST_APPLESS_MAIN(TestExplain)
#include "test_explain.moc"
