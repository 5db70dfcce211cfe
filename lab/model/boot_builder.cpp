#include "model/boot_builder.h"

#include "model/metrics.h"

#include <algorithm>
#include <cstdint>
#include <sys/mman.h>

namespace bootlab::model {
namespace {

using log::EventKind;

// Identity of an event for matching a ring-buffer dump against the console: the dump repeats
// the console's messages with the same timestamps.
std::size_t event_hash(const log::Event& e) {
    std::size_t h = std::hash<std::string_view>{}(e.name);
    auto mix = [&h](std::int64_t v) { h ^= std::hash<std::int64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    mix(static_cast<std::int64_t>(e.kind));
    mix(e.cookie);
    mix(e.pid);
    mix(e.duration);
    mix(e.ret);
    return h;
}

// Asks for transparent huge pages under a large table (glibc maps big allocations on their own,
// so the pages are this table's alone). Filling a 50 MB span table 4 KiB at a time took a page
// fault per 27 spans, and page faults are dear in a VM: 13% of a 1,000,000-line import.
void huge_pages(void* p, std::size_t bytes) {
    constexpr std::uintptr_t kHuge = 2u << 20;
    if (bytes < 2 * kHuge) return;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE); // a hint: failure is fine
}

void make_key(std::string* key, std::string_view a, std::string_view b) {
    key->assign(a);
    key->push_back(':');
    key->append(b);
}

} // namespace

const char* to_string(SpanKind k) { return k == SpanKind::Async ? "async" : "sync"; }

std::string span_key(std::string_view function, std::string_view module) {
    std::string k(function);
    if (!module.empty()) k.append(" [").append(module).append("]");
    return k;
}

std::pair<std::string, std::string> split_span_key(std::string_view key) {
    // a module name has no spaces or brackets; a function name no spaces
    if (const auto at = key.rfind(" ["); at != std::string_view::npos && key.ends_with(']'))
        return {std::string(key.substr(0, at)), std::string(key.substr(at + 2, key.size() - at - 3))};
    return {std::string(key), ""};
}
const char* to_string(CallKind k) { return k == CallKind::Quirk ? "quirk" : "probe"; }
const char* to_string(DeviceKind k) { return k == DeviceKind::Net ? "net" : "disk"; }

void BootBuilder::expect_log_bytes(std::uint64_t bytes) {
    // Real logs have a span per ~200 bytes and a timestamped event per ~90. Reserving a little
    // more than that costs address space only (pages never touched are never faulted in); one
    // regrowth of a 300,000-span table cost more than parsing its log.
    boot_.spans.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(bytes / 128, 1u << 24)));
    console_events_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(bytes / 48, 1u << 25)));
    huge_pages(boot_.spans.data(), boot_.spans.capacity() * sizeof(Span));
    huge_pages(console_events_.data(), console_events_.capacity() * sizeof(console_events_[0]));
}

Micros BootBuilder::clock(const log::Event& e) {
    if (e.time != log::kNoTime) {
        boot_.has_timestamps = true;
        now_ = e.time;
    }
    return now_;
}

bool BootBuilder::duplicate_of_console(const log::Event& e) {
    if (e.time == log::kNoTime) return false;
    std::pair<Micros, std::size_t> id{e.time, event_hash(e)};
    if (!in_dump_) {
        console_events_.push_back(id);
        return false;
    }
    if (!console_sorted_) {
        std::sort(console_events_.begin(), console_events_.end());
        console_sorted_ = true;
    }
    return std::binary_search(console_events_.begin(), console_events_.end(), id);
}

