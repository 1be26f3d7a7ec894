// The one `layerscope` executable: command-line subcommands go to the CLI, no display means the
// headless demo, anything else opens the app (optional arguments: IMAGE_OR_NPY [PIPELINE.json]).

#include "widgets/app_setup.h"
#include "widgets/main_window.h"

#include "cli/cli.h"

#include <QApplication>
#include <QStringList>

#include <cstdlib>

int main(int argc, char** argv)
{
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
    layerscope::gui::MainWindow window;
    window.show();
    window.openInitial(args.value(1), args.value(2));
    return app.exec();
}
