#pragma once
// Where boots run. Without any host configured, boots run here: QEMU as a child of bootlab.
// A lab that outgrows one machine lists libvirt hosts, each with its number of slots:
//
//   [hosts]
//   local = { uri = "qemu:///system", jobs = 2 }
//   rack1 = { uri = "qemu+ssh://lab@rack1/system", jobs = 8 }
//   here  = { jobs = 2 }                 # no uri: QEMU started directly on this machine
//
// in an experiment file, in a hosts file (`--hosts FILE`, and the lab's own list at
// default_hosts_file(), which `bootlab hosts` and the GUI offer), or as `--host URI|NAME`.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace bootlab::runner {

struct HostSpec {
    std::string name;  // as runs record it
    std::string uri;   // libvirt connection URI; empty: QEMU directly on this machine
    int jobs = 1;      // boots at once on this host
};

// $BOOTLAB_HOSTS, else $XDG_CONFIG_HOME/bootlab/hosts.toml, else ~/.config/bootlab/hosts.toml.
std::filesystem::path default_hosts_file();

// A file with a [hosts] table. Errors are FILE:LINE: what is wrong.
std::vector<HostSpec> load_hosts(const std::filesystem::path& file);
// The default hosts file's hosts, or none if it does not exist.
std::vector<HostSpec> configured_hosts();

// `--host X`: the name of a configured host, or a libvirt URI (named after its server part:
// qemu+tcp://10.0.0.2/system -> "10.0.0.2"; qemu:///system -> "localhost"), or "qemu" for this
// machine without libvirt. Throws Error for anything else.
HostSpec host_from_arg(const std::string& arg, const std::vector<HostSpec>& configured, int jobs);

// A URI goes to libvirt as given: no shell ever sees it, but a space or a quote in one is a
// mistake, and a control character would garble every message that prints it. This is the
// check both the files and --host make.
bool plausible_uri(const std::string& uri);

// The one host a run uses when none is configured: QEMU here, `jobs` at once.
HostSpec local_host(int jobs);

class Backend;
// The backend that boots on a host: QEMU directly, or libvirt at its URI.
std::unique_ptr<Backend> make_backend(const HostSpec& host);

} // namespace bootlab::runner
