// Issue 9 §3.1, the freeze: a large input, "shared across layer" normalisation and a Conv2D with
// 64 filters. Ranges, statistics and channel pictures are computed on workers, so the GUI event
// loop keeps ticking (a 5 ms watchdog timer measures the longest gap between its ticks) from the
// edit until every visible tile shows its picture; undoing the edit and closing the window in
// the middle of a run return promptly; and the two progress indicators show the same number.

#include "gui_test_support.h"

#include "commands/change_layer_command.h"
#include "engine/channel_image_renderer.h"
#include "widgets/feature_map_view.h"
#include "widgets/overview_strip.h"
#include "widgets/run_busy_bar.h"

#include "core/render/layer_summary.h"

#include <QDockWidget>
#include <QElapsedTimer>
#include <QSet>
#include <QProgressBar>
#include <QStatusBar>
#include <QTimer>
#include <QUndoStack>

#include <functional>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

InputSpec largeInput()
{
    InputSpec input;
    input.kind = InputSourceKind::Synthetic;
    input.synthetic = SyntheticKind::Random;
    input.height = 1500;
    input.width = 2000;
    input.channels = 3;
    return input;
}

std::string conv(int filters, int kernel = 3)
{
    return R"([{"class_name": "Conv2D", "config": {"name": "conv", "filters": )" + std::to_string(filters)
         + R"(, "kernel_size": [)" + std::to_string(kernel) + "," + std::to_string(kernel)
         + R"(], "padding": "same"}}])";
}

// The longest time the event loop went without running a 5 ms timer while `done` was false.
class Watchdog {
public:
    Watchdog()
    {
        m_clock.start();
        m_last = 0;
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_longest = std::max(m_longest, now - m_last);
            m_last = now;
        });
        m_timer.start(5);
    }
    qint64 longestGapMs() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longest = 0;
};

bool waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QTest::qWait(5);
    return done();
}

} // namespace

