#pragma once
// The tracker: consumes parser events in log order and assembles a Boot. Pairs `calling` with
// `returned` (sync by function, async by cookie), waits by pid, quirks by device+function; ties
// each device probe to the span running around it; de-duplicates a ring-buffer dump against
// what the console already showed.
#include "log/event.h"
#include "log/log_parser.h"
#include "model/boot.h"

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace bootlab::model {

class BootBuilder {
public:
    // Optional: size the span table for a log of this many bytes (real logs have about one
    // span per 200 bytes), so a huge log does not pay for the vector regrowing.
    void expect_log_bytes(std::uint64_t bytes);
    void on_event(const log::Event& e);
    // How many spans, from the first, are final: returned (or found impossible) and never to
    // change again. A writer may store those while the rest of the log is still being read.
    std::size_t settled() const;
    const std::vector<Span>& spans() const { return boot_.spans; }
    // Closes the boot: derives the metrics. Call once, after the parser's finish().
    Boot finish(const log::ParseStats& stats);

private:
    Micros clock(const log::Event& e);
    bool duplicate_of_console(const log::Event& e);
    void call_start(const log::Event& e, Micros t);
    void call_end(const log::Event& e, Micros t);
    void tie_probes();
    // A line that parsed but whose values cannot be true (a probe longer than the boot so far,
    // a cookie seen twice): counted as unusable instead of stored.
    void reject(const log::Event& e);
    static constexpr std::size_t kMaxRejectedExamples = 10;

    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using OpenByName = std::unordered_map<std::string, std::vector<std::size_t>, StringHash,
                                          std::equal_to<>>;

    Boot boot_;
    Micros now_ = 0;           // last known time; a synthetic clock in logs without timestamps
    OpenByName open_sync_;     // "module:function" -> open spans, oldest first
    std::unordered_map<std::int64_t, std::size_t> open_async_; // cookie -> span
    std::unordered_map<std::int64_t, std::size_t> open_wait_;  // pid -> wait
    std::unordered_set<std::int64_t> seen_cookies_;
    std::uint64_t rejected_ = 0;
    std::vector<std::uint64_t> rejected_lines_;
    OpenByName open_quirk_;    // "device:function" -> open quirks
    std::string key_;
    bool in_dump_ = false;
    std::vector<std::pair<Micros, std::size_t>> console_events_; // (time, hash), for dumps
    bool console_sorted_ = false;
};

// Parses a whole log held in memory (tests, small tools). Streaming callers use LogParser and
// BootBuilder directly.
Boot parse_boot(std::string_view log_text);

} // namespace bootlab::model
