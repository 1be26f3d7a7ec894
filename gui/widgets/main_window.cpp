#include "main_window.h"

#include "commands/change_input_command.h"
#include "document/autosave.h"
#include "document/document.h"
#include "document/layer_json.h"
#include "document/pipeline_file.h"
#include "engine/input_source.h"
#include "engine/pipeline_runner.h"
#include "engine/tensor_image.h"
#include "models/layer_icons.h"
#include "models/layer_stack_model.h"
#include "models/tensor_table_model.h"
#include "widgets/action_icons.h"
#include "widgets/explain_controller.h"
#include "widgets/graph_window.h"
#include "widgets/export_controller.h"
#include "widgets/feature_map_view.h"
#include "widgets/figure_export_controller.h"
#include "widgets/file_controller.h"
#include "widgets/help_dialogs.h"
#include "widgets/input_panel.h"
#include "widgets/kernel_editor.h"
#include "widgets/layer_properties_panel.h"
#include "widgets/layer_stack_delegate.h"
#include "widgets/overview_strip.h"
#include "widgets/presentation_mode.h"
#include "widgets/progress_value.h"
#include "widgets/recent_files.h"
#include "widgets/run_busy_bar.h"
#include "widgets/shape_chain_panel.h"
#include "widgets/statistics_panel.h"
#include "widgets/view_bar.h"

#include "cli/cli.h"
#include "core/default_pipeline.h"
#include "core/graph/graph.h"
#include "core/io/image_io.h"
#include "core/layer_registry.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDirIterator>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace layerscope::gui {

