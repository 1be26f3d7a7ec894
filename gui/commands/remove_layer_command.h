#pragma once
// Removes the layer at an index, keeping its JSON and bypass flag to restore it on undo.

#include <QUndoCommand>

#include <nlohmann/json.hpp>

namespace layerscope::gui {

class Document;

class RemoveLayerCommand : public QUndoCommand {
public:
    RemoveLayerCommand(Document* document, int index, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    Document* m_document;
    int m_index;
    nlohmann::json m_layer;
    bool m_bypassed;
};

} // namespace layerscope::gui
