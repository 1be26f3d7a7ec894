#pragma once
// The main window: builds the docks (layer stack, properties, input, statistics, shape chain,
// overview) around the feature-map/numbers view, creates every action in one place
// (createActions) and derives their enabled state from the current state (updateActions).
// Owns the Document and the PipelineRunner; file I/O is FileController's, exports
// ExportController's, explanations ExplainController's; window settings live here.

#include "figure_export_controller.h"
#include "remembered_folders.h"

#include "core/render/render.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QDockWidget;
class QLabel;
class QListView;
class QMenu;
class QProgressBar;
class QTableView;
class QTabWidget;
class QTimer;
class QVBoxLayout;
class QToolButton;

namespace layerscope::gui {

class Autosave;
class Document;
class ExplainController;
class ExportController;
class FeatureMapView;
class FileController;
class InputPanel;
class KernelEditor;
class LayerPropertiesPanel;
class LayerStackModel;
class OverviewStrip;
class PipelineRunner;
class GraphWindow;
class RunBusyBar;
class ShapeChainPanel;
class StatisticsPanel;
class TensorTableModel;
class ViewBar;
struct InputSpec;

// How to answer "restore the autosaved session?" at start-up (Yes/No: no dialog, for tests).
enum class RestoreAnswer { Ask, Yes, No };

struct MainWindowOptions {
    bool useSettings = true;      // read/write QSettings (window state, recent files, view options)
    bool offerRestore = true;     // ask to restore an autosaved session on start
    RestoreAnswer restoreAnswer = RestoreAnswer::Ask;
    bool autosave = true;
    int autosaveDelayMs = 1500;   // after the last edit
    // Leaves the user's settings, session and autosave alone (tests, benchmarks).
    static MainWindowOptions quiet()
    {
        MainWindowOptions o;
        o.useSettings = false;
        o.offerRestore = false;
        o.autosave = false;
        return o;
    }
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Start-up content: an input file (image / .npy) and an optional pipeline file; with no
    // pipeline the default pipeline is used.
    void openInitial(const QString& inputPath, const QString& pipelinePath);
    bool openPipelineFile(const QString& path);   // no prompt
    void openInputFile(const QString& path);      // undoable
    bool savePipelineTo(const QString& path);
    bool loadExample(const QString& resourcePath);

    Document* document() const { return m_document; }
    PipelineRunner* runner() const { return m_runner; }
    FeatureMapView* featureView() const { return m_view; }
    TensorTableModel* numbersModel() const { return m_numbersModel; }
    LayerPropertiesPanel* propertiesPanel() const { return m_properties; }
    LayerStackModel* layerModel() const { return m_model; }
    StatisticsPanel* statisticsPanel() const { return m_statistics; }
    KernelEditor* kernelEditor() const { return m_kernelEditor; }
    // Shows and raises the Kernel dock (Ctrl+K, or the button on a Conv2D's properties).
    void showKernelEditor();
    QListView* layerView() const { return m_layerView; }
    ExplainController* explain() const { return m_explain; }
    ExportController* exports() const { return m_exports; }
    FigureExportController* figureExports() const { return m_figures; }
    int currentLayer() const { return m_current; }
    void selectLayer(int index); // -1: input
    RenderOptions renderOptions() const;
    void setRenderOptions(const RenderOptions& options);
    QAction* action(const QString& name) const;
    // Where the crash-recovery autosave lives (AppDataLocation/autosave.json).
    QString autosavePath() const;
    void cancelComputation();
    void setMemoryBudgetBytes(int64_t bytes); // remembered in QSettings
    // Opens a Keras model (.keras, .h5, .hdf5, model JSON) on a worker: as the stack when it is a
    // plain stack of supported layers, else in a graph window.
    void openModelFile(const QString& path);
    FileController* files() const { return m_files; }
    // The graph windows opened (closed ones drop out).
    QList<GraphWindow*> graphWindows() const;

signals:
    void graphWindowOpened(layerscope::gui::GraphWindow* window);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createDocks();
    void updateActions();
    void updateTitle();
    // The selected layer for File ▸ Export ▸ Step-through Animation and Figure (nullopt: no output yet).
    std::optional<FigureSnapshot> figureSnapshot() const;
    void updateView();
    void updateColorBar();
    void updateStatistics();
    void addLayer(const QString& className);
    void deleteLayer();
    void duplicateLayer();
    void moveLayer(int delta);
    void renameLayer();
    void copyView();
    void editMemoryBudget();
    void readSettings();
    void writeSettings();

    MainWindowOptions m_options;
    RememberedFolders m_folders;
    Document* m_document;
    PipelineRunner* m_runner;
    LayerStackModel* m_model;
    QListView* m_layerView = nullptr;
    QList<QPointer<GraphWindow>> m_graphWindows;
    LayerPropertiesPanel* m_properties = nullptr;
    InputPanel* m_inputPanel = nullptr;
    FeatureMapView* m_view = nullptr;
    QTableView* m_numbersView = nullptr;
    TensorTableModel* m_numbersModel = nullptr;
    StatisticsPanel* m_statistics = nullptr;
    KernelEditor* m_kernelEditor = nullptr;
    QDockWidget* m_kernelDock = nullptr;
    OverviewStrip* m_overview = nullptr;
    ShapeChainPanel* m_chain = nullptr;
    ExplainController* m_explain = nullptr;
    ExportController* m_exports = nullptr;
    FigureExportController* m_figures = nullptr;
    QTabWidget* m_centerTabs = nullptr;
    ViewBar* m_viewBar = nullptr;
    QLabel* m_hoverLabel = nullptr;
    QLabel* m_runLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancelButton = nullptr;
    RunBusyBar* m_busyBar = nullptr;
    QTimer* m_progressDelay = nullptr;
    FileController* m_files = nullptr;
    Autosave* m_autosave = nullptr;
    QMenu* m_addMenu = nullptr;
    QHash<QString, QAction*> m_actions;
    int m_current = -1;
    int m_shownLayer = -2; // the layer whose output the view shows
    int m_selectedChannel = -1;
    bool m_closing = false;
};

} // namespace layerscope::gui
