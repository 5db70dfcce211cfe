#pragma once
// Where each span of a boot goes on a timeline: one lane per pid, and inside a lane one row per
// nesting level, so that async cookies run inside an initcall (no fastboot) and the waits of an
// initcall show under it instead of on top of it. Pure geometry in microseconds and rows: the
// widget only scales it, the tests check it without a screen.
#include "model/boot.h"

#include <string>
#include <vector>

namespace bootlab::gui {

using model::Micros;

enum class BarKind : std::uint8_t { Sync, Async, Wait };

struct Bar {
    int row = 0;          // in the whole layout
    Micros start = 0, end = 0;
    BarKind kind = BarKind::Sync;
    bool unfinished = false; // never returned: drawn up to the end of the log
    int index = -1;       // into boot.spans (Sync, Async) or boot.waits (Wait)
};

struct Lane {
    std::int64_t pid = 0;
    int first_row = 0;
    int rows = 1;
    int sync = 0, async = 0; // spans in this lane, for its label
};

struct Mark {
    std::string name; // boot-to-init, init-done
    Micros time = 0;
};

struct TimelineLayout {
    std::vector<Lane> lanes;  // by pid
    std::vector<Bar> bars;    // by row, then start
    std::vector<Mark> marks;
    int rows = 0;
    Micros end = 1;           // the last thing that happened
};

TimelineLayout layout_timeline(const model::Boot& boot);

// The innermost bar in `row` within `slack` of time t (what a tooltip describes); -1 if none.
int bar_at(const TimelineLayout& layout, int row, Micros t, Micros slack);

} // namespace bootlab::gui
