#include "keras_archive.h"

#include "core/errors.h"
#include "core/exec_context.h"

#include <zip.h>

#include <cstring>
#include <map>
#include <memory>

namespace layerscope {

namespace {

struct ArchiveCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct MemberCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// A name that would land outside the extraction folder, or is ambiguous across systems.
bool escapesFolder(const std::string& name)
{
    if (name.empty() || name.front() == '/' || name.front() == '\\')
        return true;
    if (name.size() >= 2 && name[1] == ':')
        return true; // C:...
    if (name.find('\0') != std::string::npos)
        return true;
    std::string part;
    for (size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '/' || name[i] == '\\') {
            if (part == "..")
                return true;
            part.clear();
        } else {
            part += name[i];
        }
    }
    return false;
}

std::string zipMessage(zip_t* archive)
{
    zip_error_t* error = zip_get_error(archive);
    return error ? zip_error_strerror(error) : "unknown libzip error";
}

} // namespace

bool looksLikeZip(const std::string& bytes)
{
    return bytes.size() >= 4 && std::memcmp(bytes.data(), "PK\x03\x04", 4) == 0;
}

KerasArchive readKerasArchive(const std::string& bytes, const std::string& displayName, const KerasArchiveLimits& limits)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!source) {
        const std::string message = zip_error_strerror(&error);
        zip_error_fini(&error);
        throw PipelineFormatError(displayName + ": libzip cannot read it: " + message);
    }
    std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
    if (!archive) {
        const int code = zip_error_code_zip(&error);
        std::string message = zip_error_strerror(&error);
        if (code == ZIP_ER_EXISTS)
            message = "two members have the same name; a .keras file has each member once (a second copy can hide a payload)";
        zip_source_free(source);
        zip_error_fini(&error);
        throw PipelineFormatError(displayName + (code == ZIP_ER_EXISTS ? ": refused: " : ": not a readable .keras zip (damaged or truncated?): ")
                                  + message);
    }
    zip_error_fini(&error);

    const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
    if (entries < 0)
        throw PipelineFormatError(displayName + ": libzip cannot list its members: " + zipMessage(archive.get()));
    // Member name → index; every name checked before any member is read.
    std::map<std::string, zip_uint64_t> wanted;
    const std::map<std::string, int64_t> limitOf = {{"config.json", limits.maxConfigBytes},
                                                     {"metadata.json", limits.maxMetadataBytes},
                                                     {"model.weights.h5", limits.memoryBudgetBytes}};
    std::map<std::string, int> seen;
    int64_t declaredTotal = 0;
    for (zip_int64_t i = 0; i < entries; ++i) {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW, &stat) < 0
            || !(stat.valid & ZIP_STAT_NAME))
            throw PipelineFormatError(displayName + ": libzip cannot read member " + std::to_string(i) + ": "
                                      + zipMessage(archive.get()));
        const std::string name = stat.name;
        if (++seen[name] > 1)
            throw PipelineFormatError(displayName + ": refused: two members have the same name ('" + name
                                      + "'); a .keras file has each member once (a second copy can hide a payload)");
        if (escapesFolder(name))
            throw PipelineFormatError(displayName + ": the member name '" + name
                                      + "' would escape its folder if extracted (absolute path, drive or '..'); refused");
        if (name == "model.weights.npz")
            throw PipelineFormatError(displayName + ": holds model.weights.npz, Keras's NumPy weights format, whose "
                                                    "arrays can be Python pickles; LayerScope reads only model.weights.h5");
        const auto limit = limitOf.find(name);
        if (limit == limitOf.end())
            continue; // assets/..., ignored unread
        if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE)
            throw PipelineFormatError(displayName + ": the member '" + name + "' is encrypted");
        if (!(stat.valid & ZIP_STAT_SIZE))
            throw PipelineFormatError(displayName + ": the member '" + name + "' has no declared size");
        if (stat.size > static_cast<zip_uint64_t>(limit->second))
            throw PipelineFormatError(displayName + ": the member '" + name + "' declares " + formatBytes(static_cast<int64_t>(stat.size))
                                      + " uncompressed, beyond its limit of " + formatBytes(limit->second)
                                      + (name == "model.weights.h5" ? " (the memory budget; raise it with --max-memory)" : ""));
        declaredTotal += static_cast<int64_t>(stat.size);
        wanted[name] = static_cast<zip_uint64_t>(i);
    }
    for (const auto& [name, limit] : limitOf)
        if (!wanted.count(name))
            throw PipelineFormatError(displayName + ": a .keras zip without " + name
                                      + " (a .keras file holds config.json, metadata.json and model.weights.h5)");
    if (declaredTotal > limits.memoryBudgetBytes)
        throw PipelineFormatError(displayName + ": its members declare " + formatBytes(declaredTotal)
                                  + " uncompressed, beyond the memory budget of " + formatBytes(limits.memoryBudgetBytes)
                                  + " (raise it with --max-memory)");

    auto readMember = [&](const std::string& name) {
        const zip_uint64_t index = wanted.at(name);
        zip_stat_t stat;
        zip_stat_init(&stat);
        zip_stat_index(archive.get(), index, 0, &stat);
        std::unique_ptr<zip_file_t, MemberCloser> member(zip_fopen_index(archive.get(), index, 0));
        if (!member)
            throw PipelineFormatError(displayName + ": cannot open the member '" + name + "': " + zipMessage(archive.get()));
        // Exactly the declared size, plus one byte to catch a member that inflates to more.
        std::string content(static_cast<size_t>(stat.size) + 1, '\0');
        zip_uint64_t done = 0;
        while (done < content.size()) {
            const zip_int64_t got = zip_fread(member.get(), content.data() + done, content.size() - done);
            if (got < 0)
                throw PipelineFormatError(displayName + ": the member '" + name + "' is damaged: "
                                          + zip_error_strerror(zip_file_get_error(member.get())));
            if (got == 0)
                break;
            done += static_cast<zip_uint64_t>(got);
        }
        if (done != stat.size)
            throw PipelineFormatError(displayName + ": the member '" + name + "' declares " + std::to_string(stat.size)
                                      + " bytes but holds " + (done > stat.size ? "more" : std::to_string(done)));
        content.resize(static_cast<size_t>(stat.size));
        return content;
    };
    KerasArchive result;
    result.metadata = readMember("metadata.json");
    result.config = readMember("config.json");
    result.weights = readMember("model.weights.h5");
    return result;
}

} // namespace layerscope
