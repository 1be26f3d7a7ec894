#include "compare.h"

#include "cell_explanation.h"

#include <cmath>
#include <stdexcept>

namespace layerscope {

TensorDifference tensorDifference(const Tensor& a, const Tensor& b)
{
    if (a.shape() != b.shape())
        throw std::invalid_argument("cannot compare tensors of different shapes: " + shapeToTuple(a.shape())
                                    + " and " + shapeToTuple(b.shape()));
    TensorDifference d;
    d.difference = Tensor::uninitialized(a.shape());
    double sum = 0;
    int64_t compared = 0;
    for (int64_t i = 0; i < a.size(); ++i) {
        const float x = a[i], y = b[i];
        const bool xNan = std::isnan(x), yNan = std::isnan(y);
        float diff;
        if (xNan || yNan) {
            diff = xNan && yNan ? 0.0f : NAN;
            if (!(xNan && yNan)) {
                ++d.nanMismatches;
                ++d.differing;
            }
            d.difference[i] = diff;
            continue;
        }
        // Equal infinities are equal (inf − inf would be NaN).
        diff = x == y ? 0.0f : x - y;
        d.difference[i] = diff;
        if (x != y)
            ++d.differing;
        const double magnitude = x == y ? 0.0 : std::abs(static_cast<double>(x) - static_cast<double>(y));
        if (std::isinf(magnitude)) {
            if (d.maxIndex < 0 || !std::isinf(d.maxAbs)) {
                d.maxAbs = magnitude;
                d.maxIndex = i;
            }
            continue;
        }
        sum += magnitude;
        ++compared;
        if (d.maxIndex < 0 || magnitude > d.maxAbs) {
            d.maxAbs = magnitude;
            d.maxIndex = i;
        }
    }
    d.meanAbs = compared > 0 ? sum / static_cast<double>(compared) : 0.0;
    if (d.maxIndex >= 0) {
        d.aAtMax = a[d.maxIndex];
        d.bAtMax = b[d.maxIndex];
        int64_t rest = d.maxIndex;
        d.maxPosition.assign(a.shape().size(), 0);
        for (size_t axis = a.shape().size(); axis-- > 0;) {
            d.maxPosition[axis] = rest % a.shape()[axis];
            rest /= a.shape()[axis];
        }
    }
    return d;
}

std::string TensorDifference::summary() const
{
    if (maxIndex < 0)
        return "nothing to compare (empty tensors)";
    std::string position = "(";
    for (size_t i = 0; i < maxPosition.size(); ++i)
        position += (i ? ", " : "") + std::to_string(maxPosition[i]);
    position += ")";
    std::string text = "max |difference| " + formatValue(maxAbs) + " at " + position + " (" + formatValue(aAtMax)
                     + " vs " + formatValue(bAtMax) + "); mean |difference| " + formatValue(meanAbs) + "; "
                     + std::to_string(differing) + " of " + std::to_string(difference.size()) + " values differ";
    if (nanMismatches > 0)
        text += " (" + std::to_string(nanMismatches) + " NaN on one side only)";
    return text;
}

} // namespace layerscope
