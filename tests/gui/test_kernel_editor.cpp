// The Conv2D kernel editor and presets: a preset writes the stored weights (HWIO JSON), the layer
// is recomputed with them, undo restores the previous weights, and changing the filter count
// keeps the stored weights in step. The editor lives in its own "Kernel" dock, follows the
// selected layer, and opens from the Conv2D properties (button) or Ctrl+K.

#include "gui_test_support.h"

#include "document/conv_weights.h"
#include "document/layer_json.h"
#include "widgets/kernel_editor.h"
#include "widgets/layer_properties_panel.h"

#include <QDockWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

const char* kConv = R"([{"class_name": "Conv2D", "config": {"name": "conv", "filters": 2,
  "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "use_bias": true}}])";

const char* kPoolThenConv = R"([{"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": [1, 1]}},
  {"class_name": "Conv2D", "config": {"name": "conv", "filters": 2, "kernel_size": [3, 3], "padding": "same"}}])";

} // namespace

class TestKernelEditor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void identityPresetCopiesTheInput()
    {
        auto w = makeWindow(InputSpec::arange(1, 5, 6, 1), kConv);
        QVERIFY(waitIdle(*w));
        KernelEditor* editor = w->kernelEditor();
        QVERIFY(editor);
        editor->applyPreset(static_cast<int>(KernelPreset::Identity), -1);
        const ConvWeights weights = ConvWeights::fromJson(layerWeights(w->document()->layerJson(0)));
        QVERIFY(weights.valid());
        QCOMPARE(weights.filters, 2);
        QCOMPARE(weights.cin, 1);
        QCOMPARE(weights.at(1, 1, 0, 0), 1.0f);
        QVERIFY(waitIdle(*w));
        const auto out = w->runner()->output(0);
        QVERIFY(out);
        for (int64_t i = 0; i < 30; ++i) {
            QCOMPARE((*out)[i * 2], static_cast<float>(i + 1));
            QCOMPARE((*out)[i * 2 + 1], static_cast<float>(i + 1));
        }
        // Sobel x on filter 1 only: a horizontal ramp 1..6 per row gives a constant inside.
        editor->applyPreset(static_cast<int>(KernelPreset::SobelX), 1);
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->runner()->output(0)->at(0, 2, 2, 1), 8.0f);
        QCOMPARE(w->runner()->output(0)->at(0, 2, 2, 0), 15.0f);
        w->document()->undoStack()->undo();
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->runner()->output(0)->at(0, 2, 2, 1), 15.0f);
    }

    void dockFollowsSelectionAndOpensOnRequest()
    {
        auto w = makeWindow(InputSpec::arange(1, 5, 6, 1), kPoolThenConv);
        QVERIFY(waitIdle(*w));
        KernelEditor* editor = w->kernelEditor();
        auto* dock = w->findChild<QDockWidget*>("KernelDock");
        QVERIFY(editor && dock);
        QVERIFY(dock->isAncestorOf(editor));

        w->selectLayer(0); // the pooling layer: nothing to edit, presets do nothing
        QVERIFY(!editor->editsKernel());
        const nlohmann::json before = w->document()->layerJson(0);
        editor->applyPreset(static_cast<int>(KernelPreset::Identity), -1);
        QVERIFY(w->document()->layerJson(0) == before);
        QCOMPARE(w->document()->undoStack()->count(), 0);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // the previous form
        QVERIFY(!w->propertiesPanel()->findChild<QPushButton*>("editKernelButton"));

        w->selectLayer(1);
        QVERIFY(editor->editsKernel());
        QCOMPARE(editor->layerIndex(), 1);
        // The Conv2D properties offer the editor; the button shows and raises the dock.
        dock->hide();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        auto* button = w->propertiesPanel()->findChild<QPushButton*>("editKernelButton");
        QVERIFY(button);
        button->click();
        QVERIFY(!dock->isHidden());
        dock->hide();
        w->action("editKernel")->trigger();
        QVERIFY(!dock->isHidden());
        QCOMPARE(w->action("editKernel")->shortcut(), QKeySequence(tr("Ctrl+K")));

        // Edits made elsewhere (undo) reach the editor without reselecting.
        editor->applyPreset(static_cast<int>(KernelPreset::Identity), -1);
        QVERIFY(ConvWeights::fromJson(layerWeights(w->document()->layerJson(1))).valid());
        w->document()->undoStack()->undo();
        QVERIFY(!ConvWeights::fromJson(layerWeights(w->document()->layerJson(1))).valid());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCOMPARE(editor->findChildren<QTableWidget*>().size(), qsizetype{1}); // only the (empty) bias row
    }

    // A closed Kernel dock does not rebuild its grid on every edit (6–10 ms of each Conv2D edit
    // on the UI thread); opening it shows the layer as it is now.
    void aClosedDockCatchesUpWhenOpened()
    {
        auto w = makeWindow(InputSpec::arange(1, 5, 6, 3), kConv);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        QVERIFY(waitIdle(*w));
        KernelEditor* editor = w->kernelEditor();
        auto* dock = w->findChild<QDockWidget*>("KernelDock");
        QVERIFY(editor && dock);
        dock->show();
        editor->applyPreset(static_cast<int>(KernelPreset::BoxBlur), -1);
        const auto tables = [editor] {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            return editor->findChildren<QTableWidget*>().size();
        };
        QCOMPARE(tables(), qsizetype{2 * 3 + 1}); // filters × input channels, and the bias row

        dock->hide();
        QVERIFY(w->propertiesPanel()->applyConfigValue("filters", 5));
        QCOMPARE(tables(), qsizetype{2 * 3 + 1}); // not rebuilt while closed
        dock->show();
        QCOMPARE(tables(), qsizetype{5 * 3 + 1});
        QVERIFY(waitIdle(*w));
    }

    void filterCountResizesStoredWeights()
    {
        auto w = makeWindow(InputSpec::arange(1, 5, 6, 3), kConv);
        QVERIFY(waitIdle(*w));
        KernelEditor* editor = w->kernelEditor();
        QVERIFY(editor);
        editor->applyPreset(static_cast<int>(KernelPreset::BoxBlur), -1);
        QVERIFY(w->propertiesPanel()->applyConfigValue("filters", 5));
        const ConvWeights weights = ConvWeights::fromJson(layerWeights(w->document()->layerJson(0)));
        QCOMPARE(weights.filters, 5);
        QCOMPARE(weights.cin, 3);
        QCOMPARE(static_cast<int>(weights.bias.size()), 5);
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->runner()->output(0)->shape(), (Shape{1, 5, 6, 5}));
        QVERIFY(w->propertiesPanel()->errorText().isEmpty());
    }
};

QTEST_MAIN(TestKernelEditor)
#include "test_kernel_editor.moc"
