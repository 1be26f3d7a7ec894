#pragma once
// Which steps of a step-through (step_through.h) an animation shows: the output cells of a region
// in raster order, one frame each, thinned evenly to at most `maxFrames` (the first and the last
// cell always kept) so that a whole 64×64 layer becomes a watchable, bounded file.

#include "core/explain/region.h"
#include "core/explain/step_through.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace layerscope {

// The default cap on frames: 400 frames at 4 fps is 100 s, already long for a slide.
constexpr int64_t kMaxAnimationFrames = 400;

struct OutputRegion {
    Interval rows, cols; // inclusive, in output cells
};

struct StepAnimationPlan {
    OutputRegion region;
    std::vector<int64_t> steps;  // StepThrough indices, one per frame, increasing
    int64_t cellCount = 0;       // cells in the region (== steps.size() unless thinned)
    bool thinned() const { return cellCount > static_cast<int64_t>(steps.size()); }
};

// Throws std::invalid_argument naming the output size when `region` is empty or reaches outside
// the output, or maxFrames < 2. Without a region: the whole output.
StepAnimationPlan planStepAnimation(const StepThrough& steps, const std::optional<OutputRegion>& region,
                                    int64_t maxFrames = kMaxAnimationFrames);

} // namespace layerscope
