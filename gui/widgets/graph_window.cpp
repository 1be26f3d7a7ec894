#include "graph_window.h"

#include "document/document.h"
#include "engine/graph_difference.h"
#include "engine/graph_runner.h"
#include "widgets/feature_map_view.h"
#include "engine/exporter.h"
#include "widgets/export_controller.h"
#include "widgets/graph_edit_controller.h"
#include "widgets/graph_view.h"
#include "widgets/layer_field_form.h"
#include "widgets/progress_value.h"
#include "widgets/step_bar.h"
#include "widgets/inspector_panel.h"
#include "widgets/statistics_panel.h"

#include "core/codegen/graph_code.h"
#include "core/graph/graph_receptive_field.h"
#include "core/io/atomic_file.h"
#include "core/layer_registry.h"
#include "core/graph/model_file.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QGraphicsScene>
#include <QPainter>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QUndoStack>
#include <QComboBox>
#include <QGroupBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSettings>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace layerscope::gui {

namespace {

QString html(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}

QString shapeString(const Shape& shape)
{
    return QString::fromStdString(shapeToString(shape));
}

} // namespace

GraphWindow::GraphWindow(std::shared_ptr<const ModelGraph> graph, const QString& path, Document* document,
                         QWidget* parent, bool useSettings)
    : QMainWindow(parent), m_graph(std::move(graph)), m_path(path), m_document(document),
      m_runner(new GraphRunner(m_graph, this)), m_useSettings(useSettings)
{
    setAttribute(Qt::WA_DeleteOnClose);
    m_difference = new GraphDifference(m_graph, this);
    connect(m_difference, &GraphDifference::ready, this,
            [this](const QString& node, std::shared_ptr<const Tensor> difference, const QString& summary) {
                if (node != m_diffNode)
                    return;
                m_diffTensor = std::move(difference);
                m_diffSummary = summary;
                m_why->setPlainText(summary);
                showDetails(m_view->selectedNode());
            });
    buildUi();
    m_editor = new GraphEditController(this);
    // Node n is numbered as the CLI numbers its files (NN = n: exportAllLayers writes index + 1).
    m_exports = new ExportController(
        this,
        ExportSource{[this](int node) {
                         if (node < 0 || node >= static_cast<int>(m_graph->nodes.size()))
                             return std::shared_ptr<const Tensor>();
                         return m_graph->layerOf(static_cast<size_t>(node)).isInput() ? m_runner->fittedInput()
                                                                                      : m_runner->output(static_cast<size_t>(node));
                     },
                     [this](int node) {
                         return node < 0 || node >= static_cast<int>(m_graph->nodes.size())
                                    ? QStringLiteral("node")
                                    : QString::fromStdString(m_graph->nodeName(static_cast<size_t>(node))).replace(QLatin1Char('#'), QLatin1Char('_'));
                     },
                     [this] {
                         std::vector<NamedOutput> all;
                         for (size_t n = 0; n < m_graph->nodes.size(); ++n) {
                             auto tensor = m_graph->layerOf(n).isInput() ? m_runner->fittedInput() : m_runner->output(n);
                             if (tensor)
                                 all.push_back({static_cast<int>(n) - 1,
                                                QString::fromStdString(m_graph->nodeName(n)).replace(QLatin1Char('#'), QLatin1Char('_')),
                                                std::move(tensor)});
                         }
                         return all;
                     }},
        RememberedFolders(m_useSettings));
    buildMenus();
    updateTitle();
    connect(m_editor->undoStack(), &QUndoStack::cleanChanged, this, &GraphWindow::updateTitle);
    connect(m_runner, &GraphRunner::shapesReady, this, &GraphWindow::onShapes);
    connect(m_runner, &GraphRunner::nodeDone, this, &GraphWindow::onNodeDone);
    connect(m_runner, &GraphRunner::finished, this, &GraphWindow::onFinished);
    connect(m_runner, &GraphRunner::progressChanged, this,
            [this](double fraction) { setProgressValueLater(m_progress, static_cast<int>(fraction * 1000)); });
    connect(m_runner, &GraphRunner::busyChanged, this, [this](bool busy) { m_progress->setVisible(busy); });
    connect(m_document, &Document::inputChanged, this, &GraphWindow::rerun);
    connect(m_view, &GraphView::layoutReady, this, [this] {
        const bool afterEdit = m_keepView;
        m_keepView = false;
        if (!afterEdit)
            m_view->showTop();
        if (!m_view->layoutError().isEmpty())
            statusBar()->showMessage(tr("The graph could not be laid out: %1").arg(m_view->layoutError()));
        if (!m_pendingSelect.isEmpty()) {
            const std::vector<int> named = m_view->findNodes(m_pendingSelect);
            // The exact node name first (find matches parts of names).
            int exact = -1;
            for (int n : named)
                if (QString::fromStdString(m_graph->nodeName(static_cast<size_t>(n))) == m_pendingSelect)
                    exact = n;
            if (exact >= 0 || !named.empty())
                m_view->selectNode(exact >= 0 ? exact : named.front());
            m_pendingSelect.clear();
        }
        // Start on the first model input, so the picture of what goes in is on screen at once.
        if (!m_graph->inputs.empty() && m_view->selectedNode() < 0)
            m_view->selectNode(static_cast<int>(m_graph->inputs.front()), /*ensureVisible=*/false);
    });
    m_view->setGraph(m_graph);
    rerun();
}

