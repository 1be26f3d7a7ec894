#include "maximum.h"

namespace layerscope {

std::unique_ptr<Maximum> Maximum::fromJson(const nlohmann::json& object)
{
    return std::make_unique<Maximum>(nameFromJson(object, kNameStem));
}

nlohmann::json Maximum::fuzzJson(FuzzBytes& bytes, const std::string& name)
{
    return mergeFuzzJson(kClassName, bytes, name);
}

} // namespace layerscope
