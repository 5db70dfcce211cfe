#include "kernel/source_build.h"

#include "common/cache.h"
#include "common/error.h"
#include "common/sha256.h"
#include "kernel/apt.h"
#include "process/process.h"

#include <algorithm>
#include <optional>
#include <set>
#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace bootlab::kernel {

namespace fs = std::filesystem;
using process::check_output;

namespace {

constexpr const char* kSourcePackage = "linux-source-6.1";
// Bump when the build steps below change what they produce: every cached build is then stale.
constexpr const char* kRecipe = "bootlab-kernel-build 1";

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Error(p.string() + ": cannot read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string trim(std::string s) {
    const char* ws = " \t\r\n";
    s.erase(0, s.find_first_not_of(ws));
    s.erase(s.find_last_not_of(ws) + 1);
    return s;
}

std::string last_lines(const std::string& text, int n) {
    std::size_t p = text.size();
    while (n-- > 0 && p > 0) {
        p = text.rfind('\n', p - 1);
        if (p == std::string::npos) return text;
    }
    return text.substr(p + 1);
}

// An exclusive lock on a file for as long as the object lives: two bootlab processes building
// the same series would otherwise share one work tree.
class FileLock {
public:
    explicit FileLock(const fs::path& p) : fd_(::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
        if (fd_ < 0) throw Error(p.string() + ": cannot open lock file");
        ::flock(fd_, LOCK_EX);
    }
    ~FileLock() { ::close(fd_); }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_;
};

// The linux-source-6.1 version apt offers now (memoised), or, offline, the newest unpacked one.
std::string source_version(const Progress& progress) {
    const fs::path base = cache_dir() / "kernel-source";
    try {
        return apt_memo(base / "version.apt", [] { return apt_candidate_version(kSourcePackage); });
    } catch (const Error&) {
        fs::path newest = newest_cached(base, "unpacked");
        if (newest.empty()) throw;
        if (progress) progress("apt unavailable, using cached " + std::string(kSourcePackage) + " " +
                               newest.filename().string());
        return newest.filename().string();
    }
}

// The pristine source tree of that version, unpacked once (about 10 s and 1.5 GB).
fs::path source_tree(const std::string& version, const Progress& progress) {
    const fs::path dir = cache_dir() / "kernel-source" / version;
    const fs::path tree = dir / "linux-source-6.1";
    if (fs::exists(dir / "unpacked")) return tree;
    if (progress) progress("downloading " + std::string(kSourcePackage) + " " + version + " (about 140 MB, once)");
    fs::path stage = staging_dir_for(dir);
    fs::path deb = apt_download(kSourcePackage, version, stage);
    if (progress) progress("unpacking the kernel source (about 1.5 GB, once)");
    check_output({"dpkg", "-x", deb.string(), (stage / "deb").string()}, "unpacking " + deb.string());
    fs::path tarball = stage / "deb/usr/src/linux-source-6.1.tar.xz";
    if (!fs::exists(tarball)) throw Error(deb.string() + ": no usr/src/linux-source-6.1.tar.xz inside");
    check_output({"tar", "-xf", tarball.string(), "-C", stage.string()}, "unpacking " + tarball.string(),
                 {}, std::chrono::seconds(1800));
    fs::remove_all(stage / "deb");
    fs::remove(deb);
    std::ofstream(stage / "unpacked") << version << "\n";
    publish(stage, dir);
    return tree;
}

std::string compiler_version() {
    std::string out = check_output({"gcc", "--version"}, "asking the compiler its version (gcc --version)");
    return out.substr(0, out.find('\n'));
}

std::string cache_key(const Series& s, const std::string& version, const std::string& compiler) {
    Sha256 h;
    h.add(kRecipe).add("\nsource ").add(version).add("\nbase ").add(s.base).add("\ncompiler ").add(compiler);
    for (const auto& p : s.patches) h.add("\npatch ").add(p.filename().string()).add("\n").add(read_file(p));
    h.add("\nfragment\n").add(read_file(s.fragment));
    return h.hex();
}

// `make` as every step of a build runs it: in the object tree, with the release suffix, and
// through ccache when it is installed. The compiler cache is shared by all series: a series
// with a configuration of its own has an object tree of its own, and its first build then
// compiles for real only what its configuration and patches change; so does a tree rebuilt
// from scratch (a new compiler, a cleaned cache). base_dir makes the paths ccache hashes
// relative to the object tree, so that every series' tree finds the same entries (kbuild
// passes absolute paths); hash_dir is off because these kernels carry no debug info.
// Each compile's outcome is appended to `stats_log` (see ccache_summary).
std::vector<std::string> make_command(const fs::path& obj, const std::string& tree_name, const fs::path& stats_log,
                                      std::initializer_list<std::string> args) {
    std::vector<std::string> argv;
    const bool ccache = !process::find_program("ccache").empty();
    if (ccache)
        argv = {"env", "CCACHE_DIR=" + (cache_dir() / "ccache").string(),
                "CCACHE_BASEDIR=" + (cache_dir() / "kernels").string(), "CCACHE_NOHASHDIR=true",
                "CCACHE_MAXSIZE=2G", "CCACHE_STATSLOG=" + stats_log.string()};
    argv.insert(argv.end(), {"make", "O=" + obj.string(), "LOCALVERSION=-" + tree_name});
    if (ccache) argv.push_back("CC=ccache gcc");
    argv.insert(argv.end(), args);
    return argv;
}

// "ccache: 1343 of 1426 compiles from its cache", from ccache's stats log of one build ("" without
// ccache). A compile is logged as "# FILE" and its counters, one a line.
std::string ccache_summary(const fs::path& stats_log) {
    std::ifstream in(stats_log);
    if (!in) return {};
    std::size_t hits = 0, compiles = 0;
    for (std::string line; std::getline(in, line);) {
        if (line == "direct_cache_hit" || line == "preprocessed_cache_hit") ++hits, ++compiles;
        else if (line == "cache_miss") ++compiles;
    }
    return "ccache: " + std::to_string(hits) + " of " + std::to_string(compiles) + " compiles from its cache";
}

// Runs a long make, its output appended to `log`, with a progress line every few seconds.
// `expected` is how many objects the last build of this series made (0 = not known).
int run_make(const std::vector<std::string>& argv, const fs::path& cwd, std::ofstream& log,
             std::size_t expected, std::size_t* objects, const Progress& progress,
             const std::atomic<bool>* cancel) {
    using clock = std::chrono::steady_clock;
    process::Child child(argv, cwd);
    const auto t0 = clock::now();
    auto next_report = t0 + std::chrono::seconds(10);
    std::string pending, out;
    while (true) {
        out.clear();
        if (cancel && *cancel) {
            child.kill_group(); // make and every compiler it started
            child.wait();
            throw Cancelled("kernel build cancelled");
        }
        bool open = child.read_some(&out, std::chrono::milliseconds(500));
        log << out;
        pending += out;
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string_view line(pending.data(), nl);
            // kbuild's quiet output: "  CC      kernel/async.o", "  CC [M]  drivers/..."
            if (line.size() > 4 && line.substr(0, 2) == "  " && line[2] != ' ' &&
                (line.substr(2, 2) == "CC" || line.substr(2, 2) == "AS"))
                ++*objects;
            pending.erase(0, nl + 1);
        }
        if (progress && clock::now() >= next_report) {
            auto s = std::chrono::duration_cast<std::chrono::seconds>(clock::now() - t0).count();
            std::string msg = "compiled " + std::to_string(*objects);
            if (expected > 0) msg += " of about " + std::to_string(expected);
            msg += " files in " + std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
            progress(msg);
            next_report = clock::now() + std::chrono::seconds(30);
        }
        if (!open) break;
    }
    log.flush();
    return child.wait();
}

