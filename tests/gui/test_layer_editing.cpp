// Editing the layer stack through the app: add / remove / move / bypass / duplicate with undo and
// redo round trips, parameter edits updating shapes and feature maps, errors shown on the layer
// and recovering, spin-box edits merged into one undo step.

#include "gui_test_support.h"

#include "commands/insert_layer_command.h"
#include "document/layer_json.h"
#include "models/layer_icons.h"
#include "models/layer_stack_model.h"
#include "widgets/feature_map_view.h"
#include "widgets/layer_properties_panel.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMimeData>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace layerscope;
using namespace layerscope::gui;
using namespace layerscope::gui::test;

class TestLayerEditing : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { setUpApplication(); }

    void addRemoveMoveBypassRoundTrip()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 1), poolPipeline(2, 2, "valid"));
        Document* doc = w->document();
        QVERIFY(waitIdle(*w));
        const std::string original = pipelineToJsonText(doc->pipeline());

        // Add an UpSampling2D after the pool.
        const LayerFactory* up = findLayerFactory("UpSampling2D");
        QVERIFY(up);
        doc->undoStack()->push(new InsertLayerCommand(doc, 1, layerToJson(*up->makeDefault(doc->uniqueLayerName(up->nameStem)))));
        QCOMPARE(doc->layerCount(), 2);
        QCOMPARE(w->layerModel()->rowCount(), 3);
        QCOMPARE(w->currentLayer(), 1);

        // Duplicate it, move the copy up, bypass it, then delete the original pool.
        w->action("duplicate")->trigger();
        QCOMPARE(doc->layerCount(), 3);
        QCOMPARE(w->currentLayer(), 2);
        w->action("moveUp")->trigger();
        QCOMPARE(w->currentLayer(), 1);
        QCOMPARE(QString::fromStdString(doc->layer(1).name()), QStringLiteral("up_sampling2d_copy"));
        w->action("bypass")->trigger();
        QVERIFY(doc->isBypassed(1));
        QCOMPARE(w->layerModel()->index(2).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        w->selectLayer(0);
        w->action("delete")->trigger();
        QCOMPARE(doc->layerCount(), 2);
        QVERIFY(waitIdle(*w));
        const std::string edited = pipelineToJsonText(doc->pipeline());

        // Undo everything, then redo everything.
        const int steps = doc->undoStack()->count();
        QCOMPARE(steps, 5);
        for (int i = 0; i < steps; ++i)
            doc->undoStack()->undo();
        QCOMPARE(pipelineToJsonText(doc->pipeline()), original);
        QCOMPARE(doc->layerCount(), 1);
        QVERIFY(!doc->isBypassed(0));
        for (int i = 0; i < steps; ++i)
            doc->undoStack()->redo();
        QCOMPARE(pipelineToJsonText(doc->pipeline()), edited);
        QVERIFY(doc->isBypassed(0));
        QVERIFY(waitIdle(*w));
        // The bypassed copy passes its input through: both outputs are the same tensor.
        QVERIFY(w->runner()->output(0));
        QCOMPARE(*w->runner()->output(0), *w->runner()->output(-1));
    }

    // The model is the stack's edit API (as Tiled's): a check-box toggle, an in-place rename and a
    // row drop each push one undo step; a no-op pushes nothing.
    void modelEditsAreUndoSteps()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 1), poolPipeline(2, 2, "valid"));
        Document* doc = w->document();
        LayerStackModel* model = w->layerModel();
        QVERIFY(model->insertNewLayer(1, "Tile"));
        QCOMPARE(QString::fromStdString(doc->layer(1).className()), QStringLiteral("Tile"));
        QVERIFY(!model->insertNewLayer(1, "NoSuchLayer"));
        QCOMPARE(doc->undoStack()->count(), 1);

        QVERIFY(model->setData(model->index(LayerStackModel::rowOf(0)), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(doc->isBypassed(0));
        QVERIFY(model->setData(model->index(LayerStackModel::rowOf(1)), QStringLiteral("  tiles "), Qt::EditRole));
        QCOMPARE(QString::fromStdString(doc->layer(1).name()), QStringLiteral("tiles"));
        QVERIFY(!model->setData(model->index(LayerStackModel::rowOf(1)), QStringLiteral("tiles"), Qt::EditRole));
        QVERIFY(!model->setBypassed(0, true)); // already bypassed

        // Drag the Tile row above the pool (a drop before row 1, the first layer).
        QMimeData* data = model->mimeData({model->index(LayerStackModel::rowOf(1))});
        QVERIFY(data);
        model->dropMimeData(data, Qt::MoveAction, LayerStackModel::rowOf(0), 0, {});
        delete data;
        QCOMPARE(QString::fromStdString(doc->layer(0).name()), QStringLiteral("tiles"));
        QVERIFY(doc->isBypassed(1)); // the bypass flag travels with its layer

        QCOMPARE(doc->undoStack()->count(), 4);
        doc->undoStack()->undo();
        QCOMPARE(QString::fromStdString(doc->layer(1).name()), QStringLiteral("tiles"));
        doc->undoStack()->undo();
        QCOMPARE(QString::fromStdString(doc->layer(1).className()), QStringLiteral("Tile"));
        QVERIFY(doc->layer(1).name() != "tiles");
        doc->undoStack()->undo();
        QVERIFY(!doc->isBypassed(0));
        QVERIFY(waitIdle(*w));
    }

    // Every registered class, from its descriptor alone: the properties panel shows one editor
    // per field (named field_<key>), the kernel button only where the layer has a kernel, and
    // the stack's icon is the class's own colour, not the fallback grey.
    void everyRegisteredClassGetsItsFormAndIcon()
    {
        for (const LayerFactory& f : layerFactories()) {
            auto w = makeWindow(InputSpec::arange(1, 8, 8, 3), poolPipeline(1, 1, "valid"));
            QVERIFY(w->layerModel()->insertNewLayer(1, f.className));
            w->selectLayer(1);
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // the previous layer's form
            const QString what = QString::fromStdString(f.className);
            LayerPropertiesPanel* panel = w->propertiesPanel();
            QCOMPARE(panel->layerIndex(), 1);
            // A merge layer (Add, Multiply, ...) has no parameter to edit; every other class has some.
            QVERIFY2(!f.fields.empty() || f.makeDefault(f.nameStem)->inputArity().maximum != 1, qPrintable(what));
            for (const FieldSpec& field : f.fields)
                QVERIFY2(panel->findChild<QWidget*>(QString::fromStdString("field_" + field.key)),
                         qPrintable(what + " has no editor for " + QString::fromStdString(field.key)));
            QCOMPARE(panel->findChildren<QWidget*>(QRegularExpression("^field_")).size(),
                     static_cast<qsizetype>(f.fields.size()));
            QCOMPARE(panel->findChild<QWidget*>("editKernelButton") != nullptr,
                     w->document()->layer(1).hasEditableKernel());
            const QColor colour = layerColor(what);
            QCOMPARE(colour.rgb() & 0xffffff, static_cast<QRgb>(f.iconColour));
            QVERIFY2(colour != layerColor("NoSuchLayer"), qPrintable(what));
            QCOMPARE(w->layerModel()->index(LayerStackModel::rowOf(1)).data(LayerStackModel::ClassNameRole).toString(), what);
        }
    }

    // Edit ▸ Add Layer: one submenu per category with every single-input class; merges (several
    // inputs) are not offered in the linear editor.
    void addMenuGroupsEveryOneInputClassByCategory()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 3), poolPipeline(1, 1, "valid"));
        QMenu* add = nullptr;
        for (QMenu* m : w->findChildren<QMenu*>())
            if (m->title() == QObject::tr("&Add Layer"))
                add = m;
        QVERIFY(add);
        QStringList offered, groups;
        for (QAction* group : add->actions()) {
            QVERIFY2(group->menu(), qPrintable(group->text()));
            groups << group->text();
            for (QAction* a : group->menu()->actions()) {
                offered << a->text();
                const LayerFactory* f = findLayerFactory(a->text().toStdString());
                QVERIFY2(f && QString::fromStdString(f->category) == group->text(), qPrintable(a->text()));
            }
        }
        QVERIFY(groups.contains("Convolution") && groups.contains("Pooling") && !groups.contains("Merge"));
        int expected = 0;
        for (const LayerFactory& f : layerFactories())
            expected += takesOneInput(f) ? 1 : 0;
        QCOMPARE(offered.size(), expected);
        QVERIFY(offered.contains("MaxPooling2D") && offered.contains("Dense") && !offered.contains("Add")
                && !offered.contains("Concatenate"));
        // Triggering one inserts it after the selected layer.
        w->selectLayer(0);
        for (QAction* group : add->actions())
            for (QAction* a : group->menu()->actions())
                if (a->text() == "MaxPooling2D")
                    a->trigger();
        QCOMPARE(w->document()->layerCount(), 2);
        QCOMPARE(QString::fromStdString(w->document()->layer(1).className()), QString("MaxPooling2D"));
    }

    void parameterEditUpdatesShapeAndMaps()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 1), poolPipeline(2, 2, "valid"));
        QVERIFY(waitIdle(*w));
        const QModelIndex row = w->layerModel()->index(1);
        QCOMPARE(row.data(LayerStackModel::ShapeRole).toString(), QStringLiteral("1×4×4×1"));
        QCOMPARE(w->featureView()->tensor()->shape(), (Shape{1, 4, 4, 1}));

        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", {4, 4}));
        QVERIFY(w->propertiesPanel()->applyConfigValue("strides", {4, 4}));
        QCOMPARE(w->layerModel()->index(1).data(LayerStackModel::ShapeRole).toString(), QStringLiteral("1×2×2×1"));
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->featureView()->tensor()->shape(), (Shape{1, 2, 2, 1}));
        // Mean of the top-left 4×4 block of 1..64: rows 0..3, columns 0..3.
        QCOMPARE(w->featureView()->cellText(0, 0, 0), QStringLiteral("14.5"));
    }

    void invalidParameterShowsErrorAndRecovers()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 1), poolPipeline(2, 2, "valid"));
        QVERIFY(waitIdle(*w));
        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", {9, 9}));
        QVERIFY(waitIdle(*w));
        const QModelIndex row = w->layerModel()->index(1);
        QCOMPARE(row.data(LayerStackModel::StatusRole).toInt(), int(LayerStatus::Error));
        const QString message = row.data(LayerStackModel::MessageRole).toString();
        QVERIFY2(message.contains("pool"), qPrintable(message));
        QCOMPARE(row.data(Qt::ToolTipRole).toString(), message);
        QCOMPARE(w->propertiesPanel()->errorText(), message);
        QVERIFY(!w->runner()->output(0));

        QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", {2, 2}));
        QVERIFY(waitIdle(*w));
        QCOMPARE(w->layerModel()->index(1).data(LayerStackModel::StatusRole).toInt(), int(LayerStatus::Ok));
        QVERIFY(w->layerModel()->index(1).data(LayerStackModel::MessageRole).toString().isEmpty());
        QVERIFY(w->propertiesPanel()->errorText().isEmpty());
        QVERIFY(w->runner()->output(0));
    }

    void malformedValueIsRejectedInline()
    {
        auto w = makeWindow(InputSpec::arange(1, 8, 8, 1), poolPipeline(2, 2, "valid"));
        const int before = w->document()->undoStack()->count();
        QVERIFY(!w->propertiesPanel()->applyConfigValue("padding", "diagonal"));
        QVERIFY(!w->propertiesPanel()->errorText().isEmpty());
        QCOMPARE(w->document()->undoStack()->count(), before);
    }

    void spinEditsMergeIntoOneUndoStep()
    {
        auto w = makeWindow(InputSpec::arange(1, 16, 16, 1), poolPipeline(2, 2, "valid"));
        QUndoStack* stack = w->document()->undoStack();
        for (int k = 2; k <= 6; ++k)
            QVERIFY(w->propertiesPanel()->applyConfigValue("pool_size", {k, k}));
        QCOMPARE(stack->count(), 1);
        stack->undo();
        QVERIFY(w->document()->layerJson(0)["config"]["pool_size"] == nlohmann::json({2, 2}));
    }
};

QTEST_MAIN(TestLayerEditing)
#include "test_layer_editing.moc"
