#pragma once
// "Explain every number" in the main window: owns the Inspector and Shape math docks, the
// Compare window and the explain actions, and keeps them in step with the window's selection.
//   - A cell clicked in the feature-map view or the numbers view (or moved with the arrow keys)
//     becomes the inspector's selection; the selected cell is outlined and, on every earlier
//     layer's view and in the overview filmstrip, its receptive field is drawn.
//   - The Shape math dock follows the selected layer.
//   - "Compare with a Variant of This Layer…", the compare examples, "Copy as Keras Code" and
//     "Export Keras Script…".
// The main window calls setCurrentLayer() when the selected layer changes and updateOverlays()
// when the shown tensor changes; everything else is wired here.

#include "core/explain/cell_explanation.h"

#include <QHash>
#include <QObject>
#include <QString>

class QAction;
class QDockWidget;
class QMenu;
class QTableView;

namespace layerscope::gui {

class CompareWindow;
class Document;
class FeatureMapView;
class InspectorPanel;
class MainWindow;
class OverviewStrip;
class PipelineRunner;
class ShapeMathPanel;
class TensorTableModel;

class ExplainController : public QObject {
    Q_OBJECT
public:
    ExplainController(MainWindow* window, Document* document, PipelineRunner* runner, FeatureMapView* view,
                      QTableView* numbersView, TensorTableModel* numbersModel, OverviewStrip* overview);

    // Actions: "copyKeras", "exportKeras", "compareVariant", "compareWindow", "compareBroadcast",
    // "compareInterpolations".
    QAction* action(const QString& name) const { return m_actions.value(name); }
    // The "Explain" menu (compare actions); the main window places it and the Keras actions.
    QMenu* menu() const { return m_menu; }

    InspectorPanel* inspector() const { return m_inspector; }
    ShapeMathPanel* shapeMath() const { return m_shapeMath; }
    CompareWindow* compareWindow();
    QDockWidget* inspectorDock() const { return m_inspectorDock; }
    QDockWidget* shapeMathDock() const { return m_shapeMathDock; }

    void setCurrentLayer(int index);
    void updateOverlays();
    // Selects output cell (view coordinates) of the current layer, as a click does.
    void selectViewCell(int channel, int y, int x);

    // The Keras 3 script for the current pipeline (bypassed layers left out) and input.
    QString kerasCode() const;
    void copyKerasCode();
    void exportKerasScript();
    void compareVariant();

private:
    void updateShapeMath();

    MainWindow* m_window;
    Document* m_document;
    PipelineRunner* m_runner;
    FeatureMapView* m_view;
    QTableView* m_numbersView;
    TensorTableModel* m_numbersModel;
    OverviewStrip* m_overview;
    InspectorPanel* m_inspector;
    ShapeMathPanel* m_shapeMath;
    QDockWidget* m_inspectorDock;
    QDockWidget* m_shapeMathDock;
    CompareWindow* m_compare = nullptr;
    QMenu* m_menu;
    QHash<QString, QAction*> m_actions;
    int m_current = -1;
};

} // namespace layerscope::gui
