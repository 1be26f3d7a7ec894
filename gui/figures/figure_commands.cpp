#include "figure_commands.h"

#include "contact_sheet_figure.h"
#include "graph_figure.h"
#include "numbers_figure.h"
#include "padding_figure.h"
#include "step_animation.h"

#include "cli/cli_options.h"

#include "core/errors.h"
#include "core/graph/layer_capture.h"

#include <QApplication>

#include <chrono>
#include <cstring>
#include <iostream>
#include <sstream>

namespace layerscope::gui {

namespace {

using cli::UsageError;

const char* kAnimateHelp = R"(Usage: layerscope animate --model M --input IN --layer NAME [--channel C] [--region Y0,X0,Y1,X1]
                         [--fps F] [--size WxH] --output OUT.gif|.mp4
Draws the step-through of layer NAME as an animation: one frame per output cell of the region (in
raster order; default the whole output), the cell's input window (or its taps, for a resize)
outlined on the input grid with SAME padding hatched and dilation gaps dotted, the output filling
in, and the cell's arithmetic as the caption. --channel is the output channel (default 0), the
region is in output cells (inclusive). At most 400 frames: a larger region is thinned evenly and a
note says so on stderr. --fps default 2 (at most 60), --size default 760x520 (240 to 3840 per side).
.gif is written with giflib, .mp4 with OpenCV's video writer (FFmpeg, MPEG-4 Part 2).
The model is any file `run` reads (.keras, .h5, Keras JSON, a pipeline); options --weights,
--max-memory, --threads as for `run`.
)";

const char* kFigureHelp = R"(Usage: layerscope figure --model M --input IN --layer NAME --kind numbers|padding|contact|graph
                        [--channel C] [--region Y0,X0,Y1,X1] --output OUT.svg|.pdf|.png
Draws one figure of layer NAME, vector (SVG through QSvgGenerator, PDF through QPdfWriter; text
stays text) or PNG:
  numbers  the output region's numbers (default the top-left 8x8 cells of channel C) beside the
           input window of the region's first cell, with that cell's arithmetic
  padding  the SAME-padding split of both axes, as the Shape math dock draws it (pooling and
           convolution layers)
  contact  every channel of the output (the first 64) labelled with its range, and a colour bar
  graph    the model's graph as the graph window draws it, NAME selected
The model is any file `run` reads; options --weights, --max-memory, --threads as for `run`.
)";

std::vector<int64_t> parseIntegers(const std::string& text, size_t count, char separator, const std::string& what)
{
    std::vector<int64_t> values;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, separator)) {
        try {
            size_t used = 0;
            const long long v = std::stoll(part, &used);
            if (used != part.size())
                throw std::invalid_argument(part);
            values.push_back(v);
        } catch (const std::exception&) {
            values.clear();
            break;
        }
    }
    if (values.size() != count)
        throw UsageError(what + "; got '" + text + "'");
    return values;
}

std::optional<OutputRegion> regionFrom(const cli::Options& options)
{
    if (!options.values.count("region"))
        return std::nullopt;
    const std::vector<int64_t> v = parseIntegers(options.get("region"), 4, ',',
                                                 "--region must be four integers Y0,X0,Y1,X1 (output cells, inclusive)");
    return OutputRegion{{v[0], v[2]}, {v[1], v[3]}};
}

int64_t channelFrom(const cli::Options& options)
{
    if (!options.values.count("channel"))
        return 0;
    return parseIntegers(options.get("channel"), 1, ',', "--channel must be an integer")[0];
}

ExecContext contextFrom(const cli::Options& options)
{
    ExecContext context;
    context.threads = cli::parseCount(options, "threads", 0, 1);
    if (options.values.count("max-memory"))
        context.memoryBudgetBytes = cli::parseBytes(options.values.at("max-memory"));
    return context;
}

// The layer of --layer run on the model's --input(s).
struct Loaded {
    std::shared_ptr<const ModelGraph> graph;
    std::vector<TensorPtr> inputs;
    LayerCapture layer;
};

Loaded load(const cli::Options& options)
{
    const std::string path = cli::modelPath(options);
    options.get("input");
    const std::string layer = options.get("layer");
    auto graph = std::make_shared<const ModelGraph>(cli::loadModel(options, path));
    std::vector<TensorPtr> inputs = cli::loadInputs(options, *graph);
    LayerCapture capture = captureLayer(*graph, inputs, layer, contextFrom(options));
    return {std::move(graph), std::move(inputs), std::move(capture)};
}