GraphWindow::~GraphWindow() = default;

void GraphWindow::buildUi()
{
    m_view = new GraphView(this);
    m_maps = new FeatureMapView(this);
    m_statistics = new StatisticsPanel(this);
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_details = new QLabel(this);
    m_details->setTextFormat(Qt::RichText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    // The side: what the node is (title, shape arithmetic, parameters: scrolls when long) above
    // what it computed (feature maps, the explanation of a value, statistics); a splitter
    // between them.
    auto* about = new QWidget(this);
    auto* aboutLayout = new QVBoxLayout(about);
    aboutLayout->setContentsMargins(6, 6, 6, 6);
    aboutLayout->addWidget(m_title);
    aboutLayout->addWidget(m_details);
    m_parameters = new QGroupBox(tr("Parameters"), this);
    m_parameters->setLayout(new QVBoxLayout);
    m_parameters->setVisible(false);
    aboutLayout->addWidget(m_parameters);
    aboutLayout->addStretch(1);
    auto* aboutScroll = new QScrollArea(this);
    aboutScroll->setWidget(about);
    aboutScroll->setWidgetResizable(true);
    aboutScroll->setFrameShape(QFrame::NoFrame);

    auto* computed = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(computed);
    sideLayout->setContentsMargins(6, 0, 6, 6);
    sideLayout->addWidget(m_maps, 1);
    // Step-through: the selected cell moved across the node's output in raster order, each one
    // explained (and its receptive field traced) as a click would.
    m_steps = new StepBar(this);
    sideLayout->addWidget(m_steps);
    connect(m_steps, &StepBar::indexChanged, this, [this](int64_t index) { showStep(index); });
    m_why = new QPlainTextEdit(this);
    m_why->setReadOnly(true);
    m_why->setMaximumHeight(120);
    m_why->setPlaceholderText(tr("Click a value in the feature maps to see how it was computed"));
    sideLayout->addWidget(m_why);
    sideLayout->addWidget(m_statistics);

    auto* side = new QSplitter(Qt::Vertical, this);
    side->addWidget(aboutScroll);
    side->addWidget(computed);
    side->setStretchFactor(0, 1);
    side->setStretchFactor(1, 3);
    side->setSizes({300, 520});

    m_intro = new QLabel(this);
    m_intro->setTextFormat(Qt::RichText);
    m_intro->setWordWrap(true);
    m_intro->setMargin(6);
    m_intro->setStyleSheet(QStringLiteral("QLabel { background: #fff8dc; border-bottom: 1px solid #d8cfa8; color: #202020; }"));
    m_intro->setVisible(false);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(0);
    leftLayout->addWidget(m_intro);
    leftLayout->addWidget(m_view, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({700, 580});
    setCentralWidget(splitter);

    QToolBar* bar = addToolBar(tr("Graph"));
    bar->setObjectName(QStringLiteral("graphToolBar"));
    QAction* fit = bar->addAction(tr("Fit"), m_view, &GraphView::fitAll);
    fit->setShortcut(QKeySequence(tr("Ctrl+0")));
    fit->setToolTip(tr("Fit the graph in the view (F, Ctrl+0)"));
    bar->addAction(tr("Zoom In"), m_view, &GraphView::zoomIn)->setShortcut(QKeySequence::ZoomIn);
    bar->addAction(tr("Zoom Out"), m_view, &GraphView::zoomOut)->setShortcut(QKeySequence::ZoomOut);
    bar->addSeparator();
    m_find = new QLineEdit(this);
    m_find->setPlaceholderText(tr("Find layer (Ctrl+F)"));
    m_find->setClearButtonEnabled(true);
    m_find->setMaximumWidth(220);
    bar->addWidget(m_find);
    connect(m_find, &QLineEdit::returnPressed, this, &GraphWindow::findNext);
    auto* findAction = new QAction(this);
    findAction->setShortcut(QKeySequence::Find);
    connect(findAction, &QAction::triggered, this, [this] {
        m_find->setFocus();
        m_find->selectAll();
    });
    addAction(findAction);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Input: "), this));
    m_fit = new QComboBox(this);
    const DeclaredImageInput declared = declaredImageInput(*m_graph);
    const QString target = declared.height && declared.width
                               ? tr("%1×%2").arg(*declared.width).arg(*declared.height)
                               : tr("the model's size");
    m_fit->addItem(tr("Resize to %1").arg(target), static_cast<int>(InputFit::Resize));
    m_fit->addItem(tr("Crop to aspect, resize to %1").arg(target), static_cast<int>(InputFit::CropAndResize));
    m_fit->addItem(tr("Keep the image as it is"), static_cast<int>(InputFit::Keep));
    m_fit->setToolTip(tr("How the loaded image is prepared for the model's declared input, as Keras "
                         "preprocessing would (tf.image.resize bilinear)"));
    if (m_useSettings)
        m_fit->setCurrentIndex(std::clamp(QSettings().value(QStringLiteral("graph/inputFit"), 0).toInt(), 0, 2));
    bar->addWidget(m_fit);
    bar->addSeparator();
    m_compare = bar->addAction(tr("Difference From Opened"));
    m_compare->setCheckable(true);
    m_compare->setShortcut(QKeySequence(tr("Ctrl+D")));
    m_compare->setToolTip(tr("Show the selected node's output minus its output in the model as it was opened, on "
                             "the same image (Ctrl+D): what your edits changed"));
    connect(m_compare, &QAction::toggled, this, [this] {
        m_diffNode.clear();
        m_diffTensor.reset();
        showDetails(m_view->selectedNode());
    });
    connect(m_fit, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_useSettings)
            QSettings().setValue(QStringLiteral("graph/inputFit"), index);
        rerun();
    });

    m_runStatus = new QLabel(this);
    statusBar()->addWidget(m_runStatus, 1);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(160);
    m_progress->setVisible(false);
    statusBar()->addPermanentWidget(m_progress);

    connect(m_view, &GraphView::nodeSelected, this, &GraphWindow::showDetails);
    connect(m_maps, &FeatureMapView::summaryChanged, this,
            [this] { m_statistics->setSummary(m_maps->summary(), 0, m_maps->soloChannel(), m_maps->tensor() != nullptr); });
    connect(m_maps, &FeatureMapView::soloChannelChanged, this,
            [this](int channel) { m_statistics->setSummary(m_maps->summary(), 0, channel, m_maps->tensor() != nullptr); });
    connect(m_maps, &FeatureMapView::cellSelected, this, &GraphWindow::explainCell);
    connect(m_maps, &FeatureMapView::cellSelected, this, [this](int, int y, int x) {
        if (const auto t = m_maps->tensor(); t && t->rank() == 4)
            m_steps->showIndex(static_cast<int64_t>(y) * t->dim(2) + x);
    });
    connect(m_maps, &FeatureMapView::hovered, this, [this](const QString& text) { statusBar()->showMessage(text, 3000); });
    resize(1280, 820);
}

