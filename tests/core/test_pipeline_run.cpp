// The one runner (pipeline_run.h) that the app's worker, the Compare window and the CLI share:
// disabled layers pass their input through, a run can start at a later layer from a cached
// tensor, progress arrives on the calling thread only (never two at once, throttled, in 0..1,
// naming the computing layer), cancellation from another thread ends the run promptly, a layer's
// error names the layer, and the memory budget counts the outputs the caller keeps.

#include "core/errors.h"
#include "core/pipeline.h"
#include "core/pipeline_run.h"
#include "test_support.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace layerscope;
using namespace std::chrono_literals;

namespace {

const char* kThree = R"([
  {"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": [2, 2]}},
  {"class_name": "Conv2D", "config": {"name": "conv", "filters": 4, "kernel_size": [3, 3], "padding": "same"}},
  {"class_name": "UpSampling2D", "config": {"name": "up", "size": [2, 2]}}
])";

// Long enough (about a second on two cores) to be cancelled mid-layer.
const char* kHeavy = R"([
  {"class_name": "Conv2D", "config": {"name": "heavy", "filters": 64, "kernel_size": [7, 7], "padding": "same"}},
  {"class_name": "Conv2D", "config": {"name": "heavy2", "filters": 64, "kernel_size": [7, 7], "padding": "same"}}
])";

// The reference: each layer's forward on the previous output, nothing else of the runner.
std::vector<Tensor> forwardEachLayer(const Pipeline& pipeline, const Tensor& input)
{
    std::vector<Tensor> outputs;
    for (const auto& layer : pipeline.layers)
        outputs.push_back(layer->forward(outputs.empty() ? input : outputs.back(), ExecContext{}));
    return outputs;
}

} // namespace

class TestPipelineRun : public QObject {
    Q_OBJECT

private slots:
    void equalsEachLayerInTurnAndSkipsDisabledLayers()
    {
        const Pipeline pipeline = parsePipelineJson(kThree);
        const auto input = std::make_shared<const Tensor>(test::randomTensor({1, 12, 10, 3}, 4));
        const std::vector<Tensor> reference = forwardEachLayer(pipeline, *input);
        const auto outputs = runWholePipeline(pipeline, input, ExecContext{});
        QCOMPARE(outputs.size(), size_t{3});
        for (size_t i = 0; i < 3; ++i)
            QVERIFY(*outputs[i] == reference[i]);

        // The middle layer disabled: equal to the effective pipeline (pool, up).
        const std::vector<bool> enabled = {true, false, true};
        const Pipeline effective = effectivePipeline(pipeline, enabled);
        QCOMPARE(effective.layers.size(), size_t{2});
        QCOMPARE(effective.layers[1]->name(), std::string("up"));
        std::vector<std::shared_ptr<const Tensor>> got(3);
        RunCallbacks callbacks;
        callbacks.layerDone = [&](size_t i, const std::shared_ptr<const Tensor>& out, double) { got[i] = out; };
        RunRequest request;
        request.pipeline = &pipeline;
        request.enabled = enabled;
        request.start = input;
        QVERIFY(runLayers(request, ExecContext{}, callbacks).ok());
        QCOMPARE(got[1], got[0]); // passed through, not copied
        QVERIFY(*got[2] == forwardEachLayer(effective, *input).back());

        // Starting at layer 2 from the cached output of layer 1.
        std::vector<std::shared_ptr<const Tensor>> later(3);
        callbacks.layerDone = [&](size_t i, const std::shared_ptr<const Tensor>& out, double) { later[i] = out; };
        request.enabled.clear();
        request.first = 2;
        request.start = outputs[1];
        QVERIFY(runLayers(request, ExecContext{}, callbacks).ok());
        QVERIFY(!later[0] && !later[1]);
        QVERIFY(*later[2] == reference[2]);
    }

