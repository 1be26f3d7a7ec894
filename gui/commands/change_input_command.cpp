#include "change_input_command.h"

#include "command_ids.h"
#include "document/document.h"

#include <QCoreApplication>

#include <utility>

namespace layerscope::gui {

ChangeInputCommand::ChangeInputCommand(Document* document, const InputSpec& newSpec,
                                       const QString& mergeKey, QUndoCommand* parent,
                                       std::shared_ptr<const Tensor> built)
    : QUndoCommand(parent), m_document(document), m_old(document->inputSpec()), m_new(newSpec),
      m_mergeKey(mergeKey), m_built(std::move(built))
{
    setText(QCoreApplication::translate("Commands", "Change input to %1").arg(newSpec.describe()));
}

void ChangeInputCommand::redo()
{
    m_document->setInput(m_new, std::exchange(m_built, nullptr));
}

void ChangeInputCommand::undo()
{
    m_document->setInput(m_old);
}

int ChangeInputCommand::id() const
{
    return m_mergeKey.isEmpty() ? -1 : ChangeInputCommandId;
}

bool ChangeInputCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = static_cast<const ChangeInputCommand*>(other);
    if (o->m_mergeKey != m_mergeKey || m_mergeKey.isEmpty())
        return false;
    m_new = o->m_new;
    setText(o->text());
    return true;
}

} // namespace layerscope::gui
