#pragma once
// Renders channel pictures for one view on a worker thread, the way Qt's mandelbrot example
// renders: a request is a value (the tensors as shared_ptr<const>, their summaries when known,
// the render options, which channels at which subsampling step); a newer request cancels the
// older one through its stop token, checked every few rows; every result comes back as a
// finished QImage (core's pixel buffer wrapped, not copied) tagged with the request it answers,
// and the view keeps only the newest. A tensor that arrives without a LayerSummary gets one
// computed here first. The GUI thread only draws.

#include "core/render/layer_summary.h"

#include <QFuture>
#include <QImage>
#include <QObject>

#include <memory>
#include <stop_token>
#include <vector>

namespace layerscope::gui {

class ChannelImageRenderer : public QObject {
    Q_OBJECT
public:
    static constexpr int kComposite = -2;
    // The channel with the largest standard deviation (a thumbnail's most telling channel; a
    // ReLU's channel 0 is often all zeros), picked on the worker from the summary.
    static constexpr int kMostVaried = -3;

    struct Job {
        std::shared_ptr<const Tensor> tensor;
        std::shared_ptr<const LayerSummary> summary; // null: computed by the worker
        int channel = 0;                             // kComposite: the RGB composite
        int step = 1;
        int key = 0;                                 // the caller's name for the result
    };

    explicit ChannelImageRenderer(QObject* parent = nullptr);
    ~ChannelImageRenderer() override;

    // Cancels the previous request; returns the tag its results will carry.
    quint64 request(const RenderOptions& options, std::vector<Job> jobs);
    void cancel();
    bool isBusy() const;
    // Tests and shutdown: true when no worker is left running after at most `timeoutMs`.
    bool waitForIdle(int timeoutMs);

signals:
    void summaryReady(quint64 tag, std::shared_ptr<const Tensor> tensor,
                      std::shared_ptr<const LayerSummary> summary);
    void imageReady(quint64 tag, int key, int step, QImage image);
    void requestDone(quint64 tag);

private:
    struct Request;
    static void work(ChannelImageRenderer* renderer, std::shared_ptr<const Request> request);

    quint64 m_tag = 0;
    std::shared_ptr<std::stop_source> m_stop;
    std::vector<QFuture<void>> m_futures;
};

} // namespace layerscope::gui
