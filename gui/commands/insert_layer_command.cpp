#include "insert_layer_command.h"

#include "document/document.h"
#include "document/layer_json.h"

#include <QCoreApplication>

namespace layerscope::gui {

InsertLayerCommand::InsertLayerCommand(Document* document, int index, nlohmann::json layer,
                                       bool bypassed, QUndoCommand* parent)
    : QUndoCommand(parent), m_document(document), m_index(index), m_layer(std::move(layer)),
      m_bypassed(bypassed)
{
    setText(QCoreApplication::translate("Commands", "Add %1")
                .arg(QString::fromStdString(m_layer.value("class_name", std::string("layer")))));
}

void InsertLayerCommand::redo()
{
    m_document->insertLayer(m_index, layerFromJson(m_layer), m_bypassed);
}

void InsertLayerCommand::undo()
{
    m_document->takeLayer(m_index);
}

} // namespace layerscope::gui
