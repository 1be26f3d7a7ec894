#pragma once
// A model graph laid out for drawing, top to bottom like Netron and Keras's plot_model: Graphviz's
// `dot` engine (libgvc/cgraph) places the boxes and routes the edges; nothing here is hand-rolled.
//
// Units: the caller's drawing units (pixels at 100 % zoom), handed to Graphviz 1:1 as points.
// Coordinates: origin top-left, y grows downward, the drawing starts at (margin, margin).
// Graphviz sees only numbers and generated names ("n0", "n1", ...): no layer name, class or other
// string from a model file ever reaches its parser.

#include "core/graph/graph.h"

#include <array>
#include <cstddef>
#include <vector>

namespace layerscope {

// Box size of each node in the drawing's units (pixels at 100 % zoom).
struct GraphLayoutBox { double width = 0, height = 0; };

struct GraphLayoutOptions {
    double nodeSeparation = 24; // between boxes of one rank (Graphviz nodesep)
    double rankSeparation = 36; // between ranks (Graphviz ranksep)
    double margin = 12;         // empty border around the drawing, on every side
};

struct GraphLayoutNode { double x = 0, y = 0, width = 0, height = 0; }; // CENTRE of the box; origin top-left, y grows downward

struct GraphLayoutEdge {
    size_t from = 0, to = 0;       // node indices (ModelGraph::nodes), one edge per (producer, consumer input slot)
    // A cubic bezier as Graphviz gives it: 1 + 3n control points, top-left origin, starting at the
    // middle of `from`'s bottom side and ending at the middle of `to`'s top side (Graphviz ports s
    // and n). Graphviz stops the spline short of the head by the arrowhead's length; the
    // arrowhead's tip is included as a last straight cubic segment, so the last point is on `to`'s
    // box and the last segment's direction is the arrowhead's.
    std::vector<std::array<double, 2>> points;
};

struct GraphLayout {
    double width = 0, height = 0;        // the whole drawing, margins included
    std::vector<GraphLayoutNode> nodes;  // one per ModelGraph::nodes, same index
    std::vector<GraphLayoutEdge> edges;  // ordered by `to`, then by input slot
};

// The largest drawing problem laid out. Graphviz 2.43's dot spends most of its time placing boxes
// horizontally, a network simplex over every node, every "virtual" node it adds where an edge
// skips ranks and one more node per edge segment; its start (feasible_tree) grows about with the
// cube of that size (measured: 3 505 → 0.3 s, 17 505 → 48 s), so a hostile file of a few hundred
// nodes with long edges (a Concatenate of 100 earlier layers: 54 s) could stall the caller for
// minutes. The size is bounded from above before calling Graphviz (graphLayoutSize) and a graph
// above this limit is refused; the simplex's iterations are capped too (nslimit). The largest
// graphs accepted (a Concatenate of 88 earlier layers; a 2 236-node ResNet-like chain) take 1–2.5 s
// on two shared cores; real models of a few hundred layers take milliseconds.
constexpr size_t kGraphLayoutMaxSize = 8000;

// An upper bound of that problem's size: nodes + virtual nodes + edge segments, with ranks from a
// longest-path ranking (inputs pulled down next to their first consumer), which dot's ranking can
// only shorten. A chain of n nodes: 2n − 1; the 157-layer MobileNetV2: 483. Throws
// std::invalid_argument for an input that is not an earlier node.
size_t graphLayoutSize(const ModelGraph& graph);

// Lays out every node of `graph` (boxes.size() == graph.nodes.size(), else std::invalid_argument;
// also for a negative or non-finite size or option, or an input index that is not an earlier
// node), ranks top to bottom in topological order. Thread-safe (Graphviz keeps global state:
// calls are serialised by a mutex). Throws std::runtime_error with Graphviz's message on failure,
// and for graphs whose graphLayoutSize is above kGraphLayoutMaxSize.
GraphLayout layoutGraph(const ModelGraph& graph, const std::vector<GraphLayoutBox>& boxes,
                        const GraphLayoutOptions& options = {});

} // namespace layerscope
