// "Explain every number" in the app: a clicked cell's explanation equals the engine's output,
// the receptive field of two 3×3 convolutions is 5×5 on the input view, the step-through moves in
// raster order, the broadcast compare example is identical, and Copy as Keras puts the script on
// the clipboard.

#include "gui_test_support.h"

#include "models/tensor_table_model.h"
#include "widgets/compare_window.h"
#include "widgets/explain_controller.h"
#include "widgets/feature_map_view.h"
#include "widgets/inspector_panel.h"
#include "widgets/shape_math_panel.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QTableView>
#include <QTest>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

const char* kTwoConvs = R"([
  {"class_name": "Conv2D", "config": {"name": "conv_a", "filters": 2, "kernel_size": [3, 3], "padding": "same", "activation": "relu"}},
  {"class_name": "Conv2D", "config": {"name": "conv_b", "filters": 2, "kernel_size": [3, 3], "padding": "same"}}
])";

float outputAt(const Tensor& t, int y, int x, int c)
{
    return t.at(0, y, x, c);
}

} // namespace

class TestExplainGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void clickedCellIsExplainedWithTheEngineValue()
    {
        MainWindow w(quietOptions());
        QVERIFY(w.loadExample(":/examples/03_avgpool_3x3_same_s1.json"));
        QVERIFY(waitIdle(w));
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        FeatureMapView* view = w.featureView();
        view->setSoloChannel(0);
        // Click cell (row 2, column 2): SAME padding at the bottom and right.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->cellCenter(0, 2, 2));
        InspectorPanel* inspector = w.explain()->inspector();
        QVERIFY(inspector->hasSelection());
        QCOMPARE(inspector->selectedCell(), (CellIndex{0, 2, 2, 0}));
        QVERIFY(inspector->explanation().has_value());
        const auto output = w.runner()->output(0);
        QCOMPARE(inspector->explanation()->value, outputAt(*output, 2, 2, 0));
        QVERIFY(inspector->explanation()->exact);
        QVERIFY2(inspector->summaryText().contains("padding"), qPrintable(inspector->summaryText()));
        QCOMPARE(view->selectedCell(), QPoint(2, 2));

        // The numbers view selects the same way.
        auto* numbers = w.findChild<QTableView*>();
        QVERIFY(numbers);
        w.explain()->selectViewCell(0, 1, 0);
        QCOMPARE(inspector->selectedCell(), (CellIndex{0, 1, 0, 0}));
        QCOMPARE(inspector->explanation()->value, outputAt(*output, 1, 0, 0));
    }

    void convolutionExplanationMatchesEveryCell()
    {
        auto w = makeWindow(InputSpec::arange(1, 6, 5, 3), kTwoConvs);
        QVERIFY(waitIdle(*w));
        const auto output = w->runner()->output(1);
        QVERIFY(output);
        for (int y : {0, 2, 5})
            for (int x : {0, 4})
                for (int c : {0, 1}) {
                    w->explain()->selectViewCell(c, y, x);
                    const auto& e = w->explain()->inspector()->explanation();
                    QVERIFY(e.has_value());
                    QCOMPARE(e->kind, ExplanationKind::Convolution);
                    const float expected = outputAt(*output, y, x, c);
                    QVERIFY2(std::abs(e->value - expected) <= 1e-4f * std::max(1.0f, std::abs(expected)),
                             qPrintable(QStringLiteral("(%1, %2, %3): %4 vs %5").arg(y).arg(x).arg(c).arg(e->value).arg(expected)));
                    QVERIFY(w->explain()->inspector()->summaryText().contains(QStringLiteral("Σ")));
                }
    }

    void receptiveFieldOfTwo3x3ConvsIs5x5OnTheInputView()
    {
        auto w = makeWindow(InputSpec::arange(1, 9, 9, 1), kTwoConvs);
        QVERIFY(waitIdle(*w));
        w->selectLayer(1);
        w->explain()->selectViewCell(0, 4, 4);
        InspectorPanel* inspector = w->explain()->inspector();
        QVERIFY(inspector->receptiveField().has_value());
        QCOMPARE(inspector->receptiveField()->height, 5);
        QCOMPARE(inspector->receptiveField()->width, 5);
        QVERIFY(inspector->fieldText().contains(QStringLiteral("5×5")));
        // On the input's view the overlay rectangle is 5×5 around (4, 4); on conv_a's, 3×3.
        w->selectLayer(-1);
        QVERIFY(!w->featureView()->overlays().isEmpty());
        QCOMPARE(w->featureView()->overlays().last().cells, QRect(2, 2, 5, 5));
        w->selectLayer(0);
        QCOMPARE(w->featureView()->overlays().last().cells, QRect(3, 3, 3, 3));
        // The selected layer itself shows the selected cell, not a field.
        w->selectLayer(1);
        QVERIFY(w->featureView()->overlays().isEmpty());
        QCOMPARE(w->featureView()->selectedCell(), QPoint(4, 4));
    }

    void stepThroughAdvancesInRasterOrder()
    {
        auto w = makeWindow(InputSpec::arange(1, 7, 7, 1), poolPipeline(2, 2, "valid"));
        QVERIFY(waitIdle(*w));
        w->explain()->selectViewCell(0, 0, 0);
        InspectorPanel* inspector = w->explain()->inspector();
        QCOMPARE(inspector->stepCount(), 9); // 7 with pool 2 stride 2 gives 3
        const auto output = w->runner()->output(0);
        for (int i = 1; i < 9; ++i) {
            inspector->step(1);
            QCOMPARE(inspector->stepIndex(), i);
            QCOMPARE(inspector->selectedCell(), (CellIndex{0, i / 3, i % 3, 0}));
            QCOMPARE(inspector->explanation()->value, outputAt(*output, i / 3, i % 3, 0));
            QCOMPARE(w->featureView()->selectedCell(), QPoint(i % 3, i / 3));
        }
        // The arrow keys step too (Left goes back one cell in raster order).
        w->featureView()->setFocus();
        QTest::keyClick(w->featureView(), Qt::Key_Left);
        QCOMPARE(inspector->stepIndex(), 7);
        // Playing moves on by itself and stops at the end.
        inspector->stepTo(6);
        inspector->setStepsPerSecond(100);
        inspector->setPlaying(true);
        QTRY_COMPARE_WITH_TIMEOUT(inspector->stepIndex(), 8, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(!inspector->isPlaying(), 3000);
    }

    void shapeMathShowsWhy7Pool2Stride2Gives3()
    {
        auto w = makeWindow(InputSpec::arange(1, 7, 7, 1), poolPipeline(2, 2, "valid"));
        QVERIFY(waitIdle(*w));
        w->selectLayer(0);
        const auto& math = w->explain()->shapeMath()->math();
        QVERIFY(math.has_value());
        QCOMPARE(math->current.output, 3);
        QVERIFY(!math->tables.empty());
        QCOMPARE(math->windows.size(), size_t(3));
    }

    void compareBroadcastExampleIsIdentical()
    {
        MainWindow w(quietOptions());
        CompareWindow* compare = w.explain()->compareWindow();
        compare->showBroadcastExample();
        QVERIFY(compare->waitForResult());
        QCOMPARE(compare->variantCount(), 3);
        for (int a = 0; a < 3; ++a)
            for (int b = a + 1; b < 3; ++b) {
                compare->setPair(a, b);
                const auto difference = compare->currentDifference();
                QVERIFY(difference);
                QCOMPARE(difference->maxAbs, 0.0);
                QCOMPARE(difference->difference.shape(), (Shape{1, 32, 32, 64}));
            }
        QVERIFY2(compare->resultText().contains("max |difference| = 0"), qPrintable(compare->resultText()));
    }

    void copyAsKerasPutsTheScriptOnTheClipboard()
    {
        auto w = makeWindow(InputSpec::arange(1, 9, 9, 1), kTwoConvs);
        QVERIFY(waitIdle(*w));
        QGuiApplication::clipboard()->clear();
        w->explain()->action("copyKeras")->trigger();
        const QString script = QGuiApplication::clipboard()->text();
        QVERIFY2(script.contains("layers.Conv2D("), qPrintable(script.left(400)));
        QVERIFY(script.contains("\"conv_a\""));
        QVERIFY(script.contains("\"conv_b\""));
        QVERIFY(script.contains("set_weights"));
    }
};

QTEST_MAIN(TestExplainGui)
#include "test_explain_gui.moc"
