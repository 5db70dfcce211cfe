#include "experiment_runner.h"

#include "common/error.h"

namespace bootlab::gui {

ExperimentRunner::ExperimentRunner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<bootlab::store::RunInfo>();
}

ExperimentRunner::~ExperimentRunner() {
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
}

void ExperimentRunner::cancel() { cancel_ = true; }

void ExperimentRunner::start(runner::ExperimentSpec spec, QString database, runner::RunOptions options) {
    if (running_) return;
    if (thread_.joinable()) thread_.join(); // the last experiment's thread has finished its work
    cancel_ = false;
    running_ = true;
    thread_ = std::thread([this, spec = std::move(spec), db = database.toStdString(), options] {
        // Signals emitted here are queued to the receivers' (GUI) thread.
        runner::RunEvents ev;
        ev.message = [this](const std::string& m) { emit message(QString::fromStdString(m)); };
        ev.starting = [this](const runner::BootPlan& p, const runner::BootStart& s) {
            const std::string what = s.argv.empty() ? s.domain_xml : runner::shell_quote(s.argv);
            emit bootStarted(QString::fromStdString(p.label), p.repetition, QString::fromStdString(s.host),
                             QString::fromStdString(what));
        };
        ev.console = [this](const runner::BootPlan& p, std::string_view bytes) {
            emit console(QString::fromStdString(p.label), p.repetition,
                         QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())));
        };
        ev.finished = [this](const runner::BootPlan&, const store::RunInfo& r, int done, int total) {
            emit bootFinished(r, done, total);
        };
        try {
            store::Store store(db);
            const auto result = runner::run_experiment(store, spec, options, ev, cancel_);
            for (const auto& h : result.hosts)
                if (!h.failure.empty()) emit message(QString::fromStdString("host " + h.name + " was taken out: " + h.failure));
            if (result.unrun)
                emit message(QString::fromStdString(std::to_string(result.unrun) + " boot(s) not run: every host failed; "
                                                    "Run with “resume” ticked boots only those"));
            running_ = false;
            emit finished(result.experiment_id, result.booted, result.failed, result.cancelled);
        } catch (const std::exception& e) {
            running_ = false;
            emit failed(QString::fromStdString(e.what()));
        }
    });
}

} // namespace bootlab::gui
