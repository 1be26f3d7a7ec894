#pragma once
// Inserts a layer (stored as its Keras JSON) at an index; undo removes it. Used for Add,
// Duplicate and Paste.

#include <QUndoCommand>

#include <nlohmann/json.hpp>

namespace layerscope::gui {

class Document;

class InsertLayerCommand : public QUndoCommand {
public:
    InsertLayerCommand(Document* document, int index, nlohmann::json layer, bool bypassed = false,
                       QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    Document* m_document;
    int m_index;
    nlohmann::json m_layer;
    bool m_bypassed;
};

} // namespace layerscope::gui
