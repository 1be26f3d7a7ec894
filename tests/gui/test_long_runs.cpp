// Long computations and huge parameters: the event loop keeps running during a heavy run, Esc /
// Cancel end it promptly with a clear message, closing the window mid-run does not hang or crash,
// huge typed values give the engine's memory-guard error on the layer and recover when fixed, and
// every Examples entry loads and runs.

#include "gui_test_support.h"

#include "widgets/graph_window.h"

#include "widgets/layer_properties_panel.h"

#include <QAction>
#include <QDirIterator>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QStatusBar>
#include <QTimer>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

// Seconds of work: Conv2D 256 filters 7×7 over a 1000×1000 input.
const char* kHeavy = R"([
  {"class_name": "Conv2D", "config": {"name": "heavy", "filters": 256, "kernel_size": [7, 7], "padding": "same"}}
])";

InputSpec bigInput()
{
    InputSpec input;
    input.kind = InputSourceKind::Synthetic;
    input.synthetic = SyntheticKind::Random;
    input.height = 1000;
    input.width = 1000;
    input.channels = 3;
    return input;
}

bool waitBusy(MainWindow& w, int timeoutMs = 3000)
{
    QElapsedTimer t;
    t.start();
    while (!w.runner()->isBusy() && t.elapsed() < timeoutMs)
        QTest::qWait(5);
    return w.runner()->isBusy();
}

} // namespace

