// Exports must open in other tools: checked by parsing them back, not by string compares.
#include "ingest/ingest.h"
#include "common/escape.h"
#include "report/export.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <filesystem>
#include <limits>
#include <map>
#include "model/boot_builder.h"

using namespace bootlab;

namespace {

// RFC 4180 rows, quotes and embedded newlines included.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') { field += '"'; ++i; }
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
        } else if (c == '\n') {
            rows.back().push_back(field);
            field.clear();
            rows.emplace_back();
        } else {
            field += c;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

class Exports : public ::testing::Test {
protected:
    test::TempDir dir;
    store::Store store{dir / "t.db"};
    ingest::ImportResult r = ingest::import_file(store, test::data(test::kRealLogs[0]), {});
    store::RunInfo info = store.require_run(r.run_id);
    model::Boot boot = store.load_boot(r.run_id);

    std::string write(report::ExportFormat f) {
        std::ostringstream o;
        report::write_export(o, f, info, boot);
        return o.str();
    }
};

} // namespace

TEST_F(Exports, PerfettoJsonHasOneEventPerSpan) {
    auto doc = nlohmann::json::parse(write(report::ExportFormat::Perfetto));
    std::size_t spans = 0;
    std::set<std::int64_t> tids;
    for (const auto& e : doc["traceEvents"]) {
        std::string cat = e.value("cat", "");
        if (cat != "sync" && cat != "async") continue;
        ++spans;
        EXPECT_EQ(e["ph"], "X");
        EXPECT_TRUE(e["ts"].is_number_integer());
        EXPECT_TRUE(e["dur"].is_number_integer());
        tids.insert(e["tid"].get<std::int64_t>());
        if (cat == "async") {
            EXPECT_TRUE(e["args"].contains("cookie"));
        }
    }
    EXPECT_EQ(spans, boot.spans.size());
    EXPECT_EQ(spans, 707u); // 689 sync + 18 async, as the log says
    EXPECT_TRUE(tids.count(1));
    EXPECT_TRUE(tids.count(141)); // do_scan_async's worker
}

TEST_F(Exports, CsvHasARowPerSpan) {
    auto rows = parse_csv(write(report::ExportFormat::Csv));
    ASSERT_EQ(rows.size(), boot.spans.size() + 1);
    EXPECT_EQ(rows[0][0], "seq");
    for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
    std::size_t async = 0;
    for (const auto& row : rows) async += row[1] == "async";
    EXPECT_EQ(async, 18u);
}

TEST_F(Exports, SvgDrawsEverySpan) {
    std::string svg = write(report::ExportFormat::Svg);
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
    std::size_t rects = 0;
    for (auto p = svg.find("<g><rect"); p != std::string::npos; p = svg.find("<g><rect", p + 1)) ++rects;
    EXPECT_EQ(rects, boot.spans.size());
}

TEST(Escape, LogTextCannotBreakOutOfReports) {
    EXPECT_EQ(xml_escape("<script>&\"'\x01"), "&lt;script&gt;&amp;&quot;&#39;\\x01");
    EXPECT_EQ(xml_escape("ahci\xff\xfe<"), "ahci\\xff\\xfe&lt;"); // invalid UTF-8 stays visible
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    EXPECT_EQ(csv_field("-19"), "-19");
    EXPECT_EQ(csv_field("\t=1+1"), "'\t=1+1");
    EXPECT_EQ(csv_field("\r=1+1"), "\"'\r=1+1\"");
}

// The trace format's rule, on every log in tests/data: on each thread, complete slices nest
// (each inside the one below it, or after it), and a slice that never ended ("B" without "E")
// lasts to the end, so nothing may start before it and end after it began. Checked here with a
// stack per thread over the events as written, not with the exporter's own lane assignment.
TEST(PerfettoExport, SlicesNestOnEveryThreadForEveryLog) {
    std::vector<std::filesystem::path> logs;
    for (const char* dir : {"", "shapes"})
        for (const auto& e : std::filesystem::directory_iterator(test::data(dir)))
            if (e.path().extension() == ".log") logs.push_back(e.path());
    ASSERT_GE(logs.size(), 14u);
    constexpr std::int64_t kOpen = std::numeric_limits<std::int64_t>::max();
    for (const auto& f : logs) {
        const model::Boot boot = model::parse_boot(test::slurp(f));
        std::ostringstream o;
        report::write_export(o, report::ExportFormat::Perfetto, store::RunInfo{}, boot);
        const auto doc = nlohmann::json::parse(o.str());
        std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>> by_tid; // start, end
        std::size_t slices = 0, open_waits = 0;
        for (const auto& e : doc["traceEvents"]) {
            const std::string ph = e["ph"];
            if (ph != "X" && ph != "B") continue;
            ++slices;
            const std::int64_t ts = e["ts"];
            by_tid[e["tid"]].push_back({ts, ph == "X" ? ts + e["dur"].get<std::int64_t>() : kOpen});
            open_waits += ph == "B" && e["cat"] == "wait";
        }
        EXPECT_EQ(slices, boot.spans.size() + boot.waits.size() + boot.calls.size()) << f;
        std::size_t unfinished_waits = 0;
        for (const auto& w : boot.waits) unfinished_waits += !w.duration;
        EXPECT_EQ(open_waits, unfinished_waits) << f << ": an unfinished wait is not a finished zero-length slice";
        for (auto& [tid, v] : by_tid) {
            std::sort(v.begin(), v.end(), [](auto a, auto b) { return a.first != b.first ? a.first < b.first : a.second > b.second; });
            std::vector<std::int64_t> stack;
            for (const auto& [start, end] : v) {
                while (!stack.empty() && stack.back() <= start) stack.pop_back();
                if (!stack.empty()) {
                    ASSERT_LE(end, stack.back()) << f.filename() << ": tid " << tid << ": a slice " << start << ".." << end
                                                 << " overlaps the one it starts in without nesting";
                }
                stack.push_back(end);
            }
        }
    }
}
