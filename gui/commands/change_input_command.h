#pragma once
// Changes the input (file, synthetic pattern, shape, colour mode, scale). Edits of the same
// field merge like a spin-box drag.

#include "document/input_spec.h"

#include <QUndoCommand>

namespace layerscope::gui {

class Document;

class ChangeInputCommand : public QUndoCommand {
public:
    ChangeInputCommand(Document* document, const InputSpec& newSpec, const QString& mergeKey = {},
                       QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document* m_document;
    InputSpec m_old;
    InputSpec m_new;
    QString m_mergeKey;
};

} // namespace layerscope::gui
