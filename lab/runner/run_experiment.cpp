#include "runner/run_experiment.h"

#include "common/error.h"
#include "runner/artifacts.h"
#include "runner/record.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace bootlab::runner {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t micros(Clock::duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); }

struct Host {
    HostSpec spec;
    std::unique_ptr<Backend> backend;
    HostResult result;
    int warmups_left = 0; // warm-up boots still to start here
    int warming = 0;      // warm-up boots running here: its other slots wait for them
};

// Connects to a host, checks that it can express every machine the experiment boots, and
// copies the kernels and images to it. An unreachable host is left out (said so); a machine a
// reachable host cannot express is an error before any boot starts.
void ready_host(Host& h, const std::set<std::size_t>& sets, const ExperimentSpec& spec, const Artifacts& art,
                const std::function<void(const std::string&)>& say) {
    const HostSpec& hs = h.spec;
    if (!hs.uri.empty()) {
        HostReport rep = h.backend->probe();
        if (!rep.reachable) {
            h.result.failure = rep.error;
            say("host " + hs.name + " left out: " + rep.error);
            return;
        }
    }
    for (std::size_t s : sets) h.backend->check_machine(spec.hardware[s].devices);
    try {
        h.result.uploaded = h.backend->prepare(art.files(), say);
        if (!hs.uri.empty())
            say("host " + hs.name + ": " + std::to_string(h.result.uploaded) + " bytes uploaded, " +
                std::to_string(hs.jobs) + " slot" + (hs.jobs == 1 ? "" : "s"));
    } catch (const Error& e) {
        h.result.failure = e.what();
        say("host " + hs.name + " left out: " + e.what());
    }
}

// Every host made ready at once (uploads to a rack go in parallel, not one host after another).
std::vector<Host> ready_hosts(const std::vector<HostSpec>& specs, const ExperimentSpec& spec,
                              const Artifacts& art, const std::function<void(const std::string&)>& say) {
    std::set<std::size_t> sets;
    for (const auto& p : expand(spec, 0)) sets.insert(p.hardware);
    std::vector<Host> hosts;
    for (const auto& hs : specs) {
        hosts.push_back({hs, make_backend(hs), {hs.name, "", hs.jobs, 0, 0, ""}});
        hosts.back().result.backend = hosts.back().backend->name();
    }
    std::mutex mu;
    auto said = [&](const std::string& m) {
        std::lock_guard<std::mutex> lock(mu);
        say(m);
    };
    std::vector<std::exception_ptr> errors(hosts.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < hosts.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                ready_host(hosts[i], sets, spec, art, said);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        });
    for (auto& t : threads) t.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e); // a machine some host cannot express: fix the experiment
    if (std::all_of(hosts.begin(), hosts.end(), [](const Host& h) { return !h.result.failure.empty(); })) {
        std::string why;
        for (const auto& h : hosts) why += "\n  " + h.result.name + ": " + h.result.failure;
        throw Error("no host can boot this experiment:" + why);
    }
    return hosts;
}

} // namespace

std::string shell_quote(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        if (a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:+@") ==
            std::string::npos) {
            s += a;
            continue;
        }
        s += '\'';
        for (char c : a) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
        s += '\'';
    }
    return s;
}

std::vector<HostSpec> hosts_for(const ExperimentSpec& spec, const RunOptions& opt) {
    if (!opt.hosts.empty()) return opt.hosts;
    if (!spec.hosts.empty()) return spec.hosts;
    return {local_host(opt.jobs)};
}

