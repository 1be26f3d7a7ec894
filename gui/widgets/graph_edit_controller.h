#pragma once
// Editing an opened model graph in its window: a branch from the selected node, a merge of
// picked nodes, reconnecting an input, deleting a node with its dangling branch, bypass, and
// saving the edited model (.keras or JSON). Each edit is computed by core (graph_edit.h), is one
// undo step (GraphEditCommand), and is refused with the reason in the status bar when core
// refuses it. The Edit menu and the nodes' context menu are built here.

#include "core/graph/graph.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QAction;
class QMenu;
class QUndoStack;

namespace layerscope::gui {

class GraphWindow;

class GraphEditController : public QObject {
    Q_OBJECT
public:
    explicit GraphEditController(GraphWindow* window);

    QUndoStack* undoStack() const { return m_undo; }
    // The Edit menu's entries (undo, redo, the edits of the selected node).
    void fillEditMenu(QMenu* menu);
    // The context menu of node `node` (right click).
    void fillNodeMenu(QMenu* menu, int node);
    void updateActions();

    // The edits (also what the menus call). False, with lastError() saying why, when refused.
    bool addBranch(int from, const QString& className);
    bool addMerge(const std::vector<int>& inputs, const QString& className);
    bool reconnect(int node, int slot, int source);
    bool deleteNode(int node);
    bool setBypassed(int node, bool bypassed);
    // Config key `key` of node `node`'s layer (every call of it, if shared) becomes `value`; stored
    // weights are kept where they still fit and refitted where not (Layer::refitStoredWeights),
    // and the status bar says which changed shape. Successive edits of one key are one undo step.
    bool changeParameter(int node, const std::string& key, const nlohmann::json& value);
    QString lastError() const { return m_lastError; }

    // Writes the edited model: `.keras` (Keras loads it) or `.json` (Keras's model JSON, weights
    // inline). Bypassed nodes are left out. False with lastError() on failure.
    bool saveTo(const QString& path);
    void saveAs();

private:
    bool push(std::shared_ptr<const ModelGraph> edited, const QString& select, const QString& text,
              const QString& mergeKey = {});
    bool refuse(const QString& message);
    void pickMerge(const QString& className);
    void pickReconnection(int node);

    GraphWindow* m_window;
    QUndoStack* m_undo;
    QString m_lastError;
    QAction* m_bypass = nullptr;
    QAction* m_delete = nullptr;
    QAction* m_reconnect = nullptr;
    QMenu* m_branchMenu = nullptr;
    QMenu* m_mergeMenu = nullptr;
};

} // namespace layerscope::gui
