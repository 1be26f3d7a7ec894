// Fitting an image to a model's declared input: the size through tf.image.resize bilinear
// (checked on a linear ramp, which bilinear interpolation reproduces exactly at the sample
// points computed here by hand), the centre crop to the aspect, and PIL's channel conversions.

#include "core/graph/graph_json.h"
#include "core/graph/model_input_fit.h"

#include <QtTest>

#include <nlohmann/json.hpp>

using namespace layerscope;

namespace {

// v(y, x, c) = 10 y + x + 100 c: linear, so bilinear samples equal the ramp at the sample point.
Tensor ramp(int64_t h, int64_t w, int64_t c)
{
    Tensor t(Shape{1, h, w, c});
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x)
            for (int64_t k = 0; k < c; ++k)
                t.data()[((y * w) + x) * c + k] = static_cast<float>(10 * y + x + 100 * k);
    return t;
}

ModelGraph modelDeclaring(const std::string& batchShape)
{
    const std::string json = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": )" + batchShape + R"(}},
        {"class_name": "ReLU", "config": {"name": "r"}}]}})";
    return parseModelJson(json);
}

} // namespace

class TestModelInputFit : public QObject {
    Q_OBJECT
private slots:
    void declaredInputIsReadFromTheInputLayer()
    {
        const DeclaredImageInput d = declaredImageInput(modelDeclaring("[null, 128, 96, 3]"));
        QCOMPARE(d.height.value_or(-1), int64_t{128});
        QCOMPARE(d.width.value_or(-1), int64_t{96});
        QCOMPARE(d.channels.value_or(-1), int64_t{3});
        QVERIFY(d.differsFrom({1, 100, 96, 3}));
        QVERIFY(!d.differsFrom({1, 128, 96, 3}));
        const DeclaredImageInput open = declaredImageInput(modelDeclaring("[null, null, null, 1]"));
        QVERIFY(!open.height && !open.width);
        QVERIFY(!open.differsFrom({1, 7, 9, 1}));
        QVERIFY(open.differsFrom({1, 7, 9, 3}));
    }

    void resizeIsTfImageResizeBilinear()
    {
        // 8×8 → 4×4: half-pixel centres sample source (2i + 0.5, 2j + 0.5).
        const FittedInput f = fitInputToModel(ramp(8, 8, 2), {4, 4, 2}, InputFit::Resize, ExecContext{});
        QCOMPARE(f.tensor.shape(), (Shape{1, 4, 4, 2}));
        for (int64_t i = 0; i < 4; ++i)
            for (int64_t j = 0; j < 4; ++j)
                for (int64_t c = 0; c < 2; ++c)
                    QCOMPARE(f.tensor.at(0, i, j, c), static_cast<float>(10 * (2 * i + 0.5) + (2 * j + 0.5) + 100 * c));
        QVERIFY2(QString::fromStdString(f.description).contains("8×8 → 4×4"), f.description.c_str());
        QVERIFY(QString::fromStdString(f.description).contains("bilinear"));
    }

    void cropKeepsTheCentreAtTheModelsAspect()
    {
        // 4 rows × 8 columns into a square 2×2: the centre 4×4 (columns 2..5), then 2× down.
        const FittedInput f = fitInputToModel(ramp(4, 8, 1), {2, 2, 1}, InputFit::CropAndResize, ExecContext{});
        QCOMPARE(f.tensor.shape(), (Shape{1, 2, 2, 1}));
        for (int64_t i = 0; i < 2; ++i)
            for (int64_t j = 0; j < 2; ++j)
                QCOMPARE(f.tensor.at(0, i, j, 0), static_cast<float>(10 * (2 * i + 0.5) + (2 + 2 * j + 0.5)));
        QVERIFY(QString::fromStdString(f.description).contains("centre-cropped"));
    }

    void channelsConvertAsPil()
    {
        Tensor rgb(Shape{1, 1, 2, 3}, {10, 20, 30, 255, 0, 100});
        const FittedInput grey = fitInputToModel(rgb, {1, 2, 1}, InputFit::Resize, ExecContext{});
        QCOMPARE(grey.tensor.shape(), (Shape{1, 1, 2, 1}));
        QCOMPARE(grey.tensor.at(0, 0, 0, 0), 0.299f * 10 + 0.587f * 20 + 0.114f * 30);
        QCOMPARE(grey.tensor.at(0, 0, 1, 0), 0.299f * 255 + 0.114f * 100);
        Tensor g(Shape{1, 1, 1, 1}, {42});
        const FittedInput three = fitInputToModel(g, {1, 1, 3}, InputFit::Resize, ExecContext{});
        QCOMPARE(three.tensor.toVector(), (std::vector<float>{42, 42, 42}));
        QVERIFY(QString::fromStdString(three.description).contains("grey repeated"));
        Tensor two(Shape{1, 1, 1, 2}, {1, 2});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fitInputToModel(two, {1, 1, 3}, InputFit::Resize, ExecContext{}));
    }

    void keepLeavesTheImageAlone()
    {
        const Tensor image = ramp(5, 3, 3);
        const FittedInput f = fitInputToModel(image, {128, 128, 3}, InputFit::Keep, ExecContext{});
        QCOMPARE(f.tensor.toVector(), image.toVector());
        QVERIFY(f.description.empty());
    }

    void memoryBudgetIsHonoured()
    {
        ExecContext tight;
        tight.memoryBudgetBytes = 1024;
        QVERIFY_THROWS_EXCEPTION(std::exception, fitInputToModel(ramp(8, 8, 1), {4096, 4096, 1}, InputFit::Resize, tight));
    }
};

QTEST_GUILESS_MAIN(TestModelInputFit)
#include "test_model_input_fit.moc"
