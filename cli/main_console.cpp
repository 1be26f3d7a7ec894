// The console-only `layerscope` (built when the GUI is switched off): subcommands, and the headless
// demo when called without one.
#include "cli.h"

#include <iostream>

int main(int argc, char** argv)
{
    if (layerscope::isCliInvocation(argc, argv))
        return layerscope::runCli(argc, argv);
    if (argc > 1) {
        std::cerr << "error: this build has no GUI; use a subcommand (layerscope --help)\n";
        return 2;
    }
    return layerscope::runHeadlessDemo(layerscope::bundledSampleImage(), "layerscope-demo");
}
