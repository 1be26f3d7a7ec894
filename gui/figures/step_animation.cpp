#include "step_animation.h"

#include "gif_writer.h"
#include "step_frame.h"
#include "video_writer.h"

#include "core/explain/receptive_field.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace layerscope::gui {

std::string animationFormat(const std::filesystem::path& path)
{
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    return extension == ".gif" || extension == ".mp4" ? extension : std::string();
}

StepAnimation::StepAnimation(StepAnimationRequest request) : m_request(std::move(request))
{
    const StepAnimationRequest& r = m_request;
    if (!r.layer || !r.input || !r.output)
        throw std::invalid_argument("the layer has no computed output to animate");
    if (!(r.fps > 0 && r.fps <= kMaxFps))
        throw std::invalid_argument("the frame rate must be above 0 and at most " + std::to_string(int(kMaxFps)) + " fps");
    if (r.size.width() < kMinFrameSide || r.size.height() < kMinFrameSide || r.size.width() > kMaxFrameSide
        || r.size.height() > kMaxFrameSide)
        throw std::invalid_argument("the frame size must be between " + std::to_string(kMinFrameSide) + " and "
                                    + std::to_string(kMaxFrameSide) + " pixels per side; got "
                                    + std::to_string(r.size.width()) + "×" + std::to_string(r.size.height()));
    const DataFormat format = layerDataFormat(*r.layer).value_or(DataFormat::ChannelsLast);
    const AxisRoles roles = axisRoles(r.output->shape().size(), format);
    const int64_t channels = roles.channels >= 0 ? r.output->dim(roles.channels) : 1;
    if (r.channel < 0 || r.channel >= channels)
        throw std::invalid_argument("channel " + std::to_string(r.channel) + " does not exist: layer "
                                    + r.layer->name() + " has " + std::to_string(channels)
                                    + " output channel(s), 0…" + std::to_string(channels - 1));
    m_steps = std::make_unique<StepThrough>(*r.layer, r.input->shape(), /*batch=*/0, r.channel);
    m_plan = planStepAnimation(*m_steps, r.region, r.maxFrames);
    m_frame = std::make_unique<StepFrame>(*r.layer, *m_steps, r.input, r.output, m_plan.region, r.size);
}

StepAnimation::~StepAnimation() = default;

QImage StepAnimation::frame(size_t index) const
{
    const int64_t step = m_plan.steps.at(index);
    QImage image(m_request.size, QImage::Format_RGB32);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    QString caption = QStringLiteral("step %1 of %2").arg(index + 1).arg(m_plan.steps.size());
    if (m_plan.thinned())
        caption += QStringLiteral(" (of %1 cells)").arg(m_plan.cellCount);
    m_frame->paint(painter, m_steps->explain(*m_request.input, step), caption);
    return image;
}

QRect StepAnimation::outputCellRect(int64_t y, int64_t x) const
{
    return m_frame->outputCellRect(y, x);
}

QRect StepAnimation::inputCellRect(int64_t y, int64_t x) const
{
    return m_frame->inputCellRect(y, x);
}

std::string StepAnimation::thinningNote() const
{
    if (!m_plan.thinned())
        return {};
    return "showing " + std::to_string(m_plan.steps.size()) + " of the region's " + std::to_string(m_plan.cellCount)
           + " cells (about every " + std::to_string((m_plan.cellCount + static_cast<int64_t>(m_plan.steps.size()) - 1)
                                                   / static_cast<int64_t>(m_plan.steps.size()))
           + "th, evenly spaced; at most " + std::to_string(m_request.maxFrames) + " frames)";
}

void StepAnimation::write(const std::filesystem::path& path) const
{
    const std::string format = animationFormat(path);
    if (format.empty())
        throw std::invalid_argument("the animation file must end in .gif or .mp4; got '" + path.filename().string() + "'");
    const FrameSource source{frameCount(), [this](size_t index) { return frame(index); }};
    if (format == ".gif")
        writeGif(path, source, std::max(2, static_cast<int>(std::lround(100.0 / m_request.fps))));
    else
        writeMp4(path, source, m_request.fps);
}

} // namespace layerscope::gui
