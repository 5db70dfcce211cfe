#include "model/critical_path.h"

#include "model/metrics.h"

#include <algorithm>
#include <limits>
#include <map>

namespace bootlab::model {
namespace {

struct Item { // something a pid did: a finished span or wait
    Micros start, end;
    const Span* span = nullptr;
    const Wait* wait = nullptr;
    std::size_t order = 0; // spans first in log order, then waits: which of equals is taken
};

// Of equally good items, a wait (the path goes on into what it waited for), else the first.
bool preferred(const Item& a, const Item& b) {
    if ((a.wait != nullptr) != (b.wait != nullptr)) return a.wait != nullptr;
    return a.order < b.order;
}

// Spans by end, the lowest seq last among equal ends: a walk back from the end meets, among the
// spans that ended at one moment, the first in log order first.
bool end_then_seq_down(const Span* a, const Span* b) {
    return a->end() != b->end() ? a->end() < b->end() : a->seq > b->seq;
}

// What one pid did, indexed for the walk: every step is a binary search and a short scan, not a
// pass over the whole boot (that made a 100,000-span boot take 16 s).
struct PidItems {
    std::vector<Item> by_start;     // by start
    std::vector<Micros> max_end;    // max_end[k]: the latest end of by_start[0..k)
    std::vector<Item> by_end;       // by end
    std::vector<const Wait*> waits; // by end

    void index() {
        std::sort(by_start.begin(), by_start.end(), [](const Item& a, const Item& b) { return a.start < b.start; });
        max_end.assign(1, std::numeric_limits<Micros>::min());
        for (const Item& i : by_start) max_end.push_back(std::max(max_end.back(), i.end));
        by_end = by_start;
        std::sort(by_end.begin(), by_end.end(), [](const Item& a, const Item& b) { return a.end < b.end; });
        for (const Item& i : by_end)
            if (i.wait) waits.push_back(i.wait);
    }

    // The item that reaches latest before t, clipped to t: one running at t if any, else the one
    // that ended last. Null when nothing started before t.
    const Item* latest_before(Micros t) const {
        const auto k = static_cast<std::size_t>(
            std::lower_bound(by_start.begin(), by_start.end(), t, [](const Item& i, Micros x) { return i.start < x; }) -
            by_start.begin());
        if (k == 0) return nullptr;
        const Item* best = nullptr;
        if (max_end[k] >= t) { // something started before t still ran at t
            for (std::size_t j = k; j-- > 0 && max_end[j + 1] >= t;)
                if (by_start[j].end >= t && (!best || preferred(by_start[j], *best))) best = &by_start[j];
            return best;
        }
        auto hi = std::lower_bound(by_end.begin(), by_end.end(), t, [](const Item& i, Micros x) { return i.end < x; });
        const Micros last = std::prev(hi)->end; // every item ended before t: the latest end
        for (auto it = hi; it != by_end.begin() && std::prev(it)->end == last; --it)
            if (!best || preferred(*std::prev(it), *best)) best = &*std::prev(it);
        return best;
    }

    // Where a wait inside span s (an initcall that waits for async work) ended last before `end`;
    // s's start if none did.
    Micros last_wait_inside(const Span& s, Micros end) const {
        auto it = std::lower_bound(waits.begin(), waits.end(), end,
                                   [](const Wait* w, Micros x) { return w->start + *w->duration < x; });
        for (; it != waits.begin() && (*std::prev(it))->start + *(*std::prev(it))->duration > s.start; --it)
            if ((*std::prev(it))->start >= s.start) return (*std::prev(it))->start + *(*std::prev(it))->duration;
        return s.start;
    }
};

struct Index {
    std::map<std::int64_t, PidItems> pids;
    std::vector<const Span*> finished;   // by end_then_seq_down
    std::vector<const Span*> async;      // finished async spans, the same order
    std::vector<const Span*> sync;       // by start, the lowest seq last among equal starts
    std::vector<Micros> sync_max_end;    // sync_max_end[k]: the latest end of sync[0..k) (unfinished: never ends)

