#pragma once
// `layerscope bench-ui`: how responsive the real main window is while its first layer is edited.
//
// Opens the MainWindow (the offscreen platform when there is no display) on an image and a
// pipeline, waits for the first run, then applies N scripted edits to the first layer's first
// integer parameter through the properties panel (LayerPropertiesPanel::applyConfigValue, the
// path a spin box takes), alternating value + 1 and value. For each edit it measures
// edit-to-pixels: from the edit until the feature-map view has painted the recomputed first
// layer with every visible tile's final picture (the rest of the pipeline may still be running).
// A watchdog timer measures the longest gap between event-loop iterations over the whole edit
// phase (the UI stall). Peak RSS is the process's high-water mark (VmHWM).
//
// Prints {"edits", "edit_to_pixels_ms": {"p50", "p95", "max"}, "longest_ui_stall_ms",
// "peak_rss_mb"} with --json, a table otherwise.

namespace layerscope::gui {

// True when argv names the bench-ui subcommand.
bool isUiBenchmarkInvocation(int argc, char** argv);
// Runs it; returns the process exit status (2 for a usage error).
int runUiBenchmark(int argc, char** argv);

} // namespace layerscope::gui
