// The app's pipeline runner (gui/engine/pipeline_runner.h) on its own, without windows: edits
// arriving while the worker computes, cancellation mid-layer, progress, and destruction mid-run.
// This is the test the ThreadSanitizer configuration runs for the app (scripts/sanitize.sh tsan,
// label "tsan-gui"): every value crossing between the worker and the UI thread goes through the
// runner's std::mutex-ordered handoff, so TSan checks the real runner, not a model of it.

#include "document/document.h"
#include "engine/pipeline_runner.h"

#include "core/pipeline.h"
#include "core/pipeline_run.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace layerscope;
using namespace layerscope::gui;

namespace {

// Big enough that a run takes long enough to be interrupted (a few ms per layer even optimised).
std::shared_ptr<const Tensor> randomInput(int height, int width, int channels)
{
    Tensor t = Tensor::uninitialized({1, height, width, channels});
    uint32_t state = 12345;
    for (int64_t i = 0; i < t.size(); ++i) {
        state = state * 1664525u + 1013904223u;
        t[i] = static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
    }
    return std::make_shared<const Tensor>(std::move(t));
}

std::string pipelineJson(int pool)
{
    return R"([
  {"class_name": "AveragePooling2D", "config": {"name": "a", "pool_size": [)" + std::to_string(pool) + ", "
         + std::to_string(pool) + R"(], "strides": [1, 1], "padding": "same"}},
  {"class_name": "Conv2D", "config": {"name": "b", "filters": 8, "kernel_size": [3, 3], "padding": "same"}},
  {"class_name": "UpSampling2D", "config": {"name": "c", "size": [2, 2], "interpolation": "bilinear"}},
  {"class_name": "GlobalAveragePooling2D", "config": {"name": "d", "keepdims": true}}
])";
}

bool waitIdle(PipelineRunner& runner, int timeoutMs = 60000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (runner.isIdle())
            return true;
        QTest::qWait(2);
    }
    return false;
}

} // namespace

class TestRunnerThreads : public QObject {
    Q_OBJECT
private slots:
    void editsDuringRunsEndWithTheNewestResult()
    {
        Document document;
        PipelineRunner runner(&document);
        QObject::connect(&document, &Document::contentChanged, &runner, &PipelineRunner::schedule);
        QSignalSpy progress(&runner, &PipelineRunner::progressChanged);
        document.setInput(InputSpec::arange(1, 160, 144, 3), randomInput(160, 144, 3));
        document.resetPipeline(parsePipelineJson(pipelineJson(2)));
        for (int pool = 3; pool <= 9; ++pool) {
            QTest::qWait(3); // let the worker start, so most edits interrupt a run
            document.resetPipeline(parsePipelineJson(pipelineJson(pool)));
        }
        QVERIFY(waitIdle(runner));
        QVERIFY(!runner.wasCancelled());

        const auto expected = runWholePipeline(document.pipeline(), document.input(), ExecContext{});
        QCOMPARE(runner.layerCount(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(runner.info(i).status, LayerStatus::Ok);
            QVERIFY(runner.output(i));
            QVERIFY(*runner.output(i) == *expected[static_cast<size_t>(i)]);
            QVERIFY(runner.summary(i));
        }
        for (const QList<QVariant>& args : progress) {
            const auto p = args.at(0).value<RunProgress>();
            QVERIFY(p.overall() >= 0.0 && p.overall() <= 1.0);
        }
    }

    void cancelMidRunKeepsNothingStale()
    {
        Document document;
        PipelineRunner runner(&document);
        document.setInput(InputSpec::arange(1, 400, 400, 3), randomInput(400, 400, 3));
        document.resetPipeline(parsePipelineJson(pipelineJson(5)));
        runner.run();
        QTest::qWait(5);
        runner.cancel();
        QVERIFY(runner.wasCancelled());
        QVERIFY(waitIdle(runner));
        runner.waitForIdle();
        // Nothing the cancelled run computed after the cancel arrived.
        for (int i = 0; i < runner.layerCount(); ++i)
            QVERIFY(runner.info(i).status != LayerStatus::Computing);
        runner.run();
        QVERIFY(waitIdle(runner));
        QCOMPARE(runner.info(3).status, LayerStatus::Ok);
    }

    void destroyedMidRunStopsTheWorker()
    {
        for (int round = 0; round < 3; ++round) {
            Document document;
            auto runner = std::make_unique<PipelineRunner>(&document);
            document.setInput(InputSpec::arange(1, 400, 400, 3), randomInput(400, 400, 3));
            document.resetPipeline(parsePipelineJson(pipelineJson(7)));
            runner->run();
            QTest::qWait(2 + 3 * round);
            QElapsedTimer clock;
            clock.start();
            runner.reset(); // joins the worker after asking it to stop
            QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
            QCoreApplication::processEvents(); // any handoff still queued must not reach the runner
        }
    }
};

QTEST_GUILESS_MAIN(TestRunnerThreads)
#include "test_runner_threads.moc"
