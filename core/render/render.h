#pragma once
// Turning tensors into pictures, shared by the CLI exports and the GUI (which wraps the cv::Mat
// results in QImage without recomputing anything). Pixels are data: magnification is always
// nearest-neighbour. NaN and ±Inf get a distinct colour (magenta) and are counted.

#include "../tensor.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace layerscope {

enum class Colormap { Gray, Viridis, Magma, Diverging };
enum class Normalization { PerChannel, PerLayer, FixedRange };

std::string colormapName(Colormap colormap);
std::string normalizationName(Normalization normalization);

struct RenderOptions {
    Colormap colormap = Colormap::Gray;
    Normalization normalization = Normalization::PerChannel;
    float fixedMin = 0.0f;   // for FixedRange
    float fixedMax = 255.0f;
    int batchIndex = 0;
    bool operator==(const RenderOptions&) const = default;
};

struct ValueRange {
    float min = 0.0f;
    float max = 0.0f;
    int64_t nonFinite = 0; // NaN and ±Inf cells
};

// Finite min/max of one channel (NHWC rank 4; rank 2 (B, C) is treated as B×1×1×C).
ValueRange channelRange(const Tensor& tensor, int batch, int channel);
ValueRange tensorRange(const Tensor& tensor, int batch);

// The value range a channel is mapped through, per the options (a diverging map is symmetric
// around 0).
ValueRange displayRange(const Tensor& tensor, int channel, const RenderOptions& options);
// The same from ranges already known (a LayerSummary): the channel's own and the whole item's.
ValueRange displayRange(const ValueRange& channel, const ValueRange& layer, const RenderOptions& options);

// Value → colour-map index 0..255 through a range; -1 for non-finite. A zero-width (constant)
// range maps to the centre, which is mid-grey for gray and white for the diverging map, instead
// of dividing by zero. Every renderer goes through this, so all pictures agree to the last bit.
class ValueMapper {
public:
    explicit ValueMapper(const ValueRange& range);
    int index(float value) const
    {
        if (!std::isfinite(value))
            return -1;
        if (m_constant)
            return 128;
        const double t = (static_cast<double>(value) - m_min) * m_scale;
        return static_cast<int>(std::clamp(t, 0.0, 255.0) + 0.5);
    }

private:
    double m_min = 0.0;
    double m_scale = 0.0;
    bool m_constant = true;
};

// One channel as an 8-bit BGR image (H×W), colour-mapped.
cv::Mat renderChannel(const Tensor& tensor, int channel, const RenderOptions& options);
// RGB composite of channels 0..2 (3 or 4 channels) as BGR 8-bit, using the options' normalisation.
cv::Mat renderComposite(const Tensor& tensor, const RenderOptions& options);
// A labelled grid of every channel (index, min, max), each tile magnified (nearest) to at least
// `minTile` pixels, with a title line and a colour bar.
cv::Mat renderContactSheet(const Tensor& tensor, const RenderOptions& options,
                           const std::string& title, int minTile = 96);

// PNG through OpenCV, written atomically, with the render settings as PNG tEXt metadata.
void writePng(const std::filesystem::path& path, const cv::Mat& image,
              const std::vector<std::pair<std::string, std::string>>& text = {});

// Colour of a value already normalised to 0..1 for a colormap, as BGR.
cv::Vec3b colormapColor(Colormap colormap, float t);

} // namespace layerscope
