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
    // trust (under the scheduler's lock): see the slot loop
    bool tcg_only = false;       // a boot stalled under KVM and TCG booted it: TCG from now on
    bool kvm_proven = false;     // a boot ran to its end under KVM here
    bool retry_useless = false;  // a stalled boot stalled under TCG too: the kernel, not KVM
    bool reached_kernel = false; // some boot here got as far as the kernel's first line
    int early_failures = 0;      // boots that failed before that, while none got there ...
    std::string early_kind;      // ... all in this way (failure_kind)
};

// What to tell someone whose host failed every boot before the kernel printed a line.
std::string fail_fast_advice(const BootOutcome& o) {
    if (o.accel == "kvm")
        return "the boots ran under KVM: try --accel tcg (or BOOTLAB_ACCEL=tcg), and `bootlab hosts` to see "
               "what the KVM probe found";
    if (o.error.find("exited with") != std::string::npos)
        return "the emulator's own words are in the error above; `bootlab run FILE --print-qemu` prints the "
               "command to run by hand";
    return "the kernel did not start under TCG either: check the kernel image, and boot it by hand with the "
           "command `bootlab run FILE --print-qemu` prints";
}

// One word for how boots ended, to tell "the same way" apart.
std::string failure_kind(const BootOutcome& o) {
    return std::string(model::to_string(o.status)) + (o.stalled ? " stalled" : "") + " " + o.accel;
}

