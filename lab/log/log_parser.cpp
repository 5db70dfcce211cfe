#include "log/log_parser.h"

#include "log/line_grammar.h"

#include "common/text.h"

#include <cstring>

namespace bootlab::log {
namespace {

constexpr std::size_t kMaxUnusableExamples = 10;
constexpr char kEsc = '\x1b';

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Index of the first byte below 0x20 (CR, ESC, ...) or s.size(). Eight bytes at a time: a
// serial line is ~70 bytes and almost never has one before its CRLF, so this replaces two
// memchr() calls per line by one short pass.
std::size_t first_control(std::string_view s) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        // a byte < 0x20 sets its high bit here; the lowest set bit is exact (little endian)
        std::uint64_t m = (w - ones * 0x20) & ~w & highs;
        if (m) return i + static_cast<std::size_t>(__builtin_ctzll(m) / 8);
    }
    for (; i < s.size(); ++i)
        if (static_cast<unsigned char>(s[i]) < 0x20) return i;
    return s.size();
}

// "<6>" at the start of a `dmesg -r` line
std::string_view strip_syslog_level(std::string_view s) {
    if (s.size() >= 3 && s[0] == '<') {
        std::size_t i = 1;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i > 1 && i < s.size() && s[i] == '>') return s.substr(i + 1);
    }
    return s;
}

// "Nov 23 09:05:01 host kernel: msg" or "2026-11-23T09:05:01+0000 host kernel: msg" -> "msg".
// Only lines that start like a date are considered, so kernel text is never cut.
std::string_view strip_journal_prefix(std::string_view s) {
    if (s.empty() || !(is_digit(s[0]) || (s[0] >= 'A' && s[0] <= 'Z'))) return s;
    auto k = s.substr(0, 120).find(" kernel: ");
    if (k == std::string_view::npos) return s;
    auto head = s.substr(0, k);
    if (head.find(':') == std::string_view::npos) return s; // a clock time hh:mm:ss
    return s.substr(k + 9);
}

} // namespace

Micros parse_timestamp(std::string_view s, std::size_t pos, std::size_t* end) {
    // Fast path for the kernel's own "[%5lu.%06lu]" (seconds below 100000).
    if (pos + 14 <= s.size() && s[pos + 6] == '.' && s[pos + 13] == ']') {
        Micros sec = 0, frac = 0;
        bool ok = true, digits = false;
        for (std::size_t k = pos + 1; k < pos + 6; ++k) {
            char c = s[k];
            if (c == ' ' && !digits) continue;
            digits = true;
            ok &= is_digit(c);
            sec = sec * 10 + (c - '0');
        }
        for (std::size_t k = pos + 7; k < pos + 13; ++k) {
            ok &= is_digit(s[k]);
            frac = frac * 10 + (s[k] - '0');
        }
        if (ok && digits) {
            *end = pos + 14;
            return sec * 1000000 + frac;
        }
    }
    std::size_t i = pos + 1;
    while (i < s.size() && s[i] == ' ') ++i;
    Micros sec = 0;
    std::size_t d0 = i;
    while (i < s.size() && is_digit(s[i]) && i - d0 < 12) sec = sec * 10 + (s[i++] - '0');
    if (i == d0 || i >= s.size() || s[i] != '.') return kNoTime;
    ++i;
    Micros frac = 0;
    std::size_t f0 = i;
    while (i < s.size() && is_digit(s[i]) && i - f0 < 9) frac = frac * 10 + (s[i++] - '0');
    std::size_t nfrac = i - f0;
    if (nfrac == 0 || i >= s.size() || s[i] != ']') return kNoTime;
    if (sec > kMaxMicros / 1000000) return kNoTime; // no boot runs for centuries
    for (; nfrac < 6; ++nfrac) frac *= 10; // "[1.5]" is 1.500000 s
    for (; nfrac > 6; --nfrac) frac /= 10; // nanoseconds in, microseconds out
    *end = i + 1;
    return sec * 1000000 + frac;
}

void strip_escapes(std::string_view in, std::string* out) {
    out->clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != kEsc) {
            out->push_back(in[i]);
            continue;
        }
        if (i + 1 >= in.size()) break;
        char k = in[i + 1];
        if (k == '[') { // CSI: parameters and intermediates, then a final byte in @..~
            std::size_t j = i + 2;
            while (j < in.size() && !(in[j] >= '@' && in[j] <= '~')) ++j;
            i = j;
        } else if (k == '(' || k == ')') { // charset designation: one more byte
            i += 2;
        } else { // two-byte sequence: ESC c, ESC 7, ESC =, ...
            i += 1;
        }
    }
}

void LogParser::feed(std::string_view bytes) {
    stats_.bytes += bytes.size();
    while (!bytes.empty()) {
        const char* nl = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
        if (!nl) {
            carry_.append(bytes);
            return;
        }
        auto len = static_cast<std::size_t>(nl - bytes.data());
        if (carry_.empty()) {
            physical_line(bytes.substr(0, len));
        } else {
            carry_.append(bytes.substr(0, len));
            physical_line(carry_);
            carry_.clear();
        }
        bytes.remove_prefix(len + 1);
    }
}

void LogParser::finish() {
    if (!carry_.empty()) {
        stats_.last_line_unterminated = true;
        physical_line(carry_);
        carry_.clear();
    }
    flush_pending();
}