namespace {

// The platform's standard bindings for `key` plus `extra` ones, each once: a sequence bound twice
// (to one action or two) makes Qt report an ambiguous shortcut and trigger nothing.
QList<QKeySequence> shortcutsWith(QKeySequence::StandardKey key, const QList<QKeySequence>& extra)
{
    QList<QKeySequence> all = QKeySequence::keyBindings(key);
    for (const QKeySequence& s : extra)
        if (!all.contains(s))
            all.append(s);
    return all;
}

// First start (no saved geometry): the preferred size, shrunk to the screen's available area
// (at 1.5× scaling 1560×960 is larger than a laptop screen and puts the right-hand docks off it),
// centred there.
void fitToScreen(QWidget* window, QSize preferred)
{
    QScreen* screen = window->screen() ? window->screen() : QGuiApplication::primaryScreen();
    if (!screen) {
        window->resize(preferred);
        return;
    }
    const QRect available = screen->availableGeometry();
    // Leave room for the frame and title bar the window manager adds around the client area.
    const QSize size = preferred.boundedTo(available.size() - QSize(16, 48));
    window->resize(size);
    window->move(available.center() - QPoint(size.width() / 2, size.height() / 2 + 12));
}

} // namespace

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent), m_options(options), m_folders(options.useSettings)
{
    setWindowIcon(QIcon(":/icons/layerscope.svg"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    // The right-hand column (properties, inspector, statistics) runs the full height: the
    // inspector's grids and the statistics need it more than the bottom docks need the width.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_document = new Document(this);
    m_runner = new PipelineRunner(m_document, this);
    // Connected first: the worker starts before the other views update for the same change.
    connect(m_document, &Document::contentChanged, m_runner, &PipelineRunner::startOnChange);
    m_model = new LayerStackModel(m_document, m_runner, this);
    m_exports = new ExportController(this, pipelineExportSource(m_document, m_runner), m_folders);
    m_autosave = new Autosave(m_document, m_options.autosave, m_options.autosaveDelayMs, this);
    m_files = new FileController(this, m_document, m_autosave, m_folders, m_options.restoreAnswer);
    connect(m_files, &FileController::selectLayerRequested, this, &MainWindow::selectLayer);
    connect(m_files, &FileController::modelGraphOpened, this,
            [this](std::shared_ptr<const ModelGraph> graph, const QString& path) {
                auto* window = new GraphWindow(std::move(graph), path, m_document, this, m_options.useSettings);
                window->setWindowFlag(Qt::Window, true);
                window->show();
                m_graphWindows.append(window);
                emit graphWindowOpened(window);
            });
    connect(m_files, &FileController::exampleIntro, this,
            [this](const QString& title, const QString& description, const QString& select) {
                if (m_graphWindows.isEmpty() || !m_graphWindows.last())
                    return;
                m_graphWindows.last()->setIntro(title, description, select);
            });
    connect(m_files, &FileController::statusMessage, this, [this](const QString& message, int timeoutMs) {
        statusBar()->showMessage(message, timeoutMs);
    });
    connect(m_exports, &ExportController::exported, this, [this](const QString& message) {
        statusBar()->showMessage(message, 6000);
    });
    connect(m_exports, &ExportController::failed, this, [this](const QString& message) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Export"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    m_figures = new FigureExportController(this, [this] { return figureSnapshot(); }, m_folders);
    connect(m_figures, &FigureExportController::exported, this, [this](const QString& message) {
        statusBar()->showMessage(message, 10000);
    });
    connect(m_figures, &FigureExportController::failed, this, [this](const QString& message) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Export"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });

    // Centre: feature maps and numbers.
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(2, 2, 2, 2);
    m_viewBar = new ViewBar(central);
    centralLayout->addWidget(m_viewBar);
    m_centerTabs = new QTabWidget(central);
    m_view = new FeatureMapView(m_centerTabs);
    m_numbersModel = new TensorTableModel(this);
    m_numbersView = new QTableView(m_centerTabs);
    m_numbersView->setModel(m_numbersModel);
    m_numbersView->horizontalHeader()->setDefaultSectionSize(80);
    m_centerTabs->addTab(m_view, tr("Feature maps"));
    m_centerTabs->addTab(m_numbersView, tr("Numbers"));
    m_busyBar = new RunBusyBar(central);
    m_busyBar->hide();
    centralLayout->addWidget(m_busyBar);
    centralLayout->addWidget(m_centerTabs, 1);
    setCentralWidget(central);

    createDocks();
    m_explain = new ExplainController(this, m_document, m_runner, m_view, m_numbersView, m_numbersModel, m_overview);
    createActions();

    // Status bar: value under the cursor, run state, progress + cancel.
    m_hoverLabel = new QLabel(this);
    m_runLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(160);
    m_progress->setRange(0, 100);
    m_progress->hide();
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setDefaultAction(action("cancel"));
    m_cancelButton->hide();
    // A fixed size: the text changes with every run, and a label whose size hint changes makes
    // the whole window lay itself out again (tens of milliseconds with all docks open).
    m_runLabel->setFixedSize(m_runLabel->fontMetrics().horizontalAdvance(tr("pipeline 00000.0 ms")) + 12,
                             m_runLabel->sizeHint().height());
    m_runLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    statusBar()->addWidget(m_hoverLabel, 1);
    statusBar()->addPermanentWidget(m_runLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelButton);
    m_progressDelay = new QTimer(this);
    m_progressDelay->setSingleShot(true);
    m_progressDelay->setInterval(400);
    connect(m_progressDelay, &QTimer::timeout, this, [this] {
        if (m_runner->isBusy()) {
            m_progress->show();
            m_cancelButton->show();
            m_busyBar->show();
        }
    });

    connect(m_view, &FeatureMapView::hovered, m_hoverLabel, &QLabel::setText);
    connect(m_view, &FeatureMapView::summaryChanged, this, [this] {
        updateStatistics();
        updateColorBar();
    });
    connect(m_viewBar, &ViewBar::optionsChanged, this, [this](const RenderOptions& o) {
        m_view->setOptions(o);
        m_overview->setOptions(o);
        updateView();
    });
    connect(m_viewBar, &ViewBar::soloChannelChanged, this, [this](int c) {
        m_view->setSoloChannel(c);
        m_selectedChannel = c;
        updateView();
    });
    connect(m_viewBar, &ViewBar::compositeToggled, this, [this](bool on) {
        m_view->setComposite(on);
        updateView();
    });
    connect(m_view, &FeatureMapView::channelActivated, this, [this](int c) {
        m_selectedChannel = c;
        updateView();
    });
    connect(m_view, &FeatureMapView::soloChannelChanged, this, [this](int c) {
        m_selectedChannel = c;
        m_viewBar->setSoloChannel(c);
        updateView();
    });

    connect(m_document, &Document::contentChanged, this, [this] {
        if (m_current >= m_document->layerCount())
            selectLayer(m_document->layerCount() - 1);
        updateActions();
        updateView();
        m_autosave->schedule();
    });
    connect(m_document, &Document::layerInserted, this, [this](int index) { selectLayer(index); });
    connect(m_document, &Document::layerMoved, this, [this](int, int to) { selectLayer(to); });
    connect(m_document, &Document::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &Document::fileNameChanged, this, &MainWindow::updateTitle);
    connect(m_runner, &PipelineRunner::layerStatusChanged, this, [this](int index) {
        if (index == m_runner->computingLayer() && index < m_document->layerCount()) {
            m_busyBar->setProgress(tr("Computing layer %1 (%2) of %3…").arg(index + 1)
                                       .arg(QString::fromStdString(m_document->layer(index).name()))
                                       .arg(m_document->layerCount()), 0);
            setProgressValueLater(m_progress, 0);
            m_progress->setFormat(tr("layer %1/%2: %p%").arg(index + 1).arg(m_document->layerCount()));
        }
        if (index == m_current)
            updateView();
    });
    connect(m_busyBar, &RunBusyBar::cancelRequested, this, &MainWindow::cancelComputation);
    connect(m_runner, &PipelineRunner::busyChanged, this, [this](bool busy) {
        if (busy) {
            m_runLabel->setText(tr("computing…"));
            setProgressValueLater(m_progress, 0);
            m_progressDelay->start();
        } else {
            m_progressDelay->stop();
            m_progress->hide();
            m_cancelButton->hide();
            m_busyBar->hide();
            double total = 0;
            for (int i = 0; i < m_runner->layerCount(); ++i)
                total += std::max(0.0, m_runner->info(i).milliseconds);
            m_runLabel->setText(m_runner->wasCancelled() ? tr("cancelled")
                                                         : tr("pipeline %1 ms").arg(total, 0, 'f', 1));
        }
        updateActions();
    });
    connect(m_runner, &PipelineRunner::progressChanged, this, [this](const RunProgress& progress) {
        // Two numbers, each labelled with what it measures: the status bar the share of this run
        // (which starts at the first changed layer), the busy bar above the view the layer's own.
        const int index = static_cast<int>(progress.layer);
        const int n = m_document->layerCount();
        setProgressValueLater(m_progress, static_cast<int>(100.0 * progress.overall()));
        m_progress->setFormat(tr("%p% of the run (layer %1 of %2)").arg(index + 1).arg(n));
        const QString name = index < n ? QString::fromStdString(m_document->layer(index).name()) : QString();
        m_busyBar->setProgress(tr("Computing layer %1 (%2) of %3…").arg(index + 1).arg(name).arg(n),
                               static_cast<int>(100.0 * progress.fraction));
    });
    connect(m_runner, &PipelineRunner::finished, this, [this] {
        updateView();
        m_overview->update();
    });
    if (m_options.useSettings)
        readSettings();
    else
        fitToScreen(this, QSize(1400, 900));
    updateActions();
    updateTitle();
}

MainWindow::~MainWindow()
{
    m_runner->cancel();
    m_runner->waitForIdle();
    // The document, its undo stack and the runner are children destroyed after this body; their
    // last signals (the undo stack's cleanChanged on destruction, for one) must not reach slots
    // of a half-destroyed window.
    m_runner->blockSignals(true);
    m_document->undoStack()->blockSignals(true);
    m_document->blockSignals(true);
}

QAction* MainWindow::action(const QString& name) const
{
    return m_actions.value(name);
}

RenderOptions MainWindow::renderOptions() const
{
    return m_viewBar->renderOptions();
}

void MainWindow::setRenderOptions(const RenderOptions& o)
{
    m_viewBar->setRenderOptions(o);
}

void MainWindow::createDocks()
{
    // Layer stack.
    auto* layersDock = new QDockWidget(tr("Layers"), this);
    layersDock->setObjectName("LayersDock");
    auto* layersWidget = new QWidget(layersDock);
    auto* layersLayout = new QVBoxLayout(layersWidget);
    layersLayout->setContentsMargins(2, 2, 2, 2);
    m_layerView = new QListView(layersWidget);
    m_layerView->setModel(m_model);
    m_layerView->setItemDelegate(new LayerStackDelegate(m_layerView));
    m_layerView->setIconSize(QSize(24, 24));
    m_layerView->setDragDropMode(QAbstractItemView::InternalMove);
    m_layerView->setDefaultDropAction(Qt::MoveAction);
    m_layerView->setDragEnabled(true);
    m_layerView->setAcceptDrops(true);
    m_layerView->setDropIndicatorShown(true);
    m_layerView->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    m_layerView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_layerView->setMinimumWidth(280);
    layersLayout->addWidget(m_layerView);
    layersDock->setWidget(layersWidget);
    addDockWidget(Qt::LeftDockWidgetArea, layersDock);
    connect(m_layerView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& index) {
                if (index.isValid())
                    selectLayer(LayerStackModel::layerIndex(index.row()));
            });
    connect(m_layerView, &QListView::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu menu(this);
        menu.addMenu(m_addMenu);
        menu.addSeparator();
        for (const char* name : {"rename", "duplicate", "bypass", "moveUp", "moveDown", "delete"})
            menu.addAction(action(name));
        menu.addSeparator();
        menu.addAction(action("exportChannels"));
        menu.addAction(action("exportNpy"));
        menu.exec(m_layerView->viewport()->mapToGlobal(pos));
    });

    // Properties (layer) and input, tabbed.
    auto* propertiesDock = new QDockWidget(tr("Properties"), this);
    propertiesDock->setObjectName("PropertiesDock");
    m_properties = new LayerPropertiesPanel(m_document, propertiesDock);
    auto* propertiesScroll = new QScrollArea(propertiesDock);
    propertiesScroll->setWidgetResizable(true);
    propertiesScroll->setWidget(m_properties);
    propertiesDock->setWidget(propertiesScroll);
    addDockWidget(Qt::RightDockWidgetArea, propertiesDock);

    auto* inputDock = new QDockWidget(tr("Input"), this);
    inputDock->setObjectName("InputDock");
    m_inputPanel = new InputPanel(m_document, inputDock);
    // Docks scroll rather than force the window wider or taller than a small screen.
    auto* inputScroll = new QScrollArea(inputDock);
    inputScroll->setWidgetResizable(true);
    inputScroll->setWidget(m_inputPanel);
    inputDock->setWidget(inputScroll);
    addDockWidget(Qt::RightDockWidgetArea, inputDock);
    tabifyDockWidget(propertiesDock, inputDock);
    propertiesDock->raise();
    connect(m_inputPanel, &InputPanel::browseRequested, m_files, &FileController::openInputDialog);

    auto* statsDock = new QDockWidget(tr("Statistics"), this);
    statsDock->setObjectName("StatisticsDock");
    m_statistics = new StatisticsPanel(statsDock);
    auto* statsScroll = new QScrollArea(statsDock);
    statsScroll->setWidgetResizable(true);
    statsScroll->setWidget(m_statistics);
    statsDock->setWidget(statsScroll);
    addDockWidget(Qt::RightDockWidgetArea, statsDock);

    auto* chainDock = new QDockWidget(tr("Shape chain"), this);
    chainDock->setObjectName("ShapeChainDock");
    m_chain = new ShapeChainPanel(m_document, chainDock);
    chainDock->setWidget(m_chain);
    addDockWidget(Qt::BottomDockWidgetArea, chainDock);
    connect(m_chain, &ShapeChainPanel::layerActivated, this, &MainWindow::selectLayer);

    auto* overviewDock = new QDockWidget(tr("Overview"), this);
    overviewDock->setObjectName("OverviewDock");
    m_overview = new OverviewStrip(m_document, m_runner, overviewDock);
    auto* overviewScroll = new QScrollArea(overviewDock);
    overviewScroll->setWidgetResizable(true);
    overviewScroll->setWidget(m_overview);
    overviewDock->setWidget(overviewScroll);
    addDockWidget(Qt::BottomDockWidgetArea, overviewDock);
    tabifyDockWidget(chainDock, overviewDock);

    // The Conv2D kernel editor wants width (filters × channels of small matrices): a bottom dock.
    m_kernelDock = new QDockWidget(tr("Kernel"), this);
    m_kernelDock->setObjectName("KernelDock");
    m_kernelEditor = new KernelEditor(m_document, m_kernelDock);
    // Scrolls when small: its minimum height would otherwise set the whole bottom area's.
    auto* kernelScroll = new QScrollArea(m_kernelDock);
    kernelScroll->setWidgetResizable(true);
    kernelScroll->setWidget(m_kernelEditor);
    m_kernelDock->setWidget(kernelScroll);
    addDockWidget(Qt::BottomDockWidgetArea, m_kernelDock);
    tabifyDockWidget(overviewDock, m_kernelDock);
    chainDock->raise();
    connect(m_properties, &LayerPropertiesPanel::kernelEditorRequested, this, &MainWindow::showKernelEditor);
    connect(m_overview, &OverviewStrip::layerActivated, this, &MainWindow::selectLayer);
    // Proportions for a first start (a saved layout replaces them): on a small screen the bottom
    // docks must leave the feature maps room, and the right-hand column must stay wide enough for
    // the property editors.
    const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    const int screenHeight = screen ? screen->availableGeometry().height() : 1000;
    resizeDocks({chainDock}, {std::clamp(screenHeight / 4, 150, 230)}, Qt::Vertical);
    resizeDocks({propertiesDock, statsDock}, {520, 230}, Qt::Vertical);
    resizeDocks({layersDock, propertiesDock}, {300, 390}, Qt::Horizontal);
}

void MainWindow::createActions()
{
    auto make = [this](const QString& name, const QString& text, const QKeySequence& shortcut = {},
                       const QString& tip = {}) {
        auto* a = new QAction(text, this);
        a->setShortcut(shortcut);
        a->setStatusTip(tip);
        a->setToolTip(tip.isEmpty() ? text : tip);
        m_actions.insert(name, a);
        return a;
    };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    connect(make("openInput", tr("&Open Image or .npy…"), QKeySequence::Open, tr("Open an input image or .npy array")),
            &QAction::triggered, m_files, &FileController::openInputDialog);
    connect(make("openPipeline", tr("Open &Model or Pipeline…"), QKeySequence(tr("Ctrl+Shift+O")),
                 tr("Open a Keras model (.keras, .h5) or a pipeline (LayerScope or Keras model.to_json())")),
            &QAction::triggered, m_files, &FileController::openPipelineDialog);
    connect(make("save", tr("&Save Pipeline"), QKeySequence::Save), &QAction::triggered, m_files, &FileController::save);
    connect(make("saveAs", tr("Save Pipeline &As…")), &QAction::triggered, m_files, &FileController::saveAs);
    // QKeySequence::SaveAs is empty on X11: bind Ctrl+Shift+S everywhere.
    action("saveAs")->setShortcuts(shortcutsWith(QKeySequence::SaveAs, {QKeySequence(tr("Ctrl+Shift+S"))}));
    connect(make("newPipeline", tr("&New (default pipeline)"), QKeySequence::New), &QAction::triggered, m_files,
            &FileController::newDefaultPipeline);
    file->addAction(action("newPipeline"));
    file->addAction(action("openInput"));
    file->addAction(action("openPipeline"));
    m_files->createRecentMenu(file->addMenu(tr("Open &Recent")), m_options.useSettings);
    QMenu* examples = file->addMenu(tr("&Examples"));
    m_files->populateExamples(examples);
    examples->addSeparator();
    examples->addAction(m_explain->action("compareBroadcast"));
    examples->addAction(m_explain->action("compareInterpolations"));
    m_files->populateLessons(file->addMenu(tr("&Lessons")));
    file->addSeparator();
    file->addAction(action("save"));
    file->addAction(action("saveAs"));
    file->addSeparator();
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    auto exportAction = [&](const QString& name, const QString& text, ExportKind kind, const QKeySequence& shortcut = {}) {
        connect(make(name, text, shortcut), &QAction::triggered, this,
                [this, kind] { m_exports->exportWithDialog(kind, m_current, renderOptions()); });
    };
    exportAction("exportChannels", tr("Selected Layer as PNG per &Channel…"), ExportKind::ChannelPngs);
    exportAction("exportSheet", tr("Selected Layer as Contact &Sheet…"), ExportKind::ContactSheet, QKeySequence(tr("Ctrl+E")));
    exportAction("exportComposite", tr("RGB &Composite…"), ExportKind::Composite);
    exportAction("exportNpy", tr("Selected Layer as .&npy…"), ExportKind::Npy);
    exportAction("exportAll", tr("&All Layers into a Folder…"), ExportKind::AllLayers, QKeySequence(tr("Ctrl+Shift+E")));
    connect(make("copyView", tr("Copy View to Clip&board"), QKeySequence(tr("Ctrl+Shift+C"))), &QAction::triggered, this, &MainWindow::copyView);
    for (const char* n : {"exportChannels", "exportSheet", "exportComposite", "exportNpy", "exportAll"})
        exportMenu->addAction(action(n));
    exportMenu->addAction(m_explain->action("exportKeras"));
    exportMenu->addSeparator();
    connect(make("exportAnimation", tr("Step-through &Animation…")), &QAction::triggered, m_figures,
            &FigureExportController::exportAnimationWithDialog);
    exportMenu->addAction(action("exportAnimation"));
    QMenu* figureMenu = exportMenu->addMenu(tr("&Figure (SVG, PDF, PNG)"));
    const std::pair<const char*, QString> figures[] = {{"exportFigureNumbers", tr("&Numbers Grid…")},
                                                       {"exportFigurePadding", tr("&Padding Split…")},
                                                       {"exportFigureContact", tr("&Contact Sheet…")},
                                                       {"exportFigureGraph", tr("&Graph…")}};
    for (int k = 0; k < 4; ++k) {
        connect(make(figures[k].first, figures[k].second), &QAction::triggered, m_figures,
                [this, k] { m_figures->exportFigureWithDialog(static_cast<FigureKind>(k)); });
        figureMenu->addAction(action(figures[k].first));
    }
    exportMenu->addSeparator();
    exportMenu->addAction(action("copyView"));
    file->addSeparator();
    QAction* quit = make("quit", tr("&Quit"), QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    file->addAction(quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts(shortcutsWith(QKeySequence::Redo, {QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))}));
    // Icon only on the toolbar (low priority hides the text beside the icon), so the buttons do
    // not move as "Undo Change filters" replaces "Undo"; the tooltip carries the command text.
    undo->setIcon(undoIcon());
    redo->setIcon(redoIcon());
    undo->setPriority(QAction::LowPriority);
    redo->setPriority(QAction::LowPriority);
    m_actions.insert("undo", undo);
    m_actions.insert("redo", redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    m_addMenu = edit->addMenu(tr("&Add Layer"));
    m_addMenu->setIcon(addLayerIcon());
    // One submenu per category; layers taking several inputs (merges) need a graph, which the
    // linear pipeline editor is not, so they are not offered here.
    for (const std::string& category : layerCategories()) {
        QMenu* group = nullptr;
        for (const LayerFactory& f : layerFactories()) {
            if (f.category != category || !takesOneInput(f))
                continue;
            if (!group)
                group = m_addMenu->addMenu(QString::fromStdString(category));
            const QString className = QString::fromStdString(f.className);
            QAction* a = group->addAction(layerIcon(className), className);
            connect(a, &QAction::triggered, this, [this, className] { addLayer(className); });
        }
    }
    QAction* addDefault = make("add", tr("Add Layer…"), QKeySequence(Qt::Key_Insert), tr("Add a layer after the selected one"));
    addDefault->setIcon(addLayerIcon());
    connect(addDefault, &QAction::triggered, this, [this] {
        m_addMenu->popup(m_layerView->viewport()->mapToGlobal(m_layerView->visualRect(m_layerView->currentIndex()).bottomLeft()));
    });
    connect(make("delete", tr("&Delete Layer"), QKeySequence::Delete), &QAction::triggered, this, &MainWindow::deleteLayer);
    connect(make("duplicate", tr("D&uplicate Layer"), QKeySequence(tr("Ctrl+D"))), &QAction::triggered, this, &MainWindow::duplicateLayer);
    connect(make("moveUp", tr("Move &Up"), QKeySequence(tr("Alt+Up"))), &QAction::triggered, this, [this] { moveLayer(-1); });
    connect(make("moveDown", tr("Move Do&wn"), QKeySequence(tr("Alt+Down"))), &QAction::triggered, this, [this] { moveLayer(1); });
    connect(make("rename", tr("Re&name…"), QKeySequence(Qt::Key_F2)), &QAction::triggered, this, &MainWindow::renameLayer);
    QAction* bypass = make("bypass", tr("&Bypass Layer"), QKeySequence(tr("Ctrl+B")), tr("Pass the input through unchanged"));
    bypass->setCheckable(true);
    connect(bypass, &QAction::triggered, this, [this](bool on) { m_model->setBypassed(m_current, on); });
    connect(make("editKernel", tr("Edit &Kernel Weights"), QKeySequence(tr("Ctrl+K")),
                 tr("Show the kernel editor of the selected Conv2D layer")),
            &QAction::triggered, this, &MainWindow::showKernelEditor);
    edit->addAction(addDefault);
    for (const char* n : {"duplicate", "rename", "bypass", "moveUp", "moveDown", "delete", "editKernel"})
        edit->addAction(action(n));
    edit->addSeparator();
    edit->addAction(m_explain->action("copyKeras"));
    for (const char* n : {"add", "delete", "duplicate", "moveUp", "moveDown", "rename", "bypass"})
        action(n)->setShortcutContext(Qt::WindowShortcut);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    connect(make("zoomIn", tr("Zoom &In")), &QAction::triggered, m_view, &FeatureMapView::zoomIn);
    // Ctrl+= is Ctrl++ without Shift on most layouts (the README promises both).
    action("zoomIn")->setShortcuts(shortcutsWith(QKeySequence::ZoomIn, {QKeySequence(tr("Ctrl++")), QKeySequence(tr("Ctrl+="))}));
    connect(make("zoomOut", tr("Zoom &Out"), QKeySequence::ZoomOut), &QAction::triggered, m_view, &FeatureMapView::zoomOut);
    connect(make("zoomFit", tr("Zoom to &Fit"), QKeySequence(tr("Ctrl+0"))), &QAction::triggered, m_view, &FeatureMapView::zoomToFit);
    connect(make("allChannels", tr("&All Channels"), QKeySequence(tr("Ctrl+G"))), &QAction::triggered, this, [this] {
        m_viewBar->showAllChannels();
    });
    QAction* numbers = make("showNumbers", tr("Show &Numbers in Cells"));
    numbers->setCheckable(true);
    numbers->setChecked(true);
    connect(numbers, &QAction::toggled, m_view, &FeatureMapView::setShowNumbers);
    for (const char* n : {"zoomIn", "zoomOut", "zoomFit", "allChannels", "showNumbers"})
        view->addAction(action(n));
    auto* presentation = new PresentationMode(this, {QStringLiteral("LayersDock"), QStringLiteral("PropertiesDock")});
    QAction* present = make("presentation", tr("&Presentation"), QKeySequence(tr("F11")));
    present->setCheckable(true);
    present->setToolTip(tr("Large fonts, full screen, only the layer list and the parameters (F11 again to leave)"));
    connect(present, &QAction::toggled, this, [this, presentation](bool on) {
        presentation->setActive(on);
        // The maps fill the room the hidden docks leave (after the layout has settled).
        QTimer::singleShot(0, m_view, &FeatureMapView::zoomToFit);
    });
    view->addAction(present);
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    QAction* cancel = make("cancel", tr("&Cancel Computation"), QKeySequence(Qt::Key_Escape));
    // Enabled only while computing, so Esc still reaches the views otherwise.
    cancel->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(tr("Ctrl+."))});
    cancel->setShortcutContext(Qt::WindowShortcut);
    connect(cancel, &QAction::triggered, this, &MainWindow::cancelComputation);
    QAction* rerun = make("rerun", tr("&Recompute"), QKeySequence(tr("F5")));
    connect(rerun, &QAction::triggered, m_runner, &PipelineRunner::run);
    run->addAction(rerun);
    run->addAction(cancel);
    run->addSeparator();
    connect(make("memoryBudget", tr("&Memory Budget…"), {}, tr("The most memory one layer may allocate")),
            &QAction::triggered, this, &MainWindow::editMemoryBudget);
    run->addAction(action("memoryBudget"));

    menuBar()->addMenu(m_explain->menu());
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    connect(make("gettingStarted", tr("&Getting Started"), QKeySequence::HelpContents), &QAction::triggered, this,
            [this] { showGettingStarted(this); });
    connect(make("shortcuts", tr("&Keyboard Shortcuts")), &QAction::triggered, this, [this] { showShortcutsDialog(this); });
    help->addAction(action("gettingStarted"));
    help->addAction(action("shortcuts"));
    help->addSeparator();
    // The version and the Keras / TensorFlow versions come from the same text as `layerscope --version`.
    connect(make("about", tr("&About LayerScope")), &QAction::triggered, this, [this] {
        const QString version = QString::fromStdString(versionText()).trimmed().toHtmlEscaped().replace('\n', "<br>");
        QMessageBox::about(this, tr("About LayerScope"),
                           tr("<b>LayerScope</b><br>Stack Keras image layers on a picture and watch every "
                              "channel, shape and number update live.<br><br>Wheel: zoom · drag: pan · click a "
                              "tile: open it large · Esc: back to all channels.")
                               + "<br><br>" + version);
    });
    help->addAction(action("about"));

    auto* tools = addToolBar(tr("Main"));
    tools->setObjectName("MainToolBar");
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->addAction(action("openInput"));
    tools->addAction(action("openPipeline"));
    tools->addAction(action("save"));
    tools->addSeparator();
    auto* addButton = new QToolButton(tools);
    addButton->setMenu(m_addMenu);
    addButton->setPopupMode(QToolButton::InstantPopup);
    addButton->setText(tr("Add layer"));
    addButton->setIcon(addLayerIcon());
    addButton->setToolTip(tr("Add a layer after the selected one"));
    addButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->addWidget(addButton);
    tools->addAction(action("duplicate"));
    tools->addAction(action("delete"));
    tools->addSeparator();
    tools->addAction(undo);
    tools->addAction(redo);
    tools->addSeparator();
    tools->addAction(action("exportSheet"));
}

void MainWindow::updateActions()
{
    const bool layer = m_current >= 0 && m_current < m_document->layerCount();
    action("delete")->setEnabled(layer);
    action("duplicate")->setEnabled(layer);
    action("rename")->setEnabled(layer);
    action("bypass")->setEnabled(layer);
    action("bypass")->setChecked(layer && m_document->isBypassed(m_current));
    action("moveUp")->setEnabled(layer && m_current > 0);
    action("moveDown")->setEnabled(layer && m_current + 1 < m_document->layerCount());
    const bool output = static_cast<bool>(m_runner->output(m_current));
    for (const char* n : {"exportChannels", "exportSheet", "exportNpy", "copyView"})
        action(n)->setEnabled(output);
    action("exportComposite")->setEnabled(output && m_view->canComposite());
    for (const char* n : {"exportAnimation", "exportFigureNumbers", "exportFigurePadding", "exportFigureContact", "exportFigureGraph"})
        action(n)->setEnabled(layer && output);
    action("cancel")->setEnabled(m_runner->isBusy());
    m_viewBar->setCompositeAvailable(m_view->canComposite());
}

std::optional<FigureSnapshot> MainWindow::figureSnapshot() const
{
    if (m_current < 0 || m_current >= m_document->layerCount())
        return std::nullopt;
    FigureSnapshot s;
    s.input = m_runner->output(m_current - 1);
    s.output = m_runner->output(m_current);
    const auto source = m_runner->output(-1);
    if (!s.input || !s.output || !source)
        return std::nullopt;
    s.layer = m_document->layer(m_current).clone();
    s.channel = std::max(0, m_view->soloChannel() >= 0 ? m_view->soloChannel() : m_selectedChannel);
    // The stack as a linear graph: node 0 is the input, node i + 1 the layer i.
    s.graph = std::make_shared<const ModelGraph>(graphFromPipeline(m_document->pipeline()));
    s.graphInputs = {source->shape()};
    s.node = static_cast<size_t>(m_current) + 1;
    return s;
}

void MainWindow::updateTitle()
{
    const QString name = m_document->fileName().isEmpty() ? tr("untitled pipeline")
                                                           : QFileInfo(m_document->fileName()).fileName();
    setWindowTitle(QStringLiteral("%1[*] — LayerScope").arg(name));
    setWindowModified(m_document->isModified());
}

void MainWindow::selectLayer(int index)
{
    index = std::clamp(index, -1, m_document->layerCount() - 1);
    const bool changed = index != m_current;
    m_current = index;
    const QModelIndex row = m_model->index(LayerStackModel::rowOf(index));
    if (m_layerView->currentIndex() != row)
        m_layerView->setCurrentIndex(row);
    if (changed || m_properties->layerIndex() != index)
        m_properties->setLayerIndex(index);
    m_overview->setCurrentLayer(index);
    m_chain->setCurrentLayer(index);
    m_kernelEditor->setLayerIndex(index);
    m_explain->setCurrentLayer(index);
    updateActions();
    updateView();
}

void MainWindow::showKernelEditor()
{
    m_kernelDock->show();
    m_kernelDock->raise();
    // Room for a 3×3 kernel per input channel (three rows: RGB) without scrolling, as far as the
    // window's height allows.
    const int wanted = std::min(440, height() / 2);
    if (m_kernelDock->height() < wanted)
        resizeDocks({m_kernelDock}, {wanted}, Qt::Vertical);
    m_kernelEditor->setFocus();
}

void MainWindow::updateView()
{
    const auto tensor = m_runner->output(m_current);
    const QString name = m_current < 0 ? tr("Input")
                       : m_current < m_document->layerCount() ? QString::fromStdString(m_document->layer(m_current).name())
                       : QString();
    // While the shown layer recomputes, its previous picture stays up with a small busy note
    // (no "Computing…" flash); errors, blocked layers and cancelled runs replace it.
    const bool recomputing = !tensor && m_current >= 0 && m_current == m_shownLayer && m_view->tensor()
        && m_current < m_runner->layerCount() && !m_runner->wasCancelled()
        && m_document->shapeChain().layers.at(static_cast<size_t>(m_current)).ok
        && (m_runner->info(m_current).status == LayerStatus::Pending
            || m_runner->info(m_current).status == LayerStatus::Computing);
    if (recomputing) {
        m_viewBar->setTitle(tr("%1  (recomputing…)").arg(name));
        updateActions();
        return;
    }
    m_shownLayer = tensor ? m_current : -2;
    if (tensor) {
        m_viewBar->setTitle(QStringLiteral("%1  %2").arg(name, QString::fromStdString(shapeToString(tensor->shape()))));
        if (tensor != m_view->tensor())
            m_view->setTensor(tensor, name, m_runner->summary(m_current));
        else
            m_view->setSummary(m_runner->summary(m_current));
        const TensorGeometry g = tensorGeometry(*tensor);
        m_viewBar->setTensorLayout(static_cast<int>(g.batch), static_cast<int>(g.channels), m_view->soloChannel(),
                                   m_view->isComposite());
        const int channel = m_view->soloChannel() >= 0 ? m_view->soloChannel() : m_selectedChannel;
        const int safeChannel = channel >= 0 && channel < g.channels ? channel : -1;
        updateStatistics();
        m_numbersModel->setTensor(tensor, m_viewBar->batch(), std::max(0, safeChannel));
    } else {
        QString message;
        if (m_current < 0) {
            message = m_document->inputError().isEmpty() ? tr("No input") : m_document->inputError();
        } else if (m_current < m_runner->layerCount()) {
            const LayerRunInfo& info = m_runner->info(m_current);
            const ShapeChainEntry& entry = m_document->shapeChain().layers.at(static_cast<size_t>(m_current));
            if (!entry.error.isEmpty())
                message = entry.error;
            else if (info.status == LayerStatus::Error)
                message = info.message;
            else if (entry.blocked || info.status == LayerStatus::Blocked)
                message = tr("Not computed: an earlier layer has an error.");
            else if (m_runner->wasCancelled())
                message = tr("Computation cancelled. Press F5 (Run → Recompute) to compute again.");
            else
                message = tr("Computing…");
        } else {
            message = tr("Computing…");
        }
        m_viewBar->setTitle(name);
        m_view->setTensor(nullptr);
        m_view->setMessage(message);
        m_statistics->setSummary(nullptr, 0, -1);
        m_numbersModel->setTensor(nullptr, 0, 0);
    }
    updateColorBar();
    updateActions();
    if (m_explain)
        m_explain->updateOverlays();
}

void MainWindow::updateStatistics()
{
    const auto tensor = m_view->tensor();
    if (!tensor) {
        m_statistics->setSummary(nullptr, 0, -1);
        return;
    }
    const int channel = m_view->soloChannel() >= 0 ? m_view->soloChannel() : m_selectedChannel;
    const int safeChannel = channel >= 0 && channel < tensorGeometry(*tensor).channels ? channel : -1;
    m_statistics->setSummary(m_view->summary(), m_viewBar->batch(), safeChannel, /*pending=*/true);
}

void MainWindow::updateColorBar()
{
    const auto tensor = m_view->tensor();
    const auto summary = m_view->summary();
    if (!tensor || !summary || !tensorGeometry(*tensor).valid) {
        m_viewBar->showRange(std::nullopt, 0);
        return;
    }
    const int channel = std::max(0, m_view->soloChannel() >= 0 ? m_view->soloChannel() : m_selectedChannel);
    const int shown = std::min<int>(channel, static_cast<int>(tensorGeometry(*tensor).channels) - 1);
    m_viewBar->showRange(summary->displayRange(shown, renderOptions()), channel);
}

void MainWindow::addLayer(const QString& className)
{
    m_model->insertNewLayer(m_current + 1, className.toStdString());
}

void MainWindow::deleteLayer()
{
    const int index = m_current;
    if (m_model->removeLayer(index))
        selectLayer(std::min(index, m_document->layerCount() - 1));
}

void MainWindow::duplicateLayer()
{
    m_model->duplicateLayer(m_current);
}

void MainWindow::moveLayer(int delta)
{
    m_model->moveLayer(m_current, m_current + delta);
}

void MainWindow::renameLayer()
{
    if (m_current < 0)
        return;
    m_layerView->edit(m_model->index(LayerStackModel::rowOf(m_current)));
}

void MainWindow::openInitial(const QString& inputPath, const QString& pipelinePath)
{
    m_files->openInitial(inputPath, pipelinePath, m_options.offerRestore);
}

bool MainWindow::openPipelineFile(const QString& path)
{
    return m_files->openPipelineFile(path);
}

void MainWindow::openModelFile(const QString& path)
{
    m_files->openModelFile(path);
}

QList<GraphWindow*> MainWindow::graphWindows() const
{
    QList<GraphWindow*> windows;
    for (const QPointer<GraphWindow>& window : m_graphWindows)
        if (window)
            windows.append(window);
    return windows;
}

void MainWindow::openInputFile(const QString& path)
{
    m_files->openInputFile(path);
}

bool MainWindow::savePipelineTo(const QString& path)
{
    return m_files->savePipelineTo(path);
}

bool MainWindow::loadExample(const QString& resourcePath)
{
    return m_files->loadExample(resourcePath);
}

void MainWindow::copyView()
{
    QApplication::clipboard()->setImage(m_view->grabView());
    statusBar()->showMessage(tr("View copied to the clipboard"), 3000);
}

QString MainWindow::autosavePath() const
{
    return Autosave::path();
}

void MainWindow::readSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        fitToScreen(this, QSize(1560, 960));
    restoreState(settings.value("window/state").toByteArray());
    RenderOptions o;
    o.colormap = static_cast<Colormap>(settings.value("view/colormap", 0).toInt());
    o.normalization = static_cast<Normalization>(settings.value("view/normalization", 0).toInt());
    o.fixedMin = settings.value("view/fixedMin", 0.0).toFloat();
    o.fixedMax = settings.value("view/fixedMax", 255.0).toFloat();
    setRenderOptions(o);
    action("showNumbers")->setChecked(settings.value("view/showNumbers", true).toBool());
    const qlonglong budget = settings.value("run/memoryBudgetBytes", 0).toLongLong();
    if (budget > 0)
        m_runner->setMemoryBudgetBytes(budget);
}

