// The numbers view shows the documentation's values, and exports write files of the right size
// and values.

#include "gui_test_support.h"

#include "engine/exporter.h"
#include "widgets/export_controller.h"
#include "models/tensor_table_model.h"
#include "widgets/feature_map_view.h"

#include "core/io/npy.h"

#include <QDir>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

QStringList tableRow(const TensorTableModel& model, int row)
{
    QStringList cells;
    for (int c = 0; c < model.columnCount(); ++c)
        cells << model.index(row, c).data().toString();
    return cells;
}

} // namespace

class TestNumbersAndExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void documentationExampleValid()
    {
        MainWindow w(quietOptions());
        QVERIFY(w.loadExample(":/examples/01_avgpool_3x3_valid_s1.json"));
        QVERIFY(waitIdle(w));
        QCOMPARE(w.currentLayer(), 0);
        const TensorTableModel& m = *w.numbersModel();
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(tableRow(m, 0), (QStringList{"3", "4"}));
        QCOMPARE(tableRow(m, 1), (QStringList{"6", "7"}));
        QCOMPARE(w.featureView()->cellText(0, 1, 1), QStringLiteral("7"));
        // A 2×2 tensor is magnified far enough that the values are written in the cells.
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.featureView()->zoomToFit();
        QVERIFY(w.featureView()->zoom() >= 34.0);
    }

    void documentationExampleStride2AndSame()
    {
        MainWindow w(quietOptions());
        QVERIFY(w.loadExample(":/examples/02_avgpool_3x4_valid_s2.json"));
        QVERIFY(waitIdle(w));
        QCOMPARE(tableRow(*w.numbersModel(), 0), (QStringList{"3.5", "5.5"}));
        QVERIFY(w.loadExample(":/examples/03_avgpool_3x3_same_s1.json"));
        QVERIFY(waitIdle(w));
        QCOMPARE(tableRow(*w.numbersModel(), 0), (QStringList{"3", "4", "4.5"}));
        QCOMPARE(tableRow(*w.numbersModel(), 1), (QStringList{"6", "7", "7.5"}));
        QCOMPARE(tableRow(*w.numbersModel(), 2), (QStringList{"7.5", "8.5", "9"}));
    }

    void exportWritesFilesOfTheRightSizeAndValues()
    {
        auto w = makeWindow(InputSpec::arange(1, 9, 7, 3), poolPipeline(2, 1, "valid"));
        QVERIFY(waitIdle(*w));
        const auto tensor = w->runner()->output(0);
        QVERIFY(tensor);
        QCOMPARE(tensor->shape(), (Shape{1, 8, 6, 3}));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        RenderOptions options;
        options.colormap = Colormap::Viridis;
        const QStringList files = exportChannelPngs(*tensor, options, dir.filePath("channels"), "pool");
        QCOMPARE(files.size(), 3);
        for (const QString& file : files) {
            QImage image(file);
            QVERIFY2(!image.isNull(), qPrintable(file));
            QCOMPARE(image.size(), QSize(6, 8));
            QCOMPARE(image.text("colormap"), QStringLiteral("viridis"));
        }
        exportNpy(*tensor, dir.filePath("pool.npy"));
        QCOMPARE(readNpy(dir.filePath("pool.npy").toStdString()), *tensor);
        exportComposite(*tensor, options, dir.filePath("rgb.png"));
        QCOMPARE(QImage(dir.filePath("rgb.png")).size(), QSize(6, 8));
        exportContactSheet(*tensor, options, dir.filePath("sheet.png"), "pool");
        QVERIFY(QImage(dir.filePath("sheet.png")).width() >= 3 * 6);
        QCOMPARE(exportAllLayers(snapshotOutputs(*w->document(), *w->runner()), options, dir.filePath("all")), 2);
        QVERIFY(QFile::exists(dir.filePath("all/01_pool/pool.npy")));
        QCOMPARE(readNpy(dir.filePath("all/00_input/input.npy").toStdString()), *w->document()->input());
    }

    // The window's export actions go through one controller that writes on a worker thread and
    // reports in a signal; a destination it cannot write is a reported failure, not a crash.
    void exportControllerWritesOnAWorkerAndReports()
    {
        auto w = makeWindow(InputSpec::arange(1, 9, 7, 3), poolPipeline(2, 1, "valid"));
        QVERIFY(waitIdle(*w));
        ExportController* exports = w->exports();
        QSignalSpy exported(exports, &ExportController::exported);
        QSignalSpy failed(exports, &ExportController::failed);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString npy = dir.filePath("pool.npy");
        QVERIFY(exports->exportTo(ExportKind::Npy, 0, w->renderOptions(), npy));
        QVERIFY(exported.wait(10000));
        QCOMPARE(exported.takeFirst().at(0).toString(), QStringLiteral("Wrote %1").arg(npy));
        QCOMPARE(readNpy(npy.toStdString()), *w->runner()->output(0));

        QVERIFY(exports->exportTo(ExportKind::AllLayers, 0, w->renderOptions(), dir.filePath("all")));
        QVERIFY(exported.wait(10000));
        QVERIFY(exported.takeFirst().at(0).toString().startsWith("Wrote 2 layers into"));
        QVERIFY(QFile::exists(dir.filePath("all/01_pool/pool_sheet.png")));

        QVERIFY(exports->exportTo(ExportKind::ContactSheet, -1, w->renderOptions(), "/proc/no/such/sheet.png"));
        QVERIFY(failed.wait(10000));
        QVERIFY(!failed.takeFirst().at(0).toString().isEmpty());
        QVERIFY(!exports->exportTo(ExportKind::Npy, 5, w->renderOptions(), npy)); // no such layer output
    }
};

QTEST_MAIN(TestNumbersAndExport)
#include "test_numbers_and_export.moc"
