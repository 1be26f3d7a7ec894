#include "background_export.h"

namespace layerscope::gui {

BackgroundExport::BackgroundExport(QObject* parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<QString>::finished, this, [this] {
        const QString result = m_watcher.result();
        if (result.startsWith("error: "))
            emit failed(result.mid(7));
        else
            emit exported(result);
    });
}

BackgroundExport::~BackgroundExport()
{
    // The worker owns its snapshot; finishing the write keeps the file whole.
    m_watcher.waitForFinished();
}

void BackgroundExport::start(QFuture<QString> write)
{
    m_watcher.setFuture(std::move(write));
}

} // namespace layerscope::gui
