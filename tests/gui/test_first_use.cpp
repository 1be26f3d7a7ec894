// What a first-time user hit (issue 9, part 3), each through the real main window: every
// shortcut bound once and working (redo, save as, Ctrl+= zoom); a new image at Keras's 0..255;
// a failed open changing nothing; added Conv2D filters seeded and typed numbers applied once;
// strides=None staying ticked; loaded values shown unclamped; the memory error naming the menu;
// the input saved in the pipeline file and batch_shape mismatches reported; shape math on the
// failing axis; the window fitting the screen with a still toolbar and docks with room; the Help
// dialogs; Compare with several files, layer-type replacements, stale results cleared and Esc;
// progress bars that say what they measure; typed input sizes applied once.

#include "gui_test_support.h"

#include "document/conv_weights.h"
#include "document/layer_json.h"
#include "models/layer_icons.h"
#include "widgets/compare_window.h"
#include "widgets/run_busy_bar.h"
#include "widgets/explain_controller.h"
#include "widgets/input_panel.h"
#include "widgets/layer_properties_panel.h"
#include "widgets/shape_math_panel.h"

#include "core/default_pipeline.h"
#include "core/input/shifted_input.h"
#include "core/pipeline_run.h"
#include "core/io/atomic_file.h"
#include "core/layers/conv2d.h"

#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QDockWidget>
#include <QScreen>
#include <QTextBrowser>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QSpinBox>
#include <QFile>
#include <QImage>
#include <QInputDialog>
#include <QProgressBar>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QApplication>
#include <QMap>
#include <QSignalSpy>
#include <QTimer>
#include <QWidget>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

// Closes the next modal dialog (a file dialog opened by a shortcut) once it is up.
void rejectNextModal()
{
    QTimer::singleShot(100, [] {
        if (QWidget* modal = QApplication::activeModalWidget())
            modal->close();
    });
}

// A 4×3 RGB PNG whose brightest value is 255.
QString writePng(const QTemporaryDir& dir, const QString& name)
{
    QImage image(4, 3, QImage::Format_RGB888);
    image.fill(QColor(255, 128, 0));
    const QString path = dir.filePath(name);
    image.save(path);
    return path;
}

float maxValue(const Tensor& t)
{
    float m = t[0];
    for (int64_t i = 0; i < t.size(); ++i)
        m = std::max(m, t[i]);
    return m;
}

QWidget* field(MainWindow& w, const char* key)
{
    // A rebuilt form's predecessor lingers until deferred deletion; only the live one counts.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return w.propertiesPanel()->findChild<QWidget*>(QStringLiteral("field_") + key);
}

} // namespace

