#pragma once
// Multiply (Keras 3 layers/merging/multiply.py; SEMANTICS_MORE.md §23): x0 · x1 · …: element-wise product (squeeze-and-excitation gating).
// Shape rule, kernel, explanation and back mapping are the element-wise merge's (merge.h):
// batch sizes must agree, the other axes broadcast NumPy-style (size 1 stretches).
// No parameters beyond the name.

#include "merge.h"

namespace layerscope {

class Multiply final : public ElementwiseMerge {
public:
    static constexpr const char* kClassName = "Multiply";
    static constexpr const char* kNameStem = "multiply";
    static constexpr const char* kIconLabel = "×";
    static constexpr uint32_t kIconColour = 0x8b4513;
    static constexpr const char* kCategory = "Merge";
    static std::vector<FieldSpec> editorFields() { return ElementwiseMerge::editorFields(); }
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    static std::unique_ptr<Multiply> fromJson(const nlohmann::json& layerObject);
    explicit Multiply(std::string name) : ElementwiseMerge(std::move(name)) {}

    MergeOp op() const override { return MergeOp::Multiply; }
    std::string className() const override { return kClassName; }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Multiply>(*this); }
};

} // namespace layerscope
