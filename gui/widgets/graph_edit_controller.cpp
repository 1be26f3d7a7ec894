#include "graph_edit_controller.h"

#include "commands/graph_edit_command.h"
#include "document/layer_json.h"
#include "engine/graph_runner.h"
#include "widgets/graph_window.h"

#include "core/graph/graph_edit.h"
#include "core/graph/graph_json.h"
#include "core/graph/keras_save.h"
#include "core/io/atomic_file.h"
#include "core/layer_registry.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace layerscope::gui {

namespace {

QString nodeLabel(const ModelGraph& graph, size_t node)
{
    return QStringLiteral("%1 (%2)").arg(QString::fromStdString(graph.nodeName(node)),
                                        QString::fromStdString(graph.layerOf(node).className));
}

} // namespace

GraphEditController::GraphEditController(GraphWindow* window)
    : QObject(window), m_window(window), m_undo(new QUndoStack(this))
{
}

void GraphEditController::fillEditMenu(QMenu* menu)
{
    QAction* undo = m_undo->createUndoAction(menu, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_undo->createRedoAction(menu, tr("&Redo"));
    redo->setShortcuts({QKeySequence::Redo, QKeySequence(tr("Ctrl+Shift+Z"))});
    menu->addAction(undo);
    menu->addAction(redo);
    menu->addSeparator();

    // Single-input layers, by category, for a branch; merge layers for a merge.
    m_branchMenu = menu->addMenu(tr("Add &Branch From Here"));
    m_mergeMenu = menu->addMenu(tr("&Merge Nodes With"));
    for (const std::string& category : layerCategories()) {
        QMenu* sub = nullptr;
        for (const LayerFactory& factory : layerFactories()) {
            if (factory.category != category)
                continue;
            const QString className = QString::fromStdString(factory.className);
            if (takesOneInput(factory)) {
                if (!sub)
                    sub = m_branchMenu->addMenu(QString::fromStdString(category));
                sub->addAction(className, this, [this, className] { addBranch(m_window->selectedNode(), className); });
            } else {
                m_mergeMenu->addAction(className + QStringLiteral("…"), this, [this, className] { pickMerge(className); });
            }
        }
    }
    m_reconnect = menu->addAction(tr("Re&connect Input…"), this, [this] { pickReconnection(m_window->selectedNode()); });
    m_bypass = menu->addAction(tr("B&ypass"), this, [this](bool on) { setBypassed(m_window->selectedNode(), on); });
    m_bypass->setCheckable(true);
    m_bypass->setShortcut(QKeySequence(tr("Ctrl+B")));
    m_bypass->setToolTip(tr("Pass the node's input through unchanged (Ctrl+B)"));
    m_delete = menu->addAction(tr("&Delete Node and Dangling Branch"), this, [this] { deleteNode(m_window->selectedNode()); });
    m_delete->setShortcut(QKeySequence::Delete);
    m_window->addAction(m_bypass);
    m_window->addAction(m_delete);
    updateActions();
}

void GraphEditController::fillNodeMenu(QMenu* menu, int node)
{
    if (m_branchMenu)
        menu->addMenu(m_branchMenu);
    if (m_mergeMenu)
        menu->addMenu(m_mergeMenu);
    menu->addSeparator();
    for (QAction* action : {m_reconnect, m_bypass, m_delete})
        if (action)
            menu->addAction(action);
    (void)node;
    updateActions();
}

void GraphEditController::updateActions()
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    const int node = m_window->selectedNode();
    const bool valid = node >= 0 && node < static_cast<int>(graph->nodes.size());
    const GraphNode* selected = valid ? &graph->nodes[static_cast<size_t>(node)] : nullptr;
    if (m_branchMenu)
        m_branchMenu->setEnabled(valid);
    if (m_mergeMenu)
        m_mergeMenu->setEnabled(valid);
    if (m_reconnect)
        m_reconnect->setEnabled(selected && !selected->inputs.empty());
    if (m_bypass) {
        m_bypass->setEnabled(selected && (selected->inputs.size() == 1 || selected->bypassed));
        m_bypass->setChecked(selected && selected->bypassed);
    }
    if (m_delete)
        m_delete->setEnabled(valid);
}

