#pragma once
// Crash recovery: a while after the last edit the document's unsaved state (pipeline, bypass
// flags, input definition, file name) is written to AppDataLocation/autosave.json through core's
// atomic write, so a crash mid-write never leaves a torn file; a clean document or a clean exit
// removes it. At the next start the owner asks whether to restore what read() returns.

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <optional>

class QTimer;

namespace layerscope::gui {

class Document;

class Autosave : public QObject {
    Q_OBJECT
public:
    // `enabled` false: schedule() and write() do nothing (tests, bench-ui).
    Autosave(Document* document, bool enabled, int delayMs, QObject* parent = nullptr);

    static QString path();
    // Writes `delayMs` after the last call.
    void schedule();
    // Writes now (or removes the file when the document is clean).
    void write();
    void remove();
    // The saved session, when a readable one exists.
    static std::optional<QJsonObject> read();
    // Applies a session from read() to the document; throws on a malformed pipeline.
    static void restoreInto(Document& document, const QJsonObject& session);

private:
    Document* m_document;
    bool m_enabled;
    QTimer* m_timer;
};

} // namespace layerscope::gui
