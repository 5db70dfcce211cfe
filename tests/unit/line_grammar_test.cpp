// One kernel message in, one event (or none) out: every format the kernel has printed.
#include "log/line_grammar.h"

#include <gtest/gtest.h>

using namespace bootlab::log;

namespace {
Event parse(std::string_view msg, Match want = Match::Event) {
    Event e;
    EXPECT_EQ(parse_message(msg, &e), want) << msg;
    return e;
}
} // namespace

TEST(LineGrammar, SyncInitcall) {
    Event s = parse("calling  pci_init+0x0/0x2c @ 1");
    EXPECT_EQ(s.kind, EventKind::CallStart);
    EXPECT_EQ(s.name, "pci_init");
    EXPECT_EQ(s.module, "");
    EXPECT_EQ(s.cookie, -1);
    EXPECT_EQ(s.pid, 1);
    Event e = parse("initcall pci_init+0x0/0x2c returned 0 after 12 usecs");
    EXPECT_EQ(e.kind, EventKind::CallEnd);
    EXPECT_EQ(e.name, "pci_init");
    EXPECT_TRUE(e.has_ret);
    EXPECT_EQ(e.ret, 0);
    EXPECT_EQ(e.duration, 12);
}

TEST(LineGrammar, NegativeReturnValue) {
    Event e = parse("initcall __gnttab_init+0x0/0x40 returned -19 after 0 usecs");
    EXPECT_EQ(e.ret, -19);
    EXPECT_EQ(e.duration, 0);
}

TEST(LineGrammar, ModuleInitcall) {
    Event s = parse("calling  init_scsi+0x0/0x75 [scsi_mod] @ 91");
    EXPECT_EQ(s.name, "init_scsi");
    EXPECT_EQ(s.module, "scsi_mod");
    EXPECT_EQ(s.pid, 91);
    Event e = parse("initcall init_scsi+0x0/0x75 [scsi_mod] returned 0 after 962 usecs");
    EXPECT_EQ(e.module, "scsi_mod");
    EXPECT_EQ(e.duration, 962);
}

TEST(LineGrammar, ModernAsyncCookie) {
    Event s = parse("calling  2_async_port_probe+0x0/0x70 [libata] @ 30");
    EXPECT_EQ(s.cookie, 2);
    EXPECT_EQ(s.name, "async_port_probe");
    EXPECT_EQ(s.module, "libata");
    EXPECT_EQ(s.pid, 30);
    Event e = parse("initcall 2_async_port_probe+0x0/0x70 [libata] returned after 355162 usecs");
    EXPECT_EQ(e.cookie, 2);
    EXPECT_FALSE(e.has_ret);
    EXPECT_EQ(e.duration, 355162);
}

TEST(LineGrammar, Classic2629AsyncCookie) {
    Event s = parse("calling 12_async_port_probe @ 30"); // one space in the oldest form
    EXPECT_EQ(s.kind, EventKind::CallStart);
    EXPECT_EQ(s.cookie, 12);
    EXPECT_EQ(s.name, "async_port_probe");
    Event e = parse("initcall 12_async_port_probe returned 0 after 355 usecs");
    EXPECT_EQ(e.cookie, 12);
    EXPECT_TRUE(e.has_ret);
    EXPECT_EQ(e.duration, 355);
}

TEST(LineGrammar, OldKernelsPrintMsecs) {
    EXPECT_EQ(parse("initcall net_ns_init+0x0/0x40 returned 0 after 3 msecs").duration, 3000);
}

TEST(LineGrammar, Waits) {
    Event w = parse("async_waiting @ 1");
    EXPECT_EQ(w.kind, EventKind::WaitStart);
    EXPECT_EQ(w.pid, 1);
    Event c = parse("async_continuing @ 1 after 120 usec");
    EXPECT_EQ(c.kind, EventKind::WaitEnd);
    EXPECT_EQ(c.duration, 120);
}

