#include "runner/libvirt_backend.h"

#include "common/error.h"
#include "common/pid.h"
#include "common/sha256.h"
#include "runner/libvirt_xml.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

namespace bootlab::runner {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPool = "bootlab";
constexpr const char* kPoolDir = "/var/lib/libvirt/bootlab";

// libvirt prints every error to stderr unless told otherwise; bootlab words its own.
void init_libvirt() {
    static std::once_flag once;
    std::call_once(once, [] {
        virInitialize();
        virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
        // An event loop lets libvirt send keepalives, so a host that vanishes without closing
        // the connection (a crash, a cable) is noticed in seconds, not at TCP's timeout.
        virEventRegisterDefaultImpl();
        std::thread([] {
            for (;;) virEventRunDefaultImpl();
        }).detach();
    });
}

std::string last_error() {
    virErrorPtr e = virGetLastError();
    return e && e->message ? e->message : "unknown libvirt error";
}

std::string version_text(unsigned long v) {
    return std::to_string(v / 1000000) + "." + std::to_string(v / 1000 % 1000) + "." + std::to_string(v % 1000);
}

// Domain and scratch volume names: bootlab-<this machine>-<pid>-<n>, so that a later bootlab on
// this machine can tell leftovers of a dead process from boots of a live one.
std::string name_prefix() {
    std::string h;
    for (char c : hostname()) h += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ? c : '_';
    return "bootlab-" + h + "-";
}
// A name for a domain of this process: bootlab-<this machine>-<pid>-<what>.
std::string domain_name(const std::string& what) { return name_prefix() + std::to_string(::getpid()) + "-" + what; }

bool leftover(const std::string& name) {
    const std::string p = name_prefix();
    if (name.rfind(p, 0) != 0) return false;
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + p.size()));
    return pid_gone(pid);
}

template <class T, int (*Free)(T)> struct Ptr {
    T p = nullptr;
    Ptr() = default;
    explicit Ptr(T x) : p(x) {}
    Ptr(const Ptr&) = delete;
    Ptr& operator=(const Ptr&) = delete;
    ~Ptr() { if (p) Free(p); }
    explicit operator bool() const { return p != nullptr; }
};
using Domain = Ptr<virDomainPtr, virDomainFree>;
using Pool = Ptr<virStoragePoolPtr, virStoragePoolFree>;
using Volume = Ptr<virStorageVolPtr, virStorageVolFree>;
using Stream = Ptr<virStreamPtr, virStreamFree>;

// A raw volume of the pool; allocation 0: sparse.
std::string volume_xml(const std::string& name, std::uint64_t bytes) {
    return "<volume><name>" + name + "</name><capacity unit='bytes'>" + std::to_string(bytes) +
           "</capacity><allocation unit='bytes'>0</allocation><target><format type='raw'/></target></volume>";
}

// Where a volume is on its host's filesystem ("" if libvirt will not say).
std::string volume_path(virStorageVolPtr v) {
    char* p = virStorageVolGetPath(v);
    std::string s = p ? p : "";
    free(p);
    return s;
}

std::string safe_file_name(const fs::path& p) {
    std::string s;
    for (char c : p.filename().string()) s += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
    return s.substr(0, 64);
}

// A domain's serial console, read on a thread of its own (virStreamRecv blocks) into a buffer
// that the boot's loop takes from.
class ConsoleReader {
public:
    explicit ConsoleReader(virStreamPtr st) : st_(st), thread_([this] { run(); }) {}
    ~ConsoleReader() { stop(); }
    // Moves what arrived since the last call to *out; false once the stream has ended.
    bool take(std::string* out) {
        std::lock_guard<std::mutex> lock(mu_);
        out->append(bytes_);
        bytes_.clear();
        return !done_;
    }
    // The domain is gone or destroyed, so its stream ends; in case it does not (a host that
    // stopped answering), it is aborted after 3 s rather than waited for.
    void stop() {
        if (!thread_.joinable()) return;
        for (int i = 0; i < 150; ++i) {
            if (std::lock_guard<std::mutex> lock(mu_); done_) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (std::lock_guard<std::mutex> lock(mu_); !done_) virStreamAbort(st_);
        thread_.join();
    }

private:
    void run() {
        std::vector<char> buf(65536);
        for (;;) {
            int n = virStreamRecv(st_, buf.data(), buf.size());
            std::lock_guard<std::mutex> lock(mu_);
            if (n <= 0) {
                done_ = true;
                return;
            }
            bytes_.append(buf.data(), static_cast<std::size_t>(n));
        }
    }
    virStreamPtr st_;
    std::mutex mu_;
    std::string bytes_;
    bool done_ = false;
    std::thread thread_;
};

} // namespace

