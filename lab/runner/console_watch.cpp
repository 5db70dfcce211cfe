#include "runner/console_watch.h"

#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace bootlab::runner {

StallRule stall_rule(std::chrono::seconds stall, bool deterministic, bool quiet_console) {
    StallRule r;
    r.quiet = stall;
    r.before_kernel = quiet_console ? stall : std::min(stall, r.before_kernel);
    if (deterministic) {
        r.quiet *= 2;
        r.before_kernel *= 2;
        r.after_panic *= 2;
    }
    return r;
}

bool is_timestamped_line(std::string_view line) {
    // a console's noise (an escape sequence, a stray byte) may come first: any "[" near the start
    for (std::size_t open = line.find('['); open != std::string_view::npos && open <= 16;
         open = line.find('[', open + 1)) {
        std::size_t i = open + 1;
        while (i < line.size() && line[i] == ' ') ++i;
        const std::size_t digits = i;
        while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
        if (i == digits || i >= line.size() || line[i] != '.') continue;
        const std::size_t frac = ++i;
        while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
        if (i > frac && i < line.size() && line[i] == ']') return true;
    }
    return false;
}

ConsoleWatch::ConsoleWatch(StallRule rule, Clock::time_point start) : rule_(rule), last_output_(start) {}

void ConsoleWatch::line_done(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return;
    if (!kernel_started_ && is_timestamped_line(line)) kernel_started_ = true;
    if (line.find("---[ end Kernel panic") != std::string_view::npos) panic_ended_ = true;
    last_line_.assign(line.substr(0, 200));
}

void ConsoleWatch::feed(std::string_view bytes, Clock::time_point now) {
    if (bytes.empty()) return;
    last_output_ = now;
    for (;;) {
        const auto nl = bytes.find('\n');
        if (nl == std::string_view::npos) break;
        if (partial_.empty()) {
            line_done(bytes.substr(0, nl));
        } else {
            partial_.append(bytes.substr(0, nl));
            line_done(partial_);
            partial_.clear();
        }
        bytes.remove_prefix(nl + 1);
    }
    // a line still being written counts as seen (a guest may hang in the middle of one); only
    // its first bytes are kept, a flood without newlines costs nothing
    if (partial_.size() < 4096) partial_.append(bytes.substr(0, 4096 - partial_.size()));
}

std::string ConsoleWatch::last_line() const {
    std::string_view p = partial_;
    while (!p.empty() && (p.back() == '\r' || p.back() == ' ')) p.remove_suffix(1);
    return clean_text(p.empty() ? std::string_view(last_line_) : p.substr(0, 200));
}

std::optional<std::string> ConsoleWatch::stalled(Clock::time_point now) const {
    if (rule_.off()) return std::nullopt;
    const auto silent = std::chrono::duration_cast<std::chrono::seconds>(now - last_output_);
    std::chrono::seconds limit = rule_.quiet;
    std::string when;
    if (panic_ended_) limit = rule_.after_panic, when = " after the kernel's panic";
    else if (!kernel_started_) limit = rule_.before_kernel, when = " before the kernel's first line";
    if (silent < limit) return std::nullopt;
    const std::string l = last_line();
    return "stalled: no console output for " + std::to_string(silent.count()) + " s" + when +
           "; last line: " + (l.empty() ? "nothing at all" : "\"" + l + "\"");
}

} // namespace bootlab::runner
