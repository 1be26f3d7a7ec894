#pragma once
// Builds input tensors (decodes an image or .npy, generates a large synthetic pattern) on a
// worker thread, so opening a 12-megapixel photo, undoing back to it or changing its colour
// mode never stalls the UI thread. Requests supersede each other: only the latest one's callback
// runs, on the UI thread, when its tensor is ready; an older result is dropped.

#include "document/input_spec.h"

#include "core/tensor.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace layerscope::gui {

class InputLoader : public QObject {
    Q_OBJECT
public:
    // `tensor` is null when building failed; `error` then says why (InputError's message).
    using Done = std::function<void(std::shared_ptr<const Tensor> tensor, const QString& error)>;

    explicit InputLoader(QObject* parent = nullptr);
    ~InputLoader() override;

    // Small synthetic inputs are built at once (cheaper than a thread hop); everything else on
    // the worker.
    static bool buildsInBackground(const InputSpec& spec);

    // Starts building `spec`; `done` runs on this object's thread once it is built (or failed),
    // unless another load() or cancel() came first.
    void load(const InputSpec& spec, Done done);
    void cancel();
    bool isLoading() const { return m_loading; }

signals:
    void loadingChanged(bool loading);

private:
    void setLoading(bool loading);

    quint64 m_generation = 0;
    bool m_loading = false;
};

} // namespace layerscope::gui
