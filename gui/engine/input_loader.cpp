#include "input_loader.h"

#include "engine/input_source.h"

#include "core/background_priority.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace layerscope::gui {

namespace {

struct BuiltInput {
    std::shared_ptr<const Tensor> tensor;
    QString error;
};

BuiltInput build(const InputSpec& spec)
{
    try {
        return {std::make_shared<const Tensor>(buildInputTensor(spec)), {}};
    } catch (const std::exception& error) {
        return {nullptr, QString::fromStdString(error.what())};
    }
}

// One decoding thread: a newer request waits for (at most) the current decode instead of
// competing with it and with the pipeline run for the two cores.
QThreadPool* loaderPool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(1);
        p->setExpiryTimeout(-1);
        return p;
    }();
    return pool;
}

} // namespace

InputLoader::InputLoader(QObject* parent) : QObject(parent) {}

InputLoader::~InputLoader()
{
    // A decode still running would finish its future while this loader's watchers are being
    // destroyed with it (seen as "pure virtual method called" on the pool thread when the app
    // closed right after loading, under ASan): let the one decoding thread finish first. A
    // superseded decode is short: images are decoded in one call, patterns in milliseconds.
    ++m_generation;
    loaderPool()->waitForDone();
}

bool InputLoader::buildsInBackground(const InputSpec& spec)
{
    if (spec.kind == InputSourceKind::File)
        return true;
    const long double elements = static_cast<long double>(spec.batch) * spec.height * spec.width * spec.channels;
    return elements > (1 << 18); // ~1 MB of floats: generating more takes milliseconds
}

void InputLoader::load(const InputSpec& spec, Done done)
{
    const quint64 generation = ++m_generation;
    if (!buildsInBackground(spec)) {
        setLoading(false);
        const BuiltInput built = build(spec);
        done(built.tensor, built.error);
        return;
    }
    setLoading(true);
    auto* watcher = new QFutureWatcher<BuiltInput>(this);
    connect(watcher, &QFutureWatcher<BuiltInput>::finished, this, [this, watcher, generation, done = std::move(done)] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // superseded or cancelled
        const BuiltInput built = watcher->result();
        setLoading(false);
        done(built.tensor, built.error);
    });
    watcher->setFuture(QtConcurrent::run(loaderPool(), [spec] {
        lowerThreadPriority(false);
        return build(spec);
    }));
}

void InputLoader::cancel()
{
    ++m_generation;
    setLoading(false);
}

void InputLoader::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    emit loadingChanged(loading);
}

} // namespace layerscope::gui
