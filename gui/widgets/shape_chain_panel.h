#pragma once
// The shape chain: input shape → each layer's output shape, each axis with the engine's own
// explanation filled in with the current numbers (AxisExplanation). The failing layer shows the
// Keras message in red; the layers after it are greyed out, never silently stale.

#include <QTreeWidget>

#include <vector>

namespace layerscope::gui {

class Document;

class ShapeChainPanel : public QTreeWidget {
    Q_OBJECT
public:
    explicit ShapeChainPanel(Document* document, QWidget* parent = nullptr);
    void refresh();
    void setCurrentLayer(int index);

signals:
    void layerActivated(int index); // -1: input

private:
    // Shows `rows` (detached items; taken over), each top-level row expanded as `expanded` says.
    void replaceRows(const QList<QTreeWidgetItem*>& rows, const std::vector<bool>& expanded, int current);

    Document* m_document;
};

} // namespace layerscope::gui