int GraphWindow::selectedNode() const
{
    return m_view->selectedNode();
}

void GraphWindow::showGraph(std::shared_ptr<const ModelGraph> graph, const QString& select)
{
    m_graph = std::move(graph);
    m_pendingSelect = select;
    m_keepView = true;
    m_finished = false;
    m_explanation.reset();
    m_why->clear();
    m_fieldRegions.clear();
    m_view->setGraph(m_graph);
    if (m_view->isLaidOut()) {
        // Drawn as before: no layout follows, so select now.
        m_keepView = false;
        m_pendingSelect.clear();
        for (size_t n = 0; n < m_graph->nodes.size(); ++n)
            if (QString::fromStdString(m_graph->nodeName(n)) == select && m_view->selectedNode() != static_cast<int>(n))
                m_view->selectNode(static_cast<int>(n));
    }
    const auto fit = static_cast<InputFit>(m_fit->currentData().toInt());
    m_runner->setGraph(m_graph, m_document->input(), fit);
    // What the edit kept is shown at once; the rest is computing.
    for (size_t n = 0; n < m_graph->nodes.size(); ++n) {
        const auto kept = m_runner->output(n);
        m_view->setNodeState(static_cast<int>(n), kept ? GraphNodeState::Ok : GraphNodeState::Pending,
                             kept ? shapeString(kept->shape()) : tr("computing…"), kept);
    }
    updateTitle();
    updateStatus();
    m_editor->updateActions();
}

void GraphWindow::updateTitle()
{
    const bool edited = m_editor && !m_editor->undoStack()->isClean();
    setWindowModified(edited);
    setWindowTitle(tr("%1[*] — %2 nodes — LayerScope").arg(QFileInfo(m_path).fileName()).arg(m_graph->nodes.size()));
}

void GraphWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* save = file->addAction(tr("Save Model &As…"), m_editor, &GraphEditController::saveAs);
    save->setShortcut(QKeySequence(tr("Ctrl+Shift+S")));
    // Exports: the selected node's output as the stack exports a layer's, every node, the graph
    // as a picture, and the model as a Keras script. Rendering and writing are a worker's.
    QMenu* exports = file->addMenu(tr("&Export"));
    const std::pair<ExportKind, QString> kinds[] = {
        {ExportKind::ContactSheet, tr("Selected Node as &Contact Sheet…")},
        {ExportKind::ChannelPngs, tr("Selected Node's C&hannels into Folder…")},
        {ExportKind::Composite, tr("Selected Node as &RGB Composite…")},
        {ExportKind::Npy, tr("Selected Node as .&npy…")},
        {ExportKind::AllLayers, tr("&Every Node into Folder…")}};
    for (const auto& [kind, text] : kinds) {
        QAction* action = exports->addAction(text, this, [this, kind = kind] {
            m_exports->exportWithDialog(kind, m_view->selectedNode(), m_maps->options());
        });
        if (kind == ExportKind::ContactSheet)
            action->setShortcut(QKeySequence(tr("Ctrl+E")));
    }
    exports->addSeparator();
    exports->addAction(tr("&Graph as Picture…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Graph as Picture"),
                                                          QFileInfo(m_path).completeBaseName() + QStringLiteral("_graph.png"),
                                                          tr("PNG (*.png)"));
        if (!path.isEmpty())
            exportGraphPicture(path);
    });
    exports->addAction(tr("&Keras Code…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Keras Code"),
                                                          QFileInfo(m_path).completeBaseName() + QStringLiteral(".py"),
                                                          tr("Python (*.py)"));
        if (!path.isEmpty())
            exportKerasCode(path);
    });
    connect(m_exports, &ExportController::exported, this, [this](const QString& message) { statusBar()->showMessage(message, 6000); });
    connect(m_exports, &ExportController::failed, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("Export failed"), message);
    });
    file->addSeparator();
    file->addAction(tr("&Close"), this, &QWidget::close)->setShortcut(QKeySequence::Close);
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_editor->fillEditMenu(edit);
    connect(m_view, &GraphView::nodeSelected, m_editor, &GraphEditController::updateActions);
    connect(m_view, &GraphView::nodeMenuRequested, this, [this](int node, QPoint where) {
        QMenu menu(this);
        m_editor->fillNodeMenu(&menu, node);
        menu.exec(where);
    });
}

void GraphWindow::showStep(int64_t index)
{
    const std::shared_ptr<const Tensor> output = m_maps->tensor();
    if (!output || output->rank() != 4 || output->dim(2) <= 0)
        return;
    const int y = static_cast<int>(index / output->dim(2));
    const int x = static_cast<int>(index % output->dim(2));
    int channel = m_maps->selectedChannel();
    if (channel < 0)
        channel = std::max(0, m_maps->soloChannel());
    m_maps->setSelectedCell(channel, y, x);
    explainCell(channel, y, x);
    m_steps->setText(tr("Cell %1 of %2: row %3, column %4, channel %5")
                         .arg(index + 1)
                         .arg(m_steps->count())
                         .arg(y)
                         .arg(x)
                         .arg(channel));
}

bool GraphWindow::exportGraphPicture(const QString& path)
{
    // The drawn scene, at twice its size so the node text stays readable in slides.
    QGraphicsScene* scene = m_view->scene();
    const QRectF area = scene->sceneRect();
    QImage image((area.size() * 2).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        scene->render(&painter, QRectF(QPointF(0, 0), area.size() * 2), area);
    }
    if (!image.save(path, "PNG")) {
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    statusBar()->showMessage(tr("Wrote %1").arg(QDir::toNativeSeparators(path)), 6000);
    return true;
}

bool GraphWindow::exportKerasCode(const QString& path)
{
    try {
        GraphKerasCodeOptions options;
        writeTextAtomically(path.toStdString(), generateGraphKerasCode(*m_graph, options));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(e.what()));
        return false;
    }
    statusBar()->showMessage(tr("Wrote %1").arg(QDir::toNativeSeparators(path)), 6000);
    return true;
}

