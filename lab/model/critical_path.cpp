#include "model/critical_path.h"

#include "model/metrics.h"

#include <algorithm>
#include <map>

namespace bootlab::model {
namespace {

struct Item { // something a pid did: a finished span or wait
    Micros start, end;
    const Span* span = nullptr;
    const Wait* wait = nullptr;
};

// The async span that released a wait: of the cookies scheduled before it began and still running
// then, the one that ended last, by the wait's end (or `end`, where the path leaves the wait).
const Span* releaser(const Boot& boot, const Wait& w, Micros end) {
    const Span* best = nullptr;
    for (const Span& s : boot.spans)
        if (s.kind == SpanKind::Async && s.finished() && s.start < w.start && s.end() > w.start && s.end() <= end &&
            (!best || s.end() > best->end()))
            best = &s;
    return best;
}

// The sync span running on another pid when an async span began: the initcall that scheduled it.
const Span* scheduler(const Boot& boot, const Span& async) {
    const Span* best = nullptr; // the innermost: the latest to start
    for (const Span& s : boot.spans)
        if (s.kind == SpanKind::Sync && s.pid != async.pid && s.start <= async.start &&
            (!s.finished() || s.end() >= async.start) && (!best || s.start > best->start))
            best = &s;
    return best;
}

CriticalLink make_link(CriticalLink::Kind kind, std::int64_t pid, Micros start, Micros end, const Span* span = nullptr) {
    CriticalLink l;
    l.kind = kind;
    l.pid = pid;
    l.start = start;
    l.end = end;
    l.span = span;
    return l;
}

} // namespace

CriticalPath critical_path(const Boot& boot) {
    CriticalPath path;
    const Metrics m = compute_metrics(boot);
    if (boot.spans.empty()) return path;
    path.until = m.init_done ? "init-done" : m.boot_to_init ? "run-init" : "last initcall";
    path.end = m.init_done ? *m.init_done : m.boot_to_init ? *m.boot_to_init : m.last_initcall_end.value_or(0);
    const Micros userspace = m.boot_to_init.value_or(path.end); // pid 1 runs init from here

    std::map<std::int64_t, std::vector<Item>> by_pid;
    for (const Span& s : boot.spans)
        if (s.finished()) by_pid[s.pid].push_back({s.start, s.end(), &s, nullptr});
    for (const Wait& w : boot.waits)
        if (w.duration) by_pid[w.pid].push_back({w.start, w.start + *w.duration, nullptr, &w});

    std::vector<CriticalLink> back; // walked from the end: reversed at the end
    std::int64_t pid = 1;
    Micros t = path.end;
    const std::size_t guard = 4 * (boot.spans.size() + boot.waits.size()) + 8;
    for (std::size_t step = 0; t > 0 && step < guard; ++step) {
        if (pid == 1 && t > userspace) { // init: the kernel work that finished last before t
            const Span* last = nullptr;
            for (const Span& s : boot.spans)
                if (s.finished() && s.end() <= t && s.end() > userspace && (!last || s.end() > last->end())) last = &s;
            if (!last) {
                back.push_back(make_link(CriticalLink::Kind::Gap, 1, userspace, t));
                t = userspace;
                continue;
            }
            if (last->end() < t) back.push_back(make_link(CriticalLink::Kind::Gap, 1, last->end(), t));
            t = last->end();
            pid = last->pid;
        }
        // the pid's item that reaches latest before t (clipped to t); a wait before the span it is in
        const Item* best = nullptr;
        for (const Item& i : by_pid[pid]) {
            if (i.start >= t) continue;
            const Micros e = std::min(i.end, t), be = best ? std::min(best->end, t) : -1;
            if (!best || e > be || (e == be && i.wait && !best->wait)) best = &i;
        }
        if (!best) {
            if (pid != 1) { // a pid with nothing earlier: pid 1 was running the boot then
                pid = 1;
                continue;
            }
            back.push_back(make_link(CriticalLink::Kind::Gap, pid, 0, t));
            break;
        }
        const Micros end = std::min(best->end, t);
        if (end < t) back.push_back(make_link(CriticalLink::Kind::Gap, pid, end, t));
        if (best->wait) {
            if (const Span* r = releaser(boot, *best->wait, end)) { // go on in the span that released it
                if (r->end() < end) back.push_back(make_link(CriticalLink::Kind::Gap, pid, r->end(), end)); // waking up
                CriticalLink link = make_link(CriticalLink::Kind::Span, r->pid, r->start, r->end(), r);
                link.waiter = pid;
                link.waited = end - best->start;
                back.push_back(link);
                t = r->start;
                const Span* by = scheduler(boot, *r);
                pid = by ? by->pid : 1;
                continue;
            }
            back.push_back(make_link(CriticalLink::Kind::Wait, pid, best->start, end));
            t = best->start;
            continue;
        }
        const Span& s = *best->span;
        // a wait inside this span (an initcall that waits for async work) ends this part of it
        Micros from = s.start;
        for (const Item& i : by_pid[pid])
            if (i.wait && i.start >= s.start && i.end <= end && i.end > from && i.end < end) from = i.end;
        back.push_back(make_link(CriticalLink::Kind::Span, pid, from, end, &s));
        t = from;
        if (from == s.start && s.kind == SpanKind::Async) { // scheduled by the initcall running then
            const Span* by = scheduler(boot, s);
            pid = by ? by->pid : 1;
        }
    }
    for (auto it = back.rbegin(); it != back.rend(); ++it) { // forward in time; gaps of a pid back to back are one
        if (it->start == it->end) continue; // an initcall of 0 usecs takes no time on the path
        if (it->kind == CriticalLink::Kind::Gap && !path.links.empty() && path.links.back().kind == it->kind &&
            path.links.back().pid == it->pid && path.links.back().end == it->start)
            path.links.back().end = it->end;
        else
            path.links.push_back(*it);
    }
    return path;
}

} // namespace bootlab::model
