#pragma once
// What decided when the boot was done (the guest's init-done, else `Run /init as init process`):
// the chain of spans, waits and the pids' own work, walked back from that moment, as
// systemd-analyze critical-chain does for units. From the log alone:
//  - a pid runs one thing at a time: going back on a pid, the chain is its latest span or wait
//    that ended by then, and the time after it the pid's own work outside any initcall (a gap);
//  - a wait (async_waiting .. async_continuing) ends when the last async span it waited for
//    ends. Cookie order is the async domain's order, so a wait waits for every cookie scheduled
//    before it began: of those still running then, the one that ended last (by the wait's end)
//    released it, and the chain goes on in that span;
//  - an async span began when its initcall scheduled it: the chain goes on in the sync span that
//    was running on another pid at that moment, else on pid 1;
//  - after `Run /init`, pid 1 is userspace, which prints nothing: what it waited for is taken to
//    be the kernel work that finished last (a module's initcall, a disk scan), on any pid.
#include "model/boot.h"

#include <optional>
#include <string>
#include <vector>

namespace bootlab::model {

struct CriticalLink {
    enum class Kind { Span, Wait, Gap };
    Kind kind = Kind::Gap;
    std::int64_t pid = 0;
    Micros start = 0, end = 0;          // the part of the span, wait or gap on the path
    const Span* span = nullptr;         // Span: the span (the path may hold only part of it)
    std::optional<std::int64_t> waiter; // Span: the pid whose wait it released
    Micros waited = 0;                  // ... and how long that pid waited
    Micros duration() const { return end - start; }
};

struct CriticalPath {
    std::string until;                // "init-done", "run-init", or "last initcall" when init never ran
    Micros end = 0;                   // when that was
    std::vector<CriticalLink> links;  // from 0 to `end`, in time order, back to back
};

// Empty links when the boot has no spans. The links point into `boot`.
CriticalPath critical_path(const Boot& boot);

} // namespace bootlab::model
