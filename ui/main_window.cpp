#include "main_window.h"

#include "dora/demos.h"

#include <QLabel>
#include <QVBoxLayout>

namespace dora::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("DoRA Studio"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    auto* title = new QLabel(tr("<h2>DoRA Studio</h2>"), central);
    layout->addWidget(title);

    QString demos;
    for (const DemoInfo& demo : demo_models())
        demos += QStringLiteral("<li><b>%1</b>: %2</li>").arg(QString::fromStdString(demo.name),
                                                                QString::fromStdString(demo.description).toHtmlEscaped());
    auto* body = new QLabel(tr("<p>Fine-tune a model with LoRA or DoRA by clicking. The training screens are on "
                               "their way; until then, train from a terminal:</p>"
                               "<pre>dora-cli train config.json</pre>"
                               "<p>Built-in demo models:</p><ul>%1</ul>")
                                .arg(demos),
                            central);
    body->setWordWrap(true);
    body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(body);
    layout->addStretch();
    setCentralWidget(central);
    resize(720, 420);
}

}  // namespace dora::ui
