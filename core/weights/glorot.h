#pragma once
// The one Glorot-uniform initialiser: Conv2D's default weights (seeded from the layer name) and
// the kernel editor's preset (seeded from the editor's seed) both draw through it, so "the same
// seed" means the same numbers everywhere.
//   limit = √(6 / (fan_in + fan_out)), fan_in = kh·kw·C_in, fan_out = kh·kw·filters (HWIO shape;
//   Keras's compute_fans reads any rank-4 shape so: axes −2 and −1 times kh·kw), for a rank-2
//   (in, out) Dense kernel fan_in = in, fan_out = out;
//   generator std::mt19937(seed); for each element in row-major HWIO order,
//   u = (gen() >> 8) · 2⁻²⁴ and value = float(−limit + 2·limit·u) computed in double.
// (std::uniform_real_distribution is not used: its sequence differs between standard libraries.)

#include "../tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope {

double glorotLimit(const Shape& hwio);
// Throws std::invalid_argument unless `hwio` has rank 4 or 2.
std::vector<float> glorotUniform(const Shape& hwio, uint32_t seed);
// The 32-bit FNV-1a hash of the UTF-8 bytes (offset basis 2166136261, prime 16777619): how a
// layer name becomes a seed.
uint32_t fnv1a32(const std::string& text);

} // namespace layerscope