// The compiler's error lines (and what they quote), for the message; the log has the rest.
// Paths are shown relative to the kernel tree, as a kernel developer reads them.
// (ccache's base_dir has the compiler see the tree as "../tree/", relative to the object tree.)
std::string compiler_errors(const fs::path& log_file, const fs::path& tree) {
    const std::string prefixes[] = {tree.string() + "/", "../" + tree.filename().string() + "/"};
    std::ifstream in(log_file);
    std::string line, found;
    int context = 0, taken = 0;
    while (std::getline(in, line) && taken < 40) {
        if (line.find("error:") != std::string::npos || line.find("Error ") != std::string::npos ||
            line.find("undefined reference") != std::string::npos) {
            context = 3;
        }
        if (context > 0) {
            for (const auto& prefix : prefixes)
                for (std::size_t p; (p = line.find(prefix)) != std::string::npos;) line.erase(p, prefix.size());
            found += line + "\n";
            --context;
            ++taken;
        }
    }
    return found;
}

// Every line of the fragment must hold in the final .config: Kconfig silently drops options
// whose dependencies are not met, and a guest without its driver only times out much later.
void check_fragment(const fs::path& fragment, const fs::path& config) {
    const std::string final_config = "\n" + read_file(config);
    auto value_of = [&](const std::string& name) -> std::string {
        auto p = final_config.find("\n" + name + "=");
        if (p == std::string::npos) return "not set";
        return final_config.substr(p + 1, final_config.find('\n', p + 1) - p - 1);
    };
    std::ifstream in(fragment);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        line = trim(line);
        std::string name, want;
        if (line.rfind("CONFIG_", 0) == 0 && line.find('=') != std::string::npos) {
            name = line.substr(0, line.find('='));
            want = line;
        } else if (line.rfind("# CONFIG_", 0) == 0 && line.find(" is not set") != std::string::npos) {
            name = line.substr(2, line.find(' ', 2) - 2);
            want = "not set";
        } else {
            continue;
        }
        const std::string got = value_of(name);
        if (got != want)
            throw Error(fragment.string() + ":" + std::to_string(n) + ": " + line +
                        " did not survive into the kernel config (it is " + got +
                        "): an option it depends on is missing from the fragment");
    }
}

