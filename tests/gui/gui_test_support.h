#pragma once
// Shared set-up for the GUI tests: a main window without settings, autosave or restore prompts,
// loaded with a synthetic input and a pipeline, and a wait for the worker to go idle.

#include "document/document.h"
#include "engine/pipeline_runner.h"
#include "widgets/app_setup.h"
#include "widgets/main_window.h"

#include "core/layer_registry.h"
#include "core/pipeline.h"

#include <QTest>

#include <memory>

namespace layerscope::gui::test {

inline MainWindowOptions quietOptions()
{
    return MainWindowOptions::quiet();
}

inline std::unique_ptr<MainWindow> makeWindow(const InputSpec& input, const std::string& pipelineJson)
{
    auto window = std::make_unique<MainWindow>(quietOptions());
    window->document()->setInput(input);
    window->document()->resetPipeline(parsePipelineJson(pipelineJson));
    window->selectLayer(window->document()->layerCount() - 1);
    return window;
}

inline bool waitIdle(MainWindow& window, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    QCoreApplication::processEvents();
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (window.runner()->isIdle())
            return true;
        QTest::qWait(5);
    }
    return false;
}

inline std::string poolPipeline(int pool, int stride, const std::string& padding)
{
    return R"([{"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": [)"
         + std::to_string(pool) + "," + std::to_string(pool) + R"(], "strides": [)"
         + std::to_string(stride) + "," + std::to_string(stride) + R"(], "padding": ")" + padding
         + R"("}}])";
}

} // namespace layerscope::gui::test
