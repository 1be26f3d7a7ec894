#pragma once
// Subtract (Keras 3 layers/merging/subtract.py; SEMANTICS_MORE.md §23): x0 − x1: exactly two inputs.
// Shape rule, kernel, explanation and back mapping are the element-wise merge's (merge.h):
// batch sizes must agree, the other axes broadcast NumPy-style (size 1 stretches).
// No parameters beyond the name.

#include "merge.h"

namespace layerscope {

class Subtract final : public ElementwiseMerge {
public:
    static constexpr const char* kClassName = "Subtract";
    static constexpr const char* kNameStem = "subtract";
    static constexpr const char* kIconLabel = "−";
    static constexpr uint32_t kIconColour = 0xa0522d;
    static constexpr const char* kCategory = "Merge";
    static std::vector<FieldSpec> editorFields() { return ElementwiseMerge::editorFields(); }
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    static std::unique_ptr<Subtract> fromJson(const nlohmann::json& layerObject);
    explicit Subtract(std::string name) : ElementwiseMerge(std::move(name)) {}

    MergeOp op() const override { return MergeOp::Subtract; }
    std::string className() const override { return kClassName; }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Subtract>(*this); }
};

} // namespace layerscope
