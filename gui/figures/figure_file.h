#pragma once
// A figure drawn once with QPainter and written as SVG (QSvgGenerator), PDF (QPdfWriter) or PNG
// (QImage) by the file's extension. drawText stays text in the SVG (<text>) and the PDF (with a
// ToUnicode map, so it can be selected and searched); only the PNG is pixels.

#include <QSize>

#include <filesystem>
#include <functional>
#include <string>

class QPainter;

namespace layerscope::gui {

// A figure: its canvas size in pixels, a title for the document, and how to draw it.
struct Figure {
    QSize size;
    std::string title;
    std::function<void(QPainter&)> paint;
};

// ".svg" / ".pdf" / ".png" (lower case) when `path` ends in one of them, else empty.
std::string figureFormat(const std::filesystem::path& path);

// Draws `paint` on a `size` canvas (pixels; the PDF page is as many points, so one pixel is one
// point) and writes it to `path`, atomically. `title` becomes the SVG / PDF document title.
// Throws std::invalid_argument for another extension and std::runtime_error when writing fails.
void writeFigure(const std::filesystem::path& path, QSize size, const std::string& title,
                 const std::function<void(QPainter&)>& paint);
inline void writeFigure(const std::filesystem::path& path, const Figure& figure)
{
    writeFigure(path, figure.size, figure.title, figure.paint);
}

} // namespace layerscope::gui
