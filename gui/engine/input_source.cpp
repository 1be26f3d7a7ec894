#include "input_source.h"

#include "core/errors.h"
#include "core/input/synthetic_input.h"
#include "core/io/image_io.h"

namespace layerscope::gui {

namespace {

// The GUI's enums mirror core's (input_spec.h is the document's value type, saved as JSON).
static_assert(static_cast<int>(SyntheticKind::Gradient) == static_cast<int>(layerscope::SyntheticKind::Gradient)
              && static_cast<int>(SyntheticKind::Random) == static_cast<int>(layerscope::SyntheticKind::Random));
static_assert(static_cast<int>(ColorMode::Rgba) == static_cast<int>(layerscope::ColorMode::Rgba)
              && static_cast<int>(ColorMode::Grayscale) == static_cast<int>(layerscope::ColorMode::Grayscale));
static_assert(static_cast<int>(ValueScale::Range01) == static_cast<int>(layerscope::ValueScale::Range01));
SyntheticInput syntheticInput(const InputSpec& s)
{
    SyntheticInput input;
    input.kind = static_cast<layerscope::SyntheticKind>(static_cast<int>(s.synthetic));
    input.batch = s.batch;
    input.height = s.height;
    input.width = s.width;
    input.channels = s.channels;
    input.seed = s.seed;
    input.scale = static_cast<layerscope::ValueScale>(static_cast<int>(s.scale));
    return input;
}

} // namespace

Tensor buildInputTensor(const InputSpec& spec)
{
    if (spec.kind == InputSourceKind::Synthetic)
        return syntheticTensor(syntheticInput(spec));
    if (spec.path.isEmpty())
        throw InputError("no input file chosen");
    Tensor t = convertColorMode(loadInputFile(spec.path.toStdString()),
                                static_cast<layerscope::ColorMode>(static_cast<int>(spec.colorMode)));
    // A .npy holds the numbers themselves: the scale is for 8-bit images only.
    if (!isNpyPath(spec.path.toStdString()))
        applyValueScale(t, static_cast<layerscope::ValueScale>(static_cast<int>(spec.scale)));
    return t;
}

} // namespace layerscope::gui