int commandAnimate(const cli::Options& options)
{
    const std::filesystem::path output = options.get("output");
    if (animationFormat(output).empty())
        throw Error("the animation file must end in .gif or .mp4; got '" + output.filename().string() + "'");
    StepAnimationRequest request;
    request.channel = channelFrom(options);
    request.region = regionFrom(options);
    if (options.values.count("fps")) {
        try {
            size_t used = 0;
            request.fps = std::stod(options.get("fps"), &used);
            if (used != options.get("fps").size())
                throw std::invalid_argument("fps");
        } catch (const std::exception&) {
            throw UsageError("--fps must be a number such as 2 or 0.5; got '" + options.get("fps") + "'");
        }
    }
    if (options.values.count("size")) {
        const std::vector<int64_t> s = parseIntegers(options.get("size"), 2, 'x', "--size must be WIDTHxHEIGHT, e.g. 760x520");
        if (s[0] < kMinFrameSide || s[1] < kMinFrameSide || s[0] > kMaxFrameSide || s[1] > kMaxFrameSide)
            throw Error("--size must be between " + std::to_string(kMinFrameSide) + " and " + std::to_string(kMaxFrameSide)
                        + " pixels per side; got '" + options.get("size") + "'");
        request.size = QSize(static_cast<int>(s[0]), static_cast<int>(s[1]));
    }
    const Loaded loaded = load(options);
    request.layer = loaded.layer.layer;
    request.input = loaded.layer.input;
    request.output = loaded.layer.output;
    const auto start = std::chrono::steady_clock::now();
    const StepAnimation animation(request);
    if (const std::string note = animation.thinningNote(); !note.empty())
        std::cerr << "note: " << note << "\n";
    animation.write(output);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "wrote " << output.string() << " (" << animation.frameCount() << " frames, "
              << request.size.width() << "×" << request.size.height() << ", " << seconds << " s)\n";
    return 0;
}

int commandFigure(const cli::Options& options)
{
    const std::filesystem::path output = options.get("output");
    if (figureFormat(output).empty())
        throw Error("the figure file must end in .svg, .pdf or .png; got '" + output.filename().string() + "'");
    const std::string kind = options.get("kind");
    if (kind != "numbers" && kind != "padding" && kind != "contact" && kind != "graph")
        throw UsageError("--kind must be numbers, padding, contact or graph; got '" + kind + "'");
    const int64_t channel = channelFrom(options);
    const std::optional<OutputRegion> region = regionFrom(options);
    const Loaded loaded = load(options);
    const LayerCapture& l = loaded.layer;
    Figure figure;
    if (kind == "numbers") {
        figure = numbersFigure(l.layer, l.input, l.output, channel, region);
    } else if (kind == "padding") {
        figure = paddingFigure(*l.layer, l.input->shape());
    } else if (kind == "contact") {
        figure = contactSheetFigure(l.name, l.layer->className(), l.layer->makesSignedValues(), l.output);
    } else {
        std::vector<Shape> shapes;
        for (const TensorPtr& t : loaded.inputs)
            shapes.push_back(t->shape());
        figure = graphFigure(loaded.graph, shapes, l.node);
    }
    writeFigure(output, figure);
    std::cout << "wrote " << output.string() << " (" << kind << ", " << figure.size.width() << "×"
              << figure.size.height() << ")\n";
    return 0;
}

} // namespace

bool isFigureCommand(int argc, char** argv)
{
    return argc >= 2 && (std::strcmp(argv[1], "animate") == 0 || std::strcmp(argv[1], "figure") == 0);
}

int runFigureCommand(int argc, char** argv)
{
    const std::string command = argv[1];
    for (int i = 2; i < argc; ++i)
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::cout << (command == "animate" ? kAnimateHelp : kFigureHelp);
            return 0;
        }
    // Nothing is shown: the offscreen platform works with or without a display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // The command's stderr is its own: one "error: …" line on failure. Qt's debug and warning
    // chatter (no XDG_RUNTIME_DIR, font fallbacks) is not about the figure and is left out.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& message) {
        if (type == QtCriticalMsg || type == QtFatalMsg)
            std::cerr << message.toStdString() << "\n";
    });
    QApplication app(argc, argv);
    return cli::runGuarded(command, [&] {
        const std::vector<std::string> common{"model", "pipeline", "weights", "input", "layer", "channel",
                                              "region", "output", "max-memory", "threads"};
        if (command == "animate") {
            std::vector<std::string> valued = common;
            valued.insert(valued.end(), {"fps", "size"});
            return commandAnimate(cli::parseOptions(argc, argv, valued, {}));
        }
        std::vector<std::string> valued = common;
        valued.push_back("kind");
        return commandFigure(cli::parseOptions(argc, argv, valued, {}));
    });
}

} // namespace layerscope::gui
