// Cancellation across threads, the way the app uses it: a pipeline runs on a worker thread with
// several OpenMP threads and reports progress from them, while another thread requests a stop.
// The run must end promptly in CancelledError, and every progress report must come before it.
// These tests are what the ThreadSanitizer run (scripts/sanitize.sh tsan) checks the worker and
// cancellation code with: stop_token reads inside parallelChunks' OpenMP loop, the stopped/done
// atomics, progress calls from worker threads, and runPipeline's checks between layers.

#include "core/errors.h"
#include "core/pipeline.h"
#include "test_support.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <future>
#include <stop_token>
#include <string>
#include <thread>

using namespace layerscope;
using namespace std::chrono_literals;

namespace {

// Pipelines whose single run takes long enough (tens of ms to seconds) to be cancelled mid-way.
const char* const kPipelines[] = {
    R"([{"class_name":"Conv2D","config":{"name":"conv","filters":16,"kernel_size":[5,5],"padding":"same"}},
        {"class_name":"Conv2D","config":{"name":"conv2","filters":16,"kernel_size":[5,5],"padding":"same"}}])",
    R"([{"class_name":"UpSampling2D","config":{"name":"up","size":[3,3],"interpolation":"lanczos5"}},
        {"class_name":"AveragePooling2D","config":{"name":"pool","pool_size":[3,3],"strides":[1,1],"padding":"same"}}])",
    R"([{"class_name":"Resizing","config":{"name":"r","height":700,"width":600,"interpolation":"bicubic","antialias":true}},
        {"class_name":"Tile","config":{"name":"t","multiples":[1,2,2,1]}},
        {"class_name":"GlobalAveragePooling2D","config":{"name":"g"}}])",
};

} // namespace

class TestCancellation : public QObject {
    Q_OBJECT

private slots:
    // Stop requested from the main thread once the worker has reported progress.
    void cancelFromAnotherThreadMidRun()
    {
        for (const char* text : kPipelines) {
            const Pipeline pipeline = parsePipelineJson(text);
            const Tensor input = test::randomTensor({1, 160, 160, 8}, 3);
            std::stop_source stop;
            std::atomic<int> reports{0};
            std::atomic<bool> finished{false};
            ExecContext context;
            context.threads = 2;
            context.stop = stop.get_token();
            std::atomic<bool> bad{false}; // QVERIFY is not for worker threads: checked below
            context.progress = [&](double fraction) {
                if (!(fraction >= 0.0 && fraction <= 1.0) || finished.load())
                    bad = true;
                ++reports;
            };
            auto run = std::async(std::launch::async, [&] {
                try {
                    runPipeline(pipeline, input, context);
                    finished = true;
                    return std::string("finished");
                } catch (const CancelledError&) {
                    finished = true;
                    return std::string("cancelled");
                }
            });
            const auto deadline = std::chrono::steady_clock::now() + 60s;
            while (reports.load() == 0 && run.wait_for(1ms) != std::future_status::ready
                   && std::chrono::steady_clock::now() < deadline) {
            }
            const auto requested = std::chrono::steady_clock::now();
            stop.request_stop();
            QVERIFY2(run.wait_for(60s) == std::future_status::ready, text);
            const std::string outcome = run.get();
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - requested).count();
            // A run this short may finish before the request lands; otherwise it stops promptly
            // (one chunk per thread, generous for a sanitizer build).
            QVERIFY2(outcome == "cancelled" || outcome == "finished", outcome.c_str());
            QVERIFY2(!bad.load(), "a progress report out of range or after the run ended");
            QVERIFY2(ms < 20000, (std::string(text) + ": took " + std::to_string(ms) + " ms to stop").c_str());
        }
    }

    // Stop requested from the progress callback, i.e. from an OpenMP worker thread.
    void cancelFromWorkerThread()
    {
        const Pipeline pipeline = parsePipelineJson(kPipelines[0]);
        std::stop_source stop;
        ExecContext context;
        context.threads = 2;
        context.stop = stop.get_token();
        std::atomic<int> reports{0};
        context.progress = [&](double) {
            if (++reports == 2)
                stop.request_stop();
        };
        QVERIFY_THROWS_EXCEPTION(CancelledError, runPipeline(pipeline, test::randomTensor({1, 160, 160, 8}, 4), context));
    }

    // Many short runs sharing one stop source that fires at a random point: every run either
    // completes with correct shapes or throws CancelledError, and nothing else.
    void repeatedRaces()
    {
        const Pipeline pipeline = parsePipelineJson(kPipelines[1]);
        const Tensor input = test::randomTensor({1, 48, 48, 4}, 5);
        const ChainShapes chain = inferChain(pipeline, input.shape());
        QVERIFY(chain.ok());
        for (int i = 0; i < 12; ++i) {
            std::stop_source stop;
            ExecContext context;
            context.threads = 2;
            context.stop = stop.get_token();
            std::jthread canceller([&stop, i] {
                std::this_thread::sleep_for(std::chrono::microseconds(200 * i));
                stop.request_stop();
            });
            try {
                const std::vector<Tensor> outputs = runPipeline(pipeline, input, context);
                QCOMPARE(outputs.back().shape(), chain.layers.back().output);
            } catch (const CancelledError&) {
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestCancellation)
#include "test_cancellation.moc"
