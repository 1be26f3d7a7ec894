#include "hdf5_weights.h"

#include "core/errors.h"
#include "core/exec_context.h"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace layerscope {

namespace {

// Closes an HDF5 identifier with the right function when it goes out of scope.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer closer) : m_id(id), m_closer(closer) {}
    Handle(Handle&& other) noexcept : m_id(other.m_id), m_closer(other.m_closer) { other.m_id = -1; }
    Handle& operator=(Handle&& other) noexcept
    {
        std::swap(m_id, other.m_id);
        std::swap(m_closer, other.m_closer);
        return *this;
    }
    ~Handle()
    {
        if (m_id >= 0 && m_closer)
            m_closer(m_id);
    }
    hid_t get() const { return m_id; }
    bool valid() const { return m_id >= 0; }

private:
    hid_t m_id = -1;
    Closer m_closer = nullptr;
};

herr_t innermostMessage(unsigned, const H5E_error2_t* error, void* data)
{
    if (error && error->desc && *error->desc)
        *static_cast<std::string*>(data) = error->desc;
    return 0;
}

// HDF5's deepest error description (the most specific), then the stack cleared.
std::string takeHdf5Message()
{
    std::string message;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermostMessage, &message);
    H5Eclear2(H5E_DEFAULT);
    return message;
}

std::vector<std::string> splitPath(const std::string& path)
{
    std::vector<std::string> parts;
    std::string current;
    for (char c : path) {
        if (c == '/') {
            if (!current.empty())
                parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        parts.push_back(current);
    return parts;
}

std::string shownPath(const std::string& path)
{
    return path.empty() ? std::string("/") : path;
}

herr_t collectName(hid_t, const char* name, const H5L_info_t*, void* data)
{
    auto* names = static_cast<std::vector<std::string>*>(data);
    if (names->size() >= 1000000)
        return 1; // stop: no Keras file has a million links in one group
    names->push_back(name);
    return 0;
}

bool isHalfFloat(hid_t type)
{
    size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
    return H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) >= 0 && spos == 15 && epos == 10 && esize == 5
        && mpos == 0 && msize == 10;
}

bool isStandardFloat(hid_t type, size_t size)
{
    size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
    if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) < 0)
        return false;
    if (size == 4)
        return spos == 31 && epos == 23 && esize == 8 && mpos == 0 && msize == 23;
    if (size == 8)
        return spos == 63 && epos == 52 && esize == 11 && mpos == 0 && msize == 52;
    return size == 2 && isHalfFloat(type);
}

} // namespace

namespace {
std::recursive_mutex* g_hdf5Lock = new std::recursive_mutex; // never destroyed: used until exit
}

std::recursive_mutex& hdf5LibraryLock()
{
    return *g_hdf5Lock;
}

struct Hdf5File::Impl {
    std::unique_lock<std::recursive_mutex> lock{hdf5LibraryLock()};
    Handle file;
};

bool looksLikeHdf5(const std::string& bytes)
{
    return bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89HDF\r\n\x1a\n", 8) == 0;
}

Hdf5File::Hdf5File(std::string image, std::string displayName, int64_t memoryBudgetBytes)
    : m_impl(std::make_unique<Impl>()), m_displayName(std::move(displayName)), m_imageSize(image.size()),
      m_budgetBytes(memoryBudgetBytes)
{
    // Errors are reported through exceptions, never printed by the library.
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (!looksLikeHdf5(image))
        throw PipelineFormatError(m_displayName + ": not an HDF5 file (it does not start with the HDF5 signature)");
    Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    // The core (memory) driver over a copy of the image: nothing is read from or written to disk.
    if (!access.valid() || H5Pset_fapl_core(access.get(), 1 << 16, 0) < 0
        || H5Pset_file_image(access.get(), image.data(), image.size()) < 0)
        throw PipelineFormatError(m_displayName + ": HDF5 could not set up an in-memory file: " + takeHdf5Message());
    image.clear();
    image.shrink_to_fit();
    m_impl->file = Handle(H5Fopen("in-memory.h5", H5F_ACC_RDONLY, access.get()), H5Fclose);
    if (!m_impl->file.valid())
        throw PipelineFormatError(m_displayName + ": HDF5 cannot open it (damaged or truncated?): " + takeHdf5Message());
}

Hdf5File::~Hdf5File() = default;

