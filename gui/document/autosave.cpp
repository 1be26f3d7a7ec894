#include "autosave.h"

#include "document/document.h"

#include "core/io/atomic_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTimer>
#include <QUndoStack>

namespace layerscope::gui {

Autosave::Autosave(Document* document, bool enabled, int delayMs, QObject* parent)
    : QObject(parent), m_document(document), m_enabled(enabled), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(delayMs);
    connect(m_timer, &QTimer::timeout, this, &Autosave::write);
}

QString Autosave::path()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath("autosave.json");
}

void Autosave::schedule()
{
    if (m_enabled)
        m_timer->start();
}

void Autosave::write()
{
    if (!m_enabled)
        return;
    if (!m_document->isModified()) {
        remove();
        return;
    }
    QJsonArray bypassed;
    for (bool b : m_document->bypassFlags())
        bypassed.append(b);
    const QJsonObject session{{"pipeline", QString::fromStdString(pipelineToJsonText(m_document->pipeline()))},
                              {"bypassed", bypassed},
                              {"input", m_document->inputSpec().toJson()},
                              {"fileName", m_document->fileName()}};
    try {
        QDir().mkpath(QFileInfo(path()).absolutePath());
        writeTextAtomically(path().toStdString(), QJsonDocument(session).toJson().toStdString());
    } catch (const std::exception&) {
        // A full disk or a read-only home: the session simply is not protected this time; the
        // next edit tries again. Not worth interrupting the user over.
    }
}

void Autosave::remove()
{
    QFile::remove(path());
}

std::optional<QJsonObject> Autosave::read()
{
    QFile f(path());
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject session = QJsonDocument::fromJson(f.readAll()).object();
    if (session.isEmpty())
        return std::nullopt;
    return session;
}

void Autosave::restoreInto(Document& document, const QJsonObject& session)
{
    Pipeline pipeline = parsePipelineJson(session.value("pipeline").toString().toStdString());
    std::vector<bool> bypassed;
    for (const QJsonValue& v : session.value("bypassed").toArray())
        bypassed.push_back(v.toBool());
    document.setInput(InputSpec::fromJson(session.value("input").toObject()));
    document.resetPipeline(std::move(pipeline), bypassed);
    document.setFileName(session.value("fileName").toString());
    // The restored state differs from any file on disk: mark it modified.
    document.undoStack()->resetClean();
}

} // namespace layerscope::gui
