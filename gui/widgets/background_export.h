#pragma once
// One export written on a worker thread, for the export controllers (layer pictures and tensors,
// figures and animations): the worker returns the status text ("Wrote …") or "error: …", and the
// finished write is announced on the GUI thread as exported or failed. Destroying it waits for
// the write, so a file is never left half written.

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QString>

namespace layerscope::gui {

class BackgroundExport : public QObject {
    Q_OBJECT
public:
    explicit BackgroundExport(QObject* parent = nullptr);
    ~BackgroundExport() override;

    // `write` runs on a worker; its result is the status text or "error: " + the reason.
    void start(QFuture<QString> write);
    bool isBusy() const { return m_watcher.isRunning(); }
    void waitForIdle() { m_watcher.waitForFinished(); }

signals:
    void exported(const QString& message);
    void failed(const QString& message);

private:
    QFutureWatcher<QString> m_watcher;
};

} // namespace layerscope::gui