Kernel load_built(const fs::path& dir, const Series& s) {
    Kernel k;
    k.name = s.name;
    k.origin = "source";
    k.series = s.name;
    k.root = dir / "root";
    std::ifstream(dir / "release") >> k.release;
    k.image = k.root / "boot" / ("vmlinuz-" + k.release);
    std::ifstream(dir / "package") >> k.package;
    std::ifstream(dir / "image.sha256") >> k.hash;
    k.config_hash = sha256_file(dir / "config");
    if (k.release.empty() || !fs::exists(k.image) || k.hash.empty())
        throw Error(dir.string() + ": incomplete kernel build in the cache; delete it and run again");
    return k;
}

} // namespace

namespace {
constexpr int kMaxOnTopOf = 8; // a chain deeper than this is a loop

Series load_series_at(const fs::path& dir, int depth);
} // namespace

Series load_series(const fs::path& dir, int patches) {
    Series s = load_series_at(dir, 0);
    return patches < 0 ? s : first_patches(s, static_cast<std::size_t>(patches));
}

namespace {
Series load_series_at(const fs::path& dir, int depth) {
    Series s;
    s.dir = fs::absolute(dir).lexically_normal();
    if (s.dir.filename().empty()) s.dir = s.dir.parent_path();
    s.name = s.dir.filename().string();
    // the name becomes the kernel's LOCALVERSION and part of cache paths
    if (s.name.empty() || s.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
                              std::string::npos)
        throw Error(dir.string() + ": a series directory name may use letters, digits, '-', '_' and '.' only");
    const fs::path list = s.dir / "series";
    if (std::error_code ec; !fs::is_directory(s.dir, ec)) throw Error(dir.string() + ": no such patch series directory");
    if (!fs::exists(list)) throw Error(list.string() + ": missing (a series lists its patches, one per line)");
    s.tree = s.name;
    const fs::path on_top_of = s.dir / "on-top-of";
    std::optional<Series> below;
    if (fs::exists(on_top_of)) {
        const std::string ref = trim(read_file(on_top_of));
        if (depth >= kMaxOnTopOf) throw Error(on_top_of.string() + ":1: series on top of series more than " +
                                              std::to_string(kMaxOnTopOf) + " deep (a loop?)");
        try {
            below = load_series_at(find_series(ref, s.dir), depth + 1);
        } catch (const Error& e) {
            throw Error(on_top_of.string() + ":1: " + e.what());
        }
        s.patches = below->patches;
        s.own_first = s.patches.size();
        // An object tree is only worth sharing with the same configuration: a series with a
        // config (or base) of its own builds in a tree of its own.
        if (!fs::exists(s.dir / "config") && !fs::exists(s.dir / "base-config")) s.tree = below->tree;
    }
    std::ifstream in(list);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        if (line.find('/') != std::string::npos || line.find(' ') != std::string::npos)
            throw Error(list.string() + ":" + std::to_string(n) + ": '" + line +
                        "': expected a patch file name in this directory");
        fs::path p = s.dir / line;
        if (!fs::exists(p)) throw Error(list.string() + ":" + std::to_string(n) + ": " + line + ": no such patch");
        s.patches.push_back(p);
    }
    s.fragment = s.dir / "config";
    if (!fs::exists(s.fragment)) {
        if (!below)
            throw Error(s.fragment.string() + ": missing (the config fragment merged onto the base config)");
        s.fragment = below->fragment;
    }
    if (fs::exists(s.dir / "base-config")) s.base = trim(read_file(s.dir / "base-config"));
    else if (below) s.base = below->base;
    if (s.base.empty() || s.base.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        throw Error((s.dir / "base-config").string() + ": expected a make target such as tinyconfig or defconfig");
    return s;
}
} // namespace

