#include "kernel/apt.h"

#include "common/error.h"
#include "process/process.h"

#include <fstream>
#include <sstream>

namespace bootlab::kernel {

namespace fs = std::filesystem;

namespace {
std::string apt_index_stamp() {
    for (const char* p : {"/var/cache/apt/pkgcache.bin", "/var/lib/apt/lists"}) {
        std::error_code ec;
        auto t = fs::last_write_time(p, ec);
        if (!ec) return std::string(p) + "@" + std::to_string(t.time_since_epoch().count());
    }
    return "";
}
} // namespace

std::string apt_memo(const fs::path& memo, const std::function<std::string()>& compute) {
    const std::string stamp = apt_index_stamp();
    {
        std::ifstream in(memo);
        std::string s, value;
        if (std::getline(in, s) && std::getline(in, value) && !stamp.empty() && s == stamp) return value;
    }
    std::string value = compute();
    fs::create_directories(memo.parent_path());
    std::ofstream(memo) << stamp << "\n" << value << "\n";
    return value;
}

std::string apt_candidate_version(const std::string& pkg) {
    std::string out = process::check_output({"apt-cache", "show", "--no-all-versions", pkg},
                                           "looking up " + pkg + " (apt-cache show " + pkg + ")");
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Version: ", 0) == 0) return line.substr(9);
    throw Error("looking up " + pkg + ": apt-cache shows no version (is it in your apt sources?)");
}

fs::path apt_download(const std::string& pkg, const std::string& version, const fs::path& dir) {
    fs::create_directories(dir);
    process::check_output({"apt-get", "download", "-q", pkg + "=" + version}, "downloading " + pkg, dir,
                         std::chrono::seconds(900));
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".deb" && e.path().filename().string().rfind(pkg + "_", 0) == 0)
            return e.path();
    throw Error("downloading " + pkg + ": apt-get left no .deb in " + dir.string());
}

fs::path newest_cached(const fs::path& base, const std::string& marker, const std::string& prefix) {
    fs::path newest;
    if (!fs::exists(base)) return newest;
    for (const auto& d : fs::directory_iterator(base))
        if (d.path().filename().string().rfind(prefix, 0) == 0 && fs::exists(d.path() / marker) &&
            (newest.empty() || fs::last_write_time(d) > fs::last_write_time(newest)))
            newest = d.path();
    return newest;
}

} // namespace bootlab::kernel
