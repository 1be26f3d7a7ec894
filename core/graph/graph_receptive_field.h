#pragma once
// Receptive fields through a graph: which cells of every earlier tensor a region of one node's
// output depends on. Each node maps its output region back to each of its inputs
// (Layer::mapOutputRegionInputs); where branches meet again the regions are united (per axis the
// smallest box holding both), so a model input's region is the union over every path.

#include "core/explain/receptive_field.h"
#include "core/graph/graph.h"
#include "core/graph/graph_shapes.h"

#include <optional>
#include <vector>

namespace layerscope {

struct GraphReceptiveField {
    // One per node: the region of its output the selected region depends on; nullopt for nodes
    // it does not depend on (downstream, or on other branches).
    std::vector<std::optional<TensorRegion>> nodes;
    // One per model input (graph.inputs order).
    std::vector<std::optional<TensorRegion>> inputs;
};

// `clipped` / `unclipped` are boxes over node `node`'s output axes. Throws std::invalid_argument
// when the node (or one it depends on) has no shape, or for a box of the wrong rank.
GraphReceptiveField graphReceptiveField(const ModelGraph& graph, const GraphShapes& shapes, size_t node,
                                        const std::vector<Interval>& clipped,
                                        const std::vector<Interval>& unclipped);

} // namespace layerscope
