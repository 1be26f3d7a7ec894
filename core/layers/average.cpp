#include "average.h"

namespace layerscope {

std::unique_ptr<Average> Average::fromJson(const nlohmann::json& object)
{
    return std::make_unique<Average>(nameFromJson(object, kNameStem));
}

nlohmann::json Average::fuzzJson(FuzzBytes& bytes, const std::string& name)
{
    return mergeFuzzJson(kClassName, bytes, name);
}

} // namespace layerscope
