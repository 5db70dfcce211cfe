// One definition per concept (issue 14): the median, a run's status, a span's key, the boots
// that count, the representative boot and the verdict between variants. Each is checked
// against values worked out another way: by hand, by the schema's own text, or by SQL.
#include "ingest/ingest.h"
#include "model/run_status.h"
#include "report/summary.h"
#include "stats/stats.h"
#include "store/store.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <regex>
#include <set>

using namespace bootlab;

TEST(Median, OddEvenEmptyAndNoOverflow) {
    EXPECT_EQ(stats::median(std::vector<std::int64_t>{5, 1, 3}), 3);
    EXPECT_EQ(stats::median(std::vector<std::int64_t>{4, 1, 3, 2}), 2); // (2 + 3) / 2 toward 2
    EXPECT_EQ(stats::median(std::vector<std::int64_t>{}), 0);
    EXPECT_DOUBLE_EQ(stats::median(std::vector<double>{4, 1, 3, 2}), 2.5);
    const std::int64_t big = std::numeric_limits<std::int64_t>::max() - 10;
    EXPECT_EQ(stats::median(std::vector<std::int64_t>{big, big - 4}), big - 2);
}

TEST(RunStatus, TheSameFiveAsTheSchemaCheck) {
    const std::string schema = test::slurp(BOOTLAB_SCHEMA_SQL);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(schema, m, std::regex(R"(status IN \(([^)]*)\))")));
    std::set<std::string> in_schema;
    const std::string list = m[1];
    const std::regex quoted("'(\\w+)'");
    for (std::sregex_iterator it(list.begin(), list.end(), quoted), end; it != end; ++it)
        in_schema.insert((*it)[1]);
    std::set<std::string> in_code;
    for (auto s : {model::RunStatus::Ok, model::RunStatus::Panic, model::RunStatus::Timeout,
                   model::RunStatus::Cancelled, model::RunStatus::Error}) {
        in_code.insert(model::to_string(s));
        EXPECT_EQ(model::parse_run_status(model::to_string(s)), s);
    }
    EXPECT_EQ(in_code, in_schema);
    EXPECT_FALSE(model::parse_run_status("OK"));
    EXPECT_FALSE(model::parse_run_status(""));
}

TEST(SpanKey, FunctionAndModule) {
    model::Span s;
    s.function = "do_scan_async";
    s.module = "scsi_mod";
    s.cookie = 16;
    EXPECT_EQ(s.key(), "do_scan_async [scsi_mod]");
    s.module.clear();
    EXPECT_EQ(s.key(), "do_scan_async");
}

namespace {

struct Imported {
    std::int64_t experiment = 0;
    std::vector<std::int64_t> runs;
};

// Every real log as one variant "a" of one experiment; the first is a warm-up.
Imported import_all(store::Store& s) {
    Imported out;
    bool first = true;
    for (const char* log : test::kRealLogs) {
        ingest::ImportOptions o;
        o.run.experiment_name = "defs";
        if (out.experiment) o.run.experiment_id = out.experiment;
        o.run.variant = "a";
        o.run.warmup = first;
        first = false;
        auto r = ingest::import_file(s, test::data(log), o);
        out.experiment = r.experiment_id;
        out.runs.push_back(r.run_id);
    }
    return out;
}

std::vector<std::int64_t> column(store::Store& s, const std::string& sql) {
    std::vector<std::int64_t> v;
    store::Stmt q(s.db(), sql);
    while (q.step()) v.push_back(q.int64(0));
    return v;
}

} // namespace