bool GraphEditController::refuse(const QString& message)
{
    m_lastError = message;
    m_window->statusBar()->showMessage(message, 8000);
    return false;
}

bool GraphEditController::push(std::shared_ptr<const ModelGraph> edited, const QString& select, const QString& text,
                               const QString& mergeKey)
{
    m_lastError.clear();
    const std::shared_ptr<const ModelGraph> before = m_window->graph();
    const int selected = m_window->selectedNode();
    const QString selectBefore = selected >= 0 && selected < static_cast<int>(before->nodes.size())
                                     ? QString::fromStdString(before->nodeName(static_cast<size_t>(selected)))
                                     : QString();
    GraphWindow* window = m_window;
    m_undo->push(new GraphEditCommand(
        [window](std::shared_ptr<const ModelGraph> graph, const QString& name) { window->showGraph(std::move(graph), name); },
        before, std::move(edited), selectBefore, select, text, mergeKey));
    m_window->statusBar()->showMessage(text, 6000);
    return true;
}

bool GraphEditController::addBranch(int from, const QString& className)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    const LayerFactory* factory = findLayerFactory(className.toStdString());
    if (!factory || from < 0 || from >= static_cast<int>(graph->nodes.size()))
        return refuse(tr("Select the node to branch from"));
    try {
        std::shared_ptr<const Layer> layer = factory->makeDefault(graph->uniqueLayerName(factory->nameStem));
        const QString name = QString::fromStdString(layer->name());
        auto edited = std::make_shared<const ModelGraph>(layerscope::addBranch(*graph, static_cast<size_t>(from), layer));
        return push(std::move(edited), name,
                    tr("Add %1 '%2' from %3").arg(className, name, QString::fromStdString(graph->nodeName(static_cast<size_t>(from)))));
    } catch (const std::exception& e) {
        return refuse(tr("Cannot add the branch: %1").arg(QString::fromStdString(e.what())));
    }
}

bool GraphEditController::addMerge(const std::vector<int>& inputs, const QString& className)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    const LayerFactory* factory = findLayerFactory(className.toStdString());
    if (!factory)
        return refuse(tr("No layer class %1").arg(className));
    std::vector<size_t> nodes;
    for (int n : inputs) {
        if (n < 0 || n >= static_cast<int>(graph->nodes.size()))
            return refuse(tr("Pick the nodes to merge"));
        nodes.push_back(static_cast<size_t>(n));
    }
    try {
        std::shared_ptr<const Layer> layer = factory->makeDefault(graph->uniqueLayerName(factory->nameStem));
        const QString name = QString::fromStdString(layer->name());
        auto edited = std::make_shared<const ModelGraph>(layerscope::addMerge(*graph, nodes, layer));
        return push(std::move(edited), name, tr("Merge %n node(s) with %1 '%2'", nullptr, static_cast<int>(nodes.size())).arg(className, name));
    } catch (const std::exception& e) {
        return refuse(tr("Cannot merge: %1").arg(QString::fromStdString(e.what())));
    }
}

bool GraphEditController::reconnect(int node, int slot, int source)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    if (node < 0 || source < 0 || slot < 0)
        return refuse(tr("Pick the input and the node it should read"));
    try {
        auto edited = std::make_shared<const ModelGraph>(
            reconnectInput(*graph, static_cast<size_t>(node), static_cast<size_t>(slot), static_cast<size_t>(source)));
        const QString name = QString::fromStdString(graph->nodeName(static_cast<size_t>(node)));
        return push(std::move(edited), name,
                    tr("Reconnect %1 to read %2").arg(name, QString::fromStdString(graph->nodeName(static_cast<size_t>(source)))));
    } catch (const std::exception& e) {
        return refuse(tr("Cannot reconnect: %1").arg(QString::fromStdString(e.what())));
    }
}

