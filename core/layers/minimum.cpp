#include "minimum.h"

namespace layerscope {

std::unique_ptr<Minimum> Minimum::fromJson(const nlohmann::json& object)
{
    return std::make_unique<Minimum>(nameFromJson(object, kNameStem));
}

nlohmann::json Minimum::fuzzJson(FuzzBytes& bytes, const std::string& name)
{
    return mergeFuzzJson(kClassName, bytes, name);
}

} // namespace layerscope
