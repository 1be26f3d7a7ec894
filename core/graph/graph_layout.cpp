#include "core/graph/graph_layout.h"

#include <gvc.h>
#include <gvplugin.h>

#include <charconv>
#include <clocale>
#include <algorithm>
#include <cmath>
#include <limits>
#include <locale.h>
#include <mutex>
#include <stdexcept>
#include <string>

// The `dot` layout plugin, linked directly (core/CMakeLists.txt). Why not let libgvc find it:
// libgvc loads plugins on demand only through its config file (config6a beside the plugins),
// which Debian writes with `dot -c` in libgvc6's postinst. Without that file (a fresh container,
// an image built with --no-triggers, a Graphviz built elsewhere) gvContext() knows no layout
// engine and gvLayout fails with "Layout type: "dot" not recognized". Handing libgvc the plugin's
// library as a builtin (gvContextPlugins with demand loading off) never reads that file, needs no
// root and no dlopen, and fails at link time rather than at run time if the plugin is missing.
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
}

namespace layerscope {

namespace {

// Graphviz's global state (cgraph's error state and default attribute dictionaries, the dot
// layout's statics) is shared by every graph in the process.
std::mutex& graphvizMutex()
{
    static std::mutex mutex;
    return mutex;
}

// Graphviz's messages while one layout runs (guarded by graphvizMutex); never printed to stderr.
std::string& graphvizMessages()
{
    static std::string messages;
    return messages;
}

int collectGraphvizMessage(char* message)
{
    if (message && graphvizMessages().size() < 4096)
        graphvizMessages() += message;
    return 0;
}

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// cgraph's API takes char* for names and values it only reads (and copies).
char* cs(const char* s) { return const_cast<char*>(s); }

// A number as Graphviz reads it: C syntax whatever the locale.
std::string number(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

// Graphviz parses attribute values with strtod/atof, which follow LC_NUMERIC: under a locale with
// a decimal comma (QCoreApplication sets the user's locale) "0.5" would read as 0. The C locale
// for this thread only while Graphviz runs.
class CLocaleForThisThread {
public:
    CLocaleForThisThread()
        : locale_(newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr)))
    {
        if (locale_)
            previous_ = uselocale(locale_);
    }
    ~CLocaleForThisThread()
    {
        if (locale_) {
            uselocale(previous_);
            freelocale(locale_);
        }
    }
    CLocaleForThisThread(const CLocaleForThisThread&) = delete;
    CLocaleForThisThread& operator=(const CLocaleForThisThread&) = delete;

private:
    locale_t locale_;
    locale_t previous_ = LC_GLOBAL_LOCALE;
};

// The context, the graph and its layout, always released (also when a layout fails).
struct GraphvizSession {
    GVC_t* gvc = nullptr;
    Agraph_t* graph = nullptr;
    GraphvizSession() = default;
    GraphvizSession(const GraphvizSession&) = delete;
    GraphvizSession& operator=(const GraphvizSession&) = delete;
    ~GraphvizSession()
    {
        if (graph) {
            if (gvc)
                gvFreeLayout(gvc, graph);
            agclose(graph);
        }
        if (gvc)
            gvFreeContext(gvc);
    }
};

// Restores cgraph's error callback and threshold.
struct ErrorCapture {
    agusererrf previousCallback;
    agerrlevel_t previousLevel;
    ErrorCapture()
        : previousCallback(agseterrf(collectGraphvizMessage)), previousLevel(agseterr(AGWARN))
    {
        graphvizMessages().clear();
        agreseterrors();
    }
    ~ErrorCapture()
    {
        agseterrf(previousCallback);
        agseterr(previousLevel);
    }
    ErrorCapture(const ErrorCapture&) = delete;
    ErrorCapture& operator=(const ErrorCapture&) = delete;
};

[[noreturn]] void graphvizFailure(const std::string& what)
{
    std::string message = "graph layout: " + what;
    const std::string details = trimmed(graphvizMessages());
    if (!details.empty())
        message += ": " + details;
    throw std::runtime_error(message);
}

void checkSize(double value, const char* what)
{
    if (!std::isfinite(value) || value < 0)
        throw std::invalid_argument(std::string("layoutGraph: ") + what + " must be finite and not negative");
}

using Point = std::array<double, 2>;

// Appends a straight line from the last point to `to` as one cubic segment.
void appendStraight(std::vector<Point>& points, Point to)
{
    const Point from = points.back();
    points.push_back({from[0] + (to[0] - from[0]) / 3, from[1] + (to[1] - from[1]) / 3});
    points.push_back({from[0] + 2 * (to[0] - from[0]) / 3, from[1] + 2 * (to[1] - from[1]) / 3});
    points.push_back(to);
}

// An edge's control points in Graphviz's coordinates (points, origin bottom-left): its beziers
// joined, arrowheads' tips included as straight segments. Empty when dot left it unrouted.
std::vector<Point> edgePoints(Agedge_t* edge)
{
    std::vector<Point> points;
    const splines* spl = ED_spl(edge);
    if (!spl)
        return points;
    for (int b = 0; b < spl->size; ++b) {
        const bezier& bz = spl->list[b];
        if (bz.size < 1)
            continue;
        const Point first{bz.list[0].x, bz.list[0].y};
        if (bz.sflag) {
            const Point tip{bz.sp.x, bz.sp.y};
            if (points.empty())
                points.push_back(tip);
            else
                appendStraight(points, tip);
            appendStraight(points, first);
        } else if (points.empty()) {
            points.push_back(first);
        } else if (points.back() != first) {
            appendStraight(points, first);
        }
        for (int i = 1; i < bz.size; ++i)
            points.push_back({bz.list[i].x, bz.list[i].y});
        if (bz.eflag)
            appendStraight(points, {bz.ep.x, bz.ep.y});
    }
    // Graphviz's beziers are 1 + 3n points; keep that promise even for a malformed one.
    while (!points.empty() && (points.size() - 1) % 3 != 0)
        points.pop_back();
    return points;
}

} // namespace

