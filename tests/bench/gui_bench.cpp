// The GUI's two speed targets, each beside a baseline measured in the same run (the machines are
// shared and noisy: the ratios are the result, the milliseconds only tell how far from target).
//
//  timeline  repaint of a 5,000-span boot, fitted (every bar in view), zoomed, and zoomed with a
//            search highlighting spans, against the bare minimum: the same number of filled
//            rectangles at the same places.
//            Target: 16 ms (a 60 Hz frame).
//  history   a 10,000-run database opened: runs read, table model filled, sorted, and the charts
//            built, against a bare SELECT of the same rows with SQLite. Target: 200 ms.
//
// The 5,000 spans are the real async boot log's 707, repeated in time (one long boot of the same
// 37 pids). The 10,000 runs are real-format logs of a few initcalls each (the history reads no
// spans), 200 experiments of 2 variants x 25 boots, dated over 100 days; the database is built
// once and kept (bench-history.db beside the binary).
//
//   gui_bench [--runs 10000] [--spans 5000] [--rounds 15]
#include "demo_db.h"
#include "history_db.h"
#include "stats/stats.h"
#include "compare_view.h"
#include "history_view.h"
#include "run_table_model.h"
#include "timeline_view.h"
#include "timeline_widget.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QTableView>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>

using namespace bootlab;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

using stats::median;

model::Boot big_boot(store::Store& store, std::int64_t run, std::size_t spans) {
    const model::Boot one = store.load_boot(run);
    model::Boot boot = one;
    boot.spans.clear();
    boot.waits.clear();
    model::Micros shift = 0, end = 0;
    for (const auto& s : one.spans) end = std::max(end, s.end());
    while (boot.spans.size() < spans) {
        for (auto s : one.spans) {
            if (boot.spans.size() == spans) break;
            s.start += shift;
            boot.spans.push_back(s);
        }
        for (auto w : one.waits) {
            w.start += shift;
            boot.waits.push_back(w);
        }
        shift += end;
    }
    return boot;
}

} // namespace