class TestResponsiveness : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void sharedNormalisationNeverStallsTheEventLoop()
    {
        auto w = makeWindow(largeInput(), conv(4));
        w->resize(1400, 900);
        w->show();
        RenderOptions options = w->renderOptions();
        options.normalization = Normalization::PerLayer;
        w->setRenderOptions(options);
        QVERIFY(waitIdle(*w, 120000));
        QVERIFY(w->featureView()->waitForImages(60000));

        // The edit of the issue: filters 4 → 64, the way the properties editor commits it.
        const nlohmann::json before = w->document()->layerJson(0);
        nlohmann::json after = before;
        after["config"]["filters"] = 64;
        Watchdog watchdog;
        QElapsedTimer clock;
        clock.start();
        w->document()->undoStack()->push(new ChangeLayerCommand(w->document(), 0, before, after, "filters"));
        QVERIFY(waitUntil([&] { return w->runner()->isIdle() && w->featureView()->tensor()
                                       && w->featureView()->tensor()->dim(3) == 64
                                       && w->featureView()->imagesComplete(); }, 240000));
        const qint64 editToPixels = clock.elapsed();
        qInfo("edit to pixels %lld ms, longest event-loop gap %lld ms", editToPixels, watchdog.longestGapMs());
        // The issue's target is 50 ms (measured by bench-ui); a loaded two-core test machine gets
        // some slack, far below the seconds a GUI-thread scan of the layer took.
        QVERIFY2(watchdog.longestGapMs() < 250, qPrintable(QString::number(watchdog.longestGapMs())));
        QVERIFY(w->featureView()->summary());
        QCOMPARE(w->featureView()->summary()->geometry().channels, int64_t{64});

        // Undo 64 → 4 while nothing is cached for 4 any more: prompt, and the loop keeps ticking.
        Watchdog undoWatchdog;
        clock.restart();
        w->document()->undoStack()->undo();
        const qint64 undoMs = clock.elapsed();
        QVERIFY2(undoMs < 200, qPrintable(QString::number(undoMs)));
        QVERIFY(waitUntil([&] { return w->runner()->isIdle() && w->featureView()->tensor()
                                       && w->featureView()->tensor()->dim(3) == 4
                                       && w->featureView()->imagesComplete(); }, 240000));
        QVERIFY2(undoWatchdog.longestGapMs() < 250, qPrintable(QString::number(undoWatchdog.longestGapMs())));
    }

    // Issue 9: UpSampling2D ×2 of a 1500×2000×64 map (3 GB out) took 11.9 s in the app, most of
    // it rendering and scanning full-resolution channels on the GUI thread. Now the GUI thread
    // only draws: the event loop keeps ticking and the time is the engine's plus one summary.
    void largeUpsamplingReachesPixelsWithoutStalls()
    {
        InputSpec input = largeInput();
        input.channels = 64;
        auto w = makeWindow(input, R"([{"class_name": "UpSampling2D", "config": {"name": "up", "size": [2, 2]}}])");
        w->resize(1400, 900);
        w->show();
        Watchdog watchdog;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(waitUntil([&] { return w->runner()->isIdle() && w->featureView()->tensor()
                                       && w->featureView()->tensor()->dim(1) == 3000
                                       && w->featureView()->imagesComplete(); }, 240000));
        qInfo("UpSampling2D 1500x2000x64 x2: layer %.0f ms, to pixels %lld ms, longest event-loop gap %lld ms",
              w->runner()->info(0).milliseconds, clock.elapsed(), watchdog.longestGapMs());
        QVERIFY2(watchdog.longestGapMs() < 250, qPrintable(QString::number(watchdog.longestGapMs())));
    }

    // Thumbnails are rendered on a worker too: they arrive, and a frame whose thumbnail arrived
    // is not asked for again (no request loop once everything is drawn).
    void overviewThumbnailsArrive()
    {
        auto w = makeWindow(largeInput(), conv(8));
        w->resize(1400, 900);
        w->show();
        auto* dock = w->findChild<QDockWidget*>("OverviewDock");
        QVERIFY(dock);
        dock->show();
        dock->raise();
        QVERIFY(waitIdle(*w, 120000));
        auto* strip = w->findChild<OverviewStrip*>();
        QVERIFY(strip);
        auto* renderer = strip->findChild<ChannelImageRenderer*>();
        QVERIFY(renderer);
        // Drawn thumbnails show the picture: more than one colour in the frame of layer 0.
        const bool drawn = waitUntil([&] {
            strip->repaint();
            const QImage shot = strip->grab().toImage();
            const int frame = std::max(60, strip->height() - 30 - 8);
            const QRect layer0(4 + (frame + 10) + frame / 4, 4 + frame / 4, frame / 2, frame / 2);
            QSet<QRgb> colours;
            for (int y = layer0.top(); y < layer0.bottom(); y += 3)
                for (int x = layer0.left(); x < layer0.right(); x += 3)
                    colours.insert(shot.pixel(x, y));
            return colours.size() > 8 && !renderer->isBusy();
        }, 30000);
        QVERIFY(drawn);
        strip->repaint();
        QTest::qWait(50);
        QVERIFY(!renderer->isBusy());
    }

    void closingDuringARunIsPrompt()
    {
        auto w = makeWindow(largeInput(), conv(64));
        w->show();
        QVERIFY(waitUntil([&] { return w->runner()->isBusy(); }, 5000));
        QTest::qWait(300);
        QElapsedTimer clock;
        clock.start();
        w.reset(); // what closing ends in (close() itself may ask to save)
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    }

    void progressIndicatorsAgree()
    {
        // Seconds of work, so progress is reported (every 50 ms at most) whatever the load.
        auto w = makeWindow(largeInput(), conv(64, /*kernel=*/5));
        w->show();
        bool compared = false;
        int reports = 0, barCount = 0;
        QString mismatch;
        // Connected after the window's own handler, so it sees both indicators updated.
        connect(w->runner(), &PipelineRunner::progressChanged, w.get(), [&] {
            QList<QProgressBar*> bars = w->statusBar()->findChildren<QProgressBar*>();
            bars += w->findChild<RunBusyBar*>()->findChildren<QProgressBar*>();
            QList<int> values;
            for (const QProgressBar* bar : bars)
                values << bar->value();
            ++reports;
            barCount = static_cast<int>(bars.size());
            compared = bars.size() == 2;
            for (int v : values)
                if (v != values.front())
                    mismatch = QStringLiteral("%1 vs %2").arg(v).arg(values.front());
        });
        QVERIFY(waitIdle(*w, 120000));
        QVERIFY2(compared, qPrintable(QStringLiteral("%1 reports, %2 progress bars, layer %3 in %4 ms: %5")
                                          .arg(reports).arg(barCount).arg(layerStatusName(w->runner()->info(0).status))
                                          .arg(w->runner()->info(0).milliseconds).arg(w->runner()->info(0).message)));
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    }
};

QTEST_MAIN(TestResponsiveness)
#include "test_responsiveness.moc"
