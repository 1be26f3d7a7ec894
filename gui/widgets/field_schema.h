#pragma once
// Which Keras config keys each layer class exposes in the properties panel, and with which kind
// of editor. The panel edits the config JSON and rebuilds the layer through the engine's factory,
// so the GUI needs no knowledge of the parameter structs, only this table.

#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace layerscope::gui {

enum class FieldKind {
    IntPair,         // [a, b] with a "square" link
    OptionalIntPair, // [a, b] or null ("same as pool size")
    Int,
    Bool,
    Enum,            // string from `choices`; an empty string stands for null
    Float,
    String,
    IntList,         // list of `listLength` ints (Tile multiples)
};

struct FieldSpec {
    std::string key;
    QString label;
    FieldKind kind;
    QStringList choices;
    int minimum = 0;
    int maximum = 100000;
    int listLength = 4;
    QString toolTip;
    QString nullLabel; // OptionalIntPair: the text of the "null" check box
};

const std::vector<FieldSpec>& fieldsForClass(const std::string& className);

} // namespace layerscope::gui
