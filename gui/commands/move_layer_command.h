#pragma once
// Moves a layer from one index to another (drag and drop, Alt+Up/Down).

#include <QUndoCommand>

namespace layerscope::gui {

class Document;

class MoveLayerCommand : public QUndoCommand {
public:
    MoveLayerCommand(Document* document, int from, int to, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    Document* m_document;
    int m_from;
    int m_to;
};

} // namespace layerscope::gui