namespace {
// Lines whose end a mail client may have wrapped onto the next line.
bool may_continue(std::string_view msg) {
    for (std::string_view p : {"initcall ", "calling ", "async_continuing ", "probe of ", "pci ", "Calling initcall "})
        if (msg.substr(0, p.size()) == p) return true;
    return false;
}
} // namespace

bool LogParser::join_pending(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    // the continuation as the mail quoted it: "> 22082 usecs", "  22082 usecs"
    while (!line.empty() && (line.front() == '>' || line.front() == ' ')) line.remove_prefix(1);
    std::size_t end = 0;
    if (line.empty() || first_control(line) != line.size() || line.size() > 200 ||
        (line.front() == '[' && parse_timestamp(line, 0, &end) != kNoTime))
        return false;
    joined_.assign(pending_);
    while (!joined_.empty() && joined_.back() == ' ') joined_.pop_back();
    joined_ += ' ';
    joined_.append(line);
    Event& e = event_;
    e = Event{};
    if (parse_message(joined_, &e) != Match::Event) return false;
    has_pending_ = false;
    deliver(e, pending_time_, pending_line_);
    return true;
}

void LogParser::flush_pending() {
    if (!has_pending_) return;
    has_pending_ = false;
    Event& e = event_;
    e = Event{};
    // a return line whose duration was cut off and not found: it returned when it was printed
    if (pending_time_ != kNoTime && parse_cut_end(pending_, &e)) {
        deliver(e, pending_time_, pending_line_);
        return;
    }
    count_unusable(pending_line_);
}

void LogParser::count_unusable(std::uint64_t line) {
    ++stats_.unusable;
    if (stats_.unusable_lines.size() < kMaxUnusableExamples) stats_.unusable_lines.push_back(line);
}

void LogParser::physical_line(std::string_view line) {
    ++stats_.lines;
    if (has_pending_) {
        if (join_pending(line)) return;
        flush_pending();
    }
    std::size_t ctl = first_control(line);
    if (ctl == line.size() || (ctl + 1 == line.size() && line[ctl] == '\r')) {
        if (ctl > 0) segment(line.substr(0, ctl)); // the common case: plain text, then CRLF
        return;
    }
    if (std::memchr(line.data() + ctl, kEsc, line.size() - ctl)) {
        strip_escapes(line, &scratch_);
        line = scratch_;
    }
    // A CR returns the carriage: what follows overwrites the line on a terminal, so it is a
    // new message ("Probing EDD ... ok\r" precedes the first kernel line on one line).
    while (!line.empty()) {
        const char* cr = static_cast<const char*>(std::memchr(line.data(), '\r', line.size()));
        std::size_t len = cr ? static_cast<std::size_t>(cr - line.data()) : line.size();
        if (len > 0) segment(line.substr(0, len));
        if (!cr) break;
        line.remove_prefix(len + 1);
    }
}

void LogParser::segment(std::string_view seg) {
    seg = strip_syslog_level(seg);
    if (!seg.empty() && seg.front() != '[') seg = strip_syslog_level(strip_journal_prefix(seg));

    // Find every printk timestamp: text before the first is a message without one, and a
    // second timestamp means two messages were fused (a message lost its newline).
    Micros time = kNoTime;
    std::size_t msg_start = 0;
    std::size_t pos = 0;
    while (pos < seg.size()) {
        const void* b = std::memchr(seg.data() + pos, '[', seg.size() - pos);
        if (!b) break;
        std::size_t at = static_cast<std::size_t>(static_cast<const char*>(b) - seg.data());
        std::size_t end = 0;
        Micros t = parse_timestamp(seg, at, &end);
        if (t == kNoTime) {
            pos = at + 1;
            continue;
        }
        if (at > msg_start) record(seg.substr(msg_start, at - msg_start), time);
        time = t;
        msg_start = end < seg.size() && seg[end] == ' ' ? end + 1 : end;
        pos = end;
    }
    if (msg_start < seg.size()) record(seg.substr(msg_start), time);
}

void LogParser::clean(std::string_view& field, std::string& buffer) {
    if (is_clean_text(field)) return;
    buffer = clean_text(field);
    field = buffer;
}

void LogParser::record(std::string_view msg, Micros time) {
    Event& e = event_;
    e = Event{};
    switch (parse_message(msg, &e)) {
    case Match::None:
        return;
    case Match::Unusable:
        if (may_continue(msg) && msg.size() < 400) { // perhaps wrapped: decided by the next line
            flush_pending();
            has_pending_ = true;
            pending_.assign(msg);
            pending_time_ = time;
            pending_line_ = stats_.lines;
            return;
        }
        count_unusable(stats_.lines);
        return;
    case Match::Event:
        flush_pending(); // an earlier cut line on the same physical line
        deliver(e, time, stats_.lines);
        return;
    }
}

void LogParser::deliver(Event& e, Micros time, std::uint64_t line) {
    // What an event carries as text is clean UTF-8 (common/text.h); a line only gets copied
    // when it is not, which a real log almost never is.
    clean(e.name, clean_[0]);
    clean(e.module, clean_[1]);
    clean(e.text, clean_[2]);
    e.time = time;
    e.line = line;
    ++stats_.events;
    sink_(e);
}

} // namespace bootlab::log
