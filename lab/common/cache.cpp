#include "common/cache.h"

#include "common/error.h"
#include "common/pid.h"

#include <cstdint>
#include <cstdlib>
#include <sys/statvfs.h>
#include <unistd.h>

namespace bootlab {

std::filesystem::path cache_dir() {
    if (const char* c = std::getenv("BOOTLAB_CACHE"); c && *c) return c;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
        return std::filesystem::path(x) / "bootlab";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/tmp") / ".cache/bootlab";
}

void remove_leftovers(const std::filesystem::path& dir, const std::string& prefix) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(prefix, 0) == 0 && pid_gone(static_cast<pid_t>(std::atol(name.c_str() + prefix.size()))))
            std::filesystem::remove_all(e.path(), ec);
    }
}

std::filesystem::path staging_dir_for(const std::filesystem::path& final) {
    std::filesystem::create_directories(final.parent_path());
    // Staging (and replaced) directories of killed processes never become entries: remove them.
    remove_leftovers(final.parent_path(), final.filename().string() + ".tmp-");
    remove_leftovers(final.parent_path(), final.filename().string() + ".old-");
    auto p = final;
    p += ".tmp-" + std::to_string(::getpid());
    std::filesystem::remove_all(p);
    return p;
}

void fill_cache_entry(const std::filesystem::path& staging, const std::string& what,
                      const std::function<void()>& fill) {
    try {
        fill();
    } catch (const std::exception& e) {
        std::error_code ec;
        std::filesystem::remove_all(staging, ec);
        const std::string msg = e.what();
        struct statvfs fs {};
        const bool full = msg.find("No space left") != std::string::npos ||
                          (::statvfs(staging.parent_path().c_str(), &fs) == 0 &&
                           static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < (16u << 20));
        if (full)
            throw Error(cache_dir().string() + ": no space left on the device while " + what +
                        ": free space, or point BOOTLAB_CACHE at a bigger disk (nothing half made was kept)");
        throw;
    }
}

void publish(const std::filesystem::path& staging, const std::filesystem::path& final) {
    std::error_code ec;
    std::filesystem::rename(staging, final, ec);
    if (ec) {
        if (std::filesystem::exists(final)) { // a concurrent run published the same entry
            std::filesystem::remove_all(staging);
            return;
        }
        throw Error(final.string() + ": cannot publish cache entry: " + ec.message());
    }
}

void replace(const std::filesystem::path& staging, const std::filesystem::path& final) {
    std::error_code ec;
    auto old = final;
    old += ".old-" + std::to_string(::getpid());
    std::filesystem::rename(final, old, ec); // absent is fine: nothing to replace
    publish(staging, final);
    std::filesystem::remove_all(old, ec);
}

} // namespace bootlab
