#pragma once
// The window of an opened model with branches (or with layers LayerScope cannot run): the graph
// (GraphView) beside what the selected node computed — its feature maps and numbers
// (FeatureMapView), statistics, output shape with each axis's arithmetic, inputs, time, and for an
// unsupported layer the reason and its config as the file has it. It runs on the main window's
// input, fitted to the model's declared input as the toolbar says (resize, crop and resize, or
// kept), and runs again when that input changes. All tensor work is the GraphRunner's worker;
// this window only draws and dispatches.

#include "core/explain/cell_explanation_types.h"
#include "core/graph/graph.h"

#include <QMainWindow>
#include <QRect>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;

namespace layerscope::gui {

class Document;
class FeatureMapView;
class ExportController;
class GraphDifference;
class GraphEditController;
class LayerFieldForm;
class StepBar;
class GraphRunner;
class GraphView;
class StatisticsPanel;

class GraphWindow : public QMainWindow {
    Q_OBJECT
public:
    // `useSettings`: remember the input-fit choice in QSettings (off for tests and benchmarks).
    GraphWindow(std::shared_ptr<const ModelGraph> graph, const QString& path, Document* document,
                QWidget* parent = nullptr, bool useSettings = true);
    ~GraphWindow() override;

    GraphView* graphView() const { return m_view; }
    // The graph shown (the edited one after edits) and its selected node (-1: none).
    std::shared_ptr<const ModelGraph> graph() const { return m_graph; }
    int selectedNode() const;
    // Shows `graph` (an edit, or its undo) and selects the node named `select`: the runner keeps
    // every output the change left as it was and computes the rest.
    void showGraph(std::shared_ptr<const ModelGraph> graph, const QString& select);
    GraphEditController* editor() const { return m_editor; }
    ExportController* exports() const { return m_exports; }
    // File ▸ Export ▸ Graph as Picture (the drawn graph, PNG at twice its size) and Keras Code
    // (a script building the model, weights included). False, with a message box, on failure.
    bool exportGraphPicture(const QString& path);
    bool exportKerasCode(const QString& path);
    StepBar* stepBar() const { return m_steps; }
    // View ▸ Difference From Opened (Ctrl+D): the selected node's output minus the opened model's.
    QAction* compareAction() const { return m_compare; }
    GraphDifference* difference() const { return m_difference; }
    GraphRunner* runner() const { return m_runner; }
    FeatureMapView* featureMaps() const { return m_maps; }
    QString detailText() const;
    // An example's title and what to look at, shown above the graph; `selectNode` (a node name)
    // is selected once the graph is laid out.
    void setIntro(const QString& title, const QString& description, const QString& selectNode);
    QString introText() const;
    // Why the value of cell (channel, y, x) of the selected node's shown output is what it is
    // (the layer's own explainOutputCellInputs over the node's input tensors); also what a click
    // on a cell of the feature maps shows.
    void explainCell(int channel, int y, int x);
    const std::optional<CellExplanation>& explanation() const { return m_explanation; }
    QString explanationText() const;
    // Tests: waits until the layout is shown and the newest run has finished.
    bool waitUntilRun(int timeoutMs);

public slots:
    void selectNode(int node);
    void findNext();
    void rerun();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildUi();
    void buildMenus();
    void updateTitle();
    void onShapes();
    void onNodeDone(int node);
    void onFinished(double milliseconds);
    void showDetails(int node);
    void showReceptiveField(size_t node, int channel, int y, int x);
    void updateStatus();
    QString shapeText(size_t node) const;
    // A node box's text: "bypassed · " before it for a bypassed node.
    QString nodeDetail(size_t node, const QString& text) const;
    // The editors of the selected node's layer parameters (hidden for inputs and unsupported layers).
    void showParameters(int node);
    // Step `index` of the selected node's output (raster order): selected and explained.
    void showStep(int64_t index);

    std::shared_ptr<const ModelGraph> m_graph;
    QString m_path;
    Document* m_document;
    GraphRunner* m_runner;
    GraphEditController* m_editor = nullptr;
    ExportController* m_exports = nullptr;
    bool m_keepView = false; // the next layout follows an edit: keep the place, not the top
    GraphView* m_view = nullptr;
    FeatureMapView* m_maps = nullptr;
    StatisticsPanel* m_statistics = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_intro = nullptr;
    QPlainTextEdit* m_why = nullptr;
    std::optional<CellExplanation> m_explanation;
    QString m_fieldText;
    // The receptive field of the value last clicked (in node m_fieldFrom): per node, the cells of
    // its output that value depends on; drawn on the feature maps of the node selected.
    std::vector<std::optional<QRect>> m_fieldRegions;
    QString m_fieldFrom;
    QString m_pendingSelect;
    QLabel* m_details = nullptr;
    QGroupBox* m_parameters = nullptr;
    LayerFieldForm* m_parameterForm = nullptr;
    QString m_parametersFor; // the layer the editors show
    StepBar* m_steps = nullptr;
    QAction* m_compare = nullptr;
    GraphDifference* m_difference = nullptr;
    QString m_diffNode, m_diffSummary;           // the node compared, and what the comparison said
    std::shared_ptr<const Tensor> m_diffCurrent; // the output it was compared for
    std::shared_ptr<const Tensor> m_diffTensor;  // now − opened, once computed
    int m_stepsNode = -1;    // the node and output shape the steps are of
    Shape m_stepsShape;
    QLineEdit* m_find = nullptr;
    QComboBox* m_fit = nullptr;
    QLabel* m_runStatus = nullptr;
    QProgressBar* m_progress = nullptr;
    bool m_finished = false;
    bool m_useSettings = true;
    double m_lastRunMs = 0;
};

} // namespace layerscope::gui
