// The streaming parser and the tracker on the noise real captures have.
#include "log/log_parser.h"
#include "model/boot_builder.h"
#include "test_util.h"

#include <gtest/gtest.h>

using namespace bootlab;

namespace {

struct Seen {
    log::EventKind kind;
    log::Micros time;
    std::uint64_t line;
    std::string name;
};

std::vector<Seen> events(std::string_view text, std::size_t chunk = 0, log::ParseStats* st = nullptr) {
    std::vector<Seen> out;
    log::LogParser p([&](const log::Event& e) {
        out.push_back({e.kind, e.time, e.line, std::string(e.name)});
    });
    if (chunk == 0) {
        p.feed(text);
    } else {
        for (std::size_t i = 0; i < text.size(); i += chunk) p.feed(text.substr(i, chunk));
    }
    p.finish();
    if (st) *st = p.stats();
    return out;
}

const char* kSmall =
    "[    0.000000] Linux version 6.1.0-56-amd64 (x) #1\r\n"
    "[    1.000000] calling  pci_init+0x0/0x2c @ 1\r\n"
    "[    1.000100] initcall pci_init+0x0/0x2c returned 0 after 12 usecs\r\n"
    "[    2.000000] calling  2_async_port_probe+0x0/0x70 [libata] @ 30\r\n"
    "[    2.500000] initcall 2_async_port_probe+0x0/0x70 [libata] returned after 355162 usecs\r\n";

} // namespace

TEST(LogParser, TimestampsToMicroseconds) {
    std::size_t end = 0;
    EXPECT_EQ(log::parse_timestamp("[    1.234567] x", 0, &end), 1234567);
    EXPECT_EQ(end, 14u);
    EXPECT_EQ(log::parse_timestamp("[12.5]", 0, &end), 12500000);
    EXPECT_EQ(log::parse_timestamp("[1.123456789]", 0, &end), 1123456);
    EXPECT_EQ(log::parse_timestamp("[libata]", 0, &end), log::kNoTime);
    EXPECT_EQ(log::parse_timestamp("[mem 0x1000]", 0, &end), log::kNoTime);
}

TEST(LogParser, ChunkingDoesNotMatter) {
    auto whole = events(kSmall);
    ASSERT_EQ(whole.size(), 5u);
    for (std::size_t chunk : {1u, 2u, 7u, 64u}) {
        auto parts = events(kSmall, chunk);
        ASSERT_EQ(parts.size(), whole.size()) << "chunk " << chunk;
        for (std::size_t i = 0; i < whole.size(); ++i) {
            EXPECT_EQ(parts[i].name, whole[i].name);
            EXPECT_EQ(parts[i].time, whole[i].time);
            EXPECT_EQ(parts[i].line, whole[i].line);
        }
    }
}

TEST(LogParser, AnsiEscapesAndCarriageReturns) {
    auto ev = events("\x1b[2J\x1b" "c\x1b[?7l[    1.000000] calling  \x1b[1mpci_init\x1b[0m+0x0/0x2c @ 1\r\n"
                     "Press Ctrl-B\r     \r[    1.000100] initcall pci_init+0x0/0x2c returned 0 after 12 usecs\r\n");
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].name, "pci_init");
    EXPECT_EQ(ev[0].time, 1000000);
    EXPECT_EQ(ev[1].kind, log::EventKind::CallEnd);
    EXPECT_EQ(ev[1].line, 2u);
}

TEST(LogParser, TwoMessagesFusedOnOneLine) {
    // As on the real console: firmware text, then the first kernel line without a newline.
    auto ev = events("Probing EDD (edd=off to disable)... o[    0.000000] Linux version 6.1.0 (x)\n"
                     "[    1.0] calling  a_init+0x0/0x1 @ 1[    1.1] initcall a_init+0x0/0x1 returned 0 after 3 usecs\n");
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].kind, log::EventKind::KernelVersion);
    EXPECT_EQ(ev[1].kind, log::EventKind::CallStart);
    EXPECT_EQ(ev[2].kind, log::EventKind::CallEnd);
    EXPECT_EQ(ev[2].time, 1100000);
    EXPECT_EQ(ev[2].line, 2u);
}

