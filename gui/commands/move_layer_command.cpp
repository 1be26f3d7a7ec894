#include "move_layer_command.h"

#include "document/document.h"

#include <QCoreApplication>

namespace layerscope::gui {

MoveLayerCommand::MoveLayerCommand(Document* document, int from, int to, QUndoCommand* parent)
    : QUndoCommand(parent), m_document(document), m_from(from), m_to(to)
{
    setText(QCoreApplication::translate("Commands", "Move %1")
                .arg(QString::fromStdString(document->layer(from).name())));
}

void MoveLayerCommand::redo()
{
    m_document->moveLayer(m_from, m_to);
}

void MoveLayerCommand::undo()
{
    m_document->moveLayer(m_to, m_from);
}

} // namespace layerscope::gui
