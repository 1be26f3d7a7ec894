#pragma once
// One edit of an opened model graph as one undo step. Graphs are immutable and shared, so the
// command holds the graph before and after the edit and undo is showing the one before again
// (the runner keeps every output the swap leaves unchanged: graph_edit.h's carryOutputs).

#include "core/graph/graph.h"

#include <QString>
#include <QUndoCommand>

#include <functional>
#include <memory>

namespace layerscope::gui {

class GraphEditCommand : public QUndoCommand {
public:
    // Shows a graph and selects the node named `select` in it.
    using Show = std::function<void(std::shared_ptr<const ModelGraph> graph, const QString& select)>;

    // Edits with the same non-empty `mergeKey` in a row (one spin box dragged) are one undo step.
    GraphEditCommand(Show show, std::shared_ptr<const ModelGraph> before, std::shared_ptr<const ModelGraph> after,
                     QString selectBefore, QString selectAfter, const QString& text, QString mergeKey = {});
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    Show m_show;
    std::shared_ptr<const ModelGraph> m_before, m_after;
    QString m_selectBefore, m_selectAfter;
    QString m_mergeKey;
};

} // namespace layerscope::gui
