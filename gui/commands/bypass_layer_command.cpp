#include "bypass_layer_command.h"

#include "document/document.h"

#include <QCoreApplication>

namespace layerscope::gui {

BypassLayerCommand::BypassLayerCommand(Document* document, int index, bool bypassed,
                                       QUndoCommand* parent)
    : QUndoCommand(parent), m_document(document), m_index(index), m_bypassed(bypassed)
{
    setText(QCoreApplication::translate("Commands", bypassed ? "Bypass %1" : "Enable %1")
                .arg(QString::fromStdString(document->layer(index).name())));
}

void BypassLayerCommand::redo()
{
    m_document->setBypassed(m_index, m_bypassed);
}

void BypassLayerCommand::undo()
{
    m_document->setBypassed(m_index, !m_bypassed);
}

} // namespace layerscope::gui
