#pragma once
// Add (Keras 3 layers/merging/add.py; SEMANTICS_MORE.md §23): x0 + x1 + …: the inputs summed element-wise (left to right, float32).
// Shape rule, kernel, explanation and back mapping are the element-wise merge's (merge.h):
// batch sizes must agree, the other axes broadcast NumPy-style (size 1 stretches).
// No parameters beyond the name.

#include "merge.h"

namespace layerscope {

class Add final : public ElementwiseMerge {
public:
    static constexpr const char* kClassName = "Add";
    static constexpr const char* kNameStem = "add";
    static constexpr const char* kIconLabel = "+";
    static constexpr uint32_t kIconColour = 0xb5651d;
    static constexpr const char* kCategory = "Merge";
    static std::vector<FieldSpec> editorFields() { return ElementwiseMerge::editorFields(); }
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    static std::unique_ptr<Add> fromJson(const nlohmann::json& layerObject);
    explicit Add(std::string name) : ElementwiseMerge(std::move(name)) {}

    MergeOp op() const override { return MergeOp::Add; }
    std::string className() const override { return kClassName; }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Add>(*this); }
};

} // namespace layerscope