struct LibvirtBackend::Impl {
    HostSpec spec;
    std::mutex mu;                         // guards conn, remote, caps
    virConnectPtr conn = nullptr;
    std::string caps;                      // the host's capabilities XML
    std::map<std::string, std::string> remote; // local file -> its volume's path on the host
    std::atomic<int> serial{0};
    std::mutex version_mu;
    std::mutex upload_mu;                  // held while a file is looked up or uploaded
    std::string version;                   // asked once

    ~Impl() {
        if (conn) virConnectClose(conn);
    }

    std::string where() const { return "host " + spec.name + " (" + spec.uri + ")"; }

    // The connection, opened on first use. Throws Error naming the host.
    virConnectPtr connection() {
        std::lock_guard<std::mutex> lock(mu);
        if (conn && virConnectIsAlive(conn) == 1) return conn;
        if (conn) {
            virConnectClose(conn);
            conn = nullptr;
        }
        init_libvirt();
        conn = virConnectOpen(spec.uri.c_str());
        if (!conn) throw Error(where() + ": cannot connect: " + last_error());
        virConnectSetKeepAlive(conn, 5, 3);
        char* c = virConnectGetCapabilities(conn);
        caps = c ? c : "";
        free(c);
        return conn;
    }
    bool alive() {
        std::lock_guard<std::mutex> lock(mu);
        return conn && virConnectIsAlive(conn) == 1;
    }
    // Whether a guest runs under KVM on the host, asked once per connection: libvirt offers kvm
    // domains as soon as /dev/kvm is there, but a nested host's KVM may refuse QEMU's vCPUs or
    // hang every guest, so the probe guest (accel.h) is booted there as a kvm domain.
    KvmVerdict kvm() {
        std::lock_guard<std::mutex> lock(kvm_mu);
        if (verdict) return *verdict;
        try {
            connection();
            std::unique_lock<std::mutex> caps_lock(mu);
            const bool offered = caps.find("<domain type='kvm'") != std::string::npos;
            caps_lock.unlock();
            verdict = offered ? probe_guest()
                              : KvmVerdict{KvmVerdict::Kind::absent, "its libvirt offers no kvm domains"};
        } catch (const Error& e) {
            return {KvmVerdict::Kind::absent, e.what()}; // unreachable: asked again next time
        }
        return *verdict;
    }
    std::mutex kvm_mu;                     // held while the probe runs (it uploads and boots)
    std::optional<KvmVerdict> verdict;     // asked yet?

    KvmVerdict probe_guest() {
        virConnectPtr c = connection();
        const std::string kernel = remote_path(kvm_probe_file());
        const std::string xml =
            "<domain type='kvm'><name>" + domain_name("kvm-probe-" + std::to_string(serial++)) + "</name>"
            "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64' machine='q35'>hvm</type><kernel>" + kernel + "</kernel></os>"
            "<cpu mode='maximum' check='none'/><on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot>"
            "<devices><serial type='pty'><target port='0'/></serial>"
            "<console type='pty'><target type='serial' port='0'/></console></devices></domain>";
        Domain dom(virDomainCreateXML(c, xml.c_str(), VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY));
        if (!dom) return {KvmVerdict::Kind::refused, "libvirt: " + emulator_words(last_error())};
        Stream st(virStreamNew(c, 0));
        if (!st || virDomainOpenConsole(dom.p, nullptr, st.p, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
            const std::string e = last_error();
            virDomainDestroy(dom.p);
            return {KvmVerdict::Kind::refused, "cannot open the probe guest's console: " + e};
        }
        std::string console;
        bool exited = false;
        {
            ConsoleReader reader(st.p);
            if (virDomainResume(dom.p) < 0) {
                const std::string e = last_error();
                virDomainDestroy(dom.p);
                return {KvmVerdict::Kind::refused, "libvirt: " + emulator_words(e)};
            }
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kKvmProbeSeconds);
            while (console.find(kProbeOk) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                const bool open = reader.take(&console);
                int state = 0, reason = 0;
                if (!open || virDomainGetState(dom.p, &state, &reason, 0) < 0 || state == VIR_DOMAIN_SHUTOFF ||
                    state == VIR_DOMAIN_CRASHED) {
                    exited = console.find(kProbeOk) == std::string::npos;
                    break;
                }
            }
            virDomainDestroy(dom.p);
            reader.stop();
            reader.take(&console);
        }
        return judge_probe(console, exited);
    }

