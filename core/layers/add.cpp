#include "add.h"

namespace layerscope {

std::unique_ptr<Add> Add::fromJson(const nlohmann::json& object)
{
    return std::make_unique<Add>(nameFromJson(object, kNameStem));
}

nlohmann::json Add::fuzzJson(FuzzBytes& bytes, const std::string& name)
{
    return mergeFuzzJson(kClassName, bytes, name);
}

} // namespace layerscope
