#pragma once
// The members of a `.keras` zip (KERAS_FILES.md §1) read into memory through libzip: nothing is
// ever extracted to disk, and nothing is allocated beyond the limits below.
//
// A .keras file must hold exactly one config.json, one metadata.json and one model.weights.h5.
// Refused, with a message naming the member: duplicate member names (a second member can hide a
// payload behind a name a careless loader reads), model.weights.npz (Keras's alternative weights
// format, whose arrays may be pickles), member names that would escape a folder if extracted
// ("..", an absolute path, a drive letter), encrypted members, a member whose declared size
// exceeds its limit or whose declared sizes together exceed the memory budget, a member that
// inflates to more or fewer bytes than it declares, and anything libzip finds inconsistent
// (ZIP_CHECKCONS; truncated or damaged archives). Other members (assets/...) are ignored unread.

#include <cstdint>
#include <string>

namespace layerscope {

struct KerasArchive {
    std::string config;   // config.json
    std::string metadata; // metadata.json
    std::string weights;  // model.weights.h5 (an HDF5 image)
};

struct KerasArchiveLimits {
    int64_t memoryBudgetBytes = int64_t{1} << 31; // all members read, together
    int64_t maxConfigBytes = int64_t{64} << 20;
    int64_t maxMetadataBytes = int64_t{1} << 20;
};

// `bytes` is the whole zip file; `displayName` names it in errors.
KerasArchive readKerasArchive(const std::string& bytes, const std::string& displayName,
                              const KerasArchiveLimits& limits = {});

// True for the zip local-header signature "PK\3\4" at offset 0.
bool looksLikeZip(const std::string& bytes);

} // namespace layerscope
