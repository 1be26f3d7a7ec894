// Nothing is lost: the autosave follows an edit; the real `layerscope` process killed with SIGKILL
// mid-edit offers the session again at the next start (driven through QProcess with a temporary
// HOME/XDG dirs and the LAYERSCOPE_TEST_HOOK / LAYERSCOPE_RESTORE hooks, see widgets/test_hooks.h);
// saving replaces the file by rename; settings (recent files, last folders, view options, memory
// budget) survive a restart; the unsaved-changes prompt guards close; drops open files.

#include "gui_test_support.h"

#include "commands/insert_layer_command.h"
#include "engine/exporter.h"

#include "core/io/npy.h"

#include <QAbstractButton>
#include <QAction>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/stat.h>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

nlohmann::json poolLayer(const std::string& name)
{
    return {{"class_name", "AveragePooling2D"},
            {"config", {{"name", name}, {"pool_size", {2, 2}}, {"strides", {2, 2}}, {"padding", "valid"}}}};
}

bool waitFor(const std::function<bool()>& condition, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!condition()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QTest::qWait(10);
    }
    return true;
}

QString findFile(const QString& root, const QString& name)
{
    QDirIterator it(root, {name}, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    return it.hasNext() ? it.next() : QString();
}

// The environment for a real `layerscope` process whose settings, autosave and cache all live
// under `home`, without a display.
QProcessEnvironment isolatedAppEnvironment(const QString& home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", home);
    env.insert("XDG_CONFIG_HOME", home + "/config");
    env.insert("XDG_DATA_HOME", home + "/data");
    env.insert("XDG_CACHE_HOME", home + "/cache");
    env.insert("QT_QPA_PLATFORM", "offscreen");
    return env;
}

} // namespace