    // The pool, defined, built and started if it is not. `refresh`: rescan its directory, to
    // see what another bootlab uploaded meanwhile (needed where uploads are looked up only).
    virStoragePoolPtr pool(bool refresh = false) {
        virConnectPtr c = connection();
        virStoragePoolPtr p = virStoragePoolLookupByName(c, kPool);
        if (!p) {
            const std::string xml = std::string("<pool type='dir'><name>") + kPool + "</name><target><path>" +
                                    kPoolDir + "</path></target></pool>";
            p = virStoragePoolDefineXML(c, xml.c_str(), 0);
            if (!p) throw Error(where() + ": cannot define storage pool '" + kPool + "': " + last_error());
            if (virStoragePoolBuild(p, 0) < 0) {
                const std::string e = last_error();
                virStoragePoolFree(p);
                throw Error(where() + ": cannot build storage pool '" + kPool + "' at " + kPoolDir + ": " + e);
            }
            virStoragePoolSetAutostart(p, 1);
        }
        int active = virStoragePoolIsActive(p);
        if (active == 0 && virStoragePoolCreate(p, 0) < 0) {
            const std::string e = last_error();
            virStoragePoolFree(p);
            throw Error(where() + ": cannot start storage pool '" + kPool + "': " + e);
        }
        if (refresh) virStoragePoolRefresh(p, 0);
        return p;
    }

    // Destroys domains and deletes scratch volumes that a dead bootlab on this machine left.
    void sweep(virStoragePoolPtr p) {
        virConnectPtr c = connection();
        virDomainPtr* doms = nullptr;
        int n = virConnectListAllDomains(c, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
        for (int i = 0; i < n; ++i) {
            if (leftover(virDomainGetName(doms[i]))) virDomainDestroy(doms[i]);
            virDomainFree(doms[i]);
        }
        free(doms);
        virStorageVolPtr* vols = nullptr;
        n = virStoragePoolListAllVolumes(p, &vols, 0);
        for (int i = 0; i < n; ++i) {
            if (leftover(virStorageVolGetName(vols[i]))) virStorageVolDelete(vols[i], 0);
            virStorageVolFree(vols[i]);
        }
        free(vols);
    }

    // The file's copy on the host, uploaded if it is not there yet. Returns the bytes sent.
    std::uint64_t upload(virStoragePoolPtr p, const Artifact& a, std::string* remote_path) {
        const std::string hash = a.hash.empty() ? sha256_file(a.path) : a.hash;
        const std::string name = hash.substr(0, 32) + "-" + safe_file_name(a.path);
        const std::string done_name = name + ".done"; // made last: the copy is complete
        const std::uint64_t size = fs::file_size(a.path);
        Volume done(virStorageVolLookupByName(p, done_name.c_str()));
        Volume vol(virStorageVolLookupByName(p, name.c_str()));
        if (done && vol) {
            *remote_path = volume_path(vol.p);
            return 0;
        }
        if (vol) virStorageVolDelete(vol.p, 0); // an upload that never finished
        Volume fresh(virStorageVolCreateXML(p, volume_xml(name, size).c_str(), 0));
        if (!fresh) throw Error(where() + ": cannot create volume " + name + ": " + last_error());
        Stream st(virStreamNew(connection(), 0));
        bool ok = st && virStorageVolUpload(fresh.p, st.p, 0, size, 0) == 0;
        std::ifstream in(a.path, std::ios::binary);
        std::vector<char> buf(1 << 20);
        std::uint64_t sent = 0;
        while (ok && sent < size) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            std::size_t got = static_cast<std::size_t>(in.gcount()), off = 0;
            if (got == 0) ok = false;
            while (ok && off < got) {
                int n = virStreamSend(st.p, buf.data() + off, got - off);
                if (n < 0) ok = false;
                else off += static_cast<std::size_t>(n);
            }
            sent += off;
        }
        if (ok) ok = virStreamFinish(st.p) == 0;
        if (!ok) {
            const std::string e = last_error();
            if (st) virStreamAbort(st.p);
            virStorageVolDelete(fresh.p, 0);
            throw Error(where() + ": uploading " + a.path.string() + " failed: " + e);
        }
        Volume marker(virStorageVolCreateXML(p, volume_xml(done_name, 0).c_str(), 0));
        *remote_path = volume_path(fresh.p);
        return size;
    }