Series first_patches(const Series& series, std::size_t k) {
    if (k > series.own_count())
        throw Error("series " + series.name + " has " + std::to_string(series.own_count()) + " patches, not " +
                    std::to_string(k));
    Series s = series;
    s.patches.resize(s.own_first + k);
    s.name += "@" + std::to_string(k);
    return s;
}

std::pair<std::string, int> split_patch_count(const std::string& ref) {
    const auto at = ref.rfind('@');
    if (at == std::string::npos) return {ref, -1};
    const std::string count = ref.substr(at + 1);
    if (count.empty() || count.size() > 4 || count.find_first_not_of("0123456789") != std::string::npos)
        throw Error("'" + ref + "': after '@' comes a count of patches");
    return {ref.substr(0, at), std::stoi(count)};
}

std::string patch_subject(const fs::path& patch) {
    std::ifstream in(patch);
    std::string line;
    while (std::getline(in, line) && line.rfind("diff ", 0) != 0) {
        if (line.rfind("Subject: ", 0) != 0) continue;
        line = trim(line.substr(9));
        if (line.rfind("[PATCH", 0) == 0 && line.find(']') != std::string::npos) line = trim(line.substr(line.find(']') + 1));
        return line;
    }
    return "";
}

std::vector<std::string> patched_files(const fs::path& patch) {
    std::set<std::string> files;
    std::ifstream in(patch);
    std::string line;
    while (std::getline(in, line)) {
        // "--- a/kernel/async.c" and "+++ b/kernel/async.c" (applied with -p1); /dev/null on the
        // side of a file created or deleted
        if (line.rfind("--- ", 0) != 0 && line.rfind("+++ ", 0) != 0) continue;
        std::string path = trim(line.substr(4, line.find('\t') == std::string::npos ? std::string::npos
                                                                                    : line.find('\t') - 4));
        const auto slash = path.find('/');
        if (path == "/dev/null" || slash == std::string::npos || slash + 1 == path.size()) continue;
        files.insert(path.substr(slash + 1));
    }
    return {files.begin(), files.end()};
}

namespace {
// (a name too long for a path, or one in a directory we may not read, is simply not a series)
bool is_series(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p / "series", ec);
}
fs::path patches_dir() {
    const char* env = std::getenv("BOOTLAB_KERNEL_PATCHES");
    return env && *env ? fs::path(env) : fs::path(BOOTLAB_SOURCE_DIR) / "kernel-patches";
}
} // namespace

std::vector<std::string> known_series() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(patches_dir(), ec))
        if (is_series(e.path())) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

fs::path find_series(const std::string& ref, const fs::path& from) {
    if (ref.find('/') != std::string::npos || ref == "." || ref == "..") {
        for (const fs::path& p : {from.empty() ? fs::path(ref) : from / ref, fs::path(ref)})
            if (is_series(p)) return p;
        throw Error(ref + ": not a patch series directory (no 'series' file in it)");
    }
    const fs::path patches = patches_dir();
    if (is_series(patches / ref)) return patches / ref;
    std::string known;
    for (const auto& name : known_series()) known += (known.empty() ? "" : ", ") + name;
    throw Error("no patch series '" + ref + "' in " + patches.string() + " (known: " +
                (known.empty() ? "none" : known) + ")");
}

