#pragma once
// `layerscope animate` and `layerscope figure`: the subcommands that draw with QtGui (and, for the
// graph, a QGraphicsScene), so they live in the GUI build and main.cpp dispatches them before the
// Qt-free command line, as it does bench-ui. They read --model / --input like every subcommand
// (cli_options.h) and exit 0 on success, 1 with one "error: …" line for a bad layer, channel,
// region, size or output file, 2 for a malformed command line.

namespace layerscope::gui {

// True when argv[1] is "animate" or "figure".
bool isFigureCommand(int argc, char** argv);
int runFigureCommand(int argc, char** argv);

} // namespace layerscope::gui
