#pragma once
// A layer's step-through as an animation file: one StepFrame per planned step
// (planStepAnimation: the region's cells in raster order, thinned evenly to at most maxFrames),
// written as GIF (giflib) or MP4 (OpenCV) by the file's extension. Used by `layerscope animate`
// and File ▸ Export ▸ Step-through Animation….

#include "core/explain/step_animation_plan.h"

#include <QImage>
#include <QSize>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace layerscope::gui {

struct StepAnimationRequest {
    std::shared_ptr<const Layer> layer;
    std::shared_ptr<const Tensor> input, output; // the layer's input and its output on it
    int64_t channel = 0;                         // output channel
    std::optional<OutputRegion> region;          // output cells; default the whole output
    double fps = 2;
    QSize size{760, 520};
    int64_t maxFrames = kMaxAnimationFrames;
};

// Frame size limits (pixels per side): below the minimum nothing is legible, above the maximum a
// frame alone is tens of megabytes.
constexpr int kMinFrameSide = 240;
constexpr int kMaxFrameSide = 3840;
constexpr double kMaxFps = 60;

// Checks the request (channel, fps, size) and plans the frames. Throws std::invalid_argument with
// a message for the user; the layer's own errors (LayerError, no receptive-field rule) pass through.
class StepAnimation {
public:
    explicit StepAnimation(StepAnimationRequest request);
    ~StepAnimation();

    const StepAnimationPlan& plan() const { return m_plan; }
    const StepThrough& steps() const { return *m_steps; }
    size_t frameCount() const { return m_plan.steps.size(); }
    QImage frame(size_t index) const;
    // Where frame pictures put the output cell (y, x) (tests, to find the highlight).
    QRect outputCellRect(int64_t y, int64_t x) const;
    QRect inputCellRect(int64_t y, int64_t x) const;
    // "showing 400 of 4096 cells (every 10th)" when the plan was thinned, else empty.
    std::string thinningNote() const;
    // Writes .gif or .mp4 (by extension, case-insensitive); throws std::invalid_argument for
    // another extension, std::runtime_error when writing fails.
    void write(const std::filesystem::path& path) const;

private:
    StepAnimationRequest m_request;
    std::unique_ptr<StepThrough> m_steps;
    StepAnimationPlan m_plan;
    std::unique_ptr<class StepFrame> m_frame;
};

// ".gif" / ".mp4" (lower case) when `path` ends in one of them, else empty.
std::string animationFormat(const std::filesystem::path& path);

} // namespace layerscope::gui