size_t graphLayoutSize(const ModelGraph& graph)
{
    const size_t n = graph.nodes.size();
    // Longest-path ranks; then every node without inputs one rank above its first consumer.
    std::vector<size_t> rank(n, 0);
    for (size_t i = 0; i < n; ++i)
        for (size_t input : graph.nodes[i].inputs) {
            if (input >= i)
                throw std::invalid_argument("layoutGraph: node " + std::to_string(i) + " reads node " +
                                            std::to_string(input) + ", which is not an earlier node");
            rank[i] = std::max(rank[i], rank[input] + 1);
        }
    std::vector<size_t> lowest(n, std::numeric_limits<size_t>::max());
    for (size_t i = 0; i < n; ++i)
        for (size_t input : graph.nodes[i].inputs)
            if (graph.nodes[input].inputs.empty())
                lowest[input] = std::min(lowest[input], rank[i] - 1);
    for (size_t i = 0; i < n; ++i)
        if (graph.nodes[i].inputs.empty() && lowest[i] != std::numeric_limits<size_t>::max())
            rank[i] = lowest[i];
    // Nodes, one virtual node per skipped rank, one segment per rank an edge crosses.
    size_t size = n;
    for (size_t i = 0; i < n; ++i)
        for (size_t input : graph.nodes[i].inputs) {
            const size_t span = rank[i] - rank[input]; // ≥ 1
            size = size + 2 * span - 1;
        }
    return size;
}

