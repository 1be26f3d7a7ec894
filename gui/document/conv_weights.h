#pragma once
// The kernel editor's view of Conv2D weights: core's ConvWeights and presets
// (core/weights/conv_weights.h), with the preset names as a QStringList for the combo box.

#include "core/weights/conv_weights.h"

#include <QStringList>

namespace layerscope::gui {

using layerscope::applyKernelPreset;
using layerscope::ConvWeights;
using layerscope::KernelPreset;

QStringList kernelPresetNames();

} // namespace layerscope::gui
