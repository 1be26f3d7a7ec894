#pragma once
// Minimum (Keras 3 layers/merging/minimum.py; SEMANTICS_MORE.md §23): min(x0, x1, …) element-wise (tf.minimum).
// Shape rule, kernel, explanation and back mapping are the element-wise merge's (merge.h):
// batch sizes must agree, the other axes broadcast NumPy-style (size 1 stretches).
// No parameters beyond the name.

#include "merge.h"

namespace layerscope {

class Minimum final : public ElementwiseMerge {
public:
    static constexpr const char* kClassName = "Minimum";
    static constexpr const char* kNameStem = "minimum";
    static constexpr const char* kIconLabel = "Min";
    static constexpr uint32_t kIconColour = 0x6b3e12;
    static constexpr const char* kCategory = "Merge";
    static std::vector<FieldSpec> editorFields() { return ElementwiseMerge::editorFields(); }
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    static std::unique_ptr<Minimum> fromJson(const nlohmann::json& layerObject);
    explicit Minimum(std::string name) : ElementwiseMerge(std::move(name)) {}

    MergeOp op() const override { return MergeOp::Minimum; }
    std::string className() const override { return kClassName; }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Minimum>(*this); }
};

} // namespace layerscope
