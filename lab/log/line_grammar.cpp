// Grammar of the kernel lines bootlab reads. Formats, by kernel version:
//   sync initcall   calling  pci_init+0x0/0x2c @ 1
//                   initcall pci_init+0x0/0x2c returned 0 after 12 usecs      (msecs before 2.6.28)
//   module          calling  init_scsi+0x0/0x75 [scsi_mod] @ 91
//   async (modern)  calling  2_async_port_probe+0x0/0x70 [libata] @ 30
//                   initcall 2_async_port_probe+0x0/0x70 [libata] returned after 355162 usecs
//   async (2.6.29)  calling 12_fn @ 30  ...  initcall 12_fn returned 0 after 355 usecs
//   waits           async_waiting @ 1  /  async_continuing @ 1 after 120 usec
//   probes (6.x)    probe of 0000:00:02.0 returned 0 after 856 usecs
//   PCI quirks      pci 0000:00:00.0: calling  quirk_x+0x0/0x20 @ 1 / ...: quirk_x+0x0/0x20 took 0 usecs
//   before 2.6.28   Calling initcall 0xc0404e30: foo_init+0x0/0x20()        (no pid: pid 1 ran them)
//                   initcall 0xc0404e30: foo_init+0x0/0x20() returned 0.
//                   initcall 0xc0404e30 ran for 12 msecs: foo_init+0x0/0x20()
//                   (the "msecs" are ktime >> 20: units of 1.048576 ms)
// Function names never start with a digit, so "<digits>_" at the start of a name is a cookie.
#include "log/line_grammar.h"

#include <cctype>
#include <cstring>

namespace bootlab::log {
namespace {

// A forward-only reader over one message. Every take_* returns false without consuming
// anything useful on mismatch; the caller then gives up on the whole line.
struct Cursor {
    std::string_view s;

    bool done() const { return s.empty(); }
    bool take(std::string_view lit) {
        if (s.substr(0, lit.size()) != lit) return false;
        s.remove_prefix(lit.size());
        return true;
    }
    int skip_spaces() {
        int n = 0;
        while (!s.empty() && s.front() == ' ') { s.remove_prefix(1); ++n; }
        return n;
    }
    // a run of non-space characters
    std::string_view word() {
        std::size_t n = 0;
        while (n < s.size() && s[n] != ' ') ++n;
        auto w = s.substr(0, n);
        s.remove_prefix(n);
        return w;
    }
    bool take_int(std::int64_t* v) {
        std::size_t i = 0;
        bool neg = false;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) { neg = s[i] == '-'; ++i; }
        std::size_t first = i;
        std::int64_t x = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - first < 18) {
            x = x * 10 + (s[i] - '0');
            ++i;
        }
        if (i == first || (i < s.size() && s[i] >= '0' && s[i] <= '9')) return false;
        *v = neg ? -x : x;
        s.remove_prefix(i);
        return true;
    }
};

// "2_async_port_probe+0x0/0x70" -> cookie 2, name "async_port_probe"
void split_symbol(std::string_view sym, Event* e) {
    e->cookie = -1;
    std::size_t i = 0;
    while (i < sym.size() && sym[i] >= '0' && sym[i] <= '9') ++i;
    if (i > 0 && i < sym.size() && sym[i] == '_' && i <= 18) {
        std::int64_t c = 0;
        for (std::size_t k = 0; k < i; ++k) c = c * 10 + (sym[k] - '0');
        e->cookie = c;
        sym.remove_prefix(i + 1);
    }
    if (auto plus = sym.find("+0x"); plus != std::string_view::npos) sym = sym.substr(0, plus);
    e->name = sym;
}

// optional " [module]" after a symbol
bool take_module(Cursor& c, Event* e) {
    e->module = {};
    Cursor save = c;
    if (c.skip_spaces() == 0 || !c.take("[")) { c = save; return true; }
    auto close = c.s.find(']');
    if (close == std::string_view::npos || close == 0) return false;
    e->module = c.s.substr(0, close);
    c.s.remove_prefix(close + 1);
    return true;
}

// A duration: a number of `unit` microseconds, never negative, never beyond kMaxMicros.
// Consumes nothing unless it succeeds.
bool take_duration(Cursor& c, std::int64_t unit, Micros* out) {
    Cursor d = c;
    std::int64_t n = 0;
    if (!d.take_int(&n) || n < 0 || n > kMaxMicros / unit) return false;
    *out = n * unit;
    c = d;
    return true;
}

// A pid: a task number is never negative.
bool take_pid(Cursor& c, std::int64_t* pid) { return c.take_int(pid) && *pid >= 0; }

