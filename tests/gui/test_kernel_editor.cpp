// The Conv2D kernel editor and presets: a preset writes the stored weights (HWIO JSON), the layer
// is recomputed with them, undo restores the previous weights, and changing the filter count
// keeps the stored weights in step.

#include "gui_test_support.h"

#include "document/conv_weights.h"
#include "document/layer_json.h"
#include "widgets/kernel_editor.h"
#include "widgets/layer_properties_panel.h"

#include <QTest>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

namespace {

const char* kConv = R"([{"class_name": "Conv2D", "config": {"name": "conv", "filters": 2,
  "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "use_bias": true}}])";

} // namespace

class TestKernelEditor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void identityPresetCopiesTheInput()
    {
        auto w = makeWindow(InputSpec::arange(1, 5, 6, 1), kConv);
        QVERIFY(waitIdle(*w));
        KernelEditor* editor = w->propertiesPanel()->findChild<KernelEditor*>();
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

    void filterCountResizesStoredWeights()
    {
        auto w = makeWindow(InputSpec::arange(1, 5, 6, 3), kConv);
        QVERIFY(waitIdle(*w));
        KernelEditor* editor = w->propertiesPanel()->findChild<KernelEditor*>();
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
