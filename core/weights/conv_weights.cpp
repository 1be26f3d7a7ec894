#include "conv_weights.h"

#include "glorot.h"

#include <algorithm>
#include <cmath>

namespace layerscope {

ConvWeights ConvWeights::fromJson(const nlohmann::json& weights)
{
    ConvWeights w;
    if (!weights.is_object() || !weights.contains("kernel"))
        return w;
    const auto& kernel = weights["kernel"];
    const auto shape = kernel.value("shape", std::vector<int64_t>{});
    if (shape.size() != 4)
        return w;
    w.kh = static_cast<int>(shape[0]);
    w.kw = static_cast<int>(shape[1]);
    w.cin = static_cast<int>(shape[2]);
    w.filters = static_cast<int>(shape[3]);
    w.kernel = kernel.value("data", std::vector<float>{});
    if (static_cast<int64_t>(w.kernel.size()) != int64_t{w.kh} * w.kw * w.cin * w.filters)
        w.kernel.resize(static_cast<size_t>(w.kh) * w.kw * w.cin * w.filters, 0.0f);
    if (weights.contains("bias") && weights["bias"].is_object())
        w.bias = weights["bias"].value("data", std::vector<float>{});
    return w;
}

nlohmann::json ConvWeights::toJson() const
{
    nlohmann::json j;
    j["kernel"] = {{"shape", {kh, kw, cin, filters}}, {"data", kernel}};
    if (!bias.empty())
        j["bias"] = {{"shape", {filters}}, {"data", bias}};
    return j;
}

ConvWeights ConvWeights::resized(int nkh, int nkw, int ncin, int nf, bool withBias) const
{
    ConvWeights out;
    out.kh = nkh;
    out.kw = nkw;
    out.cin = ncin;
    out.filters = nf;
    out.kernel.assign(static_cast<size_t>(nkh) * nkw * ncin * nf, 0.0f);
    // Keep kernels centred when the size changes.
    const int oy = (nkh - kh) / 2, ox = (nkw - kw) / 2;
    for (int ky = 0; ky < kh; ++ky)
        for (int kx = 0; kx < kw; ++kx)
            for (int ci = 0; ci < std::min(cin, ncin); ++ci)
                for (int f = 0; f < std::min(filters, nf); ++f) {
                    const int ny = ky + oy, nx = kx + ox;
                    if (ny >= 0 && ny < nkh && nx >= 0 && nx < nkw)
                        out.at(ny, nx, ci, f) = at(ky, kx, ci, f);
                }
    if (withBias) {
        out.bias.assign(static_cast<size_t>(nf), 0.0f);
        for (int f = 0; f < std::min<int>(nf, static_cast<int>(bias.size())); ++f)
            out.bias[static_cast<size_t>(f)] = bias[static_cast<size_t>(f)];
    }
    return out;
}

std::vector<std::string> kernelPresetNames()
{
    return {"identity", "box blur", "Gaussian", "sharpen", "Sobel x", "Sobel y", "Laplacian",
            "emboss", "Glorot uniform (seeded)"};
}

void applyKernelPreset(ConvWeights& w, KernelPreset preset, int filter, bool averageChannels,
                       uint32_t seed)
{
    if (!w.valid())
        return;
    const int f0 = filter < 0 ? 0 : filter, f1 = filter < 0 ? w.filters : filter + 1;
    if (preset == KernelPreset::GlorotUniform) {
        const std::vector<float> drawn = glorotUniform({w.kh, w.kw, w.cin, w.filters}, seed);
        for (int ky = 0; ky < w.kh; ++ky)
            for (int kx = 0; kx < w.kw; ++kx)
                for (int ci = 0; ci < w.cin; ++ci)
                    for (int f = f0; f < f1; ++f)
                        w.at(ky, kx, ci, f) = drawn[w.index(ky, kx, ci, f)];
        return;
    }
    std::vector<float> m(static_cast<size_t>(w.kh) * w.kw, 0.0f);
    const int cy = (w.kh - 1) / 2, cx = (w.kw - 1) / 2;
    auto stencil = [&](const float (&s)[3][3]) {
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const int y = cy + dy, x = cx + dx;
                if (y >= 0 && y < w.kh && x >= 0 && x < w.kw)
                    m[static_cast<size_t>(y * w.kw + x)] = s[dy + 1][dx + 1];
            }
    };
    switch (preset) {
    case KernelPreset::Identity: m[static_cast<size_t>(cy * w.kw + cx)] = 1.0f; break;
    case KernelPreset::BoxBlur: std::fill(m.begin(), m.end(), 1.0f / float(w.kh * w.kw)); break;
    case KernelPreset::Gaussian: {
        const double sy = std::max(0.5, w.kh / 4.0), sx = std::max(0.5, w.kw / 4.0);
        double sum = 0;
        for (int y = 0; y < w.kh; ++y)
            for (int x = 0; x < w.kw; ++x) {
                const double dy = y - (w.kh - 1) / 2.0, dx = x - (w.kw - 1) / 2.0;
                const double v = std::exp(-0.5 * (dy * dy / (sy * sy) + dx * dx / (sx * sx)));
                m[static_cast<size_t>(y * w.kw + x)] = static_cast<float>(v);
                sum += v;
            }
        for (float& v : m)
            v = static_cast<float>(v / sum);
        break;
    }
    case KernelPreset::Sharpen: { const float s[3][3]{{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}}; stencil(s); break; }
    case KernelPreset::SobelX: { const float s[3][3]{{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}}; stencil(s); break; }
    case KernelPreset::SobelY: { const float s[3][3]{{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}}; stencil(s); break; }
    case KernelPreset::Laplacian: { const float s[3][3]{{0, 1, 0}, {1, -4, 1}, {0, 1, 0}}; stencil(s); break; }
    case KernelPreset::Emboss: { const float s[3][3]{{-2, -1, 0}, {-1, 1, 1}, {0, 1, 2}}; stencil(s); break; }
    case KernelPreset::GlorotUniform: break;
    }
    const float divide = averageChannels ? float(w.cin) : 1.0f;
    for (int ky = 0; ky < w.kh; ++ky)
        for (int kx = 0; kx < w.kw; ++kx)
            for (int ci = 0; ci < w.cin; ++ci)
                for (int f = f0; f < f1; ++f)
                    w.at(ky, kx, ci, f) = m[static_cast<size_t>(ky * w.kw + kx)] / divide;
}

} // namespace layerscope
