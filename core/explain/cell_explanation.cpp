#include "cell_explanation.h"

namespace layerscope {

CellExplanation explainCell(const Layer& layer, const Tensor& input, const CellIndex& outputCell)
{
    const LayerShape shape = layer.inferShape(input.shape());
    const DataFormat format = layer.dataFormat().value_or(DataFormat::ChannelsLast);
    // Range check on the output (throws std::out_of_range naming the cell and the shape).
    tensorOffset(shape.output, outputCell, format);

    CellExplanation e = layer.explainOutputCell(input, shape.output, outputCell);
    e.layerClass = layer.className();
    e.layerName = layer.name();
    e.inputFormat = format;
    e.outputFormat = format;
    e.output = outputCell;
    return e;
}

CellExplanation explainCellInputs(const Layer& layer, const std::vector<const Tensor*>& inputs,
                                  const CellIndex& outputCell)
{
    std::vector<Shape> shapes;
    for (const Tensor* t : inputs)
        shapes.push_back(t->shape());
    const LayerShape shape = layer.inferShapes(shapes);
    const DataFormat format = layer.dataFormat().value_or(DataFormat::ChannelsLast);
    tensorOffset(shape.output, outputCell, format);
    CellExplanation e = layer.explainOutputCellInputs(inputs, shape.output, outputCell);
    e.layerClass = layer.className();
    e.layerName = layer.name();
    e.inputFormat = format;
    e.outputFormat = format;
    e.output = outputCell;
    return e;
}

} // namespace layerscope
