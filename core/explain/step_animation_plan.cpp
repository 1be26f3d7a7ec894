#include "step_animation_plan.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace layerscope {

StepAnimationPlan planStepAnimation(const StepThrough& steps, const std::optional<OutputRegion>& region,
                                    int64_t maxFrames)
{
    if (maxFrames < 2)
        throw std::invalid_argument("an animation needs at least 2 frames");
    const int64_t height = steps.outputHeight(), width = steps.outputWidth();
    StepAnimationPlan plan;
    plan.region = region.value_or(OutputRegion{{0, height - 1}, {0, width - 1}});
    const OutputRegion& r = plan.region;
    if (r.rows.empty() || r.cols.empty() || r.rows.first < 0 || r.cols.first < 0 || r.rows.last >= height
        || r.cols.last >= width)
        throw std::invalid_argument("the region rows " + std::to_string(r.rows.first) + "…" + std::to_string(r.rows.last)
                                    + ", columns " + std::to_string(r.cols.first) + "…" + std::to_string(r.cols.last)
                                    + " is not inside the layer's " + std::to_string(height) + "×"
                                    + std::to_string(width) + " output");
    plan.cellCount = r.rows.size() * r.cols.size();
    const int64_t frames = std::min(plan.cellCount, maxFrames);
    plan.steps.reserve(static_cast<size_t>(frames));
    for (int64_t k = 0; k < frames; ++k) {
        // Evenly spaced positions in the region's raster order, rounded to the nearest cell; with
        // frames ≥ 2 the first is 0 and the last is cellCount − 1.
        const int64_t position = frames == 1 ? 0 : (k * (plan.cellCount - 1) + (frames - 1) / 2) / (frames - 1);
        const int64_t y = r.rows.first + position / r.cols.size(), x = r.cols.first + position % r.cols.size();
        plan.steps.push_back(steps.indexOf(y, x));
    }
    return plan;
}

} // namespace layerscope
