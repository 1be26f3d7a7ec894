#include "figure_file.h"

#include "core/io/atomic_file.h"

#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <stdexcept>

namespace layerscope::gui {

std::string figureFormat(const std::filesystem::path& path)
{
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    return extension == ".svg" || extension == ".pdf" || extension == ".png" ? extension : std::string();
}

void writeFigure(const std::filesystem::path& path, QSize size, const std::string& title,
                 const std::function<void(QPainter&)>& paint)
{
    const std::string format = figureFormat(path);
    if (format.empty())
        throw std::invalid_argument("the figure file must end in .svg, .pdf or .png; got '" + path.filename().string() + "'");
    writeAtomically(path, [&](const std::filesystem::path& temporary) {
        const QString file = QString::fromStdString(temporary.string());
        if (format == ".svg") {
            QSvgGenerator svg;
            svg.setFileName(file);
            svg.setSize(size);
            svg.setViewBox(QRect(QPoint(0, 0), size));
            svg.setTitle(QString::fromStdString(title));
            svg.setDescription(QStringLiteral("LayerScope figure"));
            QPainter painter;
            if (!painter.begin(&svg))
                throw std::runtime_error("cannot write SVG " + path.string());
            paint(painter);
            painter.end();
        } else if (format == ".pdf") {
            QPdfWriter pdf(file);
            pdf.setTitle(QString::fromStdString(title));
            pdf.setCreator(QStringLiteral("LayerScope"));
            // One pixel of the figure is one point of the page: 72 dpi, no margins.
            pdf.setResolution(72);
            pdf.setPageLayout(QPageLayout(QPageSize(QSizeF(size), QPageSize::Point), QPageLayout::Portrait, QMarginsF()));
            QPainter painter;
            if (!painter.begin(&pdf))
                throw std::runtime_error("cannot write PDF " + path.string());
            paint(painter);
            painter.end();
        } else {
            QImage image(size, QImage::Format_RGB32);
            image.fill(Qt::white);
            QPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing, true);
            paint(painter);
            painter.end();
            if (!image.save(file, "PNG"))
                throw std::runtime_error("cannot write PNG " + path.string());
        }
    });
    std::error_code error;
    if (std::filesystem::file_size(path, error) == 0 || error)
        throw std::runtime_error("nothing was written to " + path.string());
}

} // namespace layerscope::gui