void BootBuilder::on_event(const log::Event& e) {
    if (e.kind == EventKind::DumpBegin) {
        in_dump_ = true;
        console_sorted_ = false;
        return;
    }
    if (e.kind == EventKind::DumpEnd) {
        in_dump_ = false;
        return;
    }
    if (duplicate_of_console(e)) return;
    const Micros t = clock(e);
    switch (e.kind) {
    case EventKind::CallStart:
        call_start(e, t);
        break;
    case EventKind::CallEnd:
        call_end(e, t);
        break;
    case EventKind::WaitStart:
        open_wait_[e.pid] = boot_.waits.size();
        boot_.waits.push_back(Wait{e.pid, t, std::nullopt});
        break;
    case EventKind::WaitEnd:
        if (auto it = open_wait_.find(e.pid); it != open_wait_.end()) {
            Wait& w = boot_.waits[it->second];
            w.duration = e.duration;
            open_wait_.erase(it);
            // without timestamps the boot thread's clock moves on by its wait
            if (!boot_.has_timestamps && w.start <= log::kMaxMicros - e.duration) now_ = std::max(now_, w.start + e.duration);
        } else if (t - e.duration < 0) {
            reject(e); // waited longer than the boot has run
        } else {
            boot_.waits.push_back(Wait{e.pid, t - e.duration, e.duration});
        }
        break;
    case EventKind::Probe: {
        if (t - e.duration < 0) { // probed for longer than the boot has run
            reject(e);
            break;
        }
        DeviceCall c;
        c.kind = CallKind::Probe;
        c.device = e.name;
        c.start = t - e.duration;
        c.duration = e.duration;
        c.ret = e.ret;
        boot_.calls.push_back(std::move(c));
        break;
    }
    case EventKind::QuirkStart: {
        make_key(&key_, e.text, e.name);
        open_quirk_[key_].push_back(boot_.calls.size());
        DeviceCall c;
        c.kind = CallKind::Quirk;
        c.device = e.text;
        c.function = e.name;
        c.pid = e.pid;
        c.start = t;
        boot_.calls.push_back(std::move(c));
        break;
    }
    case EventKind::QuirkEnd: {
        make_key(&key_, e.text, e.name);
        auto it = open_quirk_.find(key_);
        if (it == open_quirk_.end() || it->second.empty()) break;
        boot_.calls[it->second.back()].duration = e.duration;
        it->second.pop_back();
        break;
    }
    case EventKind::KernelVersion:
        if (boot_.kernel_version.empty()) {
            boot_.kernel_version = e.name;
            boot_.kernel_banner = e.text;
        }
        break;
    case EventKind::CommandLine:
        if (boot_.cmdline.empty()) boot_.cmdline = e.text;
        break;
    case EventKind::RunInit:
        boot_.markers.push_back(Marker{"run-init", std::string(e.name), t, {}});
        break;
    case EventKind::FreeInitMem: // printed once per freed region: the first one marks the end
        if (!marker_time(boot_, "free-initmem"))
            boot_.markers.push_back(Marker{"free-initmem", std::string(e.text), t, {}});
        break;
    case EventKind::Panic:
        if (!boot_.panicked) boot_.panic_message = e.text;
        boot_.panicked = true;
        boot_.markers.push_back(Marker{"panic", std::string(e.text), t, {}});
        break;
    case EventKind::Marker:
        boot_.markers.push_back(Marker{std::string(e.name), std::string(e.text),
                                       e.time == log::kNoTime ? std::nullopt : std::optional(t),
                                       e.duration >= 0 ? std::optional(e.duration) : std::nullopt});
        break;
    case EventKind::Disk:
    case EventKind::Net:
        boot_.devices.push_back(Device{e.kind == EventKind::Disk ? DeviceKind::Disk : DeviceKind::Net,
                                       std::string(e.name), std::string(e.module),
                                       std::string(e.text)});
        break;
    case EventKind::DumpBegin:
    case EventKind::DumpEnd:
        break;
    }
}

void BootBuilder::reject(const log::Event& e) {
    ++rejected_;
    if (rejected_lines_.size() < kMaxRejectedExamples) rejected_lines_.push_back(e.line);
}

void BootBuilder::call_start(const log::Event& e, Micros t) {
    Span s;
    s.seq = static_cast<std::int64_t>(boot_.spans.size());
    s.function = e.name;
    s.module = e.module;
    s.pid = e.pid;
    s.start = t;
    s.line = e.line;
    if (e.cookie >= 0) {
        // The kernel numbers cookies from one counter: a second `calling` with a cookie already
        // seen is not a second span.
        if (!seen_cookies_.insert(e.cookie).second) {
            reject(e);
            return;
        }
        s.kind = SpanKind::Async;
        s.cookie = e.cookie;
        open_async_[e.cookie] = boot_.spans.size();
    } else {
        make_key(&key_, e.module, e.name);
        open_sync_[key_].push_back(boot_.spans.size());
    }
    boot_.spans.push_back(std::move(s));
}