bool GraphEditController::deleteNode(int node)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    if (node < 0 || node >= static_cast<int>(graph->nodes.size()))
        return refuse(tr("Select the node to delete"));
    try {
        std::vector<std::string> removed;
        auto edited = std::make_shared<const ModelGraph>(deleteNodeAndDanglingBranch(*graph, static_cast<size_t>(node), &removed));
        QStringList names;
        for (const std::string& name : removed)
            names << QString::fromStdString(name);
        // Select what fed the deleted node, so the next Delete goes on up the path.
        const GraphNode& deleted = graph->nodes[static_cast<size_t>(node)];
        const QString select = deleted.inputs.empty() ? QString() : QString::fromStdString(graph->nodeName(deleted.inputs.front()));
        return push(std::move(edited), select, tr("Delete %1").arg(names.join(QStringLiteral(", "))));
    } catch (const std::exception& e) {
        return refuse(tr("Cannot delete: %1").arg(QString::fromStdString(e.what())));
    }
}

bool GraphEditController::setBypassed(int node, bool bypassed)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    if (node < 0 || node >= static_cast<int>(graph->nodes.size()))
        return refuse(tr("Select the node to bypass"));
    if (graph->nodes[static_cast<size_t>(node)].bypassed == bypassed)
        return true;
    try {
        auto edited = std::make_shared<const ModelGraph>(layerscope::setBypassed(*graph, static_cast<size_t>(node), bypassed));
        const QString name = QString::fromStdString(graph->nodeName(static_cast<size_t>(node)));
        return push(std::move(edited), name, bypassed ? tr("Bypass %1").arg(name) : tr("Stop bypassing %1").arg(name));
    } catch (const std::exception& e) {
        updateActions();
        return refuse(tr("Cannot bypass: %1").arg(QString::fromStdString(e.what())));
    }
}

bool GraphEditController::changeParameter(int node, const std::string& key, const nlohmann::json& value)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    if (node < 0 || node >= static_cast<int>(graph->nodes.size()) || !graph->layerOf(static_cast<size_t>(node)).layer)
        return refuse(tr("Select a layer LayerScope runs to change its parameters"));
    const size_t n = static_cast<size_t>(node);
    const GraphLayer& entry = graph->layerOf(n);
    const nlohmann::json old = layerToJson(*entry.layer);
    nlohmann::json updated = old;
    updated["config"][key] = value;
    // The weights are refitted for the shape this node reads now (empty while it is unknown).
    Shape input;
    const GraphShapes& shapes = m_window->runner()->shapes();
    const GraphNode& graphNode = graph->nodes[n];
    if (!graphNode.inputs.empty() && graphNode.inputs[0] < shapes.nodes.size() && shapes.nodes[graphNode.inputs[0]].shape)
        input = shapes.nodes[graphNode.inputs[0]].shape->output;
    entry.layer->refitStoredWeights(updated, input);
    if (updated == old)
        return true;
    std::shared_ptr<const Layer> layer;
    try {
        layer = layerFromJson(updated);
    } catch (const std::exception& e) {
        return refuse(QString::fromStdString(e.what()));
    }
    // Which stored weights the new parameters changed: said, so a trained kernel is never
    // reshaped silently.
    QStringList refitted;
    const nlohmann::json oldWeights = layerWeights(old), newWeights = layerWeights(updated);
    if (oldWeights.is_object())
        for (const auto& [name, weight] : oldWeights.items()) {
            const nlohmann::json before = weight.value("shape", nlohmann::json());
            const nlohmann::json after = newWeights.is_object() && newWeights.contains(name)
                                             ? newWeights[name].value("shape", nlohmann::json()) : nlohmann::json();
            if (before != after)
                refitted << tr("%1 %2 → %3").arg(QString::fromStdString(name), QString::fromStdString(before.dump()),
                                                 after.is_null() ? tr("none") : QString::fromStdString(after.dump()));
        }
    const QString layerName = QString::fromStdString(entry.name);
    QString text = tr("Change %1 of %2").arg(QString::fromStdString(key), layerName);
    if (!refitted.isEmpty())
        text += tr(" (weights refitted, kept where they fit, new parts initialised as Keras would: %1)").arg(refitted.join(QStringLiteral("; ")));
    try {
        auto edited = std::make_shared<const ModelGraph>(replaceLayer(*graph, entry.layer ? graphNode.layer : 0, layer));
        return push(std::move(edited), QString::fromStdString(graph->nodeName(n)), text,
                    layerName + QLatin1Char('/') + QString::fromStdString(key));
    } catch (const std::exception& e) {
        return refuse(QString::fromStdString(e.what()));
    }
}

