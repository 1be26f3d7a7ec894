// Inputs and weights the app used to compute itself, now core's: synthetic patterns, colour
// mode and value scale, the one Glorot-uniform initialiser (Conv2D's defaults and the editor's
// preset agree), weight reshaping and the presets. Expected values are written out by hand.

#include "core/errors.h"
#include "core/input/shifted_input.h"
#include "core/input/synthetic_input.h"
#include "core/layers/conv2d.h"
#include "core/weights/conv_weights.h"
#include "core/weights/glorot.h"

#include <QtTest>

#include <cmath>

using namespace layerscope;

class TestInputsAndWeights : public QObject {
    Q_OBJECT

private slots:
    void syntheticPatterns()
    {
        SyntheticInput s;
        s.height = 2;
        s.width = 3;
        s.channels = 2;
        const Tensor arange = syntheticTensor(s);
        QCOMPARE(arange.shape(), (Shape{1, 2, 3, 2}));
        QCOMPARE(arange.toVector(), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));

        s.kind = SyntheticKind::Gradient;
        const Tensor gradient = syntheticTensor(s);
        QCOMPARE(gradient.at(0, 1, 2, 0), 255.0f); // x = W − 1, even channel
        QCOMPARE(gradient.at(0, 1, 1, 0), 127.5f);
        QCOMPARE(gradient.at(0, 1, 0, 1), 255.0f); // y = H − 1, odd channel
        s.scale = ValueScale::Range01;
        QCOMPARE(syntheticTensor(s).at(0, 0, 2, 0), 1.0f);

        s = {};
        s.kind = SyntheticKind::Checkerboard;
        s.height = 16;
        s.width = 16; // cells of 2
        const Tensor board = syntheticTensor(s);
        QCOMPARE(board.at(0, 0, 0, 0), 0.0f);
        QCOMPARE(board.at(0, 0, 2, 0), 255.0f);
        QCOMPARE(board.at(0, 2, 2, 0), 0.0f);

        // Zone plate on 9×9: bright in the centre, 0.5 + 0.5·cos(π·r²/D) with D = 2·√32 (twice
        // the centre-to-corner distance), so the corner pixel's phase is π·32/(2·√32) = π·√8/2.
        s = {};
        s.kind = SyntheticKind::ZonePlate;
        s.height = 9;
        s.width = 9;
        s.channels = 2;
        const Tensor plate = syntheticTensor(s);
        const double d = 2.0 * std::sqrt(32.0);
        const auto expected = [&](double r2) { return float((0.5 + 0.5 * std::cos(3.14159265358979 * r2 / d)) * 255.0); };
        QCOMPARE(plate.at(0, 4, 4, 0), 255.0f);
        QVERIFY(std::abs(plate.at(0, 4, 7, 0) - expected(9)) < 1e-3f);
        QVERIFY(std::abs(plate.at(0, 0, 0, 1) - expected(32)) < 1e-3f);
        QVERIFY(std::abs(plate.at(0, 8, 0, 0) - expected(32)) < 1e-3f);
        QVERIFY(plate.at(0, 4, 5, 0) > plate.at(0, 4, 6, 0)); // darker outwards up to the first ring
        QCOMPARE(plate.at(0, 2, 5, 0), plate.at(0, 2, 5, 1));

        s = {};
        s.kind = SyntheticKind::Random;
        s.height = 16;
        s.width = 16;
        s.seed = 7;
        const Tensor a = syntheticTensor(s), b = syntheticTensor(s);
        QVERIFY(a == b);
        for (float v : a.toVector())
            QVERIFY(v >= 0.0f && v < 255.0f);
        s.seed = 8;
        QVERIFY(!(syntheticTensor(s) == a));