namespace {

// Opens the object at `path` walking hard links only; an invalid handle when a link is missing.
// Throws for a link of another kind (external or soft) or a path through a non-group.
Handle openObject(hid_t file, const std::string& display, const std::string& path)
{
    Handle current(H5Oopen(file, "/", H5P_DEFAULT), H5Oclose);
    if (!current.valid())
        throw PipelineFormatError(display + ": HDF5 cannot open the root group: " + takeHdf5Message());
    for (const std::string& part : splitPath(path)) {
        if (part == "." || part == "..")
            throw PipelineFormatError(display + ": the path '" + path + "' has a '" + part + "' component");
        if (H5Iget_type(current.get()) != H5I_GROUP)
            return Handle();
        const htri_t exists = H5Lexists(current.get(), part.c_str(), H5P_DEFAULT);
        if (exists <= 0) {
            takeHdf5Message();
            return Handle();
        }
        H5L_info_t info;
        if (H5Lget_info(current.get(), part.c_str(), &info, H5P_DEFAULT) < 0)
            throw PipelineFormatError(display + ": HDF5 cannot read the link '" + path + "': " + takeHdf5Message());
        if (info.type == H5L_TYPE_EXTERNAL)
            throw PipelineFormatError(display + ": '" + path
                                      + "' is an external link to another file; LayerScope reads nothing outside the model file");
        if (info.type != H5L_TYPE_HARD)
            throw PipelineFormatError(display + ": '" + path + "' goes through a soft or user-defined link, which Keras never writes");
        Handle next(H5Oopen(current.get(), part.c_str(), H5P_DEFAULT), H5Oclose);
        if (!next.valid())
            throw PipelineFormatError(display + ": HDF5 cannot open '" + path + "': " + takeHdf5Message());
        current = std::move(next);
    }
    return current;
}

} // namespace

bool Hdf5File::isGroup(const std::string& path) const
{
    const Handle object = openObject(m_impl->file.get(), m_displayName, path);
    return object.valid() && H5Iget_type(object.get()) == H5I_GROUP;
}

bool Hdf5File::isDataset(const std::string& path) const
{
    const Handle object = openObject(m_impl->file.get(), m_displayName, path);
    return object.valid() && H5Iget_type(object.get()) == H5I_DATASET;
}

std::vector<std::string> Hdf5File::children(const std::string& groupPath) const
{
    const Handle group = openObject(m_impl->file.get(), m_displayName, groupPath);
    std::vector<std::string> names;
    if (!group.valid() || H5Iget_type(group.get()) != H5I_GROUP)
        return names;
    hsize_t index = 0;
    if (H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collectName, &names) < 0)
        throw PipelineFormatError(m_displayName + ": HDF5 cannot list the group '" + shownPath(groupPath)
                                  + "': " + takeHdf5Message());
    return names;
}

bool Hdf5File::hasAttribute(const std::string& objectPath, const std::string& name) const
{
    const Handle object = openObject(m_impl->file.get(), m_displayName, objectPath);
    if (!object.valid())
        return false;
    const htri_t exists = H5Aexists(object.get(), name.c_str());
    if (exists < 0)
        throw PipelineFormatError(m_displayName + ": HDF5 cannot read the attributes of '" + shownPath(objectPath)
                                  + "': " + takeHdf5Message());
    return exists > 0;
}

