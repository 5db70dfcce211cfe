#include "model/host_marks.h"

namespace bootlab::model {
namespace {

std::optional<Micros> between(std::optional<Micros> from, std::optional<Micros> to) {
    if (!from || !to || *to < *from) return std::nullopt;
    return *to - *from;
}

} // namespace

std::array<HostInterval, kHostIntervals> host_intervals(const HostMarks& m) {
    return {{
        {"firmware", "emulator start to the kernel's first line", between(Micros{0}, m.kernel)},
        {"kernel", "the kernel's first line to Run /init", between(m.kernel, m.run_init)},
        {"userspace", "Run /init to init-done", between(m.run_init, m.init_done)},
        {"shutdown", "init-done to emulator exit", between(m.init_done, m.exit)},
    }};
}

HostMarkTracker::HostMarkTracker()
    : parser_(std::make_unique<log::LogParser>([this](const log::Event& e) {
          using log::EventKind;
          if (e.kind == EventKind::DumpBegin) in_dump_ = true;
          if (e.kind == EventKind::DumpEnd) in_dump_ = false;
          if (in_dump_) return;
          auto mark = [this](std::optional<Micros>& slot) { if (!slot) slot = now_; };
          if (e.time != log::kNoTime) mark(marks_.kernel);
          if (e.kind == EventKind::RunInit) mark(marks_.run_init);
          if (e.kind == EventKind::Marker && e.name == "init-done") mark(marks_.init_done);
      })) {}

HostMarkTracker::~HostMarkTracker() = default;

void HostMarkTracker::feed(std::string_view bytes, Micros arrived) {
    if (bytes.empty()) return;
    now_ = arrived;
    if (!marks_.first_byte) marks_.first_byte = arrived;
    parser_->feed(bytes);
}

HostMarks HostMarkTracker::finish(Micros exited) {
    now_ = exited;
    parser_->finish();
    marks_.exit = exited;
    return marks_;
}

} // namespace bootlab::model
