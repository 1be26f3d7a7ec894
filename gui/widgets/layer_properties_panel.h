#pragma once
// The properties of the selected layer: its name, one editor per Keras argument (built from the
// layer class's registered editor fields, core/layer_fields.h), the Keras message inline when a
// value is rejected, and for a layer with an editable kernel a button that opens the kernel
// editor (a dock of its own: kernels need width). Every edit becomes a ChangeLayerCommand holding
// the old and new layer JSON, with stored weights refitted by the layer; edits of one field
// merge into one undo step.

#include <QWidget>

#include <nlohmann/json.hpp>

#include <functional>
#include <vector>

class QFormLayout;
class QLabel;
class QLineEdit;
class QVBoxLayout;

namespace layerscope::gui {

class Document;

class LayerPropertiesPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayerPropertiesPanel(Document* document, QWidget* parent = nullptr);
    void setLayerIndex(int index);
    int layerIndex() const { return m_index; }
    // The inline error text (empty when valid), for tests.
    QString errorText() const;
    // Applies `value` to config key `key` as if the user edited it; false when rejected.
    bool applyConfigValue(const std::string& key, const nlohmann::json& value);

signals:
    // "Edit kernel weights…" on a Conv2D layer.
    void kernelEditorRequested();

private:
    void rebuild();
    void refreshValues();
    void showError(const QString& message);
    void pushLayer(nlohmann::json newLayer, const QString& text, const QString& mergeKey);

    Document* m_document;
    int m_index = -1;
    std::string m_className;
    QVBoxLayout* m_layout;
    QWidget* m_form = nullptr;
    QLabel* m_title;
    QLineEdit* m_name = nullptr;
    QLabel* m_error;
    QString m_localError;
    std::vector<std::function<void(const nlohmann::json& config)>> m_refreshers;
};

} // namespace layerscope::gui
