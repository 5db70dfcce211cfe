#include "common/cache.h"

#include "common/error.h"

#include <cstdlib>
#include <unistd.h>

namespace bootlab {

std::filesystem::path cache_dir() {
    if (const char* c = std::getenv("BOOTLAB_CACHE"); c && *c) return c;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
        return std::filesystem::path(x) / "bootlab";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/tmp") / ".cache/bootlab";
}

std::filesystem::path staging_dir_for(const std::filesystem::path& final) {
    std::filesystem::create_directories(final.parent_path());
    auto p = final;
    p += ".tmp-" + std::to_string(::getpid());
    std::filesystem::remove_all(p);
    return p;
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

} // namespace bootlab