void GraphWindow::closeEvent(QCloseEvent* event)
{
    // Never lose an edited model without asking.
    if (m_editor && !m_editor->undoStack()->isClean()) {
        const auto answer = QMessageBox::question(
            this, tr("Save the edited model?"),
            tr("%1 has edits that are not saved.").arg(QFileInfo(m_path).fileName()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save) {
            m_editor->saveAs();
            if (!m_editor->undoStack()->isClean()) {
                event->ignore();
                return;
            }
        }
    }
    QMainWindow::closeEvent(event);
}

void GraphWindow::rerun()
{
    m_finished = false;
    m_fieldRegions.clear();
    const auto fit = static_cast<InputFit>(m_fit->currentData().toInt());
    m_runner->run(m_document->input(), fit);
    for (size_t n = 0; n < m_graph->nodes.size(); ++n)
        m_view->setNodeState(static_cast<int>(n), GraphNodeState::Pending, tr("computing…"));
    updateStatus();
}

void GraphWindow::findNext()
{
    const std::vector<int> found = m_view->findNodes(m_find->text());
    if (found.empty()) {
        statusBar()->showMessage(tr("No layer named like '%1'").arg(m_find->text()), 4000);
        return;
    }
    // The next match after the selection, wrapping around.
    int next = found.front();
    for (int n : found)
        if (n > m_view->selectedNode()) {
            next = n;
            break;
        }
    m_view->selectNode(next);
    statusBar()->showMessage(tr("%1 of %2 matches").arg(std::find(found.begin(), found.end(), next) - found.begin() + 1).arg(found.size()), 4000);
}

void GraphWindow::selectNode(int node)
{
    m_view->selectNode(node);
}

void GraphWindow::showParameters(int node)
{
    const bool editable = node >= 0 && node < static_cast<int>(m_graph->nodes.size())
                          && m_graph->layerOf(static_cast<size_t>(node)).layer != nullptr;
    // A layer without parameters (Multiply, Add, ReLU without options) shows no empty box.
    const LayerFactory* factory = editable ? findLayerFactory(m_graph->layerOf(static_cast<size_t>(node)).className) : nullptr;
    if (!factory || factory->fields.empty()) {
        m_parameters->setVisible(false);
        return;
    }
    if (!editable) {
        m_parameters->setVisible(false);
        return;
    }
    const GraphLayer& layer = m_graph->layerOf(static_cast<size_t>(node));
    // The same layer keeps its editors (a spin box being dragged keeps its focus); another one
    // gets its class's.
    if (!m_parameterForm || m_parametersFor != QString::fromStdString(layer.name) || m_parameterForm->property("className").toString() != QString::fromStdString(layer.className)) {
        delete m_parameterForm;
        m_parameterForm = new LayerFieldForm(layer.className, m_parameters);
        m_parameterForm->setProperty("className", QString::fromStdString(layer.className));
        m_parameters->layout()->addWidget(m_parameterForm);
        m_parametersFor = QString::fromStdString(layer.name);
        connect(m_parameterForm, &LayerFieldForm::edited, this, [this](const std::string& key, const nlohmann::json& value) {
            m_editor->changeParameter(m_view->selectedNode(), key, value);
        });
    }
    m_parameterForm->setValues(layer.layer->config());
    m_parameters->setTitle(m_graph->nodesOfLayer(m_graph->nodes[static_cast<size_t>(node)].layer).size() > 1
                               ? tr("Parameters (a shared layer: every call changes)")
                               : tr("Parameters"));
    m_parameters->setVisible(true);
}

QString GraphWindow::nodeDetail(size_t node, const QString& text) const
{
    return m_graph->nodes[node].bypassed ? tr("bypassed · %1").arg(text) : text;
}

QString GraphWindow::shapeText(size_t node) const
{
    const GraphShapes& shapes = m_runner->shapes();
    if (node >= shapes.nodes.size() || !shapes.nodes[node].shape)
        return {};
    return shapeString(shapes.nodes[node].shape->output);
}

void GraphWindow::onShapes()
{
    const GraphShapes& shapes = m_runner->shapes();
    for (size_t n = 0; n < m_graph->nodes.size() && n < shapes.nodes.size(); ++n) {
        const NodeShape& s = shapes.nodes[n];
        const int i = static_cast<int>(n);
        const GraphLayer& layer = m_graph->layerOf(n);
        if (!layer.supported()) {
            m_view->setNodeState(i, GraphNodeState::Unsupported,
                                 tr("not run: %1").arg(QString::fromStdString(unsupportedLayerMessage(layer))));
        } else if (s.status == NodeStatus::Failed) {
            m_view->setNodeState(i, GraphNodeState::Failed, QString::fromStdString(s.error));
        } else if (s.status == NodeStatus::Blocked) {
            const QString by = s.blockedBy ? QString::fromStdString(m_graph->nodeName(*s.blockedBy)) : tr("its input");
            m_view->setNodeState(i, GraphNodeState::NotComputed, tr("not computed: %1 does not run").arg(by));
        } else if (s.shape) {
            const bool isInput = layer.isInput();
            const auto out = isInput && !m_runner->output(n) ? m_runner->fittedInput() : m_runner->output(n);
            m_view->setNodeState(i, out ? GraphNodeState::Ok : GraphNodeState::Pending, nodeDetail(n, shapeString(s.shape->output)), out);
        }
    }
    updateStatus();
    showDetails(m_view->selectedNode());
}

void GraphWindow::onNodeDone(int node)
{
    const size_t n = static_cast<size_t>(node);
    const double ms = m_runner->milliseconds(n);
    m_view->setNodeState(node, GraphNodeState::Ok,
                         nodeDetail(n, shapeText(n) + (ms > 0 ? tr(" · %1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : 0) : QString())),
                         m_runner->output(n));
    if (node == m_view->selectedNode())
        showDetails(node);
    updateStatus();
}

void GraphWindow::onFinished(double milliseconds)
{
    m_finished = true;
    m_lastRunMs = milliseconds;
    // Nodes the run could not compute: their own error, or what stopped them.
    for (size_t n = 0; n < m_graph->nodes.size(); ++n) {
        const QString error = m_runner->error(n);
        const int i = static_cast<int>(n);
        if (m_runner->output(n)) {
            if (m_view->nodeState(i) != GraphNodeState::Ok)
                m_view->setNodeState(i, GraphNodeState::Ok, nodeDetail(n, shapeText(n)), m_runner->output(n));
            continue;
        }
        if (m_view->nodeState(i) == GraphNodeState::Unsupported)
            continue;
        if (error.startsWith(QStringLiteral("not computed")) || error.isEmpty())
            m_view->setNodeState(i, GraphNodeState::NotComputed, error.isEmpty() ? tr("not computed") : error);
        else
            m_view->setNodeState(i, GraphNodeState::Failed, error);
    }
    updateStatus();
    showDetails(m_view->selectedNode());
}

void GraphWindow::updateStatus()
{
    int unsupported = 0;
    for (const GraphLayer& layer : m_graph->layers)
        unsupported += !layer.supported();
    QStringList parts;
    const QString input = m_runner->inputDescription();
    if (m_runner->isBusy())
        parts << tr("Running: %1 of %2 nodes").arg(m_runner->computedCount()).arg(m_graph->nodes.size());
    else if (m_finished)
        parts << tr("%1 of %2 nodes computed in %3 ms")
                     .arg(m_runner->computedCount())
                     .arg(m_graph->nodes.size())
                     .arg(m_lastRunMs, 0, 'f', 0);
    if (unsupported)
        parts << tr("%n layer(s) LayerScope does not run (drawn dashed)", nullptr, unsupported);
    parts << (input.isEmpty() ? tr("input used as it is") : tr("input %1").arg(input));
    m_runStatus->setText(parts.join(QStringLiteral(" · ")));
}

void GraphWindow::showDetails(int node)
{
    if (node < 0 || node >= static_cast<int>(m_graph->nodes.size())) {
        m_title->setText(tr("<i>Select a node</i>"));
        m_details->clear();
        m_maps->setTensor(nullptr);
        return;
    }
    const size_t n = static_cast<size_t>(node);
    const GraphNode& graphNode = m_graph->nodes[n];
    const GraphLayer& layer = m_graph->layerOf(n);
    m_title->setText(QStringLiteral("<b>%1</b> '%2'").arg(html(layer.className), html(m_graph->nodeName(n))));
    QStringList lines;
    if (!graphNode.inputs.empty()) {
        QStringList inputs;
        for (size_t input : graphNode.inputs)
            inputs << html(m_graph->nodeName(input));
        lines << tr("Inputs: %1").arg(inputs.join(QStringLiteral(", ")));
    }
    const GraphShapes& shapes = m_runner->shapes();
    if (n < shapes.nodes.size()) {
        const NodeShape& s = shapes.nodes[n];
        if (s.shape) {
            lines << tr("Output: <b>%1</b>").arg(shapeString(s.shape->output));
            for (const AxisExplanation& axis : s.shape->axes)
                if (!axis.arithmetic.empty())
                    lines << QStringLiteral("&nbsp;&nbsp;%1: %2").arg(html(axis.axis), html(axis.arithmetic));
        }
    }
    if (layer.isInput()) {
        const QString fitted = m_runner->inputDescription();
        lines << (fitted.isEmpty() ? tr("The image as loaded") : tr("The image %1").arg(fitted.toHtmlEscaped()));
    }
    if (!layer.supported()) {
        lines << QStringLiteral("<span style='color:#a01010'>%1</span>")
                     .arg(tr("Not run: %1").arg(html(unsupportedLayerMessage(layer))));
        if (layer.unsupported) {
            std::string config = layer.unsupported->object.value("config", nlohmann::json::object()).dump(1);
            if (config.size() > 1500)
                config = config.substr(0, 1500) + " …";
            lines << QStringLiteral("<pre style='font-size:small'>%1</pre>").arg(html(config));
        }
    }
    const QString error = m_runner->error(n);
    if (layer.supported() && !error.isEmpty())
        lines << QStringLiteral("<span style='color:#a01010'>%1</span>").arg(error.toHtmlEscaped());
    const double ms = m_runner->milliseconds(n);
    if (graphNode.bypassed)
        lines << tr("<b>Bypassed</b>: its input passes through unchanged (Edit ▸ Bypass, Ctrl+B, runs it again)");
    else if (ms >= 0)
        lines << tr("Computed in %1 ms").arg(ms, 0, 'f', 2);
    m_details->setText(lines.join(QStringLiteral("<br>")));
    showParameters(node);
    const std::shared_ptr<const Tensor> output = layer.isInput() ? m_runner->fittedInput() : m_runner->output(n);
    if (output && m_compare->isChecked()) {
        // The difference from the opened model, computed on a worker; shown when it arrives.
        const QString name = QString::fromStdString(m_graph->nodeName(n));
        if (m_diffNode != name || m_diffCurrent != output) {
            m_diffNode = name;
            m_diffCurrent = output;
            m_diffTensor.reset();
            m_diffSummary.clear();
            m_difference->request(name, output, m_runner->fittedInput());
        }
        if (m_diffTensor && m_maps->tensor() != m_diffTensor) {
            RenderOptions diverging;
            diverging.colormap = Colormap::Diverging;
            m_maps->setOptions(diverging);
            m_maps->setTensor(m_diffTensor, name + tr(" (now − opened)"));
        } else if (!m_diffTensor) {
            m_maps->setTensor(nullptr);
            m_maps->setMessage(m_diffSummary.isEmpty() ? tr("Comparing with the opened model…") : m_diffSummary);
        }
        m_steps->setCount(0);
        m_steps->setText(tr("Stepping through is on the node's own output (Ctrl+D leaves the difference)"));
        m_stepsNode = -1;
    } else if (output) {
        if (m_maps->tensor() != output) {
            m_maps->setOptions(RenderOptions{});
            m_maps->setTensor(output, QString::fromStdString(m_graph->nodeName(n)));
            m_explanation.reset();
            m_why->clear();
        }
        // A value clicked downstream: the cells of this output it depends on, outlined here too.
        QList<CellOverlay> overlays;
        if (n < m_fieldRegions.size() && m_fieldRegions[n] && QString::fromStdString(m_graph->nodeName(n)) != m_fieldFrom) {
            const QRect cells = *m_fieldRegions[n];
            overlays.append(CellOverlay{cells, QColor(0xff, 0x8c, 0x00), -1, false, true});
            auto span = [this](const char* one, const char* many, int first, int last) {
                return first == last ? tr(one).arg(first) : tr(many).arg(first).arg(last);
            };
            if (!m_explanation)
                m_why->setPlainText(tr("The value clicked in %1 depends on %2, %3 of this output (outlined; %4×%5 cells)")
                                        .arg(m_fieldFrom, span("row %1", "rows %1–%2", cells.top(), cells.bottom()),
                                             span("column %1", "columns %1–%2", cells.left(), cells.right()))
                                        .arg(cells.height())
                                        .arg(cells.width()));
        }
        m_maps->setOverlays(overlays);
        // The steps of this output (kept while the same node's output keeps its shape).
        const Shape stepShape = output->rank() == 4 ? output->shape() : Shape{};
        if (m_stepsNode != node || m_stepsShape != stepShape) {
            m_stepsNode = node;
            m_stepsShape = stepShape;
            m_steps->setCount(stepShape.empty() ? 0 : stepShape[1] * stepShape[2]);
            m_steps->setText(stepShape.empty() ? tr("No rows and columns to step through")
                                               : tr("Step through the %1×%2 cells of this output").arg(stepShape[1]).arg(stepShape[2]));
        }
    } else {
        m_stepsNode = -1;
        m_steps->setCount(0);
        m_maps->setTensor(nullptr);
        m_maps->setMessage(layer.supported() ? (m_runner->isBusy() ? tr("Computing…") : tr("Not computed"))
                                             : tr("Not run"));
    }
    m_statistics->setSummary(m_maps->summary(), 0, m_maps->soloChannel(), output != nullptr);
}

void GraphWindow::setIntro(const QString& title, const QString& description, const QString& selectNode)
{
    setWindowTitle(tr("%1 — LayerScope").arg(title));
    // Paragraphs of the description (a lesson's text follows its summary) stay paragraphs.
    QString body = description.toHtmlEscaped();
    body.replace(QStringLiteral("\n\n"), QStringLiteral("<p>"));
    m_intro->setText(QStringLiteral("<b>%1</b><br>%2").arg(title.toHtmlEscaped(), body));
    m_intro->setVisible(true);
    if (selectNode.isEmpty())
        return;
    if (m_view->isLaidOut()) {
        const std::vector<int> named = m_view->findNodes(selectNode);
        if (!named.empty())
            m_view->selectNode(named.front());
    } else {
        m_pendingSelect = selectNode;
    }
}

QString GraphWindow::introText() const
{
    return m_intro->isVisible() ? m_intro->text() : QString();
}

void GraphWindow::explainCell(int channel, int y, int x)
{
    m_explanation.reset();
    m_why->clear();
    const int node = m_view->selectedNode();
    if (node < 0 || channel < 0)
        return;
    const size_t n = static_cast<size_t>(node);
    const GraphLayer& layer = m_graph->layerOf(n);
    const std::shared_ptr<const Tensor> output = m_runner->output(n);
    if (!layer.layer || !output) {
        if (layer.isInput() && m_runner->fittedInput())
            m_why->setPlainText(tr("An input value: %1").arg(static_cast<double>(m_runner->fittedInput()->at(0, y, x, channel))));
        return;
    }
    std::vector<std::shared_ptr<const Tensor>> held;
    std::vector<const Tensor*> inputs;
    for (size_t input : m_graph->nodes[n].inputs) {
        std::shared_ptr<const Tensor> t = m_graph->layerOf(input).isInput() ? m_runner->fittedInput() : m_runner->output(input);
        if (!t)
            return;
        inputs.push_back(t.get());
        held.push_back(std::move(t));
    }
    // One cell: O(its window), as the stack's Inspector explains on the UI thread.
    try {
        const DataFormat format = layer.layer->dataFormat().value_or(DataFormat::ChannelsLast);
        const CellIndex cell = viewToCell(output->shape(), format, 0, channel, y, x);
        m_explanation = layer.layer->explainOutputCellInputs(inputs, output->shape(), cell);
        m_why->setPlainText(explanationText());
        showReceptiveField(n, channel, y, x);
    } catch (const std::exception& e) {
        m_why->setPlainText(tr("No explanation for this cell: %1").arg(QString::fromStdString(e.what())));
    }
}

void GraphWindow::showReceptiveField(size_t node, int channel, int y, int x)
{
    m_fieldText.clear();
    const std::shared_ptr<const Tensor> output = m_runner->output(node);
    if (!output || output->rank() != 4) {
        m_view->setReceptiveField({});
        return;
    }
    // The selected cell as a box over the output's storage axes (what the view shows as b, y, x, c).
    std::vector<Interval> cell{{0, 0}, {y, y}, {x, x}, {channel, channel}};
    try {
        const GraphReceptiveField field = graphReceptiveField(*m_graph, m_runner->shapes(), node, cell, cell);
        std::vector<std::optional<QRect>> regions(m_graph->nodes.size());
        for (size_t n = 0; n < field.nodes.size() && n < regions.size(); ++n) {
            const std::optional<TensorRegion>& region = field.nodes[n];
            if (!region || !region->spatial() || region->format != DataFormat::ChannelsLast)
                continue;
            const Interval rows = region->rows(), cols = region->cols();
            regions[n] = QRect(static_cast<int>(cols.first), static_cast<int>(rows.first), static_cast<int>(cols.size()),
                               static_cast<int>(rows.size()));
        }
        m_view->setReceptiveField(regions);
        m_fieldRegions = regions;
        m_fieldFrom = QString::fromStdString(m_graph->nodeName(node));
        if (!field.inputs.empty() && field.inputs.front() && field.inputs.front()->spatial()) {
            const TensorRegion& in = *field.inputs.front();
            m_fieldText = tr("Receptive field in the input: rows %1–%2, columns %3–%4 (%5×%6 pixels, every path)")
                              .arg(in.rows().first)
                              .arg(in.rows().last)
                              .arg(in.cols().first)
                              .arg(in.cols().last)
                              .arg(in.rows().size())
                              .arg(in.cols().size());
        }
    } catch (const std::exception&) {
        m_view->setReceptiveField({});
    }
    m_why->setPlainText(explanationText());
}

QString GraphWindow::explanationText() const
{
    if (!m_explanation)
        return m_why->toPlainText();
    QString text = QString::fromStdString(m_explanation->text());
    if (m_explanation->exact)
        text += tr("\n(evaluated in the kernel's order: equal to the computed value bit for bit)");
    if (!m_fieldText.isEmpty())
        text += QStringLiteral("\n") + m_fieldText;
    return text;
}

QString GraphWindow::detailText() const
{
    return m_title->text() + QStringLiteral("\n") + m_details->text();
}

bool GraphWindow::waitUntilRun(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        if (m_view->isLaidOut() && m_finished && !m_runner->isBusy())
            return true;
    }
    return false;
}

} // namespace layerscope::gui
