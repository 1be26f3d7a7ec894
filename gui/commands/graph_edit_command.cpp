#include "graph_edit_command.h"

namespace layerscope::gui {

GraphEditCommand::GraphEditCommand(Show show, std::shared_ptr<const ModelGraph> before,
                                   std::shared_ptr<const ModelGraph> after, QString selectBefore, QString selectAfter,
                                   const QString& text)
    : QUndoCommand(text), m_show(std::move(show)), m_before(std::move(before)), m_after(std::move(after)),
      m_selectBefore(std::move(selectBefore)), m_selectAfter(std::move(selectAfter))
{
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
