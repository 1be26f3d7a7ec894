// `layerscope bench-ui` through the real process: it opens the main window offscreen, applies the
// scripted edits and reports them as JSON with consistent figures; bad arguments are usage errors
// (exit 2). Timing targets are the benchmark's business, not this test's: it checks the figures'
// presence and relations only.

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QString binary() { return QCoreApplication::applicationDirPath() + "/layerscope"; }
QString source(const QString& path) { return QStringLiteral(LAYERSCOPE_SOURCE_DIR "/") + path; }

struct Run {
    int status = -1;
    QByteArray out, err;
};

Run runBench(const QStringList& arguments)
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", home.path());
    env.insert("XDG_CONFIG_HOME", home.path() + "/config");
    env.insert("XDG_DATA_HOME", home.path() + "/data");
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.remove("QT_QPA_PLATFORM"); // bench-ui picks the offscreen platform by itself
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(binary(), QStringList{"bench-ui"} + arguments);
    Run run;
    if (!process.waitForFinished(240000))
        return run;
    run.status = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace

class TestBenchUi : public QObject {
    Q_OBJECT
private slots:
    void reportsEveryFigureAsJson()
    {
        const Run run = runBench({"--image", source("images/chelsea.png"), "--pipeline",
                                  source("bench/ui/default.json"), "--edits", "3", "--normalise", "layer", "--json"});
        QCOMPARE(run.status, 0);
        const QJsonObject result = QJsonDocument::fromJson(run.out.trimmed()).object();
        QVERIFY2(!result.isEmpty(), run.out.constData());
        QCOMPARE(result.value("edits").toInt(), 3);
        const QJsonObject latency = result.value("edit_to_pixels_ms").toObject();
        const double p50 = latency.value("p50").toDouble(-1), p95 = latency.value("p95").toDouble(-1),
                     max = latency.value("max").toDouble(-1);
        QVERIFY2(p50 > 0 && p50 <= p95 && p95 <= max, run.out.constData());
        // Every edit waits for a run and a paint, which the stall watchdog sees tick in between.
        QVERIFY(result.value("longest_ui_stall_ms").toDouble(-1) > 0);
        QVERIFY(result.value("peak_rss_mb").toDouble(-1) > 10);
    }

    void plainOutputNamesTheEditedParameter()
    {
        const Run run = runBench({"--image", source("images/chelsea.png"), "--pipeline",
                                  source("bench/ui/default.json"), "--edits", "2"});
        QCOMPARE(run.status, 0);
        QVERIFY2(run.out.contains("edits: 2 of conv_filters.filters (Conv2D)"), run.out.constData());
        QVERIFY(run.out.contains("longest UI stall:"));
    }

    void badArgumentsAreUsageErrors()
    {
        const Run missing = runBench({"--image", source("images/no_such.png"), "--pipeline", source("bench/ui/default.json")});
        QCOMPARE(missing.status, 2);
        QVERIFY2(missing.err.contains("no such file"), missing.err.constData());
        const Run mode = runBench({"--image", source("images/chelsea.png"), "--pipeline", source("bench/ui/default.json"),
                                   "--normalise", "sometimes"});
        QCOMPARE(mode.status, 2);
        QVERIFY2(mode.err.contains("--normalise must be channel, layer or fixed"), mode.err.constData());
        QCOMPARE(runBench({"--edits", "0", "--image", "x", "--pipeline", "y"}).status, 2);
        const Run trace = runBench({"--image", source("images/chelsea.png"), "--pipeline", source("bench/ui/default.json"),
                                    "--trace-slow", "0"});
        QCOMPARE(trace.status, 2);
        QVERIFY2(trace.err.contains("--trace-slow must be a number of milliseconds"), trace.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestBenchUi)
#include "test_bench_ui.moc"
