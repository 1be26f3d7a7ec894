#include "errors.h"

namespace layerscope {

LayerError::LayerError(std::string className, std::string layerName, const std::string& message)
    : Error(className + " '" + layerName + "': " + message),
      m_className(std::move(className)),
      m_layerName(std::move(layerName)),
      m_detail(message)
{
}

} // namespace layerscope
