#pragma once
// Conv2D weights as the pipeline file stores them ({"kernel": {"shape": [kh, kw, cin, f],
// "data": [...]}, "bias": {"shape": [f], "data": [...]}}, HWIO row-major), with the editing
// operations of the kernel editor: element access, fitting to new sizes (reshaping) and the
// presets. The Glorot preset draws through the one initialiser (glorot.h).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope {

struct ConvWeights {
    int kh = 0, kw = 0, cin = 0, filters = 0;
    std::vector<float> kernel; // HWIO
    std::vector<float> bias;   // empty when the layer has no bias

    bool valid() const { return kh > 0 && kw > 0 && cin > 0 && filters > 0; }
    float& at(int ky, int kx, int ci, int f) { return kernel[index(ky, kx, ci, f)]; }
    float at(int ky, int kx, int ci, int f) const { return kernel[index(ky, kx, ci, f)]; }
    size_t index(int ky, int kx, int ci, int f) const
    {
        return ((static_cast<size_t>(ky) * kw + kx) * cin + ci) * filters + f;
    }

    static ConvWeights fromJson(const nlohmann::json& weights);
    nlohmann::json toJson() const;
    // Same values where the old and new shapes overlap, zeros elsewhere.
    ConvWeights resized(int kh, int kw, int cin, int filters, bool withBias) const;
};

enum class KernelPreset { Identity, BoxBlur, Gaussian, Sharpen, SobelX, SobelY, Laplacian, Emboss, GlorotUniform };
std::vector<std::string> kernelPresetNames();

// Writes the preset into filter `filter` (or every filter when -1). Fixed presets go to every
// input channel, divided by cin when `averageChannels` (so an RGB input gives the luminance
// response); Glorot-uniform is glorotUniform(kernel shape, seed) written into the chosen filters
// (all filters: exactly a new layer's default weights when seed = fnv1a32(name)). Sobel, Laplacian, sharpen
// and emboss are 3×3 stencils placed at the kernel's centre.
void applyKernelPreset(ConvWeights& weights, KernelPreset preset, int filter, bool averageChannels,
                       uint32_t seed);

} // namespace layerscope