class TestLongRuns : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void eventLoopRunsAndCancelIsPrompt()
    {
        auto w = makeWindow(bigInput(), kHeavy);
        w->show();
        QVERIFY(waitBusy(*w));
        // A 20 ms timer keeps firing while the worker computes.
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, [&] { ++ticks; });
        timer.start(20);
        QTest::qWait(500);
        timer.stop();
        QVERIFY2(ticks >= 15, qPrintable(QString("only %1 ticks in 500 ms").arg(ticks)));
        QVERIFY(w->runner()->isBusy());
        QVERIFY(w->action("cancel")->isEnabled());

        QElapsedTimer t;
        t.start();
        QTest::keyClick(w.get(), Qt::Key_Escape); // the window-wide Esc shortcut of Run → Cancel
        QVERIFY(!w->runner()->isBusy());
        QVERIFY(w->runner()->wasCancelled());
        QVERIFY(t.elapsed() < 200);
        QVERIFY2(w->statusBar()->currentMessage().contains("cancelled"), qPrintable(w->statusBar()->currentMessage()));
        QVERIFY(!w->runner()->output(0));
        // The worker itself stops at its next check point.
        QVERIFY(w->runner()->waitForIdle(/*timeoutMs=*/5000));
        QVERIFY(!w->action("cancel")->isEnabled());
    }

    void closingMidRunIsPrompt()
    {
        auto w = makeWindow(bigInput(), kHeavy);
        w->show();
        QVERIFY(waitBusy(*w));
        QTest::qWait(100);
        QElapsedTimer t;
        t.start();
        QVERIFY(w->close());
        QVERIFY(t.elapsed() < 300);
        w.reset(); // the destructor waits for the worker's next cancellation point
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString("%1 ms").arg(t.elapsed())));
    }

    void hugeParametersShowMemoryErrorAndRecover_data()
    {
        QTest::addColumn<QString>("pipeline");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("huge");
        QTest::addColumn<QString>("fixed");
        QTest::newRow("Tile") << R"([{"class_name": "Tile", "config": {"name": "t", "multiples": [1, 2, 2, 1]}}])"
                              << "multiples" << "[1, 100000, 100000, 1]" << "[1, 2, 2, 1]";
        QTest::newRow("UpSampling2D") << R"([{"class_name": "UpSampling2D", "config": {"name": "u", "size": [2, 2]}}])"
                                      << "size" << "[50000, 50000]" << "[2, 2]";
        QTest::newRow("Resizing") << R"([{"class_name": "Resizing", "config": {"name": "r", "height": 8, "width": 8}}])"
                                  << "height" << "100000" << "8";
        QTest::newRow("Conv2D") << R"([{"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": [3, 3], "padding": "same"}}])"
                                << "filters" << "1000000" << "4";
    }

    void hugeParametersShowMemoryErrorAndRecover()
    {
        QFETCH(QString, pipeline);
        QFETCH(QString, key);
        QFETCH(QString, huge);
        QFETCH(QString, fixed);
        InputSpec input = bigInput();
        input.height = 300;
        input.width = 300;
        auto w = makeWindow(input, pipeline.toStdString());
        QVERIFY(waitIdle(*w));
        w->selectLayer(0);
        if (key == "height") // Resizing: both sides huge
            QVERIFY(w->propertiesPanel()->applyConfigValue("width", nlohmann::json::parse(huge.toStdString())));
        QElapsedTimer t;
        t.start();
        QVERIFY(w->propertiesPanel()->applyConfigValue(key.toStdString(), nlohmann::json::parse(huge.toStdString())));
        QVERIFY(waitIdle(*w, 5000));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString("%1 ms").arg(t.elapsed())));
        const LayerRunInfo& info = w->runner()->info(0);
        const QString message = info.message.isEmpty() ? w->document()->shapeChain().layers[0].error : info.message;
        QVERIFY2(!w->runner()->output(0), qPrintable(message));
        QVERIFY2(message.contains("bytes") || message.contains("GiB") || message.contains("TiB"), qPrintable(message));
        const QString name = QString::fromStdString(w->document()->layer(0).name());
        QVERIFY2(message.contains(name), qPrintable(message));

        if (key == "height")
            QVERIFY(w->propertiesPanel()->applyConfigValue("width", nlohmann::json::parse(fixed.toStdString())));
        QVERIFY(w->propertiesPanel()->applyConfigValue(key.toStdString(), nlohmann::json::parse(fixed.toStdString())));
        QVERIFY(waitIdle(*w, 5000));
        QVERIFY(w->runner()->output(0));
        QCOMPARE(w->runner()->info(0).status, LayerStatus::Ok);
    }

    void memoryBudgetSettingApplies()
    {
        auto w = makeWindow(InputSpec::arange(1, 64, 64, 3),
                            R"([{"class_name": "UpSampling2D", "config": {"name": "u", "size": [4, 4]}}])");
        QVERIFY(waitIdle(*w));
        QVERIFY(w->runner()->output(0));
        w->setMemoryBudgetBytes(64 * 1024); // 64 KiB: the 256×256×3 output (768 KiB) no longer fits
        QVERIFY(waitIdle(*w));
        QVERIFY(!w->runner()->output(0));
        QVERIFY2(w->runner()->info(0).message.contains("u"), qPrintable(w->runner()->info(0).message));
        w->setMemoryBudgetBytes(int64_t{1} << 30);
        QVERIFY(waitIdle(*w));
        QVERIFY(w->runner()->output(0));
    }

    void everyExampleLoadsAndRuns()
    {
        QDirIterator it(":/examples", {"*.json"}, QDir::Files);
        int count = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            MainWindow w(quietOptions());
            QVERIFY2(w.loadExample(path), qPrintable(path));
            QVERIFY(waitIdle(w, 20000));
            // Graph examples open in a graph window (their runs: test_graph_window).
            if (QFileInfo(path).fileName().contains("_graph_")) {
                QCOMPARE(w.graphWindows().size(), qsizetype{1});
                ++count;
                continue;
            }
            QVERIFY2(w.document()->layerCount() > 0, qPrintable(path));
            for (int i = 0; i < w.document()->layerCount(); ++i)
                QVERIFY2(w.runner()->output(i), qPrintable(QString("%1 layer %2: %3").arg(path).arg(i).arg(w.runner()->info(i).message)));
            ++count;
        }
        QVERIFY(count >= 13);
    }
};

QTEST_MAIN(TestLongRuns)
#include "test_long_runs.moc"