ExperimentResult run_experiment(store::Store& store, const ExperimentSpec& spec, const RunOptions& opt,
                                const RunEvents& ev, const std::atomic<bool>& cancel) {
    auto say = [&](const std::string& m) { if (ev.message) ev.message(m); };

    const Artifacts art = prepare_artifacts(spec, say, cancel);
    std::vector<Host> hosts = ready_hosts(hosts_for(spec, opt), spec, art, say);

    ExperimentResult result;
    // What earlier calls stored, per boot of the matrix. A cancelled boot, or one whose host
    // failed under it, is booted again and its run replaced.
    std::map<std::pair<std::string, int>, std::vector<std::int64_t>> earlier;
    std::set<std::pair<std::string, int>> done_before;
    if (!opt.fresh)
        if (auto id = store.find_experiment(spec.name, spec.text)) {
            result.experiment_id = *id;
            for (auto& r : store.runs_of(*id)) {
                const std::pair<std::string, int> key{r.variant, static_cast<int>(r.repetition)};
                earlier[key].push_back(r.id);
                if (r.status != model::RunStatus::Cancelled && !r.host_failed) done_before.insert(key);
            }
        }

    const std::uint64_t seed = opt.seed ? opt.seed
        : static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
    std::deque<BootPlan> todo;
    for (const auto& p : expand(spec, seed)) {
        if (done_before.count({p.label, p.repetition})) ++result.skipped;
        else todo.push_back(p);
    }
    if (result.experiment_id)
        say((todo.empty() ? "experiment " : "resuming experiment ") + std::to_string(result.experiment_id) +
            ": " + std::to_string(result.skipped) + " boots already stored, " + std::to_string(todo.size()) +
            " to go" + (todo.empty() ? " (--new boots it all again)" : ""));

    // Warm-ups: each host boots the first plan to go `warmup` times before its measured boots
    // (its caches, not another host's, are what a cold first boot pays for).
    int warmups = 0;
    for (auto& h : hosts)
        if (h.result.failure.empty() && !todo.empty()) warmups += h.warmups_left = spec.warmup;
    if (warmups) say(std::to_string(warmups) + " warm-up boot" + (warmups == 1 ? "" : "s") +
                     " first, stored but not counted");

    std::mutex mu;               // guards the store, the result, the queue and the hosts' results
    std::condition_variable wake; // a boot went back into the queue, or the last one ended
    int in_flight = 0;
    int done_count = result.skipped;
    const int total = static_cast<int>(todo.size()) + result.skipped + warmups;
    std::exception_ptr failure;  // the first error of any slot: rethrown after all have stopped
    bool stop = false;

    // One slot of one host: takes the next boot, boots it, stores it. A slot waits while the
    // queue is empty but boots are still running elsewhere: one of them may come back if its
    // host fails.
    auto slot_loop = [&](Host& host, std::int64_t* idle_us) {
        for (;;) {
            BootPlan plan;
            const auto t_wait = Clock::now();
            {
                std::unique_lock<std::mutex> lock(mu);
                wake.wait(lock, [&] {
                    return cancel || stop || !host.result.failure.empty() || (todo.empty() && in_flight == 0) ||
                           (!todo.empty() && (host.warmups_left > 0 || host.warming == 0));
                });
                if (todo.empty() || cancel || stop || !host.result.failure.empty()) return;
                plan = todo.front();
                if (host.warmups_left > 0) {
                    --host.warmups_left;
                    ++host.warming;
                    plan.repetition = 0;
                    plan.warmup = true;
                } else {
                    todo.pop_front();
                }
                ++in_flight;
            }
            *idle_us += micros(Clock::now() - t_wait); // waiting with work in the queue
            BootCallbacks cb;
            cb.console = [&](std::string_view bytes) { if (ev.console) ev.console(plan, bytes); };
            cb.started = [&](const BootStart& s) {
                std::lock_guard<std::mutex> lock(mu);
                if (ev.starting) ev.starting(plan, s);
            };
            BootOutcome out = host.backend->boot(art.request(spec, plan, opt.hang), cancel, cb);

            const auto t_record = Clock::now();
            std::lock_guard<std::mutex> lock(mu);
            --in_flight;
            host.warming -= plan.warmup;
            const std::pair<std::string, int> key{plan.label, plan.repetition};
            // a warm-up replaces nothing: earlier calls' warm-ups stay, as what they were
            BootRecord rec{spec, result.experiment_id, opt.origin, plan, art.kernels[plan.kernel],
                           plan.warmup ? std::vector<std::int64_t>{} : earlier[key]};
            auto r = record_boot(store, rec, out);
            result.experiment_id = r.experiment_id;
            if (!plan.warmup) earlier[key] = {r.run_id};
            if (out.host_failed) {
                // The boot goes back to the front of the queue for the other hosts; its stored
                // error is replaced when it has run there (or by a later resume).
                host.result.failure = out.error;
                if (!plan.warmup) todo.push_front(plan);
                say(out.error + "; host " + host.result.name + " taken out, its boots go to the other hosts");
                wake.notify_all();
                return;
            }
            ++host.result.boots;
            ++(plan.warmup ? result.warmups : result.booted);
            if (r.status != model::RunStatus::Ok && r.status != model::RunStatus::Cancelled) ++result.failed;
            if (r.status == model::RunStatus::Cancelled) result.cancelled = true;
            ++done_count;
            if (ev.finished) ev.finished(plan, store.require_run(r.run_id), done_count, total);
            *idle_us += micros(Clock::now() - t_record);
            wake.notify_all();
        }
    };
    // An exception must not escape a thread (that aborts the process, QEMU and all): the first
    // one stops the other slots after their current boot and is rethrown here.
    std::vector<std::int64_t> idle;
    for (const auto& h : hosts) idle.resize(idle.size() + (h.result.failure.empty() ? h.spec.jobs : 0), 0);
    std::vector<std::thread> pool;
    std::size_t slot = 0;
    for (auto& h : hosts)
        for (int j = 0; h.result.failure.empty() && j < h.spec.jobs; ++j, ++slot)
            pool.emplace_back([&, slot] {
                try {
                    slot_loop(h, &idle[slot]);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(mu);
                    if (!failure) failure = std::current_exception();
                    stop = true;
                }
                wake.notify_all();
            });
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    for (auto v : idle) result.slot_idle_us += v;
    for (auto& h : hosts) result.hosts.push_back(h.result);
    if (cancel) result.cancelled = true;
    else result.unrun = static_cast<int>(todo.size());
    return result;
}

} // namespace bootlab::runner