void MainWindow::writeSettings()
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    const RenderOptions o = renderOptions();
    settings.setValue("view/colormap", static_cast<int>(o.colormap));
    settings.setValue("view/normalization", static_cast<int>(o.normalization));
    settings.setValue("view/fixedMin", o.fixedMin);
    settings.setValue("view/fixedMax", o.fixedMax);
    settings.setValue("view/showNumbers", action("showNumbers")->isChecked());
}

void MainWindow::cancelComputation()
{
    if (!m_runner->isBusy())
        return;
    const int layer = m_runner->computingLayer();
    m_runner->cancel();
    const QString where = layer >= 0 && layer < m_document->layerCount()
        ? tr(" at layer %1 (%2)").arg(layer + 1).arg(QString::fromStdString(m_document->layer(layer).name()))
        : QString();
    statusBar()->showMessage(tr("Computation cancelled%1. Press F5 to compute again.").arg(where), 10000);
    updateView();
}

void MainWindow::setMemoryBudgetBytes(int64_t bytes)
{
    m_runner->setMemoryBudgetBytes(bytes);
    if (m_options.useSettings)
        QSettings().setValue("run/memoryBudgetBytes", QVariant::fromValue<qlonglong>(bytes));
    m_runner->schedule();
}

void MainWindow::editMemoryBudget()
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    bool ok = false;
    const double value = QInputDialog::getDouble(
        this, tr("Memory budget"),
        tr("The most memory one layer may allocate, in GiB (default %1, half of RAM).\n"
           "A layer that would need more stops with an error naming its shape and bytes.")
            .arg(defaultMemoryBudget() / gib, 0, 'f', 1),
        m_runner->memoryBudgetBytes() / gib, 0.01, 1024.0, 2, &ok);
    if (ok)
        setMemoryBudgetBytes(static_cast<int64_t>(value * gib));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_files->maybeSave()) {
        event->ignore();
        return;
    }
    if (m_options.useSettings)
        writeSettings();
    if (m_options.autosave)
        m_autosave->remove();
    m_runner->cancel();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls())
        if (const QString path = url.toLocalFile(); !path.isEmpty())
            m_files->openAny(path);
    event->acceptProposedAction();
}

} // namespace layerscope::gui
