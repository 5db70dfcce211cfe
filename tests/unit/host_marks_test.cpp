// Host-clock marks: which console bytes mark what, and the intervals between the marks. The
// logs are fed one line per chunk, line N arriving at N ms, so the expected mark of a line is its
// line number, found here by plain text search.
#include "model/host_marks.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <sstream>

using namespace bootlab;

namespace {

std::vector<std::string> lines_of(const std::string& log) {
    std::vector<std::string> v;
    std::istringstream in(test::slurp(test::data(log)));
    for (std::string l; std::getline(in, l);) v.push_back(l + "\n");
    return v;
}

model::Micros at(std::size_t line_number) { return static_cast<model::Micros>(line_number) * 1000; }

// the first line (1-based) containing `text`, before any `stop` line; 0 if none
std::size_t first_line(const std::vector<std::string>& lines, const std::string& text, const std::string& stop = "\x01") {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find(stop) != std::string::npos) return 0;
        if (lines[i].find(text) != std::string::npos) return i + 1;
    }
    return 0;
}

model::HostMarks feed(const std::vector<std::string>& lines, model::Micros exit) {
    model::HostMarkTracker t;
    for (std::size_t i = 0; i < lines.size(); ++i) t.feed(lines[i], at(i + 1));
    return t.finish(exit);
}

} // namespace

TEST(HostMarks, ARealBootsMarksAreTheLinesThatShowThem) {
    const auto lines = lines_of("debian-6.1-q35-ahci-lsi-e1000-async.log");
    const std::size_t kernel = first_line(lines, "] Linux version"), init = first_line(lines, "] Run /init"),
                      done = first_line(lines, "BOOTLAB: init-done");
    ASSERT_GT(kernel, 1u); // firmware lines come first
    ASSERT_GT(init, kernel);
    ASSERT_GT(done, init);
    const model::Micros exit = at(lines.size()) + 50'000;
    const model::HostMarks m = feed(lines, exit);
    EXPECT_EQ(m.first_byte, at(1));
    EXPECT_EQ(m.kernel, at(kernel));
    EXPECT_EQ(m.run_init, at(init));
    EXPECT_EQ(m.init_done, at(done));
    EXPECT_EQ(m.exit, exit);

    const auto iv = model::host_intervals(m);
    EXPECT_STREQ(iv[0].name, "firmware");
    EXPECT_EQ(iv[0].us, at(kernel));
    EXPECT_EQ(iv[1].us, at(init) - at(kernel));
    EXPECT_EQ(iv[2].us, at(done) - at(init));
    EXPECT_EQ(iv[3].us, exit - at(done));
    model::Micros sum = 0;
    for (const auto& i : iv) sum += *i.us;
    EXPECT_EQ(sum, exit); // the four cover the whole boot, emulator start to exit
}

TEST(HostMarks, ARingBufferDumpMarksNothing) {
    // the console without its Run /init line: the dump printed after init-done still has it,
    // but that is when the dump was printed, not when init ran
    auto lines = lines_of("debian-6.1-q35-ahci-lsi-e1000-async-dmesg-dump.log");
    const std::size_t console_init = first_line(lines, "] Run /init", "BOOTLAB: dmesg-begin");
    ASSERT_GT(console_init, 0u);
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(console_init - 1));
    ASSERT_GT(first_line(lines, "] Run /init"), first_line(lines, "BOOTLAB: dmesg-begin")); // only in the dump now
    const model::HostMarks m = feed(lines, at(lines.size()));
    EXPECT_FALSE(m.run_init);
    EXPECT_EQ(m.init_done, at(first_line(lines, "BOOTLAB: init-done")));
    const auto iv = model::host_intervals(m);
    EXPECT_TRUE(iv[0].us);
    EXPECT_FALSE(iv[1].us); // kernel: no end
    EXPECT_FALSE(iv[2].us); // userspace: no start
    EXPECT_TRUE(iv[3].us);
}

TEST(HostMarks, ABootThatDiedHasOnlyWhatItShowed) {
    model::HostMarkTracker t;
    t.feed("SeaBIOS (version 1.16.2-debian-1.16.2-1)\n", 300'000);
    t.feed("[    0.000000] Linux version 6.1.0 (x) #1\n[    0.9", 500'000);
    t.feed("00000] Kernel panic - not syncing: VFS\n", 900'000);
    const model::HostMarks m = t.finish(1'000'000);
    EXPECT_EQ(m.first_byte, 300'000);
    EXPECT_EQ(m.kernel, 500'000);
    EXPECT_FALSE(m.run_init);
    EXPECT_FALSE(m.init_done);
    EXPECT_EQ(model::host_intervals(m)[0].us, 500'000);
    EXPECT_FALSE(model::host_intervals(m)[3].us);
    EXPECT_FALSE(model::HostMarks{}.any()); // an imported log
}
