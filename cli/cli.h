#pragma once
// The headless command line: `layerscope run|shapes|bench|demo ...`. The GUI executable forwards
// to runCli when its first argument is a subcommand, so there is one `layerscope` binary.
// Exit status: 0 success; 1 invalid pipeline, input or layer error (one line "error: ..." on
// stderr, no output file left behind); 2 usage error.

#include <filesystem>
#include <string>

namespace layerscope {

// True when argv[1] names a subcommand (or is --help / --version).
bool isCliInvocation(int argc, char** argv);
int runCli(int argc, char** argv);

// Renders the default pipeline on `imagePath` into `outputDir` (one labelled contact sheet per
// layer, the input, and shapes.txt); prints where it wrote them. Used by `layerscope demo` and by
// the app when no display is available. Returns an exit status.
int runHeadlessDemo(const std::filesystem::path& imagePath, const std::filesystem::path& outputDir);

// "LayerScope 0.1.0" and "checked against Keras 3.15.1 / TensorFlow 2.21.0" (two lines, each ending
// in a newline): printed by `layerscope --version` and shown by the app's Help ▸ About.
std::string versionText();
// "0.1.0": the project VERSION of CMakeLists.txt.
const char* versionNumber();

// The bundled sample image (images/chelsea.png), found next to the executable, in the install
// prefix's share/layerscope, or in the source tree.
std::filesystem::path bundledSampleImage();

} // namespace layerscope
