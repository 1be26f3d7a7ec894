#pragma once
// Switches a layer's bypass flag (the layer passes its input through unchanged).

#include <QUndoCommand>

namespace layerscope::gui {

class Document;

class BypassLayerCommand : public QUndoCommand {
public:
    BypassLayerCommand(Document* document, int index, bool bypassed, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    Document* m_document;
    int m_index;
    bool m_bypassed;
};

} // namespace layerscope::gui
