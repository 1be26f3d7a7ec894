#pragma once
// The two rows above the feature-map view: the shown layer's title, batch item, solo channel and
// RGB composite switch; the colormap, normalisation (with the fixed range) and the colour bar of
// the shown range. It owns these controls' state and tells the window what changed; the window
// decides what to show.

#include "core/render/render.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QToolButton;

namespace layerscope::gui {

class ColorBar;

class ViewBar : public QWidget {
    Q_OBJECT
public:
    explicit ViewBar(QWidget* parent = nullptr);

    RenderOptions renderOptions() const;
    void setRenderOptions(const RenderOptions& options);
    void setTitle(const QString& title);
    // The shown tensor's batch and channel counts and the view's state; emits nothing.
    void setTensorLayout(int batches, int channels, int soloChannel, bool composite);
    void setSoloChannel(int channel); // emits nothing
    void setCompositeAvailable(bool available);
    // Back to the grid of all channels (emits soloChannelChanged / compositeToggled).
    void showAllChannels();
    int batch() const;
    // The colour bar: `range` of `channel` under the current options, or none (no tensor yet).
    void showRange(std::optional<ValueRange> range, int channel);

signals:
    void optionsChanged(const RenderOptions& options);
    void soloChannelChanged(int channel); // -1: the grid
    void compositeToggled(bool on);

private:
    QLabel* m_title;
    QComboBox* m_colormap;
    QComboBox* m_normalization;
    QDoubleSpinBox* m_fixedMin;
    QDoubleSpinBox* m_fixedMax;
    ColorBar* m_colorBar;
    QSpinBox* m_batch;
    QSpinBox* m_channel;
    QToolButton* m_composite;
};

} // namespace layerscope::gui