class TestPersistence : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        setUpApplication();
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_settingsDir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    }

    void autosaveFollowsAnEdit()
    {
        MainWindowOptions o = quietOptions();
        o.autosave = true;
        o.autosaveDelayMs = 50;
        MainWindow w(o);
        QFile::remove(w.autosavePath());
        w.document()->setInput(InputSpec::arange(1, 8, 8, 1));
        w.document()->resetPipeline(parsePipelineJson(poolPipeline(2, 2, "valid")));
        w.document()->undoStack()->push(new InsertLayerCommand(w.document(), 1, poolLayer("edited_pool")));
        QVERIFY(waitFor([&] { return QFile::exists(w.autosavePath()); }, 3000));
        QFile f(w.autosavePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o2 = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(o2.value("pipeline").toString().contains("edited_pool"));
        QCOMPARE(o2.value("input").toObject().value("kind").toString(), QString("synthetic"));
        f.close();
        // Back to the clean state: nothing left to restore.
        w.document()->undoStack()->undo();
        QVERIFY(waitFor([&] { return !QFile::exists(w.autosavePath()); }, 3000));
    }

    void restoreAtDocumentLevel()
    {
        MainWindowOptions o = quietOptions();
        o.autosave = true;
        o.autosaveDelayMs = 20;
        QString path;
        {
            MainWindow w(o);
            path = w.autosavePath();
            w.document()->setInput(InputSpec::arange(1, 6, 6, 2));
            w.document()->resetPipeline(parsePipelineJson(poolPipeline(2, 1, "same")));
            w.document()->undoStack()->push(new InsertLayerCommand(w.document(), 1, poolLayer("second")));
            QVERIFY(waitFor([&] { return QFile::exists(path); }, 3000));
            QFile copy(path);
            QFile::remove(path + ".keep"); // left by an earlier, interrupted run
            QVERIFY(copy.copy(path + ".keep")); // a crash would leave it behind; close removes it
            w.runner()->waitForIdle();
        }
        QFile::remove(path);
        QVERIFY(QFile::rename(path + ".keep", path));
        o.offerRestore = true;
        o.restoreAnswer = RestoreAnswer::Yes;
        MainWindow restored(o);
        restored.openInitial({}, {});
        QCOMPARE(restored.document()->layerCount(), 2);
        QCOMPARE(restored.document()->layer(1).name(), std::string("second"));
        QCOMPARE(restored.document()->inputSpec().channels, 2);
        QVERIFY(restored.document()->isModified());
        QVERIFY(waitIdle(restored));
        QVERIFY(restored.runner()->output(1));
        QFile::remove(path);
    }

    void killMidEditThenRestart()
    {
        const QString binary = QCoreApplication::applicationDirPath() + "/layerscope";
        if (!QFile::exists(binary))
            QSKIP("layerscope binary not next to the test");
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = isolatedAppEnvironment(home.path());
        const QString pipeline = home.filePath("p.json");
        {
            QFile f(pipeline);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(poolPipeline(2, 2, "valid").c_str());
        }

        QProcess first;
        env.insert("LAYERSCOPE_TEST_HOOK", "edit");
        first.setProcessEnvironment(env);
        first.start(binary, {"", pipeline});
        QVERIFY(first.waitForStarted(5000));
        QString autosave;
        QVERIFY(waitFor([&] {
            autosave = findFile(home.path() + "/data", "autosave.json");
            return !autosave.isEmpty();
        }, 8000));
        QVERIFY(first.readAllStandardOutput().contains("edited"));
        first.kill(); // SIGKILL mid-session: no close event, no cleanup
        QVERIFY(first.waitForFinished(5000));
        QVERIFY(QFile::exists(autosave));

        QProcess second;
        env.insert("LAYERSCOPE_TEST_HOOK", "report");
        env.insert("LAYERSCOPE_RESTORE", "yes");
        second.setProcessEnvironment(env);
        second.start(binary, QStringList{});
        QVERIFY(second.waitForFinished(10000));
        const QString out = QString::fromUtf8(second.readAllStandardOutput());
        QVERIFY2(out.contains("layers: pool,hook_edit"), qPrintable(out));
        QVERIFY2(out.contains("modified: 1"), qPrintable(out));
    }

    void closingExitsPromptlyAndCleanly()
    {
        // The real process, closed the normal way once idle: it must end by itself with status
        // 0 (worker threads joined, no hang in teardown), leave no autosave behind and have
        // written its settings.
        const QString binary = QCoreApplication::applicationDirPath() + "/layerscope";
        if (!QFile::exists(binary))
            QSKIP("layerscope binary not next to the test");
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = isolatedAppEnvironment(home.path());
        env.insert("LAYERSCOPE_TEST_HOOK", "close");
        env.insert("LAYERSCOPE_RESTORE", "no");
        QProcess app;
        app.setProcessEnvironment(env);
        app.start(binary, QStringList{});
        QVERIFY(app.waitForStarted(5000));
        QVERIFY(waitFor([&] { return app.state() == QProcess::NotRunning || app.peek(64).contains("closing"); }, 20000));
        QVERIFY2(app.waitForFinished(5000), "the app did not exit within 5 s of closing its window");
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 0);
        QVERIFY(app.readAllStandardOutput().contains("closing"));
        QVERIFY(findFile(home.path() + "/data", "autosave.json").isEmpty());
        QVERIFY(!findFile(home.path() + "/config", "*.conf").isEmpty());
    }

    void saveReplacesByRename()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("pipe.json");
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        QVERIFY(w->savePipelineTo(path));
        struct stat before {};
        QCOMPARE(::stat(path.toLocal8Bit().constData(), &before), 0);
        w->document()->undoStack()->push(new InsertLayerCommand(w->document(), 1, poolLayer("more")));
        QVERIFY(w->document()->isModified());
        QVERIFY(w->savePipelineTo(path));
        QVERIFY(!w->document()->isModified());
        struct stat after {};
        QCOMPARE(::stat(path.toLocal8Bit().constData(), &after), 0);
        QVERIFY(before.st_ino != after.st_ino); // a new file renamed over the old one
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"pipe.json"});
        QCOMPARE(loadPipelineFile(path.toStdString()).layers.size(), size_t{2});
    }

    void settingsSurviveARestart()
    {
        QTemporaryDir dir;
        const QString pipeline = dir.filePath("remember.json");
        MainWindowOptions o = quietOptions();
        o.useSettings = true;
        {
            MainWindow w(o);
            w.document()->setInput(InputSpec::arange(1, 4, 4, 1));
            w.document()->resetPipeline(parsePipelineJson(poolPipeline(2, 2, "valid")));
            QVERIFY(w.savePipelineTo(pipeline));
            RenderOptions r = w.renderOptions();
            r.colormap = Colormap::Magma;
            r.normalization = Normalization::PerLayer;
            w.setRenderOptions(r);
            w.setMemoryBudgetBytes(int64_t{3} << 30);
            QVERIFY(w.close());
        }
        MainWindow again(o);
        QCOMPARE(again.renderOptions().colormap, Colormap::Magma);
        QCOMPARE(again.renderOptions().normalization, Normalization::PerLayer);
        QCOMPARE(again.runner()->memoryBudgetBytes(), int64_t{3} << 30);
        QSettings settings;
        QCOMPARE(settings.value("recentFiles").toStringList().value(0), pipeline);
        QCOMPARE(settings.value("dirs/pipeline").toString(), dir.path());
        // The recent-files menu lists it and opens it.
        again.document()->setInput(InputSpec::arange(1, 4, 4, 1));
        QMenu* recent = nullptr;
        for (QMenu* m : again.findChildren<QMenu*>())
            if (m->title().contains("Recent"))
                recent = m;
        QVERIFY(recent);
        QVERIFY(!recent->actions().isEmpty());
        QCOMPARE(recent->actions().first()->toolTip(), pipeline);
        recent->actions().first()->trigger();
        QCOMPARE(again.document()->fileName(), pipeline);
        QVERIFY(again.close());
    }

    void unsavedChangesPromptGuardsClose()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        w->show();
        w->document()->undoStack()->push(new InsertLayerCommand(w->document(), 1, poolLayer("unsaved")));
        auto answer = [](QMessageBox::StandardButton button) {
            QTimer::singleShot(50, [button] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                if (box)
                    box->button(button)->click();
            });
        };
        answer(QMessageBox::Cancel);
        QVERIFY(!w->close());
        QVERIFY(w->isVisible());
        answer(QMessageBox::Discard);
        QVERIFY(w->close());
    }

    void dropOpensImagesAndPipelines()
    {
        QTemporaryDir dir;
        const QString npy = dir.filePath("t.npy");
        writeNpy(npy.toStdString(), Tensor(Shape{1, 5, 7, 2}, std::vector<float>(70, 1.5f)));
        const QString pipeline = dir.filePath("drop.json");
        {
            QFile f(pipeline);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(poolPipeline(3, 1, "same").c_str());
        }
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        w->show();
        auto drop = [&](const QString& path) {
            QMimeData mime;
            mime.setUrls({QUrl::fromLocalFile(path)});
            QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(w.get(), &enter);
            QVERIFY(enter.isAccepted());
            QDropEvent event(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(w.get(), &event);
        };
        drop(npy);
        QVERIFY(waitIdle(*w));
        QVERIFY(w->document()->input());
        QCOMPARE(w->document()->input()->shape(), (Shape{1, 5, 7, 2}));
        QVERIFY(w->document()->isModified()); // the new input is an undoable edit: opening a pipeline asks first
        QTimer::singleShot(50, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
                box->button(QMessageBox::Discard)->click();
        });
        drop(pipeline);
        QCOMPARE(w->document()->fileName(), pipeline);
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->runner()->output(0)->shape(), (Shape{1, 5, 7, 2}));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestPersistence)
#include "test_persistence.moc"