TEST(LineGrammar, ProbeAndQuirk) {
    Event p = parse("probe of 0000:00:02.0 returned 0 after 856 usecs");
    EXPECT_EQ(p.kind, EventKind::Probe);
    EXPECT_EQ(p.name, "0000:00:02.0");
    EXPECT_EQ(p.duration, 856);
    Event q = parse("pci 0000:00:00.0: calling  quirk_mmio_always_on+0x0/0x20 @ 1");
    EXPECT_EQ(q.kind, EventKind::QuirkStart); // not an initcall
    EXPECT_EQ(q.name, "quirk_mmio_always_on");
    EXPECT_EQ(q.text, "0000:00:00.0");
    Event t = parse("pci 0000:00:00.0: quirk_mmio_always_on+0x0/0x20 took 0 usecs");
    EXPECT_EQ(t.kind, EventKind::QuirkEnd);
    parse("pci 0000:00:02.0: [8086:2922] type 00 class 0x010601", Match::None);
}

TEST(LineGrammar, Milestones) {
    EXPECT_EQ(parse("Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12)").name,
              "6.1.0-56-amd64");
    EXPECT_EQ(parse("Command line: console=ttyS0 initcall_debug").text, "console=ttyS0 initcall_debug");
    EXPECT_EQ(parse("Run /init as init process").name, "/init");
    EXPECT_EQ(parse("Freeing unused kernel image (initmem) memory: 2824K").kind, EventKind::FreeInitMem);
    EXPECT_EQ(parse("Kernel panic - not syncing: No working init found.").text, "No working init found.");
    Event d = parse("BOOTLAB: disk sda pci-0000:00:02.0-ata-1 0:0:0:0");
    EXPECT_EQ(d.kind, EventKind::Disk);
    EXPECT_EQ(d.name, "sda");
    EXPECT_EQ(d.module, "pci-0000:00:02.0-ata-1");
    EXPECT_EQ(d.text, "0:0:0:0");
    Event m = parse("BOOTLAB: devices-ready disks=4 want=4");
    EXPECT_EQ(m.kind, EventKind::Marker);
    EXPECT_EQ(m.name, "devices-ready");
    EXPECT_EQ(m.text, "disks=4 want=4");
}

TEST(LineGrammar, TimedMarkersCarryTheirDuration) {
    Event m = parse("BOOTLAB: slowprobe-ready after 525396 usecs: devices=4 strategy=async firmware=none");
    EXPECT_EQ(m.kind, EventKind::Marker);
    EXPECT_EQ(m.name, "slowprobe-ready");
    EXPECT_EQ(m.duration, 525396);
    EXPECT_EQ(m.text, "devices=4 strategy=async firmware=none");
    EXPECT_EQ(parse("BOOTLAB: init-done").duration, -1);
    // "after" that is not a duration stays part of the detail
    Event d = parse("BOOTLAB: note after lunch");
    EXPECT_EQ(d.duration, -1);
    EXPECT_EQ(d.text, "after lunch");
}

TEST(LineGrammar, ShutdownCallbacksAreNotInitcalls) {
    parse("PM: Calling mce_syscore_shutdown+0x0/0x10", Match::None);
}

TEST(LineGrammar, BrokenInitcallLinesAreCountedNotGuessed) {
    parse("calling  pci_init+0x0/0x2c @ ", Match::Unusable);
    parse("initcall pci_init+0x0/0x2c returned 0 aft", Match::Unusable);
    parse("async_continuing @ 1 after", Match::Unusable);
    parse("calling  foo [mod @ 1", Match::Unusable);
}

TEST(LineGrammar, ABootlabMarkerWithAnImpossibleDurationIsUnusable) {
    bootlab::log::Event e;
    EXPECT_EQ(bootlab::log::parse_message("BOOTLAB: init-done after 999999999999999999 usecs: forged", &e),
              bootlab::log::Match::Unusable);
    EXPECT_EQ(bootlab::log::parse_message("BOOTLAB: init-done after -5 usecs", &e), bootlab::log::Match::Unusable);
    EXPECT_EQ(bootlab::log::parse_message("BOOTLAB: init-done after 5 usecs", &e), bootlab::log::Match::Event);
    EXPECT_EQ(e.duration, 5);
}
