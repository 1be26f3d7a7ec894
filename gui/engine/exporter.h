#pragma once
// Writes pictures and arrays of layer outputs: one PNG per channel, a labelled contact sheet,
// the RGB composite, the exact float32 .npy, and everything for all layers. All pictures come
// from the engine's renderer with the view's colormap and normalisation, recorded as PNG text.
// Throws std::exception with a user-facing message on failure.

#include "core/render/render.h"

#include <QString>
#include <QStringList>

namespace layerscope::gui {

class Document;
class PipelineRunner;

QStringList exportChannelPngs(const Tensor& tensor, const RenderOptions& options,
                              const QString& folder, const QString& stem);
void exportContactSheet(const Tensor& tensor, const RenderOptions& options, const QString& path,
                        const QString& title);
void exportComposite(const Tensor& tensor, const RenderOptions& options, const QString& path);
void exportNpy(const Tensor& tensor, const QString& path);
// One subfolder per layer ("00_input", "01_conv2d", ...) with the channel PNGs, a contact sheet
// and the .npy. Returns the number of layers written (layers without output are skipped).
int exportAllLayers(const Document& document, const PipelineRunner& runner,
                    const RenderOptions& options, const QString& folder);

} // namespace layerscope::gui
