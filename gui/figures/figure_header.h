#pragma once
// How every figure starts (numbers, padding split, contact sheet): a white canvas and the title,
// bold and black, elided to its rectangle, so the figures look like one family.

#include <QFont>
#include <QRect>
#include <QSize>

#include <string>

class QPainter;

namespace layerscope::gui {

struct FigureFonts {
    QFont base; // the body text: the painter's font at `basePixels`
    QFont bold; // the title's font
};

// Paints the canvas white and the title; the painter is left with the bold font and a black pen.
// `titlePixels` 0: the title is as large as the body text.
FigureFonts paintFigureHeader(QPainter& p, QSize canvas, const QRect& titleRect, const std::string& title,
                              int basePixels, int titlePixels = 0);

} // namespace layerscope::gui