namespace {

std::vector<std::string> readStrings(hid_t object, const std::string& display, const std::string& where,
                                     const std::string& name, int64_t fileSize)
{
    const std::string what = display + ": attribute '" + name + "' of '" + shownPath(where) + "'";
    Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!attribute.valid())
        throw PipelineFormatError(what + ": HDF5 cannot open it: " + takeHdf5Message());
    Handle type(H5Aget_type(attribute.get()), H5Tclose);
    Handle space(H5Aget_space(attribute.get()), H5Sclose);
    if (!type.valid() || !space.valid())
        throw PipelineFormatError(what + ": HDF5 cannot read its type: " + takeHdf5Message());
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0)
        throw PipelineFormatError(what + ": HDF5 cannot read its size: " + takeHdf5Message());
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        // Keras writes an empty name list as a zero-length float64 array.
        if (count == 0)
            return {};
        throw PipelineFormatError(what + ": expected strings, found " + std::to_string(count) + " numbers");
    }
    if (cls != H5T_STRING)
        throw PipelineFormatError(what + ": expected strings, found another HDF5 type");
    // Each element takes at least one byte of the file (a variable-length one more): a count
    // beyond the file's size is a lie.
    if (count > fileSize)
        throw PipelineFormatError(what + ": declares " + std::to_string(count) + " strings, more than the file's "
                                  + std::to_string(fileSize) + " bytes could hold");
    Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
    std::vector<std::string> result;
    const htri_t variable = H5Tis_variable_str(type.get());
    if (variable < 0)
        throw PipelineFormatError(what + ": HDF5 cannot read its string type: " + takeHdf5Message());
    if (variable) {
        H5Tset_size(memory.get(), H5T_VARIABLE);
        std::vector<char*> pointers(static_cast<size_t>(count), nullptr);
        if (H5Aread(attribute.get(), memory.get(), pointers.data()) < 0)
            throw PipelineFormatError(what + ": HDF5 cannot read it: " + takeHdf5Message());
        int64_t total = 0;
        for (char* p : pointers) {
            result.emplace_back(p ? p : "");
            total += static_cast<int64_t>(result.back().size());
        }
        H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, pointers.data());
        if (total > fileSize)
            throw PipelineFormatError(what + ": holds more text than the file's size");
        return result;
    }
    const size_t size = H5Tget_size(type.get());
    if (size == 0 || static_cast<int64_t>(size) > fileSize || count > fileSize / static_cast<int64_t>(size))
        throw PipelineFormatError(what + ": declares " + std::to_string(count) + " strings of " + std::to_string(size)
                                  + " bytes, more than the file's " + std::to_string(fileSize) + " bytes");
    // One byte more per element than stored: room for the terminator HDF5 writes in memory, so a
    // null-padded name that fills its whole width ("conv2d/kernel:0" in |S15) keeps its last byte.
    const size_t width = size + 1;
    H5Tset_size(memory.get(), width);
    std::vector<char> buffer(static_cast<size_t>(count) * width);
    if (H5Aread(attribute.get(), memory.get(), buffer.data()) < 0)
        throw PipelineFormatError(what + ": HDF5 cannot read it: " + takeHdf5Message());
    for (hssize_t i = 0; i < count; ++i) {
        const char* start = buffer.data() + static_cast<size_t>(i) * width;
        result.emplace_back(start, strnlen(start, size));
    }
    return result;
}

} // namespace

std::string Hdf5File::readStringAttribute(const std::string& objectPath, const std::string& name) const
{
    const Handle object = openObject(m_impl->file.get(), m_displayName, objectPath);
    if (!object.valid())
        throw PipelineFormatError(m_displayName + ": no object '" + shownPath(objectPath) + "'");
    const std::vector<std::string> values = readStrings(object.get(), m_displayName, objectPath, name, fileSize());
    return values.empty() ? std::string() : values.front();
}

std::vector<std::string> Hdf5File::readStringListAttribute(const std::string& objectPath, const std::string& name) const
{
    const Handle object = openObject(m_impl->file.get(), m_displayName, objectPath);
    if (!object.valid())
        throw PipelineFormatError(m_displayName + ": no object '" + shownPath(objectPath) + "'");
    if (H5Aexists(object.get(), name.c_str()) > 0)
        return readStrings(object.get(), m_displayName, objectPath, name, fileSize());
    takeHdf5Message();
    // save_attributes_to_hdf5_group's split form: name0, name1, ...
    std::vector<std::string> all;
    for (int chunk = 0;; ++chunk) {
        const std::string part = name + std::to_string(chunk);
        if (H5Aexists(object.get(), part.c_str()) <= 0)
            break;
        for (std::string& s : readStrings(object.get(), m_displayName, objectPath, part, fileSize()))
            all.push_back(std::move(s));
    }
    takeHdf5Message();
    return all;
}

