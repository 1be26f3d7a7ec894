#pragma once
// A read-only, defensive view of an HDF5 file held in memory (a legacy .h5 model, a .weights.h5,
// or the model.weights.h5 member of a .keras zip), through the HDF5 C library
// (KERAS_FILES.md §4, §5).
//
// A model file is untrusted input, so every read is checked before anything is allocated:
//  - paths are walked link by link and only hard links are followed (no external links, which
//    would open other files, and no soft links, which Keras never writes);
//  - datasets must be float (IEEE half, single or double) or integer (Normalization's int64
//    count), simple dataspaces of at most 8 axes, with no virtual layout, no external storage and
//    no filter but deflate / shuffle; their declared size is checked against the memory budget
//    left and, for unfiltered data, against the file's size; chunks may not exceed the dataset;
//  - attributes must be strings (fixed or variable length; a zero-length numeric array reads as
//    an empty list, as Keras writes an empty weight_names) and their declared size must fit in
//    the file.
// HDF5's own error printing is silenced; a failing library call becomes a PipelineFormatError
// naming the file, the object path and HDF5's innermost message. The library (Debian's serial
// build) is not thread-safe, so one process-wide lock is held while a file is open.

#include "core/tensor.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace layerscope {

struct Hdf5Array {
    Shape shape;             // the dataset's dimensions (empty for a scalar)
    std::vector<float> data; // row-major, converted to float32 by HDF5
};

class Hdf5File {
public:
    // `image` is the whole file; `displayName` names it in errors ("model.h5", "x.keras:
    // model.weights.h5"). `memoryBudgetBytes` bounds the float data of all datasets read.
    Hdf5File(std::string image, std::string displayName, int64_t memoryBudgetBytes);
    ~Hdf5File();
    Hdf5File(const Hdf5File&) = delete;
    Hdf5File& operator=(const Hdf5File&) = delete;

    const std::string& displayName() const { return m_displayName; }
    int64_t fileSize() const { return static_cast<int64_t>(m_imageSize); }

    // True when `path` ("" or "/" is the root; "a/b/c") leads through hard links to a group.
    bool isGroup(const std::string& path) const;
    bool isDataset(const std::string& path) const;
    // The link names directly inside a group, in name order (not a meaningful order for Keras:
    // layer and weight order always comes from attributes or numeric names).
    std::vector<std::string> children(const std::string& groupPath) const;
    bool hasAttribute(const std::string& objectPath, const std::string& name) const;
    // A string attribute (scalar, or the first element of a one-element array).
    std::string readStringAttribute(const std::string& objectPath, const std::string& name) const;
    // A list-of-strings attribute; Keras splits a long one over name0, name1, ... (read too).
    std::vector<std::string> readStringListAttribute(const std::string& objectPath, const std::string& name) const;
    Hdf5Array readFloatDataset(const std::string& path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_displayName;
    size_t m_imageSize = 0;
    int64_t m_budgetBytes = 0;
    mutable int64_t m_bytesRead = 0;
};

// The process-wide lock every use of the HDF5 library holds (Debian's build is not thread-safe).
// Recursive: a thread may open a file while holding it.
std::recursive_mutex& hdf5LibraryLock();

// True for the 8 bytes every HDF5 file starts with (at offset 0; Keras never writes a user block).
bool looksLikeHdf5(const std::string& bytes);

} // namespace layerscope
