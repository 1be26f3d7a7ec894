#include "channel_image_renderer.h"

#include "tensor_image.h"

#include "core/background_priority.h"
#include "core/errors.h"
#include "core/render/channel_image.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMetaObject>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace layerscope::gui {

namespace {

// Pictures are rendered in a pool of their own, so they never queue behind a long computation
// in the global pool (the pipeline runner, the Compare window) and a selected layer shows at once.
QThreadPool* renderPool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool(QCoreApplication::instance());
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        return p;
    }();
    return pool;
}

} // namespace

struct ChannelImageRenderer::Request {
    quint64 tag = 0;
    RenderOptions options;
    std::vector<Job> jobs;
    std::stop_token stop;
};

ChannelImageRenderer::ChannelImageRenderer(QObject* parent) : QObject(parent)
{
}

ChannelImageRenderer::~ChannelImageRenderer()
{
    cancel();
    // Rendering checks its stop token every few rows, so this wait is short.
    for (QFuture<void>& future : m_futures)
        future.waitForFinished();
}

quint64 ChannelImageRenderer::request(const RenderOptions& options, std::vector<Job> jobs)
{
    cancel();
    std::erase_if(m_futures, [](const QFuture<void>& f) { return f.isFinished(); });
    auto request = std::make_shared<Request>();
    request->tag = ++m_tag;
    request->options = options;
    request->jobs = std::move(jobs);
    m_stop = std::make_shared<std::stop_source>();
    request->stop = m_stop->get_token();
    m_futures.push_back(QtConcurrent::run(renderPool(), &ChannelImageRenderer::work, this,
                                          std::shared_ptr<const Request>(std::move(request))));
    return m_tag;
}

void ChannelImageRenderer::cancel()
{
    if (m_stop)
        m_stop->request_stop();
    ++m_tag; // results already queued for the cancelled request are dropped by their tag
}

bool ChannelImageRenderer::isBusy() const
{
    return std::any_of(m_futures.begin(), m_futures.end(), [](const QFuture<void>& f) { return !f.isFinished(); });
}

bool ChannelImageRenderer::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (isBusy()) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(2);
    }
    return true;
}

void ChannelImageRenderer::work(ChannelImageRenderer* renderer, std::shared_ptr<const Request> request)
{
    const quint64 tag = request->tag;
    lowerThreadPriority(/*openMpTeam=*/false);
    ExecContext context;
    context.stop = request->stop;
    // The summary of a tensor is computed at most once per request, for its first job.
    std::shared_ptr<const Tensor> summarised;
    std::shared_ptr<const LayerSummary> summary;
    try {
        for (const Job& job : request->jobs) {
            if (request->stop.stop_requested())
                return;
            if (job.summary) {
                summary = job.summary;
                summarised = job.tensor;
            } else if (job.tensor != summarised) {
                summary = std::make_shared<const LayerSummary>(summarizeLayer(*job.tensor, context));
                summarised = job.tensor;
                QMetaObject::invokeMethod(renderer, [renderer, tag, tensor = job.tensor, summary] {
                    emit renderer->summaryReady(tag, tensor, summary);
                }, Qt::QueuedConnection);
            }
            int channel = job.channel;
            if (channel == kMostVaried) {
                const ImageGeometry& g = summary->geometry();
                const int batch = static_cast<int>(std::clamp<int64_t>(request->options.batchIndex, 0, std::max<int64_t>(0, g.batch - 1)));
                channel = 0;
                for (int c = 1; c < static_cast<int>(g.channels); ++c)
                    if (summary->channel(batch, c).stddev > summary->channel(batch, channel).stddev)
                        channel = c;
            }
            QImage image;
            try {
                image = toQImage(channel == kComposite
                                     ? renderCompositeImage(*job.tensor, *summary, request->options, job.step, request->stop)
                                     : renderChannelImage(*job.tensor, *summary, channel, request->options, job.step,
                                                          request->stop));
            } catch (const CancelledError&) {
                throw;
            } catch (const std::exception&) {
                // A picture that cannot exist (a 2-channel composite, a batch index out of range):
                // the view shows no image for it, as it did when rendering on the GUI thread failed.
            }
            QMetaObject::invokeMethod(renderer, [renderer, tag, key = job.key, step = job.step, image] {
                emit renderer->imageReady(tag, key, step, image);
            }, Qt::QueuedConnection);
        }
    } catch (const CancelledError&) {
        return;
    } catch (const std::exception&) {
        // summarizeLayer refuses tensors the views cannot show; there is nothing to draw.
    }
    QMetaObject::invokeMethod(renderer, [renderer, tag] { emit renderer->requestDone(tag); }, Qt::QueuedConnection);
}

} // namespace layerscope::gui