// "after N usecs" / "after N usec" / "after N msecs"
bool take_after(Cursor& c, Event* e) {
    if (!c.take("after ")) return false;
    Cursor number = c;
    std::int64_t n = 0;
    if (!c.take_int(&n)) return false;
    if (c.take(" usec")) return take_duration(number, 1, &e->duration);
    if (c.take(" msec")) return take_duration(number, 1000, &e->duration);
    return false;
}

Match fail() { return Match::Unusable; }

// "0xc0404e30" (an initcall's address, as kernels before 2.6.28 printed it)
bool take_address(Cursor& c) {
    if (!c.take("0x")) return false;
    std::size_t n = 0;
    while (n < c.s.size() && std::isxdigit(static_cast<unsigned char>(c.s[n]))) ++n;
    if (n == 0) return false;
    c.s.remove_prefix(n);
    return true;
}

// "foo_init+0x0/0x20()" at the end of an old-format line
bool take_old_symbol(Cursor& c, Event* e) {
    auto sym = c.word();
    if (sym.size() < 3 || sym.substr(sym.size() - 2) != "()") return false;
    split_symbol(sym.substr(0, sym.size() - 2), e);
    e->cookie = -1;
    return !e->name.empty();
}

// Calling initcall 0xc0404e30: foo_init+0x0/0x20()
Match old_call_start(Cursor c, Event* e) {
    if (!take_address(c) || !c.take(": ") || !take_old_symbol(c, e)) return fail();
    e->pid = 1; // do_initcalls() ran in the boot thread, which these kernels did not print
    e->kind = EventKind::CallStart;
    return Match::Event;
}

// initcall 0xc0404e30 ran for 12 msecs: foo_init+0x0/0x20()   (the end that carries the time;
// "initcall 0x...: fn() returned 0." before it carries the return value only)
Match old_call_end(Cursor c, Event* e) {
    if (!take_address(c)) return fail();
    if (c.take(": ")) return take_old_symbol(c, e) && c.take(" returned ") ? Match::None : fail();
    std::int64_t units = 0;
    if (!c.take(" ran for ") || !c.take_int(&units) || units < 0 || !c.take(" msecs: ") || !take_old_symbol(c, e))
        return fail();
    if (units > kMaxMicros / 1049) return fail();
    e->duration = units * 1048576 / 1000; // ktime_t nanoseconds >> 20
    e->pid = 1;
    e->kind = EventKind::CallEnd;
    return Match::Event;
}

// calling  fn [mod] @ pid
Match call_start(Cursor c, Event* e, EventKind kind) {
    if (c.skip_spaces() == 0) return fail();
    auto sym = c.word();
    if (sym.empty()) return fail();
    split_symbol(sym, e);
    if (!take_module(c, e) || !c.take(" @ ") || !take_pid(c, &e->pid)) return fail();
    e->kind = kind;
    return Match::Event;
}

// initcall fn [mod] returned [R] after N usecs
Match call_end(Cursor c, Event* e) {
    auto sym = c.word();
    if (sym.empty()) return fail();
    split_symbol(sym, e);
    if (!take_module(c, e) || !c.take(" returned ")) return fail();
    e->has_ret = c.take_int(&e->ret);
    if (e->has_ret && !c.take(" ")) return fail();
    if (!take_after(c, e)) return fail();
    e->kind = EventKind::CallEnd;
    return Match::Event;
}

// pci 0000:00:00.0: calling  quirk_x+0x0/0x20 @ 1  |  pci 0000:00:00.0: quirk_x+0x0/0x20 took 0 usecs
Match pci_quirk(Cursor c, Event* e) {
    auto colon = c.s.find(": ");
    if (colon == std::string_view::npos) return Match::None;
    e->text = c.s.substr(0, colon);
    c.s.remove_prefix(colon + 2);
    if (c.take("calling")) {
        Match m = call_start(c, e, EventKind::QuirkStart);
        e->cookie = -1;
        return m;
    }
    auto took = c.s.find(" took ");
    if (took == std::string_view::npos || c.s.find(' ') != took) return Match::None;
    split_symbol(c.s.substr(0, took), e);
    c.s.remove_prefix(took + 6);
    if (!take_duration(c, 1, &e->duration) || !c.take(" usecs")) return fail();
    e->kind = EventKind::QuirkEnd;
    return Match::Event;
}

