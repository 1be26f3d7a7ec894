// The one `layerscope` executable: command-line subcommands go to the CLI, no display means the
// headless demo, anything else opens the app (optional arguments: IMAGE_OR_NPY [PIPELINE.json], or
// MODEL.keras/.h5/.hdf5 [IMAGE_OR_NPY]).

#include "bench/ui_benchmark.h"
#include "figures/figure_commands.h"
#include "engine/pipeline_runner.h"
#include "widgets/app_setup.h"
#include "widgets/main_window.h"
#include "widgets/test_hooks.h"

#include "cli/cli.h"

#include <QApplication>
#include <QStringList>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv)
{
    if (layerscope::gui::isUiBenchmarkInvocation(argc, argv))
        return layerscope::gui::runUiBenchmark(argc, argv);
    if (layerscope::gui::isFigureCommand(argc, argv))
        return layerscope::gui::runFigureCommand(argc, argv);
    if (layerscope::isCliInvocation(argc, argv))
        return layerscope::runCli(argc, argv);
    const bool noDisplay = !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")
                        && !std::getenv("QT_QPA_PLATFORM");
    if (noDisplay) {
        const std::filesystem::path image = argc > 1 ? std::filesystem::path(argv[1])
                                                     : layerscope::bundledSampleImage();
        return layerscope::runHeadlessDemo(image, "layerscope-demo");
    }
    QApplication app(argc, argv);
    layerscope::gui::setUpApplication();
    const QStringList args = QApplication::arguments();
    layerscope::gui::MainWindowOptions options;
    options.restoreAnswer = layerscope::gui::restoreAnswerFromEnvironment();
    layerscope::gui::MainWindow window(options);
    window.show();
    window.openInitial(args.value(1), args.value(2));
    layerscope::gui::applyTestHook(window);
    const int status = app.exec();
    // Closed during a long computation: settings are written and nothing else is worth keeping,
    // so leave without waiting for the worker to reach its next cancellation point.
    if (!window.runner()->waitForIdle(/*timeoutMs=*/300)) {
        std::fflush(nullptr);
        std::_Exit(status);
    }
    return status;
}
