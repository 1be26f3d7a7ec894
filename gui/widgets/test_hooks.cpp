#include "test_hooks.h"

#include "commands/insert_layer_command.h"
#include "document/document.h"
#include "engine/pipeline_runner.h"

#include <QTimer>

#include <cstdio>
#include <cstdlib>

namespace layerscope::gui {

RestoreAnswer restoreAnswerFromEnvironment()
{
    const QByteArray value = qgetenv("LAYERSCOPE_RESTORE").toLower();
    if (value == "yes")
        return RestoreAnswer::Yes;
    if (value == "no")
        return RestoreAnswer::No;
    return RestoreAnswer::Ask;
}

void applyTestHook(MainWindow& window)
{
    const QByteArray hook = qgetenv("LAYERSCOPE_TEST_HOOK");
    if (hook == "edit") {
        QTimer::singleShot(0, &window, [&window] {
            Document* doc = window.document();
            const nlohmann::json layer = {
                {"class_name", "AveragePooling2D"},
                {"config", {{"name", "hook_edit"}, {"pool_size", {2, 2}}, {"strides", {2, 2}}, {"padding", "valid"}}}};
            doc->undoStack()->push(new InsertLayerCommand(doc, doc->layerCount(), layer));
            std::printf("edited\n");
            std::fflush(stdout);
        });
    } else if (hook == "close") {
        // Close the window the normal way once the first run is done (exit-time measurements).
        QTimer::singleShot(0, &window, [&window] {
            window.runner()->waitForIdle();
            std::printf("closing\n");
            std::fflush(stdout);
            window.close();
        });
    } else if (hook == "report") {
        QTimer::singleShot(0, &window, [&window] {
            const Document* doc = window.document();
            QStringList names;
            for (int i = 0; i < doc->layerCount(); ++i)
                names << QString::fromStdString(doc->layer(i).name());
            std::printf("layers: %s\nmodified: %d\n", qPrintable(names.join(',')), doc->isModified() ? 1 : 0);
            std::fflush(stdout);
            std::_Exit(0);
        });
    }
}

} // namespace layerscope::gui