// Connects to a host, checks that it can express every machine the experiment boots, and
// copies the kernels and images to it. An unreachable host is left out (said so); a machine a
// reachable host cannot express is an error before any boot starts.
void ready_host(Host& h, const std::set<std::size_t>& sets, const ExperimentSpec& spec, const Artifacts& art,
                Accel accel, const std::function<void(const std::string&)>& say) {
    const HostSpec& hs = h.spec;
    if (!hs.uri.empty()) {
        HostReport rep = h.backend->probe();
        if (!rep.reachable) {
            h.result.failure = rep.error;
            say("host " + hs.name + " left out: " + rep.error);
            return;
        }
    }
    // Whether KVM runs a guest here, asked before any boot: `kvm` where it does not is an error
    // now, not a slot held by hung guests later.
    if (accel != Accel::tcg) {
        const KvmVerdict v = h.backend->kvm();
        h.result.kvm = v;
        if (accel == Accel::kvm && !v.usable())
            throw Error("host " + hs.name + ": accel is kvm, but " + v.describe() +
                        "; use --accel auto (TCG where KVM does not work) or --accel tcg");
        if (!v.usable() && v.kind != KvmVerdict::Kind::absent)
            say("host " + hs.name + ": " + v.describe() + "; it boots under TCG");
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
                              const Artifacts& art, Accel accel, const std::function<void(const std::string&)>& say) {
    std::set<std::size_t> sets;
    for (const auto& p : expand(spec, 0)) sets.insert(p.hardware);
    std::vector<Host> hosts;
    for (const auto& hs : specs) {
        Host h;
        h.spec = hs;
        h.backend = make_backend(hs);
        h.result.name = hs.name;
        h.result.backend = h.backend->name();
        h.result.jobs = hs.jobs;
        hosts.push_back(std::move(h));
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
                ready_host(hosts[i], sets, spec, art, accel, said);
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

Accel requested_accel(const ExperimentSpec& spec, const RunOptions& opt) {
    if (opt.accel) return *opt.accel;
    if (auto env = accel_from_env()) return *env;
    return spec.accel;
}

std::vector<HostSpec> hosts_for(const ExperimentSpec& spec, const RunOptions& opt) {
    if (!opt.hosts.empty()) return opt.hosts;
    if (!spec.hosts.empty()) return spec.hosts;
    return {local_host(opt.jobs)};
}

ExperimentResult run_experiment(store::Store& store, const ExperimentSpec& spec, const RunOptions& opt,
                                const RunEvents& ev, const std::atomic<bool>& cancel) {
    auto say = [&](const std::string& m) { if (ev.message) ev.message(m); };

    const Accel accel = requested_accel(spec, opt);
    const Artifacts art = prepare_artifacts(spec, say, cancel);
    std::vector<Host> hosts = ready_hosts(hosts_for(spec, opt), spec, art, accel, say);

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
            BootRequest req = art.request(spec, plan, opt.hang);
            bool retry_allowed;
            {
                std::lock_guard<std::mutex> lock(mu);
                req.accel = host.tcg_only ? Accel::tcg : accel;
                retry_allowed = accel == Accel::automatic && !host.kvm_proven && !host.retry_useless;
            }
            BootOutcome out = host.backend->boot(req, cancel, cb);
            auto note_accel = [&](const std::string& a) { // under the lock
                if (!a.empty() && host.result.accel.find(a) == std::string::npos)
                    host.result.accel += (host.result.accel.empty() ? "" : ", then ") + a;
            };
            // Under auto, a boot that stalls under KVM on a host where no KVM boot has ended yet
            // is booted again under TCG; if that one does not stall, KVM is the culprit and the
            // host boots under TCG from then on (the probe passed: a KVM that hangs later).
            if (out.stalled && out.accel == "kvm" && retry_allowed && !cancel) {
                say("host " + host.result.name + ": a boot stalled under KVM (" + out.error + "); booting it again under TCG");
                req.accel = Accel::tcg;
                BootOutcome again = host.backend->boot(req, cancel, cb);
                std::lock_guard<std::mutex> lock(mu);
                note_accel(out.accel);
                if (again.stalled) {
                    host.retry_useless = true;
                } else if (!host.tcg_only) {
                    host.tcg_only = true;
                    host.backend->distrust_kvm("a guest stalled: " + out.error);
                    host.result.accel_note = "KVM stalled a guest (" + out.error + "); booted again under TCG, and "
                                             "under TCG for the rest of the run";
                    say("host " + host.result.name + ": KVM hangs guests here; TCG for the rest of the run");
                }
                out = std::move(again);
            }

            const auto t_record = Clock::now();
            std::lock_guard<std::mutex> lock(mu);
            --in_flight;
            host.warming -= plan.warmup;
            if (out.accel == "kvm" && out.status == model::RunStatus::Ok) host.kvm_proven = true;
            note_accel(out.accel);
            // Fail fast: while no boot on this host has got as far as the kernel's first line, a
            // boot that fails before it is the host's failure (stored so, booted again on
            // resume); the first is booted again at once, the second like it ends the host's turn.
            bool fail_fast = false, once_more = false;
            if (out.kernel_started) host.reached_kernel = true;
            if (!host.reached_kernel && !out.host_failed && !cancel && out.status != model::RunStatus::Ok &&
                out.status != model::RunStatus::Cancelled) {
                const std::string kind = failure_kind(out);
                if (kind != host.early_kind) host.early_failures = 0, host.early_kind = kind;
                fail_fast = ++host.early_failures >= kFailFastBoots;
                once_more = !fail_fast;
                out.host_failed = true;
                if (fail_fast)
                    out.error = "host " + host.result.name + ": its first " + std::to_string(host.early_failures) +
                                " boots failed the same way before the kernel printed anything (" + out.error +
                                "); no more boots there. What to try: " + fail_fast_advice(out);
            }
            const std::pair<std::string, int> key{plan.label, plan.repetition};
            // a warm-up replaces nothing: earlier calls' warm-ups stay, as what they were
            BootRecord rec{spec, result.experiment_id, opt.origin, plan, art.kernels[plan.kernel],
                           plan.warmup ? std::vector<std::int64_t>{} : earlier[key]};
            auto r = record_boot(store, rec, out);
            result.experiment_id = r.experiment_id;
            if (!plan.warmup) earlier[key] = {r.run_id};
            if (out.host_failed) {
                // The boot goes back to the front of the queue, for this host once more before
                // it fails fast, or for the other hosts; its stored error is replaced when it
                // has run (or by a later resume).
                if (plan.warmup) ++host.warmups_left;
                else todo.push_front(plan);
                wake.notify_all();
                if (once_more) {
                    say("host " + host.result.name + ": a boot failed before the kernel printed anything (" +
                        out.error + "); booting it once more");
                    continue;
                }
                host.result.failure = out.error;
                say(out.error + "; host " + host.result.name + " taken out, its boots go to the other hosts");
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
