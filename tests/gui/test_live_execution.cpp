// The worker: a burst of rapid edits ends with exactly one final result equal to runPipeline
// called directly; only layers from the first changed one are recomputed.

#include "gui_test_support.h"

#include "core/pipeline_run.h"

#include "widgets/layer_properties_panel.h"

#include <QSignalSpy>
#include <QTest>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

const char* kThreeLayers = R"([
  {"class_name": "AveragePooling2D", "config": {"name": "a", "pool_size": [2, 2], "strides": [1, 1], "padding": "same"}},
  {"class_name": "UpSampling2D", "config": {"name": "b", "size": [2, 2], "interpolation": "bilinear"}},
  {"class_name": "AveragePooling2D", "config": {"name": "c", "pool_size": [3, 3], "strides": [2, 2], "padding": "valid"}}
])";

} // namespace

class TestLiveExecution : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void burstOfEditsGivesOneFinalResult()
    {
        InputSpec input;
        input.kind = InputSourceKind::Synthetic;
        input.synthetic = SyntheticKind::Random;
        input.height = 96;
        input.width = 80;
        input.channels = 3;
        auto w = makeWindow(input, kThreeLayers);
        QVERIFY(waitIdle(*w));
        w->selectLayer(0);
        QSignalSpy finished(w->runner(), &PipelineRunner::finished);
        for (int k = 1; k <= 25; ++k) {
            QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", {1 + k % 5, 1 + k % 4}));
            if (k % 3 == 0)
                QCoreApplication::processEvents(); // let some runs start so they must be cancelled
        }
        QVERIFY(waitIdle(*w));
        QTest::qWait(50);
        QVERIFY(w->runner()->isIdle());
        // Exactly one finished signal for the newest generation.
        int newest = 0;
        for (const QList<QVariant>& args : finished)
            if (args.at(0).toULongLong() == w->runner()->generation())
                ++newest;
        QCOMPARE(newest, 1);

        ExecContext context;
        const auto expected = runWholePipeline(w->document()->pipeline(), w->document()->input(), context);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(w->runner()->output(i));
            QVERIFY2(*w->runner()->output(i) == *expected[static_cast<size_t>(i)], qPrintable(QString("layer %1").arg(i)));
        }
    }

    // The worker starts from the first handler of the document's change, before the views
    // update for it (those updates cost 15–30 ms of a 1024² edit that the run used to wait for);
    // the runner's own signals for that run come later, from the event loop.
    void anEditStartsTheRunBeforeTheViewsUpdate()
    {
        auto w = makeWindow(InputSpec::arange(1, 12, 12, 2), kThreeLayers);
        QVERIFY(waitIdle(*w));
        w->selectLayer(0);
        const quint64 before = w->runner()->generation();
        quint64 generationSeen = 0;
        bool busySeen = false, inEdit = false;
        int statusesDuringEdit = 0;
        connect(w->document(), &Document::contentChanged, w.get(), [&] {
            generationSeen = w->runner()->generation();
            busySeen = w->runner()->isBusy();
        });
        connect(w->runner(), &PipelineRunner::layerStatusChanged, w.get(), [&] {
            if (inEdit)
                ++statusesDuringEdit;
        });
        QSignalSpy statuses(w->runner(), &PipelineRunner::layerStatusChanged);
        inEdit = true;
        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", {3, 3}));
        inEdit = false;
        QCOMPARE(generationSeen, before + 1);
        QVERIFY(busySeen);
        QCOMPARE(statusesDuringEdit, 0);
        QVERIFY(waitIdle(*w));
        QVERIFY(statuses.count() >= 3);
        ExecContext context;
        const auto expected = runWholePipeline(w->document()->pipeline(), w->document()->input(), context);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(*w->runner()->output(i) == *expected[static_cast<size_t>(i)], qPrintable(QString("layer %1").arg(i)));
    }

    void onlyChangedLayersAreRecomputed()
    {
        auto w = makeWindow(InputSpec::arange(1, 12, 12, 2), kThreeLayers);
        QVERIFY(waitIdle(*w));
        const auto first = w->runner()->output(0);
        const auto second = w->runner()->output(1);
        w->selectLayer(2);
        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", {2, 2}));
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->runner()->lastStart(), 2);
        // Unchanged layers keep their cached outputs (the same objects).
        QCOMPARE(w->runner()->output(0).get(), first.get());
        QCOMPARE(w->runner()->output(1).get(), second.get());
        // Undo restores the old parameters and recomputes only the last layer again.
        w->document()->undoStack()->undo();
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->runner()->lastStart(), 2);
        QCOMPARE(w->runner()->output(1).get(), second.get());
    }

    void inputChangeRecomputesEverything()
    {
        auto w = makeWindow(InputSpec::arange(1, 12, 12, 2), kThreeLayers);
        QVERIFY(waitIdle(*w));
        w->document()->setInput(InputSpec::arange(1, 10, 10, 1));
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->runner()->lastStart(), 0);
        QCOMPARE(w->runner()->output(0)->shape(), (Shape{1, 10, 10, 1}));
    }
};

QTEST_MAIN(TestLiveExecution)
#include "test_live_execution.moc"
