#pragma once
// Streaming kernel log parser: bytes in (any chunking), boot events out. Never touches the disk
// and never holds more than one line: a 1 GB log streams through in constant memory.
//
// Accepts serial console captures, `dmesg`, `dmesg -r` (<6> prefixes) and journal-style
// "... kernel: " lines, with or without printk timestamps. Survives serial noise: ANSI escape
// sequences are dropped, CR splits a line, two messages fused on one line are split at the
// second timestamp, and a truncated last line is still read. A line a mail client wrapped
// (the rest of "initcall foo returned 0 after" on the next line, quoted as "> 22082 usecs") is
// joined again where that is unambiguous: the cut line does not parse, the next line has no
// timestamp of its own, and the two together do.
#include "log/event.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bootlab::log {

struct ParseStats {
    std::uint64_t lines = 0;    // physical lines
    std::uint64_t bytes = 0;
    std::uint64_t events = 0;
    std::uint64_t unusable = 0; // looked like initcall/async lines but did not parse
    std::vector<std::uint64_t> unusable_lines; // the first few of them, for error messages
    bool last_line_unterminated = false;
};

class LogParser {
public:
    using Sink = std::function<void(const Event&)>;
    static constexpr int kVersion = 2; // bump when the same log would give other events
                                       // 2: wrapped lines joined, the pre-2.6.28 format

    explicit LogParser(Sink sink) : sink_(std::move(sink)) {}
    void feed(std::string_view bytes);
    void finish(); // flushes a last line without newline
    const ParseStats& stats() const { return stats_; }

private:
    void physical_line(std::string_view line);
    void segment(std::string_view seg);
    void record(std::string_view msg, Micros time);
    void deliver(Event& e, Micros time, std::uint64_t line);
    bool join_pending(std::string_view line); // true if `line` completed the pending one
    void flush_pending();
    void count_unusable(std::uint64_t line);
    static void clean(std::string_view& field, std::string& buffer);

    Sink sink_;
    std::string carry_;   // start of a line whose newline has not arrived yet
    std::string scratch_; // a line with its escape sequences removed
    ParseStats stats_;
    Event event_;
    std::string clean_[3]; // name, module and text of event_ where they had to be cleaned
    // a line that did not parse and may go on on the next line (see above)
    bool has_pending_ = false;
    std::string pending_, joined_;
    Micros pending_time_ = kNoTime;
    std::uint64_t pending_line_ = 0;
};

// If s[pos] starts a printk timestamp "[   12.345678]", returns its value and sets *end to the
// index after ']'; otherwise kNoTime.
Micros parse_timestamp(std::string_view s, std::size_t pos, std::size_t* end);

// Removes ANSI/VT100 escape sequences (CSI "ESC [ ... final", "ESC ( B", "ESC c", ...).
void strip_escapes(std::string_view in, std::string* out);

} // namespace bootlab::log