TEST(Summary, WarmupsAreStoredButNotCounted) {
    test::TempDir dir;
    store::Store s(dir / "t.db");
    const Imported imp = import_all(s);
    const auto sum = report::summarize(s, imp.experiment);
    ASSERT_EQ(sum.variants.size(), 1u);
    EXPECT_EQ(sum.warmups, std::vector<std::int64_t>{imp.runs.front()});
    const auto counted = column(s, "SELECT boot_to_init_us FROM run WHERE warmup = 0 AND status = 'ok' "
                                   "AND boot_to_init_us IS NOT NULL ORDER BY boot_to_init_us");
    ASSERT_EQ(counted.size(), std::size(test::kRealLogs) - 1);
    EXPECT_EQ(sum.variants[0].boot_to_init.size(), counted.size());
    EXPECT_EQ(sum.variants[0].runs, static_cast<int>(counted.size()));
    EXPECT_EQ(sum.variants[0].min, counted.front());
    EXPECT_EQ(sum.variants[0].max, counted.back());
}

TEST(Summary, TheRepresentativeBootIsTheOneClosestToTheMedian) {
    test::TempDir dir;
    store::Store s(dir / "t.db");
    const Imported imp = import_all(s);
    // worked out in SQL: the median of the counted boots (7 of them: the middle one) and the
    // boot nearest to it
    const auto ids = column(s, "SELECT id FROM run WHERE warmup = 0 AND status = 'ok' ORDER BY boot_to_init_us, id");
    ASSERT_EQ(ids.size() % 2, 1u);
    const std::int64_t middle = ids[ids.size() / 2];
    EXPECT_EQ(report::summarize(s, imp.experiment).variants[0].representative_run, middle);
    std::vector<store::RunInfo> runs = s.runs_of(imp.experiment);
    std::vector<const store::RunInfo*> ptrs;
    for (const auto& r : runs) ptrs.push_back(&r);
    ASSERT_TRUE(report::representative_run(ptrs));
    EXPECT_EQ(report::representative_run(ptrs)->id, middle);
    // a warm-up is never the representative, even when it is the only boot
    std::vector<const store::RunInfo*> only_warmup;
    for (const auto& r : runs)
        if (r.warmup) only_warmup.push_back(&r);
    ASSERT_EQ(only_warmup.size(), 1u);
    EXPECT_EQ(report::representative_run(only_warmup), nullptr);
}

TEST(Verdict, FasterWhenEveryBootIs) {
    // 4 vs 4, fully separated: U is extreme, one-sided p = 1/70, two-sided 2/70
    report::VariantVerdict v{"scan-sync", "async", "init-done",
                             stats::compare({7.0e6, 7.1e6, 7.2e6, 7.3e6}, {9.0e6, 9.2e6, 9.4e6, 9.6e6})};
    EXPECT_DOUBLE_EQ(v.c.p_two_sided(), 2.0 / 70);
    EXPECT_TRUE(v.c.differs(report::kVerdictAlpha));
    const std::string line = report::verdict_line(v);
    EXPECT_NE(line.find("scan-sync vs async: init-done +2.15 s (+30.1%)"), std::string::npos) << line;
    EXPECT_NE(line.find("async is faster"), std::string::npos) << line;
}

TEST(Verdict, ThreeAgainstThreeCannotDecide) {
    // 3 vs 3: the smallest two-sided p is 2/20 = 0.1, above 0.05 whatever the data
    report::VariantVerdict v{"b", "a", "boot-to-init", stats::compare({1, 2, 3}, {10, 11, 12})};
    EXPECT_FALSE(v.c.decidable(report::kVerdictAlpha));
    EXPECT_NE(report::verdict_line(v).find("3 vs 3 boots cannot show a difference"), std::string::npos);
}

TEST(Verdict, OverlappingSamplesShowNoDifference) {
    report::VariantVerdict v{"b", "a", "boot-to-init", stats::compare({1, 3, 5, 7, 9}, {2, 4, 6, 8, 10})};
    EXPECT_TRUE(v.c.decidable(report::kVerdictAlpha));
    EXPECT_FALSE(v.c.differs(report::kVerdictAlpha));
    EXPECT_NE(report::verdict_line(v).find("no difference shown by 5 vs 5 boots"), std::string::npos);
}