GraphLayout layoutGraph(const ModelGraph& graph, const std::vector<GraphLayoutBox>& boxes,
                        const GraphLayoutOptions& options)
{
    const size_t n = graph.nodes.size();
    if (boxes.size() != n)
        throw std::invalid_argument("layoutGraph: " + std::to_string(boxes.size()) + " boxes for " +
                                    std::to_string(n) + " nodes");
    checkSize(options.nodeSeparation, "nodeSeparation");
    checkSize(options.rankSeparation, "rankSeparation");
    checkSize(options.margin, "margin");
    size_t edgeCount = 0;
    for (size_t i = 0; i < n; ++i) {
        checkSize(boxes[i].width, "a box's width");
        checkSize(boxes[i].height, "a box's height");
        for (size_t input : graph.nodes[i].inputs)
            if (input >= i)
                throw std::invalid_argument("layoutGraph: node " + std::to_string(i) + " reads node " +
                                            std::to_string(input) + ", which is not an earlier node");
        edgeCount += graph.nodes[i].inputs.size();
    }
    const size_t size = graphLayoutSize(graph);
    if (size > kGraphLayoutMaxSize)
        throw std::runtime_error("graph layout: the model is too large for the graph view (" + std::to_string(n) +
                                 " nodes, " + std::to_string(edgeCount) + " connections: a layout of size " +
                                 std::to_string(size) + ", at most " + std::to_string(kGraphLayoutMaxSize) + ")");

    GraphLayout layout;
    if (n == 0) {
        layout.width = layout.height = 2 * options.margin;
        return layout;
    }

    constexpr double kPointsPerInch = 72.0;
    std::lock_guard lock(graphvizMutex());
    const CLocaleForThisThread cLocale;
    const ErrorCapture errors;
    GraphvizSession session;

    // The context first: it sets cgraph's default node label, which the graph then inherits.
    static const lt_symlist_t builtins[] = {
        {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
        {nullptr, nullptr},
    };
    session.gvc = gvContextPlugins(builtins, 0);
    if (!session.gvc)
        graphvizFailure("cannot create a Graphviz context");

    session.graph = agopen(cs("model"), Agdirected, nullptr);
    if (!session.graph)
        graphvizFailure("cannot create a Graphviz graph");
    Agraph_t* g = session.graph;
    agattr(g, AGRAPH, cs("rankdir"), cs("TB"));
    agattr(g, AGRAPH, cs("splines"), cs("spline"));
    agattr(g, AGRAPH, cs("nodesep"), cs(number(options.nodeSeparation / kPointsPerInch).c_str()));
    agattr(g, AGRAPH, cs("ranksep"), cs(number(options.rankSeparation / kPointsPerInch).c_str()));
    // At most ~kSimplexIterations iterations of the horizontal placement's network simplex
    // (nslimit is a factor of the node count): unlimited in effect for models of a few hundred
    // layers, a bound for hostile ones (a Concatenate of 70 earlier layers: 6 262 iterations, 1 s).
    // A capped simplex still gives a valid, only less straightened, layout. The ranking's simplex
    // (nslimit1) is left alone: it is small, and graphLayoutSize's bound assumes it finishes.
    constexpr double kSimplexIterations = 5000;
    const std::string simplexLimit = number(std::max(1.0, kSimplexIterations / static_cast<double>(n)));
    agattr(g, AGRAPH, cs("nslimit"), cs(simplexLimit.c_str()));
    agattr(g, AGNODE, cs("shape"), cs("box"));
    agattr(g, AGNODE, cs("fixedsize"), cs("true"));
    agattr(g, AGNODE, cs("label"), cs("")); // no text: nothing to measure, no font needed
    // Edges leave a box at the middle of its bottom and enter at the middle of its top (Netron's
    // look): without ports, dot clips an edge between neighbouring ranks far apart sideways at a
    // box's side.
    agattr(g, AGEDGE, cs("tailport"), cs("s"));
    agattr(g, AGEDGE, cs("headport"), cs("n"));
    Agsym_t* widthSym = agattr(g, AGNODE, cs("width"), cs("1"));
    Agsym_t* heightSym = agattr(g, AGNODE, cs("height"), cs("0.5"));
    if (!widthSym || !heightSym)
        graphvizFailure("cannot declare node attributes");

    // Nodes are named by index: no string from the model reaches Graphviz.
    std::vector<Agnode_t*> gvNodes(n);
    for (size_t i = 0; i < n; ++i) {
        std::string name = "n"; // not "n" + to_string(i): GCC 12 warns falsely (-Wrestrict)
        name += std::to_string(i);
        gvNodes[i] = agnode(g, cs(name.c_str()), 1);
        if (!gvNodes[i])
            graphvizFailure("cannot create node " + name);
        agxset(gvNodes[i], widthSym, cs(number(boxes[i].width / kPointsPerInch).c_str()));
        agxset(gvNodes[i], heightSym, cs(number(boxes[i].height / kPointsPerInch).c_str()));
    }
    // One edge per (consumer, input slot), in that order: Add(x, x) is two edges.
    std::vector<Agedge_t*> gvEdges;
    gvEdges.reserve(edgeCount);
    layout.edges.reserve(edgeCount);
    for (size_t to = 0; to < n; ++to)
        for (size_t from : graph.nodes[to].inputs) {
            Agedge_t* edge = agedge(g, gvNodes[from], gvNodes[to], nullptr, 1);
            if (!edge)
                graphvizFailure("cannot create an edge");
            gvEdges.push_back(edge);
            GraphLayoutEdge e;
            e.from = from;
            e.to = to;
            layout.edges.push_back(std::move(e));
        }

    if (gvLayout(session.gvc, g, "dot") != 0)
        graphvizFailure("Graphviz dot failed");

    // Graphviz: points, origin bottom-left, the drawing's bounding box GD_bb. Ours: origin
    // top-left, the bounding box moved to (margin, margin).
    const boxf bb = GD_bb(g);
    const double left = bb.LL.x, top = bb.UR.y, m = options.margin;
    const auto place = [&](double x, double y) { return Point{x - left + m, top - y + m}; };
    layout.width = (bb.UR.x - bb.LL.x) + 2 * m;
    layout.height = (bb.UR.y - bb.LL.y) + 2 * m;
    layout.nodes.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const Point centre = place(ND_coord(gvNodes[i]).x, ND_coord(gvNodes[i]).y);
        // The requested size: dot rounds a fixed size to whole points, a difference below half a
        // point that its separations absorb.
        layout.nodes[i] = {centre[0], centre[1], boxes[i].width, boxes[i].height};
    }
    for (size_t k = 0; k < gvEdges.size(); ++k) {
        std::vector<Point> points = edgePoints(gvEdges[k]);
        for (Point& p : points)
            p = place(p[0], p[1]);
        if (points.empty()) {
            // Unrouted (dot gives up on an edge only in pathological cases): a straight line from
            // the bottom of one box to the top of the other.
            const GraphLayoutNode& a = layout.nodes[layout.edges[k].from];
            const GraphLayoutNode& b = layout.nodes[layout.edges[k].to];
            points.push_back({a.x, a.y + a.height / 2});
            appendStraight(points, {b.x, b.y - b.height / 2});
        }
        layout.edges[k].points = std::move(points);
    }
    return layout;
}

} // namespace layerscope