void BootBuilder::call_end(const log::Event& e, Micros /*t*/) {
    std::size_t idx = 0;
    if (e.cookie >= 0) {
        auto it = open_async_.find(e.cookie);
        if (it == open_async_.end()) { ++boot_.unmatched_ends; return; }
        idx = it->second;
        open_async_.erase(it);
    } else {
        make_key(&key_, e.module, e.name);
        auto it = open_sync_.find(key_);
        if (it == open_sync_.end() || it->second.empty()) { ++boot_.unmatched_ends; return; }
        idx = it->second.back();
        it->second.pop_back();
    }
    Span& s = boot_.spans[idx];
    Micros duration = e.duration;
    if (duration < 0) { // its duration was cut off (log_parser.h): it returned when printed
        if (e.time == log::kNoTime || e.time < s.start) {
            reject(e);
            return;
        }
        duration = e.time - s.start;
    }
    if (s.start > log::kMaxMicros - duration) { // would end beyond any boot (end-to-end clock)
        reject(e);
        return;
    }
    s.duration = duration;
    if (e.has_ret) s.ret = e.ret;
    // Without printk timestamps the only clock is the durations: the boot thread's spans end to
    // end. An async cookie runs beside it: its end moves no clock (it once pushed the next
    // initcall on pid 1 out by 785 ms, against the order of the lines).
    if (!boot_.has_timestamps && s.kind == SpanKind::Sync) now_ = std::max(now_, s.end());
}

// A probe line has no pid: it belongs to the span that ran around it. Of the spans that contain
// the probe's interval, the one that started last is the innermost.
void BootBuilder::tie_probes() {
    std::vector<std::size_t> by_start(boot_.spans.size());
    for (std::size_t i = 0; i < by_start.size(); ++i) by_start[i] = i;
    auto earlier = [&](std::size_t a, std::size_t b) { return boot_.spans[a].start < boot_.spans[b].start; };
    // spans are numbered in log order, which is start order but for logs without timestamps
    if (!std::is_sorted(by_start.begin(), by_start.end(), earlier))
        std::stable_sort(by_start.begin(), by_start.end(), earlier);
    constexpr std::size_t kMaxLookBack = 512;
    for (DeviceCall& c : boot_.calls) {
        if (c.kind != CallKind::Probe) continue;
        const Micros end = c.start + c.duration.value_or(0);
        auto it = std::upper_bound(by_start.begin(), by_start.end(), c.start,
                                   [&](Micros v, std::size_t i) { return v < boot_.spans[i].start; });
        for (std::size_t n = 0; it != by_start.begin() && n < kMaxLookBack; ++n) {
            const Span& s = boot_.spans[*--it];
            if (!s.finished() || s.end() >= end) {
                c.span_seq = s.seq;
                c.pid = s.pid;
                break;
            }
        }
    }
}

std::size_t BootBuilder::settled() const {
    std::size_t first_open = boot_.spans.size();
    for (const auto& [key, open] : open_sync_)
        for (std::size_t i : open) first_open = std::min(first_open, i);
    for (const auto& [cookie, i] : open_async_) first_open = std::min(first_open, i);
    return first_open;
}

Boot BootBuilder::finish(const log::ParseStats& stats) {
    tie_probes();
    boot_.lines = stats.lines;
    boot_.bytes = stats.bytes;
    // Lines the grammar could not read, and lines it read whose values cannot be (rejected):
    // both are unusable, reported with their line numbers, first ones first.
    boot_.unusable_lines = stats.unusable + rejected_;
    boot_.unusable_examples = stats.unusable_lines;
    boot_.unusable_examples.insert(boot_.unusable_examples.end(), rejected_lines_.begin(),
                                   rejected_lines_.end());
    std::sort(boot_.unusable_examples.begin(), boot_.unusable_examples.end());
    if (boot_.unusable_examples.size() > kMaxRejectedExamples)
        boot_.unusable_examples.resize(kMaxRejectedExamples);
    boot_.metrics = compute_metrics(boot_);
    return std::move(boot_);
}

Boot parse_boot(std::string_view log_text) {
    BootBuilder builder;
    builder.expect_log_bytes(log_text.size());
    log::LogParser parser([&](const log::Event& e) { builder.on_event(e); });
    parser.feed(log_text);
    parser.finish();
    return builder.finish(parser.stats());
}

} // namespace bootlab::model
