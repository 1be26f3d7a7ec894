#include "change_layer_command.h"

#include "command_ids.h"
#include "document/document.h"
#include "document/layer_json.h"

namespace layerscope::gui {

ChangeLayerCommand::ChangeLayerCommand(Document* document, int index, nlohmann::json oldLayer,
                                       nlohmann::json newLayer, const QString& text,
                                       const QString& mergeKey, QUndoCommand* parent)
    : QUndoCommand(text, parent), m_document(document), m_index(index), m_old(std::move(oldLayer)),
      m_new(std::move(newLayer)), m_mergeKey(mergeKey)
{
}

void ChangeLayerCommand::redo()
{
    m_document->replaceLayer(m_index, layerFromJson(m_new));
}

void ChangeLayerCommand::undo()
{
    m_document->replaceLayer(m_index, layerFromJson(m_old));
}

int ChangeLayerCommand::id() const
{
    return m_mergeKey.isEmpty() ? -1 : ChangeLayerCommandId;
}

bool ChangeLayerCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = static_cast<const ChangeLayerCommand*>(other);
    if (o->m_index != m_index || o->m_mergeKey != m_mergeKey || m_mergeKey.isEmpty())
        return false;
    m_new = o->m_new;
    if (m_new == m_old)
        setObsolete(true);
    return true;
}

} // namespace layerscope::gui