    void progressComesFromTheCallingThreadOnly()
    {
        const Pipeline pipeline = parsePipelineJson(kHeavy);
        RunRequest request;
        request.pipeline = &pipeline;
        request.start = std::make_shared<const Tensor>(test::randomTensor({1, 160, 160, 8}, 2));
        ExecContext context;
        context.threads = 2;
        const auto caller = std::this_thread::get_id();
        std::atomic<int> inside{0};
        bool wrongThread = false, overlapped = false, outOfRange = false;
        std::vector<RunProgress> reports;
        RunCallbacks callbacks;
        callbacks.progressInterval = 1ms;
        callbacks.progress = [&](const RunProgress& p) {
            if (++inside > 1)
                overlapped = true;
            wrongThread = wrongThread || std::this_thread::get_id() != caller;
            outOfRange = outOfRange || !(p.fraction >= 0 && p.fraction <= 1) || p.layer > 1 || p.layerCount != 2;
            reports.push_back(p);
            --inside;
        };
        QVERIFY(runLayers(request, context, callbacks).ok());
        QVERIFY(!wrongThread);
        QVERIFY(!overlapped);
        QVERIFY(!outOfRange);
        QVERIFY(reports.size() >= 2);
        for (const RunProgress& p : reports)
            QVERIFY(p.overall() >= 0.0 && p.overall() <= 1.0);
    }

    void cancelFromAnotherThreadIsPrompt()
    {
        const Pipeline pipeline = parsePipelineJson(kHeavy);
        RunRequest request;
        request.pipeline = &pipeline;
        request.start = std::make_shared<const Tensor>(test::randomTensor({1, 400, 400, 8}, 2));
        std::stop_source stop;
        ExecContext context;
        context.stop = stop.get_token();
        std::atomic<bool> progressed{false};
        RunCallbacks callbacks;
        callbacks.progressInterval = 1ms;
        callbacks.progress = [&](const RunProgress&) { progressed = true; };
        std::chrono::steady_clock::time_point requested;
        std::thread canceller([&] {
            while (!progressed)
                std::this_thread::sleep_for(1ms);
            requested = std::chrono::steady_clock::now();
            stop.request_stop();
        });
        const RunResult result = runLayers(request, context, callbacks);
        const auto ended = std::chrono::steady_clock::now();
        canceller.join();
        QVERIFY(result.cancelled);
        QVERIFY(!result.failedLayer);
        const double ms = std::chrono::duration<double, std::milli>(ended - requested).count();
        QVERIFY2(ms < 500, qPrintable(QString::number(ms)));
    }

    void errorsNameTheLayerAndTheBudgetCountsKeptOutputs()
    {
        // Nearest ×2 three times: 16×16×3 (3 KiB) → 12 KiB → 48 KiB → 192 KiB, no scratch.
        const Pipeline pipeline = parsePipelineJson(R"([
          {"class_name": "UpSampling2D", "config": {"name": "up1", "size": [2, 2]}},
          {"class_name": "UpSampling2D", "config": {"name": "up2", "size": [2, 2]}},
          {"class_name": "UpSampling2D", "config": {"name": "up3", "size": [2, 2]}}
        ])");
        RunRequest request;
        request.pipeline = &pipeline;
        request.start = std::make_shared<const Tensor>(test::randomTensor({1, 16, 16, 3}, 4));
        ExecContext context;
        context.memoryBudgetBytes = 260 * 1024; // 3 + 12 + 48 kept, + 192 new = 255 KiB: fits
        QVERIFY(runLayers(request, context).ok());
        request.heldBytes = 16 * 1024;          // the caller keeps more: 16 + 60 + 192 > 260
        const RunResult result = runLayers(request, context);
        QCOMPARE(result.failedLayer, std::optional<size_t>(2));
        QVERIFY2(QString::fromStdString(result.error).contains("up3"), result.error.c_str());
        QVERIFY(result.exception);
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, std::rethrow_exception(result.exception));
        // A caller keeping only the last output has the room (48 + 192).
        request.keepsOutputs = false;
        QVERIFY(runLayers(request, context).ok());
    }
};

QTEST_APPLESS_MAIN(TestPipelineRun)
#include "test_pipeline_run.moc"
