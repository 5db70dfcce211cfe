#include "kernel/kernel.h"

#include "common/cache.h"
#include "common/error.h"
#include "common/sha256.h"
#include "runner/process.h"

#include <fstream>
#include <sstream>
#include <tuple>

namespace bootlab::kernel {
namespace {

namespace fs = std::filesystem;
using runner::check_output;

// "linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n" -> "linux-image-6.1.0-56-amd64"
std::string metapackage_target() {
    std::string out = check_output({"apt-cache", "depends", "linux-image-amd64"},
                                   "resolving the stock kernel (apt-cache depends linux-image-amd64)");
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        auto p = line.find("Depends: linux-image-");
        if (p != std::string::npos) return line.substr(p + 9);
    }
    throw Error("resolving the stock kernel: linux-image-amd64 depends on no linux-image package:\n" + out);
}

std::string package_version(const std::string& pkg) {
    std::string out = check_output({"apt-cache", "show", "--no-all-versions", pkg},
                                   "resolving the stock kernel (apt-cache show " + pkg + ")");
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Version: ", 0) == 0) return line.substr(9);
    throw Error("resolving the stock kernel: no version for " + pkg);
}

// apt-cache takes about a second per call, a third of a boot's overhead: its answer is kept
// until apt's index changes (`apt-get update` rewrites these).
std::string apt_index_stamp() {
    for (const char* p : {"/var/cache/apt/pkgcache.bin", "/var/lib/apt/lists"}) {
        std::error_code ec;
        auto t = fs::last_write_time(p, ec);
        if (!ec) return std::string(p) + "@" + std::to_string(t.time_since_epoch().count());
    }
    return "";
}

// The unsigned image package and its version that linux-image-amd64 points to now.
std::pair<std::string, std::string> resolve_stock(const fs::path& base) {
    const std::string stamp = apt_index_stamp();
    const fs::path memo = base / "stock.resolved";
    {
        std::ifstream in(memo);
        std::string s, pkg, version;
        if (std::getline(in, s) && std::getline(in, pkg) && std::getline(in, version) && !stamp.empty() &&
            s == stamp)
            return {pkg, version};
    }
    std::string pkg = metapackage_target() + "-unsigned";
    std::string version = package_version(pkg);
    fs::create_directories(base);
    std::ofstream(memo) << stamp << "\n" << pkg << "\n" << version << "\n";
    return {pkg, version};
}

std::string only_subdir(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_directory()) return e.path().filename().string();
    throw Error(dir.string() + ": no kernel module directory");
}

Kernel load_cached(const fs::path& dir, const std::string& name) {
    Kernel k;
    k.name = name;
    k.origin = "distro";
    k.root = dir / "root";
    k.release = only_subdir(k.root / "lib/modules");
    k.image = k.root / "boot" / ("vmlinuz-" + k.release);
    std::ifstream(dir / "package") >> k.package;
    std::ifstream(dir / "image.sha256") >> k.hash;
    if (!fs::exists(k.image) || k.hash.empty())
        throw Error(dir.string() + ": incomplete kernel cache entry; delete it and run again");
    return k;
}

} // namespace

Kernel stock_kernel(const Progress& progress) {
    const fs::path base = cache_dir() / "kernels";
    std::string pkg, version;
    try {
        std::tie(pkg, version) = resolve_stock(base);
    } catch (const Error&) {
        // Offline: the newest kernel already in the cache will do, and says so.
        fs::path newest;
        if (fs::exists(base))
            for (const auto& d : fs::directory_iterator(base))
                if (fs::exists(d.path() / "image.sha256") &&
                    (newest.empty() || fs::last_write_time(d) > fs::last_write_time(newest)))
                    newest = d.path();
        if (newest.empty()) throw;
        if (progress) progress("apt unavailable, using cached " + newest.filename().string());
        return load_cached(newest, "stock");
    }
    const fs::path dir = base / (pkg + "_" + version);
    if (fs::exists(dir / "image.sha256")) return load_cached(dir, "stock");

    if (progress) progress("downloading " + pkg + " " + version + " (about 70 MB, once)");
    fs::path stage = staging_dir_for(dir);
    fs::create_directories(stage);
    check_output({"apt-get", "download", "-q", pkg + "=" + version}, "downloading " + pkg, stage,
                 std::chrono::seconds(900));
    fs::path deb;
    for (const auto& e : fs::directory_iterator(stage))
        if (e.path().extension() == ".deb") deb = e.path();
    if (deb.empty()) throw Error("downloading " + pkg + ": apt-get left no .deb in " + stage.string());
    if (progress) progress("unpacking " + deb.filename().string());
    check_output({"dpkg", "-x", deb.string(), (stage / "root").string()}, "unpacking " + deb.string());
    fs::remove(deb);
    std::string release = only_subdir(stage / "root/lib/modules");
    // dpkg -x runs no postinst: the module index has to be made here.
    check_output({"depmod", "-b", (stage / "root").string(), release}, "indexing modules of " + release);
    std::ofstream(stage / "package") << pkg + "=" + version << "\n";
    std::ofstream(stage / "image.sha256")
        << sha256_file(stage / "root/boot" / ("vmlinuz-" + release)) << "\n";
    publish(stage, dir);
    return load_cached(dir, "stock");
}

Kernel kernel_from_files(const std::string& name, const fs::path& image, const fs::path& root) {
    if (!fs::exists(image)) throw Error(image.string() + ": kernel image not found");
    Kernel k;
    k.name = name;
    k.origin = "file";
    k.image = fs::absolute(image);
    k.root = root;
    if (!root.empty() && fs::exists(root / "lib/modules")) k.release = only_subdir(root / "lib/modules");
    k.hash = sha256_file(image);
    return k;
}

} // namespace bootlab::kernel
