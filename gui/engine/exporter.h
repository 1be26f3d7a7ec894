#pragma once
// Writes pictures and arrays of layer outputs: one PNG per channel, a labelled contact sheet,
// the RGB composite, the exact float32 .npy, and everything for all layers. All pictures come
// from the engine's renderer with the view's colormap and normalisation, recorded as PNG text.
// Throws std::exception with a user-facing message on failure.

#include "core/render/render.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace layerscope::gui {

class Document;
class PipelineRunner;

QStringList exportChannelPngs(const Tensor& tensor, const RenderOptions& options,
                              const QString& folder, const QString& stem);
void exportContactSheet(const Tensor& tensor, const RenderOptions& options, const QString& path,
                        const QString& title);
void exportComposite(const Tensor& tensor, const RenderOptions& options, const QString& path);
void exportNpy(const Tensor& tensor, const QString& path);
// The outputs to export, taken on the UI thread so that the export itself can run on a worker:
// index −1 is the input, i layer i; layers without an output are left out.
struct NamedOutput {
    int index = -1;
    QString name;
    std::shared_ptr<const Tensor> tensor;
};
std::vector<NamedOutput> snapshotOutputs(const Document& document, const PipelineRunner& runner);
// One subfolder per output ("00_input", "01_conv2d", ...) with the channel PNGs, a contact sheet
// and the .npy. Returns the number of outputs written.
int exportAllLayers(const std::vector<NamedOutput>& outputs, const RenderOptions& options, const QString& folder);

} // namespace layerscope::gui
