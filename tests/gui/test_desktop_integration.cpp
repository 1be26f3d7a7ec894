// What the desktop integration relies on: Help ▸ About shows the same version lines as
// `layerscope --version`, and `layerscope FILE.json` (the .desktop entry's Exec=layerscope %f,
// "Open with" on a pipeline) opens it as the pipeline on the bundled sample.
#include "gui_test_support.h"

#include "cli/cli.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QGuiApplication>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTimer>

#include <fstream>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

class TestDesktopIntegration : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { setUpApplication(); }

    void aboutShowsVersions()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        QAction* about = w->action("about");
        QVERIFY(about);
        QString shown;
        // QMessageBox::about is modal: read and close it from inside its event loop.
        QTimer::singleShot(0, [&] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (box) {
                shown = box->text();
                box->accept();
            }
        });
        about->trigger();
        QVERIFY2(shown.contains("LayerScope 0.1.0<br>checked against Keras 3.15.1 / TensorFlow 2.21.0"), qPrintable(shown));
        QVERIFY(QString::fromStdString(versionText()).startsWith("LayerScope 0.1.0\nchecked against Keras 3.15.1"));
    }

    // The windows name the menu entry that is installed (Wayland app_id, taskbar icon).
    void desktopFileNameIsTheInstalledEntry()
    {
        const QString name = QGuiApplication::desktopFileName();
        QCOMPARE(name, QString("io.github.layerscope.LayerScope"));
        QVERIFY(QFile::exists(LAYERSCOPE_SOURCE_DIR "/resources/packaging/" + name + ".desktop"));
    }

    void openWithPipelineJson()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("two.json");
        std::ofstream(path.toStdString()) << R"([{"class_name": "AveragePooling2D", "config": {"name": "p1", "pool_size": 2}},
                                                {"class_name": "AveragePooling2D", "config": {"name": "p2", "pool_size": 2}}])";
        MainWindow w(quietOptions());
        w.openInitial(path, QString());
        QVERIFY(waitIdle(w));
        QCOMPARE(w.document()->layerCount(), 2);
        QCOMPARE(QString::fromStdString(w.document()->layer(1).name()), QString("p2"));
        QVERIFY(w.document()->input()); // the bundled sample, decoded
    }
};

QTEST_MAIN(TestDesktopIntegration)
#include "test_desktop_integration.moc"
