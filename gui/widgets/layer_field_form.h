#pragma once
// The editors of one layer class's parameters, built from the class's registered editor fields
// (core/layer_fields.h: kind, range, choices, label, tooltip) in display order: spin boxes, pairs,
// check boxes, choices. It knows nothing of where the layer lives: it shows a Keras config and
// reports each edit as (config key, new value). The stack's Properties panel and the graph
// window's parameters both use it.

#include <QWidget>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

class QFormLayout;

namespace layerscope::gui {

class LayerFieldForm : public QWidget {
    Q_OBJECT
public:
    explicit LayerFieldForm(const std::string& className, QWidget* parent = nullptr);
    // Shows the values of `config` (the layer's Keras config) without emitting edited().
    void setValues(const nlohmann::json& config);
    // A row of the caller's above the fields (the layer name), aligned with them.
    void insertRowAtTop(const QString& label, QWidget* editor);

signals:
    void edited(const std::string& key, const nlohmann::json& value);

private:
    QFormLayout* m_layout;
    std::vector<std::function<void(const nlohmann::json& config)>> m_refreshers;
};

} // namespace layerscope::gui
