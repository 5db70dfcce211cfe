#include "check/run_set.h"

#include "common/error.h"
#include "common/json_dump.h"
#include "log/event.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <limits>
#include <set>
#include <sstream>

namespace bootlab::check {

using nlohmann::json;

RunSample sample_of(store::Store& store, const store::RunInfo& r) {
    RunSample s;
    s.id = r.id;
    s.experiment = r.experiment;
    s.variant = r.variant;
    s.kernel = r.kernel_version;
    s.series = r.kernel_series;
    s.host = r.host;
    s.replayed = r.replayed();
    s.boot_to_init = r.metrics.boot_to_init;
    s.init_done = r.metrics.init_done;
    for (const auto& i : model::host_intervals(r.host_marks))
        if (i.us) s.host_intervals[i.name] = *i.us;
    for (const auto& sp : store.load_boot(r.id).spans)
        if (sp.duration) s.spans[sp.key()] += *sp.duration;
    return s;
}

namespace {

RunSet from_infos(store::Store& store, const std::vector<store::RunInfo>& infos, const std::string& what,
                  const std::vector<std::int64_t>& exclude) {
    RunSet set;
    set.description = what;
    for (const auto& r : infos)
        if (r.counts() && std::find(exclude.begin(), exclude.end(), r.id) == exclude.end())
            set.runs.push_back(sample_of(store, r));
    if (set.runs.empty()) throw Error(what + ": no ok runs to compare with");
    return set;
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// "1-5,9" -> {1,2,3,4,5,9}
std::vector<std::int64_t> parse_list(const std::string& list, const std::string& selector) {
    std::vector<std::int64_t> ids;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        std::size_t comma = list.find(',', pos);
        std::string item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        auto dash = item.find('-');
        std::string lo = item.substr(0, dash), hi = dash == std::string::npos ? lo : item.substr(dash + 1);
        if (!all_digits(lo) || !all_digits(hi) || std::stoll(hi) < std::stoll(lo) || std::stoll(hi) - std::stoll(lo) > 100000)
            throw Error(selector + ": expected run ids such as runs:1-5,9");
        for (auto i = std::stoll(lo); i <= std::stoll(hi); ++i) ids.push_back(i);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return ids;
}

} // namespace

RunSet experiment_runs(store::Store& store, std::int64_t id) {
    auto runs = store.runs_of(id);
    if (runs.empty()) throw Error("experiment " + std::to_string(id) + ": no such experiment in the database", ErrorKind::NotFound);
    return from_infos(store, runs, "experiment " + runs.front().experiment + " (id " + std::to_string(id) + ")", {});
}

RunSet select_runs(store::Store& store, const std::string& sel, const std::vector<std::int64_t>& exclude) {
    if (auto at = sel.rfind('@'); at != std::string::npos) { // SELECTOR@VARIANT
        const std::string variant = sel.substr(at + 1);
        RunSet set = select_runs(store, sel.substr(0, at), exclude);
        std::erase_if(set.runs, [&](const RunSample& r) { return r.variant != variant; });
        if (set.runs.empty()) throw Error(sel + ": no ok runs of variant '" + variant + "'", ErrorKind::NotFound);
        set.description += ", variant " + variant;
        return set;
    }
    auto value = [&](const char* prefix) { return sel.substr(std::string(prefix).size()); };
    if (sel.rfind("experiment:", 0) == 0) {
        const std::string v = value("experiment:");
        // The candidate's own experiment is never a baseline: all of its boots are excluded,
        // and its warm-ups and failed boots, which are not, must not make it "the newest
        // experiment of that name" (the README's CI recipe compared a check with itself).
        std::set<std::int64_t> own;
        const std::vector<store::RunInfo> all = store.runs();
        for (const auto& r : all)
            if (std::find(exclude.begin(), exclude.end(), r.id) != exclude.end()) own.insert(r.experiment_id);
        std::int64_t id = 0;
        if (all_digits(v)) {
            id = std::stoll(v);
            if (own.count(id))
                throw Error(sel + ": that is the candidate's own experiment; name the baseline's", ErrorKind::Invalid);
        } else {
            bool only_own = false;
            for (const auto& r : all) // the newest experiment of that name with runs to give
                if (r.experiment == v && r.experiment_id > id) {
                    if (own.count(r.experiment_id)) only_own = true;
                    else id = r.experiment_id;
                }
            if (id == 0 && only_own)
                throw Error(sel + ": the only experiment named '" + v + "' is the candidate's own; boot a baseline "
                            "first (bootlab run), or name one with experiment:ID", ErrorKind::NotFound);
            if (id == 0) throw Error(sel + ": no experiment named '" + v + "' in the database", ErrorKind::NotFound);
        }
        auto runs = store.runs_of(id);
        if (runs.empty()) throw Error(sel + ": no such experiment in the database", ErrorKind::NotFound);
        return from_infos(store, runs, "experiment " + runs.front().experiment + " (id " + std::to_string(id) + ")", exclude);
    }
    if (sel.rfind("runs:", 0) == 0) {
        std::vector<store::RunInfo> infos;
        for (auto id : parse_list(value("runs:"), sel)) {
            auto r = store.run(id);
            if (!r) throw Error(sel + ": run " + std::to_string(id) + ": no such run in the database", ErrorKind::NotFound);
            infos.push_back(*r);
        }
        return from_infos(store, infos, sel, exclude);
    }
    if (sel.rfind("kernel:", 0) == 0) {
        const std::string v = value("kernel:");
        std::vector<store::RunInfo> infos;
        for (const auto& r : store.runs())
            if (r.kernel_version == v || r.kernel_series == v) infos.push_back(r);
        if (infos.empty()) throw Error(sel + ": no runs of a kernel '" + v + "' (a version or a patch series)");
        return from_infos(store, infos, "kernel " + v, exclude);
    }
    throw Error(sel + ": not a run selector (experiment:NAME|ID, runs:LIST or kernel:NAME)");
}

RunSet select_runs_or_file(store::Store& store, const std::string& sel, const std::vector<std::int64_t>& exclude) {
    if (sel.rfind("file:", 0) == 0) return read_run_set(sel.substr(5));
    for (const char* prefix : {"experiment:", "runs:", "kernel:"})
        if (sel.rfind(prefix, 0) == 0) return select_runs(store, sel, exclude);
    if (std::filesystem::exists(sel)) return read_run_set(sel);
    throw Error(sel + ": not a file, and not experiment:NAME|ID, runs:LIST or kernel:NAME");
}

std::optional<std::pair<RunSet, RunSet>> split_by_kernel(const RunSet& set, const std::string& name) {
    RunSet base, cand;
    base.description = set.description + ", kernel " + name;
    cand.description = set.description + ", other kernels";
    for (RunSample r : set.runs) {
        // with several kernels the label starts with the kernel's name in the experiment
        if (auto slash = r.variant.find('/'); slash != std::string::npos) r.variant.erase(0, slash + 1);
        (r.kernel == name || r.series == name ? base : cand).runs.push_back(std::move(r));
    }
    if (base.runs.empty() || cand.runs.empty()) return std::nullopt;
    return std::pair(std::move(base), std::move(cand));
}

std::optional<std::pair<RunSet, RunSet>> split_by_side(const RunSet& set) {
    RunSet base, cand;
    base.description = set.description + ", baseline boots";
    cand.description = set.description + ", candidate boots";
    for (RunSample r : set.runs)
        for (auto [prefix, side] : {std::pair{"baseline:", &base}, {"candidate:", &cand}})
            if (r.variant.rfind(prefix, 0) == 0) {
                r.variant.erase(0, std::string_view(prefix).size());
                side->runs.push_back(r);
            }
    if (base.runs.empty() || cand.runs.empty()) return std::nullopt;
    return std::pair(std::move(base), std::move(cand));
}

std::string hosts_of(const RunSet& set) {
    std::vector<std::pair<std::string, int>> hosts; // in order of first appearance
    for (const auto& r : set.runs) {
        if (r.host.empty()) continue;
        auto it = std::find_if(hosts.begin(), hosts.end(), [&](const auto& h) { return h.first == r.host; });
        if (it == hosts.end()) hosts.emplace_back(r.host, 1);
        else ++it->second;
    }
    std::string s;
    for (const auto& [h, n] : hosts)
        s += (s.empty() ? "on " : ", ") + h + " (" + std::to_string(n) + (n == 1 ? " boot)" : " boots)");
    return s;
}

void write_run_set(std::ostream& out, const RunSet& set) {
    json runs = json::array();
    for (const auto& r : set.runs) {
        json j = {{"id", r.id}, {"experiment", r.experiment}, {"variant", r.variant}, {"kernel", r.kernel},
                  {"series", r.series}, {"host", r.host}, {"deterministic", r.replayed}};
        j["boot_to_init_us"] = r.boot_to_init ? json(*r.boot_to_init) : json(nullptr);
        j["init_done_us"] = r.init_done ? json(*r.init_done) : json(nullptr);
        j["spans"] = r.spans;
        if (!r.host_intervals.empty()) j["host_intervals_us"] = r.host_intervals;
        runs.push_back(j);
    }
    out << json_dump(json{{"format", "bootlab-runs"}, {"version", 1}, {"description", set.description},
                          {"runs", runs}},
                     1)
        << "\n";
}

RunSet read_run_set(const std::string& file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw Error(file + ": is a directory, not a run set");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file + ": cannot read");
    std::stringstream text;
    text << in.rdbuf();
    return parse_run_set(text.str(), file);
}

RunSet parse_run_set(std::string_view text, const std::string& file) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) { // parse_error, and out_of_range for a number like 1e4778
        throw Error(file + ": not a bootlab run set (" + std::string(e.what()) + ")");
    }
    RunSet set;
    set.description = file;
    // Every access is checked: a wrong type anywhere is "malformed", never an exception of
    // the JSON library's escaping to the user.
    try {
        if (!j.is_object() || !j.contains("format") || j["format"] != "bootlab-runs")
            throw Error(file + ": not a bootlab run set (write one with `bootlab export RUN... --format runs`)");
        if (!j.contains("version") || j["version"] != 1)
            throw Error(file + ": run set version " + json_dump(j.value("version", json(0))) + " is not 1");
        // Numbers are taken only as whole numbers in range: nlohmann's get<int64_t>() of a float
        // such as 2.9e63 is undefined behaviour (found by fuzz_run_set under UBSan).
        auto whole = [&](const json& v, const std::string& what, std::int64_t max) {
            if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) ||
                v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > max)
                throw Error(file + ": malformed run set (" + what + " must be a whole number from 0 to " +
                            std::to_string(max) + ")");
            return v.get<std::int64_t>();
        };
        for (const auto& r : j.at("runs")) {
            RunSample s;
            s.id = whole(r.at("id"), "id", std::numeric_limits<std::int64_t>::max());
            s.experiment = r.value("experiment", "");
            s.variant = r.at("variant").get<std::string>();
            s.kernel = r.value("kernel", "");
            s.series = r.value("series", "");
            s.host = r.value("host", "");
            s.replayed = r.value("deterministic", false);
            if (r.contains("boot_to_init_us") && !r["boot_to_init_us"].is_null())
                s.boot_to_init = whole(r["boot_to_init_us"], "boot_to_init_us", bootlab::log::kMaxMicros);
            if (r.contains("init_done_us") && !r["init_done_us"].is_null())
                s.init_done = whole(r["init_done_us"], "init_done_us", bootlab::log::kMaxMicros);
            if (r.contains("spans"))
                for (const auto& [name, us] : r.at("spans").items())
                    s.spans[name] = whole(us, "span " + name, bootlab::log::kMaxMicros);
            if (r.contains("host_intervals_us"))
                for (const auto& [name, us] : r.at("host_intervals_us").items())
                    s.host_intervals[name] = whole(us, "host interval " + name, bootlab::log::kMaxMicros);
            set.runs.push_back(std::move(s));
        }
    } catch (const json::exception& e) {
        throw Error(file + ": malformed run set (" + std::string(e.what()) + ")");
    }
    if (set.runs.empty()) throw Error(file + ": the run set has no runs");
    return set;
}

} // namespace bootlab::check
