#include "input_source.h"

#include "core/errors.h"
#include "core/graph/model_input_fit.h"
#include "core/input/synthetic_input.h"
#include "core/io/image_io.h"

namespace layerscope::gui {

namespace {

SyntheticInput syntheticInput(const InputSpec& s)
{
    SyntheticInput input;
    input.kind = s.synthetic;
    input.batch = s.batch;
    input.height = s.height;
    input.width = s.width;
    input.channels = s.channels;
    input.seed = s.seed;
    input.scale = s.scale;
    return input;
}

} // namespace

Tensor buildInputTensor(const InputSpec& spec)
{
    if (spec.kind == InputSourceKind::Synthetic)
        return syntheticTensor(syntheticInput(spec));
    if (spec.path.isEmpty())
        throw InputError("no input file chosen");
    Tensor t = convertColorMode(loadInputFile(spec.path.toStdString()), spec.colorMode);
    // A .npy holds the numbers themselves: the scale is for 8-bit images only.
    if (!isNpyPath(spec.path.toStdString()))
        applyValueScale(t, spec.scale);
    if (spec.fitHeight > 0 && spec.fitWidth > 0 && t.rank() == 4) {
        DeclaredImageInput target;
        target.height = spec.fitHeight;
        target.width = spec.fitWidth;
        try {
            t = fitInputToModel(t, target, spec.fitCrop ? InputFit::CropAndResize : InputFit::Resize, ExecContext{}).tensor;
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw InputError(std::string("could not resize the input: ") + e.what());
        }
    }
    return t;
}

} // namespace layerscope::gui