    std::string remote_path(const fs::path& local) {
        std::lock_guard<std::mutex> one_upload(upload_mu); // two slots never upload one file twice
        {
            std::lock_guard<std::mutex> lock(mu);
            if (auto it = remote.find(local.string()); it != remote.end()) return it->second;
        }
        Pool p(pool(true));
        std::string path;
        upload(p.p, {local, ""}, &path);
        std::lock_guard<std::mutex> lock(mu);
        return remote[local.string()] = path;
    }
};

LibvirtBackend::LibvirtBackend(HostSpec host) : impl_(std::make_unique<Impl>()) { impl_->spec = std::move(host); }
LibvirtBackend::~LibvirtBackend() = default;

std::string LibvirtBackend::host() const { return impl_->spec.name; }

std::string LibvirtBackend::version() {
    std::lock_guard<std::mutex> lock(impl_->version_mu);
    if (!impl_->version.empty()) return impl_->version;
    try {
        virConnectPtr c = impl_->connection();
        unsigned long hv = 0, lib = 0;
        virConnectGetVersion(c, &hv);
        virConnectGetLibVersion(c, &lib);
        return impl_->version = "QEMU " + version_text(hv) + " (libvirt " + version_text(lib) + ")";
    } catch (const Error&) {
        return "";
    }
}