class TestFirstUse : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void noShortcutIsBoundTwice()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        QMap<QString, QString> owner; // sequence → action text
        for (QAction* a : w->findChildren<QAction*>()) {
            for (const QKeySequence& s : a->shortcuts()) {
                if (s.isEmpty())
                    continue;
                const QString key = s.toString(QKeySequence::PortableText);
                QVERIFY2(!owner.contains(key), qPrintable(QString("%1 is bound to both '%2' and '%3'")
                                                              .arg(key, owner.value(key), a->text())));
                owner.insert(key, a->text());
            }
        }
        QVERIFY(owner.contains("Ctrl+Shift+Z"));
        QVERIFY(owner.contains("Ctrl+Y"));
        QVERIFY(owner.contains("Ctrl+Shift+S"));
        QVERIFY(owner.contains("Ctrl+="));
        QVERIFY(owner.contains("Ctrl++"));
    }

    void keySequencesTriggerTheirActions()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        w->show();
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        QVERIFY(waitIdle(*w));
        Document* doc = w->document();
        w->action("duplicate")->trigger();
        w->action("duplicate")->trigger();
        QCOMPARE(doc->undoStack()->index(), 2);

        QTest::keySequence(w.get(), QKeySequence(QStringLiteral("Ctrl+Z")));
        QTest::keySequence(w.get(), QKeySequence(QStringLiteral("Ctrl+Z")));
        QCOMPARE(doc->undoStack()->index(), 0);
        QTest::keySequence(w.get(), QKeySequence(QStringLiteral("Ctrl+Shift+Z")));
        QCOMPARE(doc->undoStack()->index(), 1);
        QTest::keySequence(w.get(), QKeySequence(QStringLiteral("Ctrl+Y")));
        QCOMPARE(doc->undoStack()->index(), 2);

        QSignalSpy zoom(w->action("zoomIn"), &QAction::triggered);
        QTest::keySequence(w.get(), QKeySequence(QStringLiteral("Ctrl+=")));
        QTest::keySequence(w.get(), QKeySequence(QStringLiteral("Ctrl++")));
        QCOMPARE(zoom.count(), 2);

        QSignalSpy saveAs(w->action("saveAs"), &QAction::triggered);
        rejectNextModal();
        QTest::keySequence(w.get(), QKeySequence(QStringLiteral("Ctrl+Shift+S")));
        QCOMPARE(saveAs.count(), 1);
    }

    // View ▸ Presentation (F11): 1.6× fonts, only the layer list and the parameters; leaving
    // restores the font and every dock.
    void presentationModeEnlargesAndRestores()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(waitIdle(*w));
        const QFont before = QApplication::font();
        auto* statistics = w->findChild<QDockWidget*>("StatisticsDock");
        auto* layers = w->findChild<QDockWidget*>("LayersDock");
        auto* properties = w->findChild<QDockWidget*>("PropertiesDock");
        QVERIFY(statistics && layers && properties);
        QVERIFY(statistics->isVisible());
        QAction* presentation = w->action("presentation");
        QCOMPARE(presentation->shortcut(), QKeySequence(tr("F11")));

        presentation->trigger();
        QVERIFY(presentation->isChecked());
        QCOMPARE(QApplication::font().pointSizeF(), before.pointSizeF() * 1.6);
        QVERIFY(!statistics->isVisible());
        QVERIFY(layers->isVisible());
        QVERIFY(!properties->isHidden());

        presentation->trigger();
        QCOMPARE(QApplication::font(), before);
        QVERIFY(statistics->isVisible());
    }

    void newImageStartsAtKerasScale()
    {
        QTemporaryDir dir;
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        InputSpec unit = InputSpec::file(writePng(dir, "first.png"));
        unit.scale = ValueScale::Range01; // as an example's 0..1 input
        w->document()->setInput(unit);
        QVERIFY(w->document()->isInputLoading()); // a file decodes on the input loader's thread
        QVERIFY(waitIdle(*w));
        QVERIFY(maxValue(*w->document()->input()) <= 1.0f);

        w->openInputFile(writePng(dir, "photo.png"));
        QVERIFY(waitIdle(*w));
        QVERIFY(w->document()->input());
        QCOMPARE(w->document()->inputSpec().scale, ValueScale::Range255);
        QCOMPARE(maxValue(*w->document()->input()), 255.0f);
    }

    void failedImageOpenChangesNothing()
    {
        QTemporaryDir dir;
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        QVERIFY(waitIdle(*w));
        const InputSpec before = w->document()->inputSpec();
        const auto tensor = w->document()->input();
        const int steps = w->document()->undoStack()->count();
        QVERIFY(!w->document()->isModified());

        QFile broken(dir.filePath("broken.png"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a png at all");
        broken.close();
        for (const QString& path : {broken.fileName(), dir.filePath("missing.png")}) {
            rejectNextModal();
            w->openInputFile(path);
            QVERIFY(waitIdle(*w)); // the file is read on the input loader's thread
            QVERIFY(w->document()->inputSpec() == before);
            QCOMPARE(w->document()->input(), tensor);
            QVERIFY(w->document()->inputError().isEmpty());
            QCOMPARE(w->document()->undoStack()->count(), steps);
            QVERIFY(!w->document()->isModified());
            QCOMPARE(w->runner()->info(0).status, LayerStatus::Ok);
            QVERIFY2(w->statusBar()->currentMessage().contains("Could not open"), qPrintable(w->statusBar()->currentMessage()));
        }
    }

    void newFiltersAreInitialisedAndTypedNumbersApplyOnce()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 3), pipelineToJsonText(defaultPipeline(3)));
        Document* doc = w->document();
        int conv = -1;
        for (int i = 0; i < doc->layerCount(); ++i)
            if (doc->layer(i).className() == "Conv2D")
                conv = i;
        QVERIFY(conv >= 0);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        w->selectLayer(conv);
        const ConvWeights before = ConvWeights::fromJson(layerWeights(doc->layerJson(conv)));
        QVERIFY(before.valid());
        QCOMPARE(before.filters, 4);

        auto* spin = qobject_cast<QSpinBox*>(field(*w, "filters"));
        QVERIFY(spin);
        QVERIFY(!spin->keyboardTracking());
        const int steps = doc->undoStack()->count();
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, "64");
        QCOMPARE(doc->undoStack()->count(), steps); // nothing applied while typing
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(doc->undoStack()->count(), steps + 1);
        QCOMPARE(doc->layerJson(conv)["config"]["filters"].get<int>(), 64);

        const ConvWeights after = ConvWeights::fromJson(layerWeights(doc->layerJson(conv)));
        QCOMPARE(after.filters, 64);
        const std::vector<float> fresh = Conv2D::glorotUniform(doc->layer(conv).name(), Shape{after.kh, after.kw, after.cin, 64});
        for (int ky = 0; ky < after.kh; ++ky)
            for (int kx = 0; kx < after.kw; ++kx)
                for (int ci = 0; ci < after.cin; ++ci)
                    for (int f = 0; f < 64; ++f) {
                        const float expected = f < 4 ? before.at(ky, kx, ci, f) : fresh[after.index(ky, kx, ci, f)];
                        QCOMPARE(after.at(ky, kx, ci, f), expected);
                    }
        for (int f = 4; f < 64; ++f) {
            float energy = 0;
            for (int ky = 0; ky < after.kh; ++ky)
                for (int kx = 0; kx < after.kw; ++kx)
                    for (int ci = 0; ci < after.cin; ++ci)
                        energy += std::abs(after.at(ky, kx, ci, f));
            QVERIFY2(energy > 0, qPrintable(QString("filter %1 is all zeros").arg(f)));
        }

        // Arrow steps still apply live, one step each.
        QTest::keyClick(spin, Qt::Key_Up);
        QCOMPARE(doc->layerJson(conv)["config"]["filters"].get<int>(), 65);
    }

    void typedInputSizeAppliesOnce()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QSpinBox* height = nullptr;
        for (QSpinBox* s : w->findChild<InputPanel*>()->findChildren<QSpinBox*>())
            if (s->toolTip() == "height")
                height = s;
        QVERIFY(height);
        const int steps = w->document()->undoStack()->count();
        height->setFocus();
        height->selectAll();
        QTest::keyClicks(height, "512");
        QCOMPARE(w->document()->inputSpec().height, 4);
        QTest::keyClick(height, Qt::Key_Return);
        QCOMPARE(w->document()->inputSpec().height, 512);
        QCOMPARE(w->document()->undoStack()->count(), steps + 1);
    }

    void stridesEqualToPoolSizeStaysTicked()
    {
        auto w = makeWindow(InputSpec::arange(1, 9, 9, 1), poolPipeline(2, 1, "valid"));
        Document* doc = w->document();
        w->selectLayer(0);
        QWidget* strides = field(*w, "strides");
        QVERIFY(strides);
        auto* none = strides->findChild<QCheckBox*>();
        QVERIFY(none);
        QVERIFY(!none->isChecked());
        none->click();
        QVERIFY(none->isChecked());
        QVERIFY(doc->layerJson(0)["config"]["strides"].is_null());
        QCOMPARE(doc->shapeChain().layers[0].output, (Shape{1, 4, 4, 1}));

        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", nlohmann::json{3, 3}));
        none = field(*w, "strides")->findChild<QCheckBox*>();
        QVERIFY(none->isChecked());
        QVERIFY(doc->layerJson(0)["config"]["strides"].is_null());
        QCOMPARE(doc->shapeChain().layers[0].output, (Shape{1, 3, 3, 1})); // strides follow: 3

        // Saved as Keras's strides=None and read back the same.
        const Pipeline reloaded = parsePipelineJson(pipelineToJsonText(doc->pipeline()));
        QVERIFY(layerToJson(*reloaded.layers[0])["config"]["strides"].is_null());

        none->click(); // unticked: explicit strides equal to the pool size
        QVERIFY(doc->layerJson(0)["config"]["strides"] == (nlohmann::json{3, 3}));
    }

    void loadedValuesAreShownUnclamped()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1),
                            R"([{"class_name": "Resizing", "config": {"name": "r", "height": 100000, "width": 20000}},
                                {"class_name": "UpSampling2D", "config": {"name": "u", "size": [5000, 3]}}])");
        Document* doc = w->document();
        const std::string original = pipelineToJsonText(doc->pipeline());
        w->selectLayer(0);
        QCOMPARE(qobject_cast<QSpinBox*>(field(*w, "height"))->value(), 100000);
        QCOMPARE(qobject_cast<QSpinBox*>(field(*w, "width"))->value(), 20000);
        w->selectLayer(1);
        const QList<QSpinBox*> size = field(*w, "size")->findChildren<QSpinBox*>();
        QCOMPARE(size.size(), 2);
        QCOMPARE(size[0]->value(), 5000);
        QCOMPARE(size[1]->value(), 3);
        QCOMPARE(doc->undoStack()->count(), 0);
        QCOMPARE(pipelineToJsonText(doc->pipeline()), original);
    }

    void memoryErrorPointsToTheMenu()
    {
        auto w = makeWindow(InputSpec::arange(1, 64, 64, 3),
                            R"([{"class_name": "UpSampling2D", "config": {"name": "u", "size": [4, 4]}}])");
        w->setMemoryBudgetBytes(64 * 1024);
        QVERIFY(waitIdle(*w));
        const QString message = w->runner()->info(0).message;
        QVERIFY2(message.contains("Run ▸ Memory Budget"), qPrintable(message));
        QVERIFY2(!message.contains("--max-memory"), qPrintable(message));
    }

    void savedPipelineKeepsItsInput()
    {
        QTemporaryDir dir;
        const std::string layers = R"([{"class_name": "AveragePooling2D", "config": {"name": "p", "pool_size": [2, 2], "strides": [1, 1]}}])";
        const QString path = dir.filePath("hand_built.json");
        {
            auto w = makeWindow(InputSpec::arange(1, 3, 4, 1), layers);
            QVERIFY(w->savePipelineTo(path));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject saved = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(saved.value("layerscope").toObject().value("input").toObject().value("kind").toString(), QStringLiteral("synthetic"));
        QCOMPARE(saved.value("class_name").toString(), QStringLiteral("Sequential")); // still a Keras model
        QCOMPARE(loadPipelineFile(path.toStdString()).layers.size(), size_t{1}); // core ignores the key

        auto w = makeWindow(InputSpec::arange(1, 9, 9, 2), layers);
        QVERIFY(w->openPipelineFile(path));
        QVERIFY(w->document()->inputSpec() == InputSpec::arange(1, 3, 4, 1));
        QCOMPARE(w->document()->input()->shape(), (Shape{1, 3, 4, 1}));
        QVERIFY(!w->document()->isModified());

        // An image input is saved relative to the pipeline file and found again.
        const QString image = writePng(dir, "photo.png");
        w->openInputFile(image);
        QVERIFY(waitIdle(*w));
        QVERIFY(w->savePipelineTo(path));
        f.close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(f.readAll()).object().value("layerscope").toObject().value("input").toObject().value("path").toString(),
                 QStringLiteral("photo.png"));
        auto again = makeWindow(InputSpec::arange(1, 9, 9, 2), layers);
        QVERIFY(again->openPipelineFile(path));
        QVERIFY(waitIdle(*again)); // the saved image decodes on the input loader's thread
        QCOMPARE(again->document()->inputSpec().path, image);
        QCOMPARE(again->document()->input()->shape(), (Shape{1, 3, 4, 3}));
    }

    void declaredInputShapeMismatchIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("keras.json");
        writeTextAtomically(path.toStdString(), R"({"class_name": "Sequential", "config": {"name": "m", "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 3]}},
            {"class_name": "AveragePooling2D", "config": {"name": "p", "pool_size": [2, 2]}}]}})");
        auto w = makeWindow(InputSpec::arange(1, 3, 4, 1), poolPipeline(2, 2, "valid"));
        QVERIFY(w->openPipelineFile(path));
        QVERIFY2(w->statusBar()->currentMessage().contains("batch_shape (None, 8, 8, 3)"), qPrintable(w->statusBar()->currentMessage()));
        QVERIFY(w->document()->declaredShapeMismatch().contains("1×3×4×1"));
        w->document()->setInput(InputSpec::arange(2, 8, 8, 3));
        QVERIFY(w->document()->declaredShapeMismatch().isEmpty());
    }

    void shapeMathShowsTheFailingAxis()
    {
        // Height 3 < pool 5 fails; width 9 is fine.
        auto w = makeWindow(InputSpec::arange(1, 3, 9, 1),
                            R"([{"class_name": "AveragePooling2D", "config": {"name": "p", "pool_size": [5, 2]}}])");
        QVERIFY(waitIdle(*w));
        w->selectLayer(0);
        QCOMPARE(w->explain()->shapeMath()->axis(), 0);
        QVERIFY(w->explain()->shapeMath()->math());
        QVERIFY(!w->explain()->shapeMath()->math()->current.valid);
        // The user's own choice stays while the same axis keeps failing.
        w->explain()->shapeMath()->setAxis(1);
        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", nlohmann::json{6, 2}));
        QCOMPARE(w->explain()->shapeMath()->axis(), 1);
        // Now only the width fails: it is shown.
        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", nlohmann::json{2, 12}));
        QCOMPARE(w->explain()->shapeMath()->axis(), 1);
        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", nlohmann::json{4, 2}));
        QCOMPARE(w->explain()->shapeMath()->axis(), 0);
        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", nlohmann::json{2, 12}));
        QCOMPARE(w->explain()->shapeMath()->axis(), 1);
    }

    void windowFitsTheScreenAndToolbarStaysPut()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        // Shrunk to the screen as far as the window's minimum allows, and that minimum fits a
        // 1280×720 screen (1920×1080 at 1.5× scaling) with room for the frame.
        const QRect available = w->screen()->availableGeometry();
        const QSize minimum = w->minimumSizeHint();
        QVERIFY2(minimum.width() <= 1280 - 16 && minimum.height() <= 720 - 48,
                 qPrintable(QString("minimum %1×%2").arg(minimum.width()).arg(minimum.height())));
        QVERIFY2(w->width() <= std::max(available.width(), minimum.width())
                     && w->height() <= std::max(available.height(), minimum.height()),
                 qPrintable(QString("window %1×%2 on a %3×%4 screen").arg(w->width()).arg(w->height())
                                .arg(available.width()).arg(available.height())));
        QCOMPARE(w->corner(Qt::BottomRightCorner), Qt::RightDockWidgetArea); // inspector runs full height
        for (const char* name : {"PropertiesDock", "LayersDock"}) {
            auto* dock = w->findChild<QDockWidget*>(name);
            QVERIFY(dock && dock->isVisible());
            QVERIFY2(w->rect().contains(dock->geometry()), name);
        }

        auto* tools = w->findChild<QToolBar*>("MainToolBar");
        QVERIFY(tools);
        QWidget* after = tools->widgetForAction(w->action("exportSheet"));
        QVERIFY(after);
        const QRect before = after->geometry();
        w->action("duplicate")->trigger();
        QApplication::processEvents();
        QCOMPARE(after->geometry(), before);
        QVERIFY2(w->action("undo")->toolTip().contains("Duplicate"), qPrintable(w->action("undo")->toolTip()));

        // "Add layer" has an icon of its own, not the Conv2D badge.
        QToolButton* add = nullptr;
        for (QToolButton* b : tools->findChildren<QToolButton*>())
            if (b->text() == "Add layer")
                add = b;
        QVERIFY(add);
        QVERIFY(add->icon().pixmap(24).toImage() != layerIcon("Conv2D").pixmap(24).toImage());
    }

    void helpListsShortcutsAndGettingStarted()
    {
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1), poolPipeline(2, 2, "valid"));
        w->action("shortcuts")->trigger();
        auto* dialog = w->findChild<QDialog*>("shortcutsDialog");
        QVERIFY(dialog);
        auto* tree = dialog->findChild<QTreeWidget*>("shortcutsTree");
        QVERIFY(tree);
        QStringList rows;
        std::function<void(QTreeWidgetItem*)> collect = [&](QTreeWidgetItem* item) {
            if (!item->text(1).isEmpty())
                rows << item->text(0) + " = " + item->text(1);
            for (int i = 0; i < item->childCount(); ++i)
                collect(item->child(i));
        };
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            collect(tree->topLevelItem(i));
        const QString all = rows.join('\n');
        for (const char* name : {"undo", "redo", "saveAs", "zoomIn", "openInput", "rerun", "editKernel"})
            for (const QKeySequence& s : w->action(name)->shortcuts())
                QVERIFY2(all.contains(s.toString(QKeySequence::NativeText)), qPrintable(QString("%1 missing in\n%2").arg(name, all)));
        dialog->close();

        w->action("gettingStarted")->trigger();
        auto* page = w->findChild<QDialog*>("gettingStartedDialog");
        QVERIFY(page);
        QVERIFY(page->findChild<QTextBrowser*>()->toPlainText().contains("Open an input"));
    }

    void compareTakesManyFilesClearsStaleResultsAndClosesOnEsc()
    {
        QTemporaryDir dir;
        QStringList paths;
        for (int stride : {1, 2, 3}) {
            paths << dir.filePath(QString("pool_s%1.json").arg(stride));
            writeTextAtomically(paths.back().toStdString(), poolPipeline(3, stride, "same"));
        }
        auto w = makeWindow(InputSpec::arange(1, 6, 6, 1), poolPipeline(2, 2, "valid"));
        CompareWindow* compare = w->explain()->compareWindow();
        compare->show();
        QVERIFY(QTest::qWaitForWindowExposed(compare));
        compare->comparePipelineFiles(paths);
        QCOMPARE(compare->variantCount(), 3);
        QVERIFY(compare->waitForResult());
        QVERIFY(compare->result());
        QCOMPARE(compare->result()->outputs.size(), size_t{3});
        for (const auto& output : compare->result()->outputs)
            QVERIFY(output);

        // A new input makes the result stale: it is cleared and the window says why.
        w->document()->setInput(InputSpec::arange(1, 8, 8, 1));
        QVERIFY(!compare->result());
        QVERIFY2(compare->resultText().contains("input changed"), qPrintable(compare->resultText()));

        compare->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(compare));
        QTest::keyClick(compare, Qt::Key_Escape);
        QVERIFY(!compare->isVisible());
    }

    void compareReplacesALayerByAnotherType()
    {
        // A 1×1 average broadcast back to 4×4 by UpSampling2D ×4: Resizing 4×4 and Tile ×4 give
        // the same output size.
        auto w = makeWindow(InputSpec::arange(1, 4, 4, 1),
                            R"([{"class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "keepdims": true}},
                                {"class_name": "UpSampling2D", "config": {"name": "up", "size": [4, 4]}}])");
        QVERIFY(waitIdle(*w));
        w->selectLayer(1);
        QTimer::singleShot(100, [] {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setTextValue("replace by every other layer type");
            dialog->accept();
        });
        w->explain()->action("compareVariant")->trigger();
        CompareWindow* compare = w->explain()->compareWindow();
        QVERIFY(compare->waitForResult());
        QVERIFY(compare->variantCount() >= 3);
        int same = 0;
        for (int i = 1; i < compare->variantCount(); ++i) {
            const auto& difference = compare->result()->differences[0][static_cast<size_t>(i)];
            if (difference && difference->identical())
                ++same; // Resizing 4×4 (nearest) and Tile [1, 4, 4, 1] equal UpSampling2D ×4 here
        }
        QVERIFY2(same >= 2, qPrintable(compare->resultText()));
        compare->close();
    }

    // "Shift the input": the layer as it is on the input moved by (1, 0), (0, 1), (1, 1). Each
    // variant equals the engine run on the moved input, and a stride-2 max pooling's output
    // differs from the unshifted one (it is not shift-invariant).
    void compareShiftsTheInput()
    {
        auto w = makeWindow(InputSpec::arange(1, 6, 6, 1),
                            R"([{"class_name": "MaxPooling2D", "config": {"name": "max", "pool_size": [2, 2], "strides": [2, 2]}}])");
        QVERIFY(waitIdle(*w));
        w->selectLayer(0);
        QTimer::singleShot(100, [] {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setTextValue("shift the input by one pixel (down, right, both)");
            dialog->accept();
        });
        w->explain()->action("compareVariant")->trigger();
        CompareWindow* compare = w->explain()->compareWindow();
        QVERIFY(compare->waitForResult());
        QCOMPARE(compare->variantCount(), 4);
        const CompareResult& result = *compare->result();
        const Tensor& input = *w->document()->input();
        const std::pair<int, int> shifts[] = {{1, 0}, {0, 1}, {1, 1}};
        for (int i = 1; i <= 3; ++i) {
            const auto [dy, dx] = shifts[i - 1];
            ExecContext context;
            const auto expected = runWholePipeline(w->document()->pipeline(),
                                                   std::make_shared<const Tensor>(shiftedInput(input, dy, dx)), context);
            QVERIFY(result.outputs[static_cast<size_t>(i)]);
            QVERIFY(*result.outputs[static_cast<size_t>(i)] == *expected.back());
            QVERIFY(result.differences[0][static_cast<size_t>(i)]);
            QVERIFY(!result.differences[0][static_cast<size_t>(i)]->identical());
        }
        // arange 1..36 on 6×6 moved down by one: every 2×2 maximum loses one row, 6 less.
        QCOMPARE(result.differences[0][1]->maxAbs, 6.0);
        compare->close();
    }

    void shapeMathDockOpensWithRoom()
    {
        auto w = makeWindow(InputSpec::arange(1, 9, 9, 1), poolPipeline(3, 2, "same"));
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QDockWidget* dock = w->explain()->shapeMathDock();
        const int wanted = std::min(440, w->height() / 2);
        const int before = dock->height();
        QVERIFY(before < wanted);
        dock->raise();
        QTest::qWait(50);
        // As far as the central view's minimum lets it (the offscreen screen is small).
        QVERIFY2(dock->height() >= std::min(wanted, before + 100), qPrintable(QString("%1 → %2, wanted %3").arg(before).arg(dock->height()).arg(wanted)));
    }

    void progressBarsSayWhatTheyMeasure()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 1),
                            R"([{"class_name": "AveragePooling2D", "config": {"name": "a"}},
                                {"class_name": "AveragePooling2D", "config": {"name": "b"}}])");
        QVERIFY(waitIdle(*w));
        RunProgress progress;
        progress.layer = 1;
        progress.first = 0;
        progress.layerCount = 2;
        progress.fraction = 0.5;
        emit w->runner()->progressChanged(progress); // layer 2 of 2 half done: 75% of the run
        auto* overall = w->statusBar()->findChild<QProgressBar*>();
        QVERIFY(overall);
        QCOMPARE(overall->text(), QStringLiteral("75% of the run (layer 2 of 2)"));
        auto* layer = w->findChild<RunBusyBar*>()->findChild<QProgressBar*>();
        QCOMPARE(layer->text(), QStringLiteral("50% of this layer"));
    }
};

QTEST_MAIN(TestFirstUse)
#include "test_first_use.moc"
