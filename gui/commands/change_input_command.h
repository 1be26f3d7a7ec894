#pragma once
// Changes the input (file, synthetic pattern, shape, colour mode, scale). Edits of the same
// field merge like a spin-box drag.

#include "document/input_spec.h"

#include "core/tensor.h"

#include <QUndoCommand>

#include <memory>

namespace layerscope::gui {

class Document;

class ChangeInputCommand : public QUndoCommand {
public:
    // `built`: the tensor of `newSpec` when the caller already loaded it (to check that the file
    // opens before touching the document); used by the first redo only, so the undo stack does
    // not keep tensors alive.
    ChangeInputCommand(Document* document, const InputSpec& newSpec, const QString& mergeKey = {},
                       QUndoCommand* parent = nullptr, std::shared_ptr<const Tensor> built = {});
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document* m_document;
    InputSpec m_old;
    InputSpec m_new;
    QString m_mergeKey;
    std::shared_ptr<const Tensor> m_built;
};

} // namespace layerscope::gui
