#pragma once
// Maximum (Keras 3 layers/merging/maximum.py; SEMANTICS_MORE.md §23): max(x0, x1, …) element-wise (tf.maximum).
// Shape rule, kernel, explanation and back mapping are the element-wise merge's (merge.h):
// batch sizes must agree, the other axes broadcast NumPy-style (size 1 stretches).
// No parameters beyond the name.

#include "merge.h"

namespace layerscope {

class Maximum final : public ElementwiseMerge {
public:
    static constexpr const char* kClassName = "Maximum";
    static constexpr const char* kNameStem = "maximum";
    static constexpr const char* kIconLabel = "Max";
    static constexpr uint32_t kIconColour = 0x7a4a1a;
    static constexpr const char* kCategory = "Merge";
    static std::vector<FieldSpec> editorFields() { return ElementwiseMerge::editorFields(); }
    static nlohmann::json fuzzJson(FuzzBytes& bytes, const std::string& name);
    static std::unique_ptr<Maximum> fromJson(const nlohmann::json& layerObject);
    explicit Maximum(std::string name) : ElementwiseMerge(std::move(name)) {}

    MergeOp op() const override { return MergeOp::Maximum; }
    std::string className() const override { return kClassName; }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Maximum>(*this); }
};

} // namespace layerscope
