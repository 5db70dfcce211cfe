#include "kernel/kernel.h"

#include "common/cache.h"
#include "common/error.h"
#include "common/sha256.h"
#include "kernel/apt.h"
#include "process/process.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace bootlab::kernel {
namespace {

namespace fs = std::filesystem;
using process::check_output;

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

// The unsigned image package linux-image-amd64 points to now, as "package=version".
std::string resolve_stock(const fs::path& base) {
    return apt_memo(base / "stock.apt", [] {
        std::string pkg = metapackage_target() + "-unsigned";
        return pkg + "=" + apt_candidate_version(pkg);
    });
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
    std::string resolved;
    try {
        resolved = resolve_stock(base);
    } catch (const Error&) {
        // Offline: the newest kernel already in the cache will do, and says so.
        fs::path newest = newest_cached(base, "image.sha256", "linux-image-");
        if (newest.empty()) throw;
        if (progress) progress("apt unavailable, using cached " + newest.filename().string());
        return load_cached(newest, "stock");
    }
    const auto eq = resolved.find('=');
    const std::string pkg = resolved.substr(0, eq), version = resolved.substr(eq + 1);
    const fs::path dir = base / (pkg + "_" + version);
    if (fs::exists(dir / "image.sha256")) return load_cached(dir, "stock");

    if (progress) progress("downloading " + pkg + " " + version + " (about 70 MB, once)");
    fs::path stage = staging_dir_for(dir);
    fill_cache_entry(stage, "fetching " + pkg + " (about 70 MB, 400 MB unpacked)", [&] {
        fs::path deb = apt_download(pkg, version, stage);
        if (progress) progress("unpacking " + deb.filename().string());
        check_output({"dpkg", "-x", deb.string(), (stage / "root").string()}, "unpacking " + deb.string());
        fs::remove(deb);
        std::string release = only_subdir(stage / "root/lib/modules");
        // dpkg -x runs no postinst: the module index has to be made here.
        check_output({"depmod", "-b", (stage / "root").string(), release}, "indexing modules of " + release);
        std::ofstream(stage / "package") << resolved << "\n";
        std::ofstream image_hash(stage / "image.sha256");
        image_hash << sha256_file(stage / "root/boot" / ("vmlinuz-" + release)) << "\n";
        if (!image_hash.flush()) throw Error((stage / "image.sha256").string() + ": cannot write: No space left?");
    });
    publish(stage, dir);
    return load_cached(dir, "stock");
}

std::string kernel_image_problem(const fs::path& image) {
    std::error_code ec;
    if (!fs::exists(image, ec)) return "kernel image not found";
    if (!fs::is_regular_file(image, ec)) return "not a kernel image (not a regular file)";
    std::ifstream in(image, std::ios::binary);
    char head[0x206] = {};
    in.read(head, sizeof head);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got >= 4 && std::memcmp(head, "\x7f" "ELF", 4) == 0) return {};
    if (got == sizeof head && std::memcmp(head + 0x202, "HdrS", 4) == 0) return {};
    return "not a kernel image (no bzImage header, not ELF)";
}

Kernel kernel_from_files(const std::string& name, const fs::path& image, const fs::path& root) {
    if (std::string problem = kernel_image_problem(image); !problem.empty())
        throw Error(image.string() + ": " + problem);
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
