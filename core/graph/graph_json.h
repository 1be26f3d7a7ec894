#pragma once
// Reading and writing model graphs as Keras JSON (SEMANTICS_MORE.md §24.2, KERAS_FILES.md §1, §3).
//
// parseModelJson accepts:
//  - Keras 3 Functional: layers with `inbound_nodes` of {"args", "kwargs"} whose tensors are
//    `__keras_tensor__` objects with `keras_history` [layer, node index, tensor index];
//    `input_layers` / `output_layers` as one triple, a list of triples or a dict of them;
//  - tf.keras 2.x / Keras 2 Functional ("Functional" or "Model"): `inbound_nodes` as nested lists
//    [[layer, node index, tensor index, kwargs], ...], also the flat one-reference form; the node
//    form is detected per node (Keras 3 writing legacy h5 mixes them);
//  - Sequential (Keras 3, tf.keras 2 with `batch_input_shape`, Keras 2.0–2.2's bare list), which
//    becomes a linear graph, and LayerScope's pipeline file (the same Sequential JSON or a bare
//    list of layers);
//  - a Sequential or Functional nested inside a model: inlined, its layers becoming layers of the
//    graph (renamed "<model>_<layer>" only when the name is already taken), one set of nodes per
//    call of the nested model (its layers are shared between the calls). References to a nested
//    model's calls follow Keras's reindexing (its own internal node counts as 0): an index at or
//    past the number of calls listed, or any index ≥ 1 in tf.keras 2 list form, is reduced by 1;
//  - a `model_config` wrapper (legacy .h5 attribute), as an object or as a JSON string.
// A layer class the registry does not know, a code-carrying layer (Lambda, TFOpLambda), a custom
// class and a layer whose config the engine rejects are kept as unsupported layers (class, object,
// reason): parsing never refuses a model for them. Throws PipelineFormatError for what is not a
// model at all (malformed JSON, no layers) and for a graph whose nodes cannot all be resolved
// (Keras's "Invalid Functional model configuration ..." message naming them).
//
// graphToKerasJson writes the Keras 3 Functional form (every node a {"args", "kwargs"} call,
// merge layers' tensors as a list in args[0]); unsupported layers are written back as they were
// read. parse → write → parse gives an equal graph (nested models come back inlined).

#include "core/graph/graph.h"

#include <filesystem>
#include <string>

namespace layerscope {

// JSON text parsed, or PipelineFormatError "<what>: malformed JSON: ..." ("malformed JSON: ..."
// when `what` is empty).
nlohmann::json parseJsonText(const std::string& text, const std::string& what = {});
ModelGraph parseModelJson(const std::string& text);
ModelGraph parseModelJsonDocument(const nlohmann::json& document);
nlohmann::json graphToKerasJson(const ModelGraph& graph);
std::string graphToKerasJsonText(const ModelGraph& graph);

} // namespace layerscope