int main(int argc, char** argv) {
    int runs = 10000, rounds = 15;
    std::size_t spans = 5000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--spans")) spans = std::strtoul(argv[i + 1], nullptr, 10);
        if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    }
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    // ---- timeline
    test::TempDir dir;
    store::Store demo(dir.path / "demo.db");
    const auto ids = test::make_demo_db(demo);
    model::Boot boot = big_boot(demo, ids.front(), spans);
    gui::TimelineWidget t;
    t.resize(1600, 1000);
    std::vector<gui::TimelineWidget::Section> sec;
    sec.push_back(gui::timelineSection(*demo.run(ids.front()), std::move(boot)));
    const auto& layout = sec.front().layout;
    std::printf("timeline: %zu spans, %zu waits, %zu lanes, %d rows, widget %dx%d\n", sec.front().boot.spans.size(),
                sec.front().boot.waits.size(), layout.lanes.size(), layout.rows, t.width(), t.height());
    t.setSections(std::move(sec));
    QImage img(t.size(), QImage::Format_ARGB32_Premultiplied);

    auto paint_widget = [&] {
        const auto t0 = Clock::now();
        t.render(&img);
        return ms_since(t0);
    };
    // the baseline: as many rectangles as there are bars, where the widget draws them, no logic
    std::vector<QRectF> rects;
    auto collect = [&] {
        rects.clear();
        for (int b = 0; b < int(t.sections().front().layout.bars.size()); ++b) {
            QRectF r = t.barRect(0, b);
            if (r.bottom() > 0 && r.top() < t.height()) rects.push_back(r);
        }
    };
    auto paint_rects = [&] {
        const auto t0 = Clock::now();
        QPainter p(&img);
        p.fillRect(img.rect(), Qt::white);
        for (const auto& r : rects) p.fillRect(r, QColor(0x48, 0x78, 0xb0));
        p.end();
        return ms_since(t0);
    };
    for (const char* view : {"fitted", "zoomed", "search"}) {
        if (!std::strcmp(view, "fitted")) t.fit();
        else if (!std::strcmp(view, "zoomed")) t.setView(double(layout.end) * 0.40, double(layout.end) * 0.42);
        else t.setHighlight("init"); // zoomed, about half the spans outlined, the rest faded
        collect();
        std::vector<double> w, r;
        for (int i = 0; i < rounds * 4; ++i) { // interleaved: drift hits both alike
            w.push_back(paint_widget());
            r.push_back(paint_rects());
        }
        std::printf("  repaint %-7s  timeline %6.2f ms   %zu bare rects %6.2f ms   ratio %5.2f   (target 16 ms: %s)\n",
                    view, median(w), rects.size(), median(r), median(w) / median(r), median(w) <= 16 ? "met" : "MISSED");
    }

    // ---- history
    const auto db = std::filesystem::path(QCoreApplication::applicationDirPath().toStdString()) /
                    ("bench-history-" + std::to_string(runs) + ".db");
    if (!std::filesystem::exists(db)) {
        std::fprintf(stderr, "building %s (once)\n", db.c_str());
        test::build_history_db(db.string() + ".tmp", runs);
        std::filesystem::rename(db.string() + ".tmp", db);
        std::filesystem::remove(db.string() + ".tmp-wal");
        std::filesystem::remove(db.string() + ".tmp-shm");
    }
    std::vector<double> load, bare, read_only, table_ms, charts_ms;
    gui::RunTableModel model;
    gui::HistoryView view(&model);
    view.resize(1600, 1000);
    int shown = 0;
    for (int i = 0; i < rounds; ++i) {
        {
            const auto t0 = Clock::now();
            store::Store s(db);
            store::Stmt q(s.db(), "SELECT * FROM run JOIN experiment ON experiment.id = run.experiment_id");
            int n = 0;
            while (q.step())
                for (int c = 0; c < 12; ++c) n += static_cast<int>(q.text(c).size()) > 0;
            bare.push_back(ms_since(t0));
        }
        {
            const auto t0 = Clock::now();
            store::Store s(db);
            auto r = s.runs();
            read_only.push_back(ms_since(t0));
            const auto t1 = Clock::now();
            model.setRuns(std::move(r));
            view.table()->sortByColumn(gui::RunTableModel::Date, Qt::DescendingOrder);
            table_ms.push_back(ms_since(t1));
            const auto t2 = Clock::now();
            view.rebuildCharts();
            charts_ms.push_back(ms_since(t2));
            load.push_back(ms_since(t0));
            shown = model.rowCount();
        }
    }
    // the Compare tab lists the newest runs and every variant: refreshed when runs arrive
    std::vector<double> compare_ms;
    {
        store::Store s(db);
        gui::CompareView compare(&model); // the runs the history loaded
        compare.setStore(&s);
        for (int i = 0; i < rounds; ++i) {
            const auto t0 = Clock::now();
            compare.refresh();
            compare_ms.push_back(ms_since(t0));
        }
    }
    // a function's history (the History tab's "Chart" box): its function_total rows read and
    // charted, beside the bare SQL over the span rows it stands for
    std::vector<double> function_ms, function_sql_ms;
    std::size_t function_points = 0;
    {
        store::Store s(db);
        view.setStore(&s);
        for (int i = 0; i < rounds; ++i) {
            const auto t0 = Clock::now();
            view.showFunction("bench_init_3");
            function_ms.push_back(ms_since(t0));
            const auto t1 = Clock::now();
            store::Stmt q(s.db(), "SELECT run_id, sum(duration_us) FROM span WHERE symbol_id = "
                                  "(SELECT id FROM symbol WHERE function = 'bench_init_3') GROUP BY run_id");
            function_points = 0;
            while (q.step()) function_points += q.int64(1) > 0;
            function_sql_ms.push_back(ms_since(t1));
            view.showFunction({});
        }
        view.setStore(nullptr);
    }
    std::printf("history: %d runs\n", shown);
    std::printf("  load (open, read, table, sort, charts) %7.1f ms   of which: open + Store::runs %.1f ms, table + "
                "sort %.1f ms, charts %.1f ms\n", median(load), median(read_only), median(table_ms), median(charts_ms));
    std::printf("  bare SELECT of the same rows            %7.1f ms   ratio %5.2f   (target 200 ms: %s)\n", median(bare),
                median(load) / median(bare), median(load) <= 200 ? "met" : "MISSED");
    std::printf("  Compare tab refresh (run, variant lists) %5.1f ms\n", median(compare_ms));
    std::printf("  function history (bench_init_3, %zu boots: read + charts) %6.1f ms   boot-to-init charts %6.1f ms   "
                "ratio %5.2f\n", function_points, median(function_ms), median(charts_ms), median(function_ms) / median(charts_ms));
    std::printf("  bare SQL over its span rows               %6.1f ms   ratio %5.2f   (target 200 ms: %s)\n",
                median(function_sql_ms), median(function_ms) / median(function_sql_ms), median(function_ms) <= 200 ? "met" : "MISSED");
    return 0;
}
