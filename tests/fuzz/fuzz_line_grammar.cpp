// libFuzzer target: one kernel message through the line grammar (log/line_grammar.h).
// Invariants: an event's views point into the message; durations and pids are never negative.
#include "log/line_grammar.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace bootlab::log;

static void require(bool ok) {
    if (!ok) std::abort();
}

static bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view msg(reinterpret_cast<const char*>(data), size);
    Event e;
    if (parse_message(msg, &e) != Match::Event) return 0;
    require(inside(e.name, msg) && inside(e.module, msg) && inside(e.text, msg));
    require(e.duration == -1 || (e.duration >= 0 && e.duration <= kMaxMicros));
    require(e.pid >= -1);
    return 0;
}