Kernel series_kernel(const Series& s, const BuildOptions& opt) {
    const Progress& say = opt.progress;
    const std::string version = source_version(say);
    const std::string compiler = compiler_version();
    const std::string key = cache_key(s, version, compiler);
    const fs::path base = cache_dir() / "kernels";
    const fs::path dir = base / ("series-" + s.tree + "-" + key.substr(0, 16));
    if (!opt.force && fs::exists(dir / "image.sha256")) return load_built(dir, s);

    const fs::path pristine = source_tree(version, say);
    const fs::path work = base / ("work-" + s.tree);
    fs::create_directories(work);
    FileLock lock(base / ("work-" + s.tree + ".lock"));
    if (!opt.force && fs::exists(dir / "image.sha256")) return load_built(dir, s); // built meanwhile

    const fs::path tree = work / "tree", obj = work / "obj", log_file = work / "build.log";
    std::ofstream log(log_file, std::ios::trunc);
    log << "# bootlab kernel build of series " << s.name << " (" << s.dir.string() << ")\n# source "
        << kSourcePackage << " " << version << ", base " << s.base << ", " << compiler << "\n";
    // Runs one command into the build log; on failure throws `failure` with the output's tail.
    auto run_logged = [&](const std::vector<std::string>& argv, const fs::path& cwd, const std::string& failure) {
        log << "\n$";
        for (const auto& a : argv) log << " " << a;
        log << "\n";
        auto r = process::run_command(argv, cwd);
        log << r.output;
        log.flush();
        if (r.exit_code != 0)
            throw Error(failure + " (exit " + std::to_string(r.exit_code) + "):\n" + last_lines(r.output, 15) +
                        "full log: " + log_file.string());
    };
    auto step = [&](const std::vector<std::string>& argv, const std::string& what, const fs::path& cwd) {
        run_logged(argv, cwd, what + " failed");
    };

    // A hard-linked copy of the pristine source: cheap, and patch(1) replaces the files it
    // changes instead of writing through the links.
    if (say) say("preparing the source tree of " + s.name);
    fs::remove_all(tree);
    step({"cp", "-al", pristine.string(), tree.string()}, "copying the kernel source", {});
    for (const auto& p : s.patches) {
        if (say) say("applying " + p.filename().string());
        run_logged({"patch", "-p1", "--forward", "--batch", "-i", p.string()}, tree,
                   p.string() + ": does not apply to " + std::string(kSourcePackage) + " " + version);
    }
    // make decides by timestamps, and the copy's files carry the pristine source's: a file that
    // the last build patched and this one does not (bisect stepping back, a patch dropped) would
    // look older than its object and never be recompiled. Such files get a fresh copy with a new
    // timestamp. The list grows until a build succeeds, so a killed build forgets nothing.
    const fs::path patched_list = work / "patched-files";
    std::set<std::string> now_patched, before;
    for (const auto& p : s.patches)
        for (auto& f : patched_files(p)) now_patched.insert(std::move(f));
    if (std::ifstream in(patched_list); in)
        for (std::string f; std::getline(in, f);)
            if (!f.empty()) before.insert(f);
    for (const auto& f : before) {
        const fs::path file = tree / f;
        std::error_code ec;
        if (now_patched.count(f) || !fs::is_regular_file(file, ec)) continue;
        const fs::path fresh = file.string() + ".bootlab-fresh";
        fs::copy_file(file, fresh, fs::copy_options::overwrite_existing); // a new inode, written now
        fs::rename(fresh, file);
        fs::last_write_time(file, fs::file_time_type::clock::now());
    }
    auto write_patched_list = [&](const std::set<std::string>& files) {
        std::ofstream out(patched_list, std::ios::trunc);
        for (const auto& f : files) out << f << "\n";
    };
    std::set<std::string> unsettled = before;
    unsettled.insert(now_patched.begin(), now_patched.end());
    write_patched_list(unsettled);

    // Objects are reused from the last build of this series unless the source or compiler
    // changed: a patch change then rebuilds only what it touches.
    const std::string stamp = version + "\n" + compiler + "\n" + s.base + "\n" + kRecipe + "\n";
    const bool full = !fs::exists(obj / ".bootlab-stamp") || read_file(obj / ".bootlab-stamp") != stamp;
    if (full) fs::remove_all(obj);
    fs::create_directories(obj);
    std::ofstream(obj / ".bootlab-stamp") << stamp;
    // A make that was killed (bootlab killed, or a cancel, which kills make's process group) can
    // leave an object that is newer than its source but incomplete, which the next make would
    // take as up to date. The compiler, the linker and ar write their outputs in place, so the
    // outputs written while it ran are suspect: delete those newer than its "compiling" mark,
    // and make redoes just them. Generated headers and config files are left alone: kbuild
    // writes them through a temporary and a rename, and deleting them would rebuild everything.
    // (A make that ends by itself, even with a compile error, deletes what it did not finish:
    // kbuild sets .DELETE_ON_ERROR. Its mark is removed.)
    const fs::path compiling = work / "compiling";
    if (fs::exists(compiling)) {
        if (say) say("the last build of " + s.name + " was killed while compiling: redoing what it was writing");
        const auto mark = fs::last_write_time(compiling);
        auto in_place_output = [](const fs::path& p) {
            const std::string ext = p.extension().string(), name = p.filename().string();
            return ext == ".o" || ext == ".ko" || ext == ".a" || ext == ".bin" || ext == ".elf" ||
                   name.rfind("vmlinux", 0) == 0 || name == "bzImage" || name == "System.map";
        };
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(obj, ec); it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file(ec) && in_place_output(it->path()) && it->last_write_time(ec) >= mark)
                fs::remove(it->path(), ec);
        fs::remove(compiling);
    }

    if (say) say("configuring: make " + s.base + " + " + s.fragment.string());
    const fs::path ccache_log = work / "ccache-stats.log";
    fs::remove(ccache_log);
    auto make = [&](std::initializer_list<std::string> args) { return make_command(obj, s.tree, ccache_log, args); };
    step(make({s.base}), "make " + s.base, tree);
    step({"scripts/kconfig/merge_config.sh", "-m", "-O", obj.string(), (obj / ".config").string(),
          s.fragment.string()},
         "merging " + s.fragment.string(), tree);
    step(make({"olddefconfig"}), "make olddefconfig", tree);
    check_fragment(s.fragment, obj / ".config");

    const int jobs = opt.jobs > 0 ? opt.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::size_t expected = 0, objects = 0;
    if (full) std::ifstream(work / "objects.last") >> expected; // how many a full build compiles
    if (say) say("building " + s.name + " with make -j" + std::to_string(jobs) + " (log: " + log_file.string() + ")");
    const auto t0 = std::chrono::steady_clock::now();
    const auto build = make({"-j" + std::to_string(jobs), "bzImage", "modules"});
    log << "\n$";
    for (const auto& a : build) log << " " << a;
    log << "\n";
    std::ofstream(compiling) << ::getpid() << "\n";
    int rc = run_make(build, tree, log, expected, &objects, say, opt.cancel);
    fs::remove(compiling); // make ended by itself
    if (rc != 0)
        throw Error("building " + s.name + " failed (make exit " + std::to_string(rc) + "):\n" +
                    compiler_errors(log_file, tree) + "full log: " + log_file.string());
    write_patched_list(now_patched); // the objects now match this tree
    if (full && objects > 0) std::ofstream(work / "objects.last") << objects << "\n";
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
    const std::string cached_compiles = ccache_summary(ccache_log);
    if (!cached_compiles.empty()) log << "\n# " << cached_compiles << "\n";

    const std::string release = trim(check_output(make({"-s", "kernelrelease"}), "asking the build its kernel release", tree));
    fs::path stage = staging_dir_for(dir);
    fs::create_directories(stage / "root/boot");
    step(make({"INSTALL_MOD_PATH=" + (stage / "root").string(), "INSTALL_MOD_STRIP=1", "modules_install"}),
         "make modules_install", tree);
    fs::copy_file(obj / "arch/x86/boot/bzImage", stage / "root/boot" / ("vmlinuz-" + release));
    fs::copy_file(obj / ".config", stage / "config");
    // the symlinks modules_install makes point into the work tree
    fs::remove(stage / "root/lib/modules" / release / "build");
    fs::remove(stage / "root/lib/modules" / release / "source");
    std::ofstream(stage / "release") << release << "\n";
    std::ofstream(stage / "package") << kSourcePackage << "=" << version << "+" << s.name << "\n";
    std::ofstream(stage / "image.sha256") << sha256_file(stage / "root/boot" / ("vmlinuz-" + release)) << "\n";
    log.close();
    fs::copy_file(log_file, stage / "build.log");
    if (opt.force)
        replace(stage, dir); // --force replaces an existing entry
    else
        publish(stage, dir);
    if (say) say("built " + s.name + " (" + release + ") in " + std::to_string(secs / 60) + "m" +
                 std::to_string(secs % 60) + "s: " + std::to_string(objects) + " files compiled" +
                 (cached_compiles.empty() ? "" : " (" + cached_compiles + ")"));
    return load_built(dir, s);
}

} // namespace bootlab::kernel
