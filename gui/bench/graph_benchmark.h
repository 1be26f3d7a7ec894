#pragma once
// `layerscope bench-ui --image IMG --model MODEL`: how the graph window of a real model behaves.
// Opens the MainWindow (offscreen without a display) on the image, opens the model as the user
// would (File ▸ Open Model: read on a worker) and measures, on the UI thread's clock:
//   open_ms        until the graph is laid out and drawn;
//   computed_ms    until every node the model can run is computed;
//   thumbnails_ms  until every node box in view shows its thumbnail;
//   scroll_ms      N scrolls of one page down the graph (wrapping to the top), each until the
//                  boxes then in view show their thumbnails: p50 / max;
//   edit_to_recomputed_ms  N edits (--edits): a node of the second half whose output has its
//                  input's shape bypassed and back (Edit ▸ Bypass), each until every node
//                  downstream is computed again: p50 / max, and how many nodes each recomputed;
// plus the longest UI event-loop stall over all of it and the peak resident memory.

#include <QString>

namespace layerscope::gui {

struct GraphBenchmarkOptions {
    QString image, model;
    int scrolls = 20;
    int edits = 20;
    bool json = false;
    int traceSlowMs = 0; // print UI events that take this long (0: off)
};

int runGraphBenchmark(const GraphBenchmarkOptions& options, int argc, char** argv);

} // namespace layerscope::gui
