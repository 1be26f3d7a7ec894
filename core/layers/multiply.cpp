#include "multiply.h"

namespace layerscope {

std::unique_ptr<Multiply> Multiply::fromJson(const nlohmann::json& object)
{
    return std::make_unique<Multiply>(nameFromJson(object, kNameStem));
}

nlohmann::json Multiply::fuzzJson(FuzzBytes& bytes, const std::string& name)
{
    return mergeFuzzJson(kClassName, bytes, name);
}

} // namespace layerscope