        s.height = s.width = 1 << 15;
        QVERIFY_THROWS_EXCEPTION(InputError, syntheticTensor(s));
    }

    // Compare's shift variants: the content moves down/right by (dy, dx); uncovered rows and
    // columns repeat the edge.
    void shiftedInputMovesTheContent()
    {
        SyntheticInput s;
        s.height = 3;
        s.width = 4;
        s.channels = 2;
        const Tensor image = syntheticTensor(s); // value (y·4 + x)·2 + c + 1
        const Tensor moved = shiftedInput(image, 1, 2);
        QCOMPARE(moved.shape(), image.shape());
        for (int64_t y = 0; y < 3; ++y)
            for (int64_t x = 0; x < 4; ++x)
                for (int64_t c = 0; c < 2; ++c) {
                    const int64_t sy = std::max<int64_t>(0, y - 1), sx = std::max<int64_t>(0, x - 2);
                    QCOMPARE(moved.at(0, y, x, c), image.at(0, sy, sx, c));
                }
        const Tensor back = shiftedInput(image, 0, -1);
        QCOMPARE(back.at(0, 2, 0, 1), image.at(0, 2, 1, 1));
        QCOMPARE(back.at(0, 2, 3, 1), image.at(0, 2, 3, 1)); // the right edge repeats
        QVERIFY(shiftedInput(image, 0, 0) == image);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, shiftedInput(Tensor({2, 3}), 1, 1));
    }

    void colourModeAndScale()
    {
        const Tensor rgb({1, 1, 1, 3}, {100, 200, 50});
        const Tensor gray = convertColorMode(rgb, ColorMode::Grayscale);
        QCOMPARE(gray.shape(), (Shape{1, 1, 1, 1}));
        QCOMPARE(gray[0], 100 * 299.0f / 1000.0f + 200 * 587.0f / 1000.0f + 50 * 114.0f / 1000.0f);
        const Tensor rgba = convertColorMode(rgb, ColorMode::Rgba);
        QCOMPARE(rgba.toVector(), (std::vector<float>{100, 200, 50, 255}));
        QCOMPARE(convertColorMode(gray, ColorMode::Rgb).toVector(), (std::vector<float>{gray[0], gray[0], gray[0]}));
        const Tensor two({1, 1, 1, 2}, {1, 2});
        QVERIFY(convertColorMode(two, ColorMode::Rgb) == two);
        QVERIFY(convertColorMode(rgb, ColorMode::AsLoaded) == rgb);

        Tensor scaled = rgb;
        applyValueScale(scaled, ValueScale::Range255);
        QVERIFY(scaled == rgb);
        applyValueScale(scaled, ValueScale::Range01);
        QCOMPARE(scaled[1], 200.0f / 255.0f);
    }

    void oneGlorotInitialiser()
    {
        QCOMPARE(fnv1a32(""), 2166136261u);
        QCOMPARE(fnv1a32("a"), 0xe40c292cu);
        const Shape shape{3, 3, 2, 4};
        QCOMPARE(glorotLimit(shape), std::sqrt(6.0 / (18 + 36)));
        const std::vector<float> drawn = glorotUniform(shape, 123);
        QCOMPARE(drawn.size(), size_t{72});
        for (float v : drawn)
            QVERIFY(std::abs(v) <= glorotLimit(shape));
        QCOMPARE(glorotUniform(shape, 123), drawn);
        // Conv2D's default weights are this draw seeded with the layer name.
        QCOMPARE(Conv2D::glorotUniform("conv", shape), glorotUniform(shape, fnv1a32("conv")));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, glorotUniform({3, 3, 3}, 1));
        // A rank-2 (in, out) Dense kernel: Keras's fans are the two axes.
        QCOMPARE(glorotLimit({5, 7}), std::sqrt(6.0 / (5 + 7)));
        QCOMPARE(glorotUniform({5, 7}, 9).size(), size_t{35});

        // The preset over every filter is the same draw; over one filter, only that filter.
        ConvWeights w;
        w.kh = w.kw = 3;
        w.cin = 2;
        w.filters = 4;
        w.kernel.assign(72, 0.5f);
        ConvWeights all = w;
        applyKernelPreset(all, KernelPreset::GlorotUniform, -1, false, 123);
        QCOMPARE(all.kernel, drawn);
        ConvWeights one = w;
        applyKernelPreset(one, KernelPreset::GlorotUniform, 2, false, 123);
        for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx)
                for (int ci = 0; ci < 2; ++ci)
                    for (int f = 0; f < 4; ++f)
                        QCOMPARE(one.at(ky, kx, ci, f), f == 2 ? drawn[one.index(ky, kx, ci, f)] : 0.5f);
    }

    void reshapingAndPresets()
    {
        ConvWeights w;
        w.kh = w.kw = 1;
        w.cin = 1;
        w.filters = 2;
        w.kernel = {3.0f, 4.0f};
        w.bias = {1.0f, 2.0f};
        // 1×1 → 3×3 keeps the value at the centre; more filters and channels are zeros.
        const ConvWeights r = w.resized(3, 3, 2, 3, true);
        QCOMPARE(r.kernel.size(), size_t{54});
        QCOMPARE(r.at(1, 1, 0, 0), 3.0f);
        QCOMPARE(r.at(1, 1, 0, 1), 4.0f);
        QCOMPARE(r.at(1, 1, 0, 2), 0.0f);
        QCOMPARE(r.at(0, 0, 0, 0), 0.0f);
        QCOMPARE(r.bias, (std::vector<float>{1.0f, 2.0f, 0.0f}));
        QVERIFY(w.resized(1, 1, 1, 2, false).bias.empty());
        // JSON round trip.
        const ConvWeights back = ConvWeights::fromJson(r.toJson());
        QCOMPARE(back.kernel, r.kernel);
        QCOMPARE(back.bias, r.bias);

        ConvWeights p = r;
        applyKernelPreset(p, KernelPreset::SobelX, 1, true, 0);
        QCOMPARE(p.at(1, 0, 0, 1), -1.0f); // -2 over 2 input channels
        QCOMPARE(p.at(1, 2, 1, 1), 1.0f);
        QCOMPARE(p.at(1, 1, 0, 0), 3.0f);  // other filters untouched
        applyKernelPreset(p, KernelPreset::BoxBlur, -1, false, 0);
        QCOMPARE(p.at(2, 2, 1, 2), 1.0f / 9.0f);
        QCOMPARE(kernelPresetNames().size(), size_t{9});
    }
};

QTEST_APPLESS_MAIN(TestInputsAndWeights)
#include "test_inputs_and_weights.moc"
