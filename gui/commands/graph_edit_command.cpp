#include "graph_edit_command.h"

#include "command_ids.h"

namespace layerscope::gui {

GraphEditCommand::GraphEditCommand(Show show, std::shared_ptr<const ModelGraph> before,
                                   std::shared_ptr<const ModelGraph> after, QString selectBefore, QString selectAfter,
                                   const QString& text, QString mergeKey)
    : QUndoCommand(text), m_show(std::move(show)), m_before(std::move(before)), m_after(std::move(after)),
      m_selectBefore(std::move(selectBefore)), m_selectAfter(std::move(selectAfter)), m_mergeKey(std::move(mergeKey))
{
}

int GraphEditCommand::id() const
{
    return m_mergeKey.isEmpty() ? -1 : GraphEditCommandId;
}

bool GraphEditCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = static_cast<const GraphEditCommand*>(other);
    if (m_mergeKey.isEmpty() || o->m_mergeKey != m_mergeKey)
        return false;
    m_after = o->m_after;
    m_selectAfter = o->m_selectAfter;
    setText(o->text());
    return true;
}

void GraphEditCommand::redo()
{
    m_show(m_after, m_selectAfter);
}

void GraphEditCommand::undo()
{
    m_show(m_before, m_selectBefore);
}

} // namespace layerscope::gui
