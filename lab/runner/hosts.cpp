#include "runner/hosts.h"

#include "common/error.h"
#include "runner/backend.h"
#include "runner/libvirt_backend.h"
#include "runner/qemu_backend.h"

#include <cstdlib>

namespace bootlab::runner {

namespace fs = std::filesystem;

fs::path default_hosts_file() {
    if (const char* p = std::getenv("BOOTLAB_HOSTS"); p && *p) return p;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return fs::path(x) / "bootlab" / "hosts.toml";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/") / ".config" / "bootlab" / "hosts.toml";
}

std::vector<HostSpec> configured_hosts() {
    const fs::path f = default_hosts_file();
    std::error_code ec;
    if (!fs::exists(f, ec)) return {};
    return load_hosts(f);
}

bool plausible_uri(const std::string& uri) {
    const auto scheme = uri.find("://");
    if (scheme == std::string::npos || scheme == 0 || uri.size() > 512) return false;
    for (char c : uri)
        if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\\' || c == 0x7f) return false;
    return true;
}

HostSpec local_host(int jobs) { return {hostname(), "", std::max(1, jobs)}; }

std::unique_ptr<Backend> make_backend(const HostSpec& host) {
    if (host.uri.empty()) return std::make_unique<QemuBackend>();
    return std::make_unique<LibvirtBackend>(host);
}

HostSpec host_from_arg(const std::string& arg, const std::vector<HostSpec>& configured, int jobs) {
    for (const auto& h : configured)
        if (h.name == arg) return h;
    if (arg == "qemu") return local_host(jobs);
    const auto scheme = arg.find("://");
    if (scheme == std::string::npos || scheme == 0) {
        std::string names;
        for (const auto& h : configured) names += (names.empty() ? "" : ", ") + h.name;
        throw Error("host '" + arg + "': neither a libvirt URI (qemu+ssh://user@host/system) nor a host of " +
                    default_hosts_file().string() + (names.empty() ? " (none configured)" : " (" + names + ")"));
    }
    if (!plausible_uri(arg)) throw Error("host '" + arg + "': not a URI");
    // the server part names the host: [user@]server[:port]
    std::string server = arg.substr(scheme + 3);
    server = server.substr(0, server.find('/'));
    if (auto at = server.rfind('@'); at != std::string::npos) server = server.substr(at + 1);
    if (server.empty()) server = hostname(); // qemu:///system: this machine, through libvirt
    return {server, arg, std::max(1, jobs)};
}

} // namespace bootlab::runner
