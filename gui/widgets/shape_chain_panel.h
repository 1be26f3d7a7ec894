#pragma once
// The shape chain: input shape → each layer's output shape, each axis with the engine's own
// explanation filled in with the current numbers (AxisExplanation). The failing layer shows the
// Keras message in red; the layers after it are greyed out, never silently stale.

#include <QTreeWidget>

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
    Document* m_document;
};

} // namespace layerscope::gui
