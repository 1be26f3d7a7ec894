#pragma once
// NumPy .npy files (format versions 1.0, 2.0, 3.0). Reading accepts little/big endian, C or
// Fortran order, float16/32/64, int/uint 8..64 and bool, all converted to float32. The header is
// validated before anything is allocated: a file whose header claims more data than it holds is
// an InputError, never a huge allocation.

#include "../tensor.h"

#include <filesystem>
#include <string>

namespace layerscope {

Tensor parseNpy(const std::string& bytes);
Tensor readNpy(const std::filesystem::path& path);
// Little-endian float32, C order, version 1.0.
std::string npyBytes(const Tensor& tensor);
// Atomic: no partial file on failure.
void writeNpy(const std::filesystem::path& path, const Tensor& tensor);

// Rank 2 → 1×H×W×1, rank 3 → 1×H×W×C, rank 4 as is; other ranks are an InputError.
Tensor toImageBatch(Tensor tensor);

} // namespace layerscope
