#pragma once
// QUndoCommand ids for commands that merge (a spin-box drag becomes one undo step).

namespace layerscope::gui {

enum CommandId { ChangeLayerCommandId = 1001, ChangeInputCommandId = 1002, GraphEditCommandId = 1003 };

} // namespace layerscope::gui