HostReport LibvirtBackend::probe() {
    HostReport h;
    try {
        virConnectPtr c = impl_->connection();
        h.reachable = true;
        if (char* n = virConnectGetHostname(c)) {
            h.hostname = n;
            free(n);
        }
        unsigned long hv = 0, lib = 0;
        if (virConnectGetVersion(c, &hv) == 0) h.emulator_version = "QEMU " + version_text(hv);
        if (virConnectGetLibVersion(c, &lib) == 0) h.libvirt_version = version_text(lib);
        virNodeInfo info{};
        if (virNodeGetInfo(c, &info) == 0) {
            h.cpus = static_cast<int>(info.cpus);
            h.memory_mb = static_cast<std::int64_t>(info.memory / 1024);
        }
        h.kvm = impl_->kvm();
        virDomainPtr* doms = nullptr;
        int n = virConnectListAllDomains(c, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
        for (int i = 0; i < n; ++i) {
            h.running += std::string(virDomainGetName(doms[i])).rfind("bootlab-", 0) == 0;
            virDomainFree(doms[i]);
        }
        free(doms);
    } catch (const Error& e) {
        h.error = e.what();
    }
    return h;
}

KvmVerdict LibvirtBackend::kvm() { return impl_->kvm(); }

void LibvirtBackend::distrust_kvm(const std::string& why) {
    std::lock_guard<std::mutex> lock(impl_->kvm_mu);
    impl_->verdict = KvmVerdict{KvmVerdict::Kind::hangs, why};
}

void LibvirtBackend::check_machine(const std::vector<DeviceSpec>& devices) {
    virConnectPtr c = impl_->connection();
    const char* type = impl_->kvm().usable() ? "kvm" : "qemu";
    char* x = virConnectGetDomainCapabilities(c, nullptr, "x86_64", "q35", type, 0);
    if (!x) throw Error(impl_->where() + ": cannot run x86_64 q35 guests: " + last_error());
    const std::string caps = x;
    free(x);
    const auto disk = caps.find("<disk supported='yes'>");
    const std::string disks = disk == std::string::npos ? "" : caps.substr(disk, caps.find("</disk>", disk) - disk);
    const Machine m = describe_machine(devices);
    for (const auto& comp : m.components) {
        const char* bus = comp.attach == Attach::sata ? "sata" : comp.attach == Attach::scsi ? "scsi"
                        : comp.attach == Attach::virtio_blk ? "virtio" : nullptr;
        if (bus && disks.find(std::string("<value>") + bus + "</value>") == std::string::npos)
            throw Error("hardware '" + comp.kind + "' cannot run on " + impl_->where() + ": its libvirt offers no '" +
                        bus + "' disks");
    }
    // The host's libvirt itself judges the machine: the domain is defined (validated against
    // its schema and its QEMU driver's rules) and undefined again, before any boot starts.
    BootRequest probe;
    probe.hardware = devices;
    DomainSpec d;
    d.name = domain_name("check-" + std::to_string(impl_->serial++));
    d.type = type;
    d.kernel = d.initrd = std::string(kPoolDir) + "/none";
    for (const auto& comp : m.components)
        for (const auto& id : comp.disks) d.disks[id] = std::string(kPoolDir) + "/" + id + ".img";
    Domain dom(virDomainDefineXMLFlags(c, domain_xml(probe, d).c_str(), VIR_DOMAIN_DEFINE_VALIDATE));
    if (!dom) {
        std::string what;
        for (const auto& dev : devices) what += (what.empty() ? "" : " ") + to_string(dev);
        throw Error("hardware [" + what + "] cannot run on " + impl_->where() + ": libvirt says: " + last_error());
    }
    virDomainUndefine(dom.p);
}

std::uint64_t LibvirtBackend::prepare(const std::vector<Artifact>& files,
                                      const std::function<void(const std::string&)>& say) {
    Pool p(impl_->pool(true));
    impl_->sweep(p.p);
    std::uint64_t bytes = 0;
    for (const auto& f : files) {
        std::string path;
        std::lock_guard<std::mutex> one_upload(impl_->upload_mu);
        const std::uint64_t sent = impl_->upload(p.p, f, &path);
        if (sent && say) say(impl_->where() + ": uploaded " + f.path.filename().string() + " (" +
                             std::to_string(sent >> 10) + " KiB)");
        bytes += sent;
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->remote[f.path.string()] = path;
    }
    return bytes;
}

BootOutcome LibvirtBackend::boot(const BootRequest& r, const std::atomic<bool>& cancel, const BootCallbacks& cb) {
    BootOutcome o;
    o.start.backend = name();
    o.start.host = host();
    auto host_failed = [&](const std::string& what) {
        classify_ending(&o, Ending::host_failed, "host " + host() + " failed: " + what, r.timeout);
        return o;
    };
    virConnectPtr c;
    DomainSpec d;
    try {
        c = impl_->connection();
        d.name = domain_name(std::to_string(impl_->serial++));
        const bool use_kvm = boots_under_kvm(r, impl_->kvm());
        o.accel = use_kvm ? "kvm" : "tcg";
        d.type = use_kvm ? "kvm" : "qemu";
        d.kernel = impl_->remote_path(r.kernel.image);
        d.initrd = impl_->remote_path(r.initrd.path);
        o.start.emulator = version();
    } catch (const Error& e) {
        return host_failed(e.what());
    }
    // Blank disks: fresh sparse volumes, deleted whatever happens to the boot.
    std::vector<std::string> scratch;
    struct Cleanup {
        std::vector<std::string>& names;
        LibvirtBackend::Impl& impl;
        ~Cleanup() {
            if (names.empty() || !impl.alive()) return;
            try {
                Pool p(impl.pool());
                for (const auto& n : names)
                    if (Volume v(virStorageVolLookupByName(p.p, n.c_str())); v) virStorageVolDelete(v.p, 0);
            } catch (const Error&) {
            }
        }
    } cleanup{scratch, *impl_};
    try {
        Pool p(impl_->pool());
        for (const auto& comp : describe_machine(r.hardware).components)
            for (const auto& disk : comp.disks) {
                const std::string n = d.name + "-" + disk + ".img";
                Volume v(virStorageVolCreateXML(p.p, volume_xml(n, kDiskBytes).c_str(), 0));
                if (!v) throw Error("cannot create disk volume " + n + ": " + last_error());
                scratch.push_back(n);
                d.disks[disk] = volume_path(v.p);
            }
        o.start.domain_xml = domain_xml(r, d);
    } catch (const Error& e) {
        return host_failed(e.what());
    }
    if (cb.started) cb.started(o.start);

    const auto t0 = std::chrono::steady_clock::now();
    // Paused until the console is attached: the first bytes the kernel prints are not lost. If
    // bootlab dies, its connection closes and libvirt destroys the domain (AUTODESTROY).
    Domain dom(virDomainCreateXML(c, o.start.domain_xml.c_str(), VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY));
    if (!dom) return host_failed("cannot create the domain: " + last_error());
    Stream st(virStreamNew(c, 0));
    if (!st || virDomainOpenConsole(dom.p, nullptr, st.p, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
        const std::string e = last_error();
        virDomainDestroy(dom.p);
        return host_failed("cannot open the serial console: " + e);
    }
    ConsoleReader reader(st.p);
    if (virDomainResume(dom.p) < 0) {
        const std::string e = last_error();
        virDomainDestroy(dom.p);
        reader.stop();
        return host_failed("cannot start the domain: " + e);
    }

    // The boot's wall time runs from here, when the guest starts executing, to its poweroff:
    // what libvirt spends setting the domain up and tearing it down is not the boot's.
    const auto t_run = std::chrono::steady_clock::now();
    const auto deadline = t0 + r.timeout;
    Ending how = Ending::exited;
    std::string detail;
    ConsoleLog console;
    model::HostMarkTracker marks;
    ConsoleWatch watch(stall_rule_for(r), t_run);
    auto since_run = [t_run](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::microseconds>(t - t_run).count();
    };
    bool gone = false, reader_done = false;
    std::optional<std::chrono::steady_clock::time_point> powered_off;
    auto last_check = t0, last_byte = t0;
    std::string bytes;
    while (!gone) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const auto now = std::chrono::steady_clock::now();
        reader_done = !reader.take(&bytes);
        if (!bytes.empty()) {
            marks.feed(bytes, since_run(now));
            console.append(bytes);
            watch.feed(bytes, now);
            if (cb.console) cb.console(bytes);
            bytes.clear();
            last_byte = now;
        }
        std::optional<std::string> stalled;
        if (cancel) how = Ending::cancelled;
        else if (now > deadline && !powered_off) how = Ending::timeout, detail = "domain destroyed";
        else if (!powered_off && (stalled = watch.stalled(now))) how = Ending::stalled, detail = *stalled + "; domain destroyed";
        if (how != Ending::exited) {
            virDomainDestroy(dom.p);
            break;
        }
        // A guest that powered off is done once its last console bytes are in: libvirt's own
        // teardown of the stopped QEMU takes a second or two that no boot needs to wait for.
        if (powered_off && now - last_byte > std::chrono::milliseconds(200)) {
            virDomainDestroy(dom.p);
            break;
        }
        // Has the guest powered off? Asked every 100 ms, or at once when the console closed.
        if (!reader_done && now - last_check < std::chrono::milliseconds(100)) continue;
        last_check = now;
        int state = 0, reason = 0;
        if (virDomainGetState(dom.p, &state, &reason, 0) < 0) {
            const std::string why = last_error(); // (every libvirt call resets it, alive() too)
            if (!impl_->alive()) {
                how = Ending::host_failed;
                detail = "host " + host() + " failed: connection lost during the boot (" + why + ")";
            }
            gone = true; // a transient domain that has shut down is gone
        } else if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED) {
            gone = true;
        } else if (!powered_off && (state == VIR_DOMAIN_SHUTDOWN ||
                                    (state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_SHUTTING_DOWN))) {
            powered_off = now;
        }
    }
    const auto t_end = powered_off.value_or(std::chrono::steady_clock::now());
    reader.stop();
    reader.take(&bytes);
    marks.feed(bytes, since_run(std::chrono::steady_clock::now()));
    console.append(bytes);
    watch.feed(bytes);
    if (cb.console && !bytes.empty()) cb.console(bytes);
    o.log = console.str();
    o.wall_us = since_run(t_end);
    o.host_marks = marks.finish(o.wall_us);
    o.kernel_started = watch.kernel_started();
    classify_ending(&o, how, detail, r.timeout);
    return o;
}

} // namespace bootlab::runner
