#pragma once
// Average (Keras 3 layers/merging/average.py; SEMANTICS_MORE.md §23): (x0 + x1 + …) / N: the sum in input order, then one float32 division.
// Shape rule, kernel, explanation and back mapping are the element-wise merge's (merge.h):
// batch sizes must agree, the other axes broadcast NumPy-style (size 1 stretches).
// No parameters beyond the name.

#include "merge.h"

namespace layerscope {

class Average final : public ElementwiseMerge {
public:
    static constexpr const char* kClassName = "Average";
    static constexpr const char* kNameStem = "average";
    static constexpr const char* kIconLabel = "Avg";
    static constexpr uint32_t kIconColour = 0x9c6b30;
    static constexpr const char* kCategory = "Merge";
    static std::vector<FieldSpec> editorFields() { return ElementwiseMerge::editorFields(); }
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    static std::unique_ptr<Average> fromJson(const nlohmann::json& layerObject);
    explicit Average(std::string name) : ElementwiseMerge(std::move(name)) {}

    MergeOp op() const override { return MergeOp::Average; }
    std::string className() const override { return kClassName; }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Average>(*this); }
};

} // namespace layerscope
