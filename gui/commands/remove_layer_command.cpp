#include "remove_layer_command.h"

#include "document/document.h"
#include "document/layer_json.h"

#include <QCoreApplication>

namespace layerscope::gui {

RemoveLayerCommand::RemoveLayerCommand(Document* document, int index, QUndoCommand* parent)
    : QUndoCommand(parent), m_document(document), m_index(index),
      m_layer(document->layerJson(index)), m_bypassed(document->isBypassed(index))
{
    setText(QCoreApplication::translate("Commands", "Delete %1")
                .arg(QString::fromStdString(document->layer(index).name())));
}

void RemoveLayerCommand::redo()
{
    m_document->takeLayer(m_index);
}

void RemoveLayerCommand::undo()
{
    m_document->insertLayer(m_index, layerFromJson(m_layer), m_bypassed);
}

} // namespace layerscope::gui