// BOOTLAB: NAME [after N usecs:] [DETAIL] — the lab's own lines, from the guest's /init and
// from the lab's test driver (which times its devices)
Match bootlab_line(Cursor c, Event* e) {
    auto name = c.word();
    if (name.empty()) return fail();
    c.skip_spaces();
    e->name = name;
    if (Cursor d = c; d.take("after ")) {
        Micros n = 0;
        if (take_duration(d, 1, &n) && d.take(" usecs")) {
            e->duration = n;
            d.take(":");
            d.skip_spaces();
            c = d;
        } else if (!d.s.empty() && (d.s[0] == '-' || (d.s[0] >= '0' && d.s[0] <= '9'))) {
            return fail(); // a duration, but negative or beyond any boot
        }
    }
    e->text = c.s;
    if (name == "disk" || name == "net") {
        Cursor d{c.s};
        e->name = d.word();
        d.skip_spaces();
        e->module = d.word();
        d.skip_spaces();
        e->text = d.s;
        if (e->name.empty() || e->module.empty()) return fail();
        e->kind = name == "disk" ? EventKind::Disk : EventKind::Net;
    } else if (name == "dmesg-begin") {
        e->kind = EventKind::DumpBegin;
    } else if (name == "dmesg-end") {
        e->kind = EventKind::DumpEnd;
    } else {
        e->kind = EventKind::Marker;
    }
    return Match::Event;
}

Match text_event(EventKind k, std::string_view text, Event* e) {
    e->kind = k;
    e->text = text;
    return Match::Event;
}

} // namespace

bool parse_cut_end(std::string_view msg, Event* e) {
    Cursor c{msg};
    while (!c.s.empty() && c.s.back() == ' ') c.s.remove_suffix(1);
    if (!c.take("initcall ")) return false;
    auto sym = c.word();
    if (sym.empty()) return false;
    split_symbol(sym, e);
    if (!take_module(c, e) || !c.take(" returned")) return false;
    if (c.take(" ")) {
        std::int64_t r = 0;
        if (c.take_int(&r)) {
            e->ret = r;
            e->has_ret = true;
            c.take(" ");
        }
        c.take("after");
    }
    if (!c.done()) return false;
    e->duration = -1;
    e->kind = EventKind::CallEnd;
    return true;
}

Match parse_message(std::string_view msg, Event* e) {
    if (msg.empty()) return Match::None;
    Cursor c{msg};
    // Dispatch on the first byte: almost every line is rejected here, which keeps the parser
    // within a small factor of grep.
    switch (msg.front()) {
    case 'c':
        if (c.take("calling")) return call_start(c, e, EventKind::CallStart);
        return Match::None;
    case 'i':
        if (c.take("initcall 0x")) {
            c.s = msg.substr(9); // back to the address
            return old_call_end(c, e);
        }
        if (c.take("initcall ")) return call_end(c, e);
        return Match::None;
    case 'a':
        if (c.take("async_waiting @ ")) {
            if (!take_pid(c, &e->pid)) return fail();
            e->kind = EventKind::WaitStart;
            return Match::Event;
        }
        if (c.take("async_continuing @ ")) {
            if (!take_pid(c, &e->pid) || !c.take(" ") || !take_after(c, e)) return fail();
            e->kind = EventKind::WaitEnd;
            return Match::Event;
        }
        return Match::None;
    case 'p':
        if (c.take("probe of ")) {
            // device names have no spaces; " returned " follows
            auto dev = c.word();
            if (dev.empty() || !c.take(" returned ") || !c.take_int(&e->ret) || !c.take(" ") ||
                !take_after(c, e))
                return fail();
            e->name = dev;
            e->has_ret = true;
            e->kind = EventKind::Probe;
            return Match::Event;
        }
        if (c.take("pci ")) return pci_quirk(c, e);
        return Match::None;
    case 'L':
        if (c.take("Linux version ")) {
            Cursor v = c;
            e->name = v.word();
            return text_event(EventKind::KernelVersion, msg, e);
        }
        return Match::None;
    case 'C':
        if (c.take("Command line: ")) return text_event(EventKind::CommandLine, c.s, e);
        if (c.take("Calling initcall ")) return old_call_start(c, e);
        return Match::None;
    case 'K':
        if (c.take("Kernel command line: ")) return text_event(EventKind::CommandLine, c.s, e);
        if (c.take("Kernel panic - not syncing: ")) return text_event(EventKind::Panic, c.s, e);
        return Match::None;
    case 'R':
        if (c.take("Run ")) {
            auto path = c.word();
            if (!c.take(" as init process")) return Match::None;
            e->name = path;
            return text_event(EventKind::RunInit, msg, e);
        }
        return Match::None;
    case 'F':
        if (c.take("Freeing unused kernel image") || c.take("Freeing unused kernel memory"))
            return text_event(EventKind::FreeInitMem, msg, e);
        return Match::None;
    case 'B':
        if (c.take("BOOTLAB: ")) return bootlab_line(c, e);
        return Match::None;
    default:
        return Match::None;
    }
}

} // namespace bootlab::log