TEST(LogParser, DmesgRawAndJournalPrefixes) {
    auto raw = events("<6>[    1.000000] calling  a_init+0x0/0x1 @ 1\n<6>[    1.1] initcall a_init+0x0/0x1 returned 0 after 3 usecs\n");
    ASSERT_EQ(raw.size(), 2u);
    EXPECT_EQ(raw[0].time, 1000000);
    auto noTs = events("<7>calling  a_init+0x0/0x1 @ 1\n");
    ASSERT_EQ(noTs.size(), 1u);
    EXPECT_EQ(noTs[0].time, log::kNoTime);
    auto journal = events("Nov 23 09:05:01 host kernel: calling  a_init+0x0/0x1 @ 1\n"
                          "2026-11-23T09:05:01+0000 host kernel: [    1.5] initcall a_init+0x0/0x1 returned 0 after 3 usecs\n");
    ASSERT_EQ(journal.size(), 2u);
    EXPECT_EQ(journal[0].name, "a_init");
    EXPECT_EQ(journal[1].time, 1500000);
}

TEST(LogParser, TruncatedLastLineIsCountedAndSpanStaysOpen) {
    log::ParseStats st;
    std::string log = "[    1.0] calling  a_init+0x0/0x1 @ 1\n[    1.1] initcall a_init+0x0/0x1 returned 0 af";
    events(log, 0, &st);
    EXPECT_TRUE(st.last_line_unterminated);
    EXPECT_EQ(st.unusable, 1u);
    ASSERT_EQ(st.unusable_lines.size(), 1u);
    EXPECT_EQ(st.unusable_lines[0], 2u);
    model::Boot b = model::parse_boot(log);
    ASSERT_EQ(b.spans.size(), 1u);
    EXPECT_FALSE(b.spans[0].finished());
    EXPECT_EQ(b.metrics.unfinished_count, 1);
}

TEST(BootBuilder, PairsSyncByFunctionAndAsyncByCookie) {
    model::Boot b = model::parse_boot(
        "[    2.0] calling  2_async_port_probe+0x0/0x70 [libata] @ 30\n"
        "[    2.1] calling  3_async_port_probe+0x0/0x70 [libata] @ 31\n"
        "[    2.2] calling  ahci_init+0x0/0x70 [ahci] @ 90\n"
        "[    2.3] initcall 3_async_port_probe+0x0/0x70 [libata] returned after 200000 usecs\n"
        "[    2.4] initcall ahci_init+0x0/0x70 [ahci] returned -12 after 150 usecs\n"
        "[    2.5] initcall 2_async_port_probe+0x0/0x70 [libata] returned after 500000 usecs\n"
        "[    2.6] async_waiting @ 1\n[    2.7] async_continuing @ 1 after 120 usec\n");
    ASSERT_EQ(b.spans.size(), 3u);
    EXPECT_EQ(b.spans[0].cookie, 2);
    EXPECT_EQ(b.spans[0].duration, 500000);
    EXPECT_EQ(b.spans[0].pid, 30);
    EXPECT_EQ(b.spans[1].duration, 200000);
    EXPECT_EQ(b.spans[2].ret, -12);
    EXPECT_EQ(b.spans[2].start, 2200000);
    EXPECT_EQ(b.metrics.async_count, 2);
    EXPECT_EQ(b.metrics.sync_count, 1);
    EXPECT_EQ(b.metrics.boot_wait, 120);
    EXPECT_EQ(b.metrics.async_total, 700000);
}

TEST(BootBuilder, WithoutTimestampsSpansAreLaidEndToEnd) {
    model::Boot b = model::parse_boot("calling  a_init+0x0/0x1 @ 1\ninitcall a_init+0x0/0x1 returned 0 after 100 usecs\n"
                                      "calling  b_init+0x0/0x1 @ 1\ninitcall b_init+0x0/0x1 returned 0 after 50 usecs\n");
    ASSERT_EQ(b.spans.size(), 2u);
    EXPECT_EQ(b.spans[0].start, 0);
    EXPECT_EQ(b.spans[1].start, 100);
    EXPECT_FALSE(b.has_timestamps);
}