    explicit Index(const Boot& boot) {
        std::size_t order = 0;
        for (const Span& s : boot.spans) {
            if (s.finished()) {
                pids[s.pid].by_start.push_back({s.start, s.end(), &s, nullptr, order++});
                finished.push_back(&s);
                if (s.kind == SpanKind::Async) async.push_back(&s);
            }
            if (s.kind == SpanKind::Sync) sync.push_back(&s);
        }
        for (const Wait& w : boot.waits)
            if (w.duration) pids[w.pid].by_start.push_back({w.start, w.start + *w.duration, nullptr, &w, order++});
        for (auto& [pid, items] : pids) items.index();
        std::sort(finished.begin(), finished.end(), end_then_seq_down);
        std::sort(async.begin(), async.end(), end_then_seq_down);
        std::sort(sync.begin(), sync.end(),
                  [](const Span* a, const Span* b) { return a->start != b->start ? a->start < b->start : a->seq > b->seq; });
        sync_max_end.assign(1, std::numeric_limits<Micros>::min());
        for (const Span* s : sync)
            sync_max_end.push_back(std::max(sync_max_end.back(), s->finished() ? s->end() : std::numeric_limits<Micros>::max()));
    }

    // The span that ended last by t (the first in log order of equals: the last of them here);
    // null if none did.
    const Span* last_ended_by(Micros t) const {
        auto it = std::upper_bound(finished.begin(), finished.end(), t, [](Micros x, const Span* s) { return x < s->end(); });
        return it == finished.begin() ? nullptr : *std::prev(it);
    }

    // The async span that released a wait: of the cookies scheduled before it began and still
    // running then, the one that ended last, by the wait's end (or `end`, where the path leaves
    // the wait).
    const Span* releaser(const Wait& w, Micros end) const {
        auto it = std::upper_bound(async.begin(), async.end(), end, [](Micros x, const Span* s) { return x < s->end(); });
        for (; it != async.begin() && (*std::prev(it))->end() > w.start; --it)
            if ((*std::prev(it))->start < w.start) return *std::prev(it);
        return nullptr;
    }

    // The sync span running on another pid when an async span began: the initcall that
    // scheduled it (the innermost: the latest to start).
    const Span* scheduler(const Span& a) const {
        auto k = static_cast<std::size_t>(
            std::upper_bound(sync.begin(), sync.end(), a.start, [](Micros x, const Span* s) { return x < s->start; }) -
            sync.begin());
        for (; k > 0 && sync_max_end[k] >= a.start; --k) {
            const Span* s = sync[k - 1];
            if (s->pid != a.pid && (!s->finished() || s->end() >= a.start)) return s;
        }
        return nullptr;
    }
};

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

    const Index index(boot);
    const PidItems none;
    auto items_of = [&](std::int64_t pid) -> const PidItems& {
        auto it = index.pids.find(pid);
        return it == index.pids.end() ? none : it->second;
    };

    std::vector<CriticalLink> back; // walked from the end: reversed at the end
    std::int64_t pid = 1;
    Micros t = path.end;
    const std::size_t guard = 4 * (boot.spans.size() + boot.waits.size()) + 8;
    for (std::size_t step = 0; t > 0 && step < guard; ++step) {
        if (pid == 1 && t > userspace) { // init: the kernel work that finished last before t
            const Span* last = index.last_ended_by(t);
            if (!last || last->end() <= userspace) {
                back.push_back(make_link(CriticalLink::Kind::Gap, 1, userspace, t));
                t = userspace;
                continue;
            }
            if (last->end() < t) back.push_back(make_link(CriticalLink::Kind::Gap, 1, last->end(), t));
            t = last->end();
            pid = last->pid;
        }
        // the pid's item that reaches latest before t (clipped to t); a wait before the span it is in
        const Item* best = items_of(pid).latest_before(t);
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
            if (const Span* r = index.releaser(*best->wait, end)) { // go on in the span that released it
                if (r->end() < end) back.push_back(make_link(CriticalLink::Kind::Gap, pid, r->end(), end)); // waking up
                CriticalLink link = make_link(CriticalLink::Kind::Span, r->pid, r->start, r->end(), r);
                link.waiter = pid;
                link.waited = end - best->start;
                back.push_back(link);
                t = r->start;
                const Span* by = index.scheduler(*r);
                pid = by ? by->pid : 1;
                continue;
            }
            back.push_back(make_link(CriticalLink::Kind::Wait, pid, best->start, end));
            t = best->start;
            continue;
        }
        const Span& s = *best->span;
        // a wait inside this span (an initcall that waits for async work) ends this part of it
        const Micros from = items_of(pid).last_wait_inside(s, end);
        back.push_back(make_link(CriticalLink::Kind::Span, pid, from, end, &s));
        t = from;
        if (from == s.start && s.kind == SpanKind::Async) { // scheduled by the initcall running then
            const Span* by = index.scheduler(s);
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
