// bootlab-gui [DATABASE] [LOG...]: the window over a bootlab database (default: the one the CLI
// uses); logs given on the command line are imported, and the last one shown.
#include "main_window.h"

#include "store/store.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("bootlab-gui");
    QCommandLineParser args;
    args.setApplicationDescription("Launch boot experiments, browse boot timelines and their history.");
    args.addHelpOption();
    args.addPositionalArgument("database", "bootlab database (default: $BOOTLAB_DB or ~/.local/share/bootlab/bootlab.db)");
    args.addPositionalArgument("logs", "kernel logs to import and show", "[log...]");
    args.process(app);

    bootlab::gui::MainWindow w;
    QStringList rest = args.positionalArguments();
    QString db = QString::fromStdString(bootlab::store::Store::default_path().string());
    if (!rest.isEmpty() && bootlab::gui::looksLikeDatabase(rest.front())) db = rest.takeFirst();
    else if (!rest.isEmpty() && rest.front().endsWith(".db")) db = rest.takeFirst(); // a new one
    w.show();
    // a database that cannot be opened is said so in the window, which stays: File ▸ Open
    if (w.openDatabase(db))
        if (qint64 id = w.importLogs(rest)) w.openRun(id);
    return app.exec();
}