void GraphEditController::pickMerge(const QString& className)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("Merge With %1").arg(className));
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(tr("Tick the nodes %1 reads, in the order it reads them (top to bottom):").arg(className), &dialog));
    auto* list = new QListWidget(&dialog);
    for (size_t n = 0; n < graph->nodes.size(); ++n) {
        auto* item = new QListWidgetItem(nodeLabel(*graph, n), list);
        item->setData(Qt::UserRole, static_cast<int>(n));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(static_cast<int>(n) == m_window->selectedNode() ? Qt::Checked : Qt::Unchecked);
    }
    layout->addWidget(list);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(420, 480);
    if (dialog.exec() != QDialog::Accepted)
        return;
    std::vector<int> picked;
    for (int row = 0; row < list->count(); ++row)
        if (list->item(row)->checkState() == Qt::Checked)
            picked.push_back(list->item(row)->data(Qt::UserRole).toInt());
    addMerge(picked, className);
}

void GraphEditController::pickReconnection(int node)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    if (node < 0 || node >= static_cast<int>(graph->nodes.size()) || graph->nodes[static_cast<size_t>(node)].inputs.empty()) {
        refuse(tr("Select a node that reads an input"));
        return;
    }
    const GraphNode& current = graph->nodes[static_cast<size_t>(node)];
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("Reconnect %1").arg(QString::fromStdString(graph->nodeName(static_cast<size_t>(node)))));
    auto* form = new QFormLayout(&dialog);
    auto* slot = new QComboBox(&dialog);
    for (size_t k = 0; k < current.inputs.size(); ++k)
        slot->addItem(tr("Input %1: now %2").arg(k + 1).arg(QString::fromStdString(graph->nodeName(current.inputs[k]))));
    form->addRow(tr("Input"), slot);
    // Only nodes that do not depend on this one: anything else would make a cycle.
    auto* source = new QComboBox(&dialog);
    const std::vector<bool> downstream = graph->downstreamOf({static_cast<size_t>(node)});
    for (size_t n = 0; n < graph->nodes.size(); ++n)
        if (!downstream[n])
            source->addItem(nodeLabel(*graph, n), static_cast<int>(n));
    form->addRow(tr("Reads"), source);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    reconnect(node, slot->currentIndex(), source->currentData().toInt());
}

bool GraphEditController::saveTo(const QString& path)
{
    const std::shared_ptr<const ModelGraph> graph = m_window->graph();
    try {
        if (path.endsWith(QStringLiteral(".keras"), Qt::CaseInsensitive))
            saveKerasFile(*graph, path.toStdString());
        else
            writeTextAtomically(path.toStdString(), graphToKerasJsonText(*graph));
    } catch (const std::exception& e) {
        return refuse(tr("Could not save %1: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(e.what())));
    }
    m_undo->setClean();
    m_window->statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 6000);
    return true;
}

void GraphEditController::saveAs()
{
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save Model As"), QString(),
                                                      tr("Keras model (*.keras);;Keras model JSON (*.json)"));
    if (!path.isEmpty())
        saveTo(path);
}

} // namespace layerscope::gui
