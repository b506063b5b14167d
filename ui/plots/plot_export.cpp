#include "plots/plot_export.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSvgGenerator>

#include <qcustomplot.h>

namespace dora::ui {

bool save_plot(QCustomPlot* plot, const QString& path, int width, int height, QString* error)
{
    const int w = width > 0 ? width : plot->width();
    const int h = height > 0 ? height : plot->height();
    const QString ext = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (ext == QLatin1String("png")) {
        ok = plot->savePng(path, w, h, 2.0);
    } else if (ext == QLatin1String("jpg") || ext == QLatin1String("jpeg")) {
        ok = plot->saveJpg(path, w, h, 2.0);
    } else if (ext == QLatin1String("pdf")) {
        ok = plot->savePdf(path, w, h);
    } else if (ext == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(w, h));
        svg.setViewBox(QRect(0, 0, w, h));
        svg.setTitle(QFileInfo(path).completeBaseName());
        QCPPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            plot->toPainter(&painter, w, h);
            ok = painter.end() && QFileInfo(path).size() > 0;
        }
    } else {
        if (error)
            *error = QCoreApplication::translate("dora::ui", "Cannot save the plot as “%1”: choose a file name ending in "
                                                             ".png, .jpg, .pdf or .svg.").arg(path);
        return false;
    }
    if (!ok && error)
        *error = QCoreApplication::translate("dora::ui", "Could not write the plot to “%1”: check that the folder exists "
                                                         "and is writable.").arg(path);
    return ok;
}

}  // namespace dora::ui
