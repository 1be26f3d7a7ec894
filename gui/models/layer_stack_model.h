#pragma once
// The layer stack as a list model (addressbook style: views never own data). Row 0 is the input,
// row i + 1 is layer i. Roles carry the type, summary, output shape, run status, error message
// and compute time; the check state is "enabled" (unchecked = bypassed). Drag and drop of rows
// and check-box toggles are turned into requests; the owner pushes the undo commands.

#include <QAbstractListModel>

#include <string>

namespace layerscope::gui {

class Document;
class PipelineRunner;

class LayerStackModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        ClassNameRole = Qt::UserRole + 1,
        SummaryRole,
        ShapeRole,
        StatusRole,      // LayerStatus as int; -1 for the input row
        MessageRole,     // error message, empty when fine
        MillisecondsRole,
        BypassedRole,
        LayerIndexRole,  // -1 for the input
    };

    LayerStackModel(Document* document, PipelineRunner* runner, QObject* parent = nullptr);

    static int layerIndex(int row) { return row - 1; }
    static int rowOf(int layerIndex) { return layerIndex + 1; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

    // Undoable edits of the stack (layer indices, not rows). Each is one undo step; an index out
    // of range or a no-op change pushes nothing and returns false.
    bool insertNewLayer(int index, const std::string& className); // defaults, Keras-style name
    bool duplicateLayer(int layer);
    bool removeLayer(int layer);
    bool moveLayer(int fromLayer, int toLayer);
    bool setBypassed(int layer, bool bypassed);
    bool renameLayer(int layer, const QString& name);

private:
    bool validLayer(int layer) const;

    Document* m_document;
    PipelineRunner* m_runner;
};

} // namespace layerscope::gui
