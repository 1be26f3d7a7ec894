#include "subtract.h"

namespace layerscope {

std::unique_ptr<Subtract> Subtract::fromJson(const nlohmann::json& object)
{
    return std::make_unique<Subtract>(nameFromJson(object, kNameStem));
}

nlohmann::json Subtract::fuzzJson(FuzzBytes& bytes, const std::string& name)
{
    return mergeFuzzJson(kClassName, bytes, name);
}

} // namespace layerscope