Hdf5Array Hdf5File::readFloatDataset(const std::string& path) const
{
    const std::string what = m_displayName + ": dataset '" + path + "'";
    const Handle dataset = openObject(m_impl->file.get(), m_displayName, path);
    if (!dataset.valid())
        throw PipelineFormatError(what + " is missing");
    if (H5Iget_type(dataset.get()) != H5I_DATASET)
        throw PipelineFormatError(what + " is a group, not a dataset");
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    Handle type(H5Dget_type(dataset.get()), H5Tclose);
    Handle creation(H5Dget_create_plist(dataset.get()), H5Pclose);
    if (!space.valid() || !type.valid() || !creation.valid())
        throw PipelineFormatError(what + ": HDF5 cannot read its header: " + takeHdf5Message());

    Hdf5Array array;
    const H5S_class_t spaceClass = H5Sget_simple_extent_type(space.get());
    if (spaceClass == H5S_SIMPLE) {
        const int rank = H5Sget_simple_extent_ndims(space.get());
        if (rank < 0 || rank > 8)
            throw PipelineFormatError(what + ": has " + std::to_string(rank) + " axes (at most 8 are read)");
        hsize_t dims[8] = {};
        H5Sget_simple_extent_dims(space.get(), dims, nullptr);
        for (int k = 0; k < rank; ++k) {
            if (dims[k] > (hsize_t{1} << 40))
                throw PipelineFormatError(what + ": declares an axis of " + std::to_string(dims[k]) + " elements");
            array.shape.push_back(static_cast<int64_t>(dims[k]));
        }
    } else if (spaceClass != H5S_SCALAR) {
        throw PipelineFormatError(what + ": has an empty (null) dataspace");
    }
    int64_t count = 1;
    for (int64_t d : array.shape) {
        if (d != 0 && count > (int64_t{1} << 40) / d)
            throw PipelineFormatError(what + ": its shape " + shapeToTuple(array.shape) + " is too large");
        count *= d;
    }

    const H5T_class_t cls = H5Tget_class(type.get());
    const size_t elementSize = H5Tget_size(type.get());
    if (cls == H5T_FLOAT) {
        if (!isStandardFloat(type.get(), elementSize))
            throw PipelineFormatError(what + ": holds a non-IEEE float type of " + std::to_string(elementSize) + " bytes");
    } else if (cls == H5T_INTEGER) {
        // Keras's Normalization keeps its sample count as int64.
        if (elementSize == 0 || elementSize > 8)
            throw PipelineFormatError(what + ": holds an integer type of " + std::to_string(elementSize) + " bytes");
    } else {
        throw PipelineFormatError(what + ": holds neither floats nor integers (strings, compound or other "
                                         "HDF5 types are not weights)");
    }

    const H5D_layout_t layout = H5Pget_layout(creation.get());
    if (layout == H5D_VIRTUAL)
        throw PipelineFormatError(what + ": is a virtual dataset (its data lives in other files); refused");
    if (layout != H5D_COMPACT && layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED)
        throw PipelineFormatError(what + ": has an unknown storage layout");
    if (H5Pget_external_count(creation.get()) != 0)
        throw PipelineFormatError(what + ": keeps its data in external files; refused");
    const int filters = H5Pget_nfilters(creation.get());
    if (filters < 0)
        throw PipelineFormatError(what + ": HDF5 cannot read its filters: " + takeHdf5Message());
    for (int i = 0; i < filters; ++i) {
        unsigned flags = 0, config = 0;
        size_t values = 0;
        char name[64] = {};
        const H5Z_filter_t filter = H5Pget_filter2(creation.get(), static_cast<unsigned>(i), &flags, &values, nullptr,
                                                   sizeof name, name, &config);
        if (filter != H5Z_FILTER_DEFLATE && filter != H5Z_FILTER_SHUFFLE && filter != H5Z_FILTER_FLETCHER32)
            throw PipelineFormatError(what + ": uses the HDF5 filter " + std::to_string(filter)
                                      + " (only deflate, shuffle and fletcher32 are read)");
    }
    const int64_t declaredBytes = count * static_cast<int64_t>(elementSize);
    if (filters == 0 && declaredBytes > fileSize())
        throw PipelineFormatError(what + ": declares shape " + shapeToTuple(array.shape) + " (" + std::to_string(declaredBytes)
                                  + " bytes), more than the whole file holds (" + std::to_string(fileSize())
                                  + " bytes): the file is damaged or lies");
    if (layout == H5D_CHUNKED) {
        hsize_t chunk[8] = {};
        const int rank = H5Pget_chunk(creation.get(), 8, chunk);
        int64_t chunkElements = 1;
        for (int k = 0; k < rank && k < 8; ++k) {
            if (chunk[k] == 0 || chunk[k] > (hsize_t{1} << 32))
                throw PipelineFormatError(what + ": declares a chunk axis of " + std::to_string(chunk[k]) + " elements");
            chunkElements = std::min<int64_t>(chunkElements * static_cast<int64_t>(chunk[k]), int64_t{1} << 50);
        }
        if (chunkElements * static_cast<int64_t>(elementSize) > std::max<int64_t>(declaredBytes, 1 << 20))
            throw PipelineFormatError(what + ": declares chunks of " + std::to_string(chunkElements)
                                      + " elements, larger than the dataset itself");
    }
    const int64_t floatBytes = count * static_cast<int64_t>(sizeof(float));
    if (floatBytes > m_budgetBytes - m_bytesRead)
        throw PipelineFormatError(what + ": its " + shapeToTuple(array.shape) + " values (" + formatBytes(floatBytes)
                                  + " as float32) exceed the memory budget left (" + formatBytes(m_budgetBytes - m_bytesRead)
                                  + " of " + formatBytes(m_budgetBytes) + "; raise it with --max-memory)");
    array.data.resize(static_cast<size_t>(count));
    if (count > 0
        && H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.data.data()) < 0)
        throw PipelineFormatError(what + ": HDF5 cannot read its data (damaged or truncated file?): " + takeHdf5Message());
    m_bytesRead += floatBytes;
    return array;
}

} // namespace layerscope