TEST(BootBuilder, ProbeIsTiedToTheSpanAroundIt) {
    model::Boot b = model::parse_boot(
        "[    1.000000] calling  outer_init+0x0/0x1 @ 1\n"
        "[    1.500000] calling  5_async_thing+0x0/0x1 @ 40\n"
        "[    1.700000] probe of dev0 returned 0 after 100000 usecs\n"
        "[    1.800000] initcall 5_async_thing+0x0/0x1 returned after 300000 usecs\n"
        "[    2.000000] initcall outer_init+0x0/0x1 returned 0 after 1000000 usecs\n"
        "[    2.500000] probe of dev1 returned 0 after 100000 usecs\n");
    ASSERT_EQ(b.calls.size(), 2u);
    EXPECT_EQ(b.calls[0].start, 1600000);
    EXPECT_EQ(b.calls[0].span_seq, 1); // inside the cookie, which started last
    EXPECT_EQ(b.calls[0].pid, 40);
    EXPECT_FALSE(b.calls[1].span_seq.has_value()); // after every span ended
}

TEST(BootBuilder, PanicIsRecorded) {
    model::Boot b = model::parse_boot("[    1.0] calling  a_init+0x0/0x1 @ 1\n"
                                      "[    2.0] Kernel panic - not syncing: No working init found.\n");
    EXPECT_TRUE(b.panicked);
    EXPECT_EQ(b.panic_message, "No working init found.");
    EXPECT_EQ(b.metrics.unfinished_count, 1);
}

// Impossible values are unusable lines, never stored as if they were real (issue 16).
TEST(LogParser, ImpossibleNumbersAreUnusable) {
    model::Boot b = model::parse_boot(
        "[    1.000000] calling  a_init+0x0/0x10 @ 1\n"
        "[    1.000010] initcall a_init+0x0/0x10 returned 0 after 999999999999999999 msecs\n"
        "[    1.000020] calling  b_init+0x0/0x10 @ -3\n"
        "[    1.000030] pci 0000:00:00.0: quirk_x+0x0/0x20 took -5 usecs\n"
        "[    1.000040] probe of 0000:00:02.0 returned 0 after 5000000 usecs\n"
        "[    1.000050] calling  7_async_port_probe+0x0/0x70 [libata] @ 30\n"
        "[    1.000060] calling  7_async_port_probe+0x0/0x70 [libata] @ 31\n"
        "[    1.000070] async_continuing @ 1 after 2000000 usec\n");
    ASSERT_EQ(b.spans.size(), 2u);                       // a_init and the first cookie 7
    EXPECT_FALSE(b.spans[0].duration.has_value());        // the absurd duration was not taken
    EXPECT_TRUE(b.calls.empty());                         // the probe longer than the boot
    EXPECT_TRUE(b.waits.empty());                         // the wait longer than the boot
    EXPECT_EQ(b.unusable_lines, 6u);
    EXPECT_EQ(b.unusable_examples, (std::vector<std::uint64_t>{2, 3, 4, 5, 7, 8}));
}

TEST(LogParser, EndToEndClockNeverPassesTheLimit) {
    // no timestamps: spans are laid end to end; the second would end after 116 days
    model::Boot b = model::parse_boot(
        "calling  a_init+0x0/0x10 @ 1\n"
        "initcall a_init+0x0/0x10 returned 0 after 6000000000000 usecs\n"
        "calling  b_init+0x0/0x10 @ 1\n"
        "initcall b_init+0x0/0x10 returned 0 after 6000000000000 usecs\n");
    ASSERT_EQ(b.spans.size(), 2u);
    EXPECT_TRUE(b.spans[0].duration.has_value());
    EXPECT_FALSE(b.spans[1].duration.has_value());
    EXPECT_EQ(b.unusable_lines, 1u);
}

TEST(LogParser, InvalidUtf8IsCleanedInEvents) {
    model::Boot b = model::parse_boot(
        "[    0.000000] Linux version 6.1\xff-x (b\x01uild) #1\n"
        "[    0.000000] Command line: root=/dev/sda \xc3(\n"
        "[    1.000000] calling  f\xfe_init+0x0/0x10 [m\xc0\xaf] @ 1\n"
        "[    1.000010] initcall f\xfe_init+0x0/0x10 [m\xc0\xaf] returned 0 after 3 usecs\n");
    EXPECT_EQ(b.kernel_version, "6.1\\xff-x");
    EXPECT_EQ(b.cmdline, "root=/dev/sda \\xc3(");
    ASSERT_EQ(b.spans.size(), 1u);
    EXPECT_EQ(b.spans[0].function, "f\\xfe_init");
    EXPECT_EQ(b.spans[0].module, "m\\xc0\\xaf");
    EXPECT_EQ(b.spans[0].duration, 3);
}
