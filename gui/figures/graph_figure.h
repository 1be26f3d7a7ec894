#pragma once
// The "graph" figure: the graph view (GraphView: Graphviz dot layout, one box per node with its
// class, name and output shape, the graph window's colours) rendered into a figure, the node
// that the figure is about outlined by selection. Needs a QApplication (GraphView is a widget;
// it is never shown).

#include "figure_file.h"

#include "core/graph/graph.h"

#include <memory>
#include <optional>

namespace layerscope::gui {

// `inputs` are the model's input shapes (every box then says its output shape, or its error);
// `selected` is the node to select. Throws std::runtime_error when the layout fails or takes
// longer than a minute.
Figure graphFigure(std::shared_ptr<const ModelGraph> graph, const std::vector<Shape>& inputs,
                   std::optional<size_t> selected);

} // namespace layerscope::gui
