#pragma once
// Replaces a layer's parameters (or name, or weights): stores the old and new Keras layer JSON
// and rebuilds the layer through the engine's factory. Consecutive edits of the same field of the
// same layer (a spin-box drag, typing) merge into one undo step through `mergeKey`.

#include <QString>
#include <QUndoCommand>

#include <nlohmann/json.hpp>

namespace layerscope::gui {

class Document;

class ChangeLayerCommand : public QUndoCommand {
public:
    // An empty mergeKey never merges.
    ChangeLayerCommand(Document* document, int index, nlohmann::json oldLayer,
                       nlohmann::json newLayer, const QString& text, const QString& mergeKey = {},
                       QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document* m_document;
    int m_index;
    nlohmann::json m_old;
    nlohmann::json m_new;
    QString m_mergeKey;
};

} // namespace layerscope::gui
