#pragma once
// "Take it back to Keras" for graphs: a runnable Keras 3 script that builds the same Functional
// model with the functional API (one constructor per layer, one call per node, so shared layers
// are shared), sets the engine's weights, loads one .npy per model input (or seeded noise in
// 0..255 of the given shapes), runs it and saves every node's output as
// keras_outputs/NN_<layer>.npy with the CLI's numbering (NN = topological index), so the two can be
// compared file by file. Unsupported layers are left as a comment and what depends on them out.

#include "core/graph/graph.h"

#include <string>
#include <vector>

namespace layerscope {

struct GraphKerasCodeOptions {
    std::vector<std::string> inputPaths; // one .npy per model input; empty: seeded noise
    std::vector<Shape> inputShapes;      // one per model input (fixes default weights); empty: declared
};

std::string generateGraphKerasCode(const ModelGraph& graph, const GraphKerasCodeOptions& options);

} // namespace layerscope
