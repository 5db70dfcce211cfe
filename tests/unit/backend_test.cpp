// The backend seam without booting: one outcome classification for every backend, the libvirt
// domain XML of every hardware profile (valid by libvirt's own schema and parser, and the same
// machine as the QEMU argv, counted from the argv), and hosts as files and arguments spell them.
#include "common/error.h"
#include "process/process.h"
#include "runner/experiment.h"
#include "runner/libvirt_xml.h"
#include "runner/qemu_backend.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <cstring>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>
#include <regex>
#include <set>

using namespace bootlab;
using namespace bootlab::runner;

namespace {

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

BootRequest request(const std::vector<std::string>& devices, bool deterministic = false) {
    BootRequest r;
    r.kernel.image = "/k/vmlinuz";
    r.initrd.path = "/k/initrd.cpio.gz";
    for (const auto& d : devices) r.hardware.push_back(parse_device(d));
    r.flags.deterministic = deterministic;
    return r;
}

DomainSpec domain_for(const BootRequest& r, const std::string& dir = "/pool") {
    DomainSpec d;
    d.name = "bootlab-test-1-0";
    d.kernel = dir + "/vmlinuz";
    d.initrd = dir + "/initrd";
    for (const auto& c : describe_machine(r.hardware).components)
        for (const auto& disk : c.disks) d.disks[disk] = dir + "/" + disk + ".img";
    return d;
}

const std::vector<std::string> kEveryProfile = {"ahci:2", "lsi:2", "megasas:1", "virtio-scsi:2", "virtio-blk:2",
                                                "e1000", "virtio-net", "slowprobe:2"};

} // namespace

TEST(Outcome, OneClassificationForEveryBackend) {
    BootOutcome o;
    o.log = "...\nBOOTLAB: poweroff\n";
    classify_ending(&o, Ending::exited, "QEMU exited with 0", std::chrono::seconds(10));
    EXPECT_EQ(o.status, model::RunStatus::Ok);
    BootOutcome panic;
    panic.log = "Kernel panic - not syncing: VFS";
    classify_ending(&panic, Ending::exited, "", std::chrono::seconds(10));
    EXPECT_EQ(panic.status, model::RunStatus::Ok) << "a panic is the parser's to find in the log";
    BootOutcome silent;
    silent.log = "Linux version 6.1\n";
    classify_ending(&silent, Ending::exited, "", std::chrono::seconds(10));
    EXPECT_EQ(silent.status, model::RunStatus::Error);
    EXPECT_NE(silent.error.find("without powering off"), std::string::npos);
    BootOutcome crashed;
    crashed.log = "last words";
    classify_ending(&crashed, Ending::exited, "QEMU exited with 1", std::chrono::seconds(10), true);
    EXPECT_EQ(crashed.status, model::RunStatus::Error);
    EXPECT_EQ(crashed.error, "QEMU exited with 1: last words");
    BootOutcome late;
    classify_ending(&late, Ending::timeout, "domain destroyed", std::chrono::seconds(42));
    EXPECT_EQ(late.status, model::RunStatus::Timeout);
    EXPECT_EQ(late.error, "no poweroff within 42 s; domain destroyed");
    BootOutcome stopped;
    classify_ending(&stopped, Ending::cancelled, "", std::chrono::seconds(1));
    EXPECT_EQ(stopped.status, model::RunStatus::Cancelled);
    BootOutcome gone;
    classify_ending(&gone, Ending::host_failed, "host rack1 failed: connection lost", std::chrono::seconds(1));
    EXPECT_EQ(gone.status, model::RunStatus::Error);
    EXPECT_TRUE(gone.host_failed);
    EXPECT_FALSE(late.host_failed);
}

TEST(LibvirtXml, EveryProfileIsValidLibvirtXml) {
    if (process::find_program("virt-xml-validate").empty()) GTEST_SKIP() << "virt-xml-validate (libvirt-clients) missing";
    test::TempDir dir;
    for (bool det : {false, true}) {
        const BootRequest r = request(kEveryProfile, det);
        std::ofstream(dir / "d.xml") << domain_xml(r, domain_for(r));
        auto res = process::run_command({"virt-xml-validate", (dir / "d.xml").string(), "domain"});
        EXPECT_EQ(res.exit_code, 0) << res.output;
    }
}

TEST(LibvirtXml, LibvirtParsesIt) { // libvirt's own parser, through its test driver (no QEMU)
    virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
    virConnectPtr c = virConnectOpen("test:///default");
    ASSERT_NE(c, nullptr);
    const BootRequest r = request(kEveryProfile);
    virDomainPtr d = virDomainDefineXML(c, domain_xml(r, domain_for(r)).c_str());
    EXPECT_NE(d, nullptr) << virGetLastErrorMessage();
    if (d) {
        char* back = virDomainGetXMLDesc(d, 0);
        ASSERT_NE(back, nullptr);
        const std::string x = back;
        free(back);
        EXPECT_EQ(count(x, "<disk type='file' device='disk'>"), 9u); // 2+2+1+2+2
        EXPECT_NE(x.find("model='lsilogic'"), std::string::npos);
        EXPECT_NE(x.find("model='lsisas1078'"), std::string::npos);
        virDomainUndefine(d);
        virDomainFree(d);
    }
    virConnectClose(c);
}

// The guest must see the machine the QEMU backend gives it. Counted from the QEMU argv: its
// disks (-drive), controllers and NICs, PCI devices (one slot each, plus the default VGA),
// restricted user networking per NIC, the kernel command line, and -icount when deterministic.
TEST(LibvirtXml, SameMachineAsTheQemuArgv) {
    test::TempDir dir;
    for (const auto& devices : std::vector<std::vector<std::string>>{
             kEveryProfile, {"ahci:1", "lsi:1", "e1000"}, {"e1000", "virtio-blk:3", "lsi:2", "e1000"}}) {
        for (bool det : {false, true}) {
            const BootRequest r = request(devices, det);
            const auto argv = qemu_argv(r, dir.path, false);
            const std::string xml = domain_xml(r, domain_for(r));
            std::size_t drives = 0, pci = 1 /* VGA */, nics = 0, restricted = 0;
            std::string append;
            for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
                const std::string& a = argv[i];
                const std::string& v = argv[i + 1];
                if (a == "-drive") ++drives;
                if (a == "-append") append = v;
                if (a == "-netdev") restricted += v.find("restrict=on") != std::string::npos;
                if (a != "-device") continue;
                const std::string dev = v.substr(0, v.find(','));
                if (dev != "ide-hd" && dev != "scsi-hd") ++pci;
                if (dev == "e1000" || dev == "virtio-net-pci") ++nics;
            }
            const std::string what = devices.front() + "... det=" + std::to_string(det);
            EXPECT_EQ(count(xml, "<disk "), drives) << what;
            EXPECT_EQ(count(xml, "restrict=on"), nics) << what;
            EXPECT_EQ(restricted, nics) << what;
            // every PCI device in its own slot on the root bus, slots 1..N without a gap
            std::set<int> slots;
            std::regex slot_re("slot='0x([0-9a-f]+)'|addr=0x([0-9a-f]+)");
            for (auto it = std::sregex_iterator(xml.begin(), xml.end(), slot_re); it != std::sregex_iterator(); ++it)
                EXPECT_TRUE(slots.insert(std::stoi((*it)[1].matched ? (*it)[1].str() : (*it)[2].str(), nullptr, 16)).second)
                    << what << ": slot used twice";
            EXPECT_EQ(slots.size(), pci) << what;
            EXPECT_EQ(slots.empty() ? 0 : *slots.rbegin(), static_cast<int>(pci)) << what;
            std::string cmdline = xml.substr(xml.find("<cmdline>") + 9);
            cmdline = std::regex_replace(cmdline.substr(0, cmdline.find("</cmdline>")), std::regex("&quot;"), "\"");
            EXPECT_EQ(cmdline, append) << what;
            EXPECT_EQ(count(xml, "-icount"), det ? 1u : 0u) << what;
            EXPECT_NE(xml.find("<vcpu>" + std::string(det ? "1" : "2") + "</vcpu>"), std::string::npos) << what;
        }
    }
}

TEST(LibvirtXml, FilePathsAreEscaped) {
    const BootRequest r = request({"ahci:1"});
    const std::string xml = domain_xml(r, domain_for(r, "/tmp/a'b<c&d"));
    EXPECT_EQ(xml.find("a'b<c"), std::string::npos);
    EXPECT_NE(xml.find("/tmp/a&#39;b&lt;c&amp;d/vmlinuz"), std::string::npos);
}

TEST(Hosts, ExperimentFileHostsAndTheirMistakes) {
    auto spec = parse_experiment("[hardware]\nm = [\"ahci:1\"]\n[hosts]\nrack1 = { uri = \"qemu+ssh://lab@rack1/system\", jobs = 8 }\n"
                                 "here = { jobs = 2 }\n", "h.toml");
    ASSERT_EQ(spec.hosts.size(), 2u); // (TOML tables have no order: listed by name)
    EXPECT_EQ(spec.hosts[0].name, "here");
    EXPECT_EQ(spec.hosts[0].uri, "") << "no uri: QEMU directly on this machine";
    EXPECT_EQ(spec.hosts[0].jobs, 2);
    EXPECT_EQ(spec.hosts[1].name, "rack1");
    EXPECT_EQ(spec.hosts[1].uri, "qemu+ssh://lab@rack1/system");
    EXPECT_EQ(spec.hosts[1].jobs, 8);
    // the spec written back keeps them
    EXPECT_EQ(parse_experiment(to_toml(spec), "back.toml").hosts.size(), 2u);
    auto error_of = [](const std::string& text) {
        try {
            parse_experiment("[hardware]\nm = [\"ahci:1\"]\n" + text, "h.toml");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(error_of("[hosts]\nr = { uri = \"rack1\" }\n"),
              "h.toml:4: host 'r': 'rack1' is not a libvirt URI (e.g. qemu+ssh://user@host/system)");
    EXPECT_EQ(error_of("[hosts]\nr = { uri = \"qemu:///system\", jobs = 0 }\n"), "h.toml:4: host 'r' jobs must be between 1 and 256");
    EXPECT_EQ(error_of("[hosts]\nr = { url = \"qemu:///system\" }\n"), "h.toml:4: unknown key 'url' in host 'r' (known: uri, jobs)");
    EXPECT_EQ(error_of("[hosts]\n"), "h.toml:3: [hosts] lists no host");
}

TEST(Hosts, CommandLineArguments) {
    const std::vector<HostSpec> configured = {{"rack1", "qemu+ssh://lab@rack1/system", 8}};
    EXPECT_EQ(host_from_arg("rack1", configured, 1).uri, "qemu+ssh://lab@rack1/system");
    EXPECT_EQ(host_from_arg("rack1", configured, 1).jobs, 8);
    HostSpec h = host_from_arg("qemu+tcp://10.0.0.2:16509/system", configured, 3);
    EXPECT_EQ(h.name, "10.0.0.2:16509");
    EXPECT_EQ(h.jobs, 3);
    EXPECT_EQ(host_from_arg("qemu+ssh://lab@rack2/system", configured, 1).name, "rack2");
    EXPECT_EQ(host_from_arg("qemu", configured, 2).uri, "");
    EXPECT_THROW(host_from_arg("rack9", configured, 1), Error);
    EXPECT_THROW(host_from_arg("qemu+tcp://a b/system", configured, 1), Error);
    test::TempDir dir;
    std::ofstream(dir / "hosts.toml") << "# the lab\n[hosts]\na = { uri = \"qemu:///system\" }\n";
    EXPECT_EQ(load_hosts(dir / "hosts.toml").at(0).name, "a");
    std::ofstream(dir / "bad.toml") << "[machine]\nsmp = 2\n";
    try {
        load_hosts(dir / "bad.toml");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.toml:1: unknown key 'machine' in the hosts file"), std::string::npos) << e.what();
    }
}

// A guest that floods its console: what is kept is bounded, says what was dropped, and keeps the
// start (the boot's lines) and the end (how it ended). 300 MiB go through; the peak memory of
// this process must not grow by anything like that.
TEST(ConsoleLog, AFloodIsCappedAndSaysWhatWasDropped) {
    using runner::ConsoleLog;
    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    ConsoleLog log;
    const std::string first = "[    0.000000] Linux version 6.1\n", last = "\nBOOTLAB: poweroff\n";
    log.append(first);
    const std::string chunk(64 << 10, 'x');
    const std::uint64_t flood = 300ull << 20;
    for (std::uint64_t sent = 0; sent < flood; sent += chunk.size()) log.append(chunk);
    log.append(last);
    const std::string kept = log.str();
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);
    const std::uint64_t total = flood + first.size() + last.size();
    EXPECT_EQ(kept.rfind("[    0.000000] Linux version", 0), 0u);
    EXPECT_NE(kept.find("BOOTLAB: poweroff", kept.size() - 100), std::string::npos);
    EXPECT_NE(kept.find("bytes of console output dropped here"), std::string::npos);
    EXPECT_LE(kept.size(), ConsoleLog::kHeadBytes + ConsoleLog::kTailBytes + 200);
    const std::size_t tail_at = kept.find("MiB]\n", ConsoleLog::kHeadBytes) + 5; // after the note
    EXPECT_EQ(log.dropped(), total - ConsoleLog::kHeadBytes - (kept.size() - tail_at));
    const long grew_mb = (after.ru_maxrss - before.ru_maxrss) / 1024;
    std::printf("console flood of 300 MiB: kept %zu MiB, peak memory grew by %ld MiB\n", kept.size() >> 20, grew_mb);
    EXPECT_LT(grew_mb, 128); // head + tail + the copy str() makes (~100 MiB), not 300 MiB
}

// The probe guest that decides KVM or TCG: under TCG it reaches 64-bit mode everywhere QEMU
// runs (and says so on the serial port); an accelerator QEMU does not know makes QEMU exit at
// once, with its words kept.
TEST(KvmProbe, TcgRunsTheGuestAndAnUnknownAcceleratorRefuses) {
    if (process::find_program("qemu-system-x86_64").empty()) GTEST_SKIP() << "no QEMU";
    const auto t0 = std::chrono::steady_clock::now();
    const KvmVerdict tcg = probe_guest("tcg");
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(tcg.kind, KvmVerdict::Kind::usable) << tcg.describe();
    EXPECT_LT(took, std::chrono::seconds(kKvmProbeSeconds));
    const KvmVerdict bad = probe_guest("no-such-accel");
    EXPECT_EQ(bad.kind, KvmVerdict::Kind::refused);
    EXPECT_NE(bad.detail.find("no-such-accel"), std::string::npos) << bad.detail;
}

// This machine's KVM, against what QEMU itself does with the probe guest under -accel kvm,
// watched here for 3 s: the guest's 64-bit line (usable), QEMU exiting (refused), neither
// (hangs). Whatever KVM the test machine has, the two must agree.
TEST(KvmProbe, LocalVerdictAgreesWithQemuLeftAlone) {
    if (process::find_program("qemu-system-x86_64").empty()) GTEST_SKIP() << "no QEMU";
    if (::access("/dev/kvm", R_OK | W_OK) != 0) {
        EXPECT_EQ(local_kvm().kind, KvmVerdict::Kind::absent);
        GTEST_SKIP() << "no /dev/kvm here: " << local_kvm().describe();
    }
    std::string out;
    bool exited = false;
    {
        process::Child q({"qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-accel", "kvm", "-m", "64",
                          "-display", "none", "-monitor", "none", "-nodefaults", "-serial", "stdio",
                          "-kernel", kvm_probe_file()});
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (std::chrono::steady_clock::now() < end && out.find("64-bit long mode: ok") == std::string::npos)
            if (!q.read_some(&out, std::chrono::milliseconds(100))) {
                exited = true;
                break;
            }
        q.kill_group();
        q.wait();
    }
    const auto expected = out.find("64-bit long mode: ok") != std::string::npos ? KvmVerdict::Kind::usable
                          : exited ? KvmVerdict::Kind::refused : KvmVerdict::Kind::hangs;
    const KvmVerdict v = probe_guest("kvm");
    EXPECT_EQ(v.kind, expected) << v.describe() << "\nQEMU alone printed: " << out;
    std::printf("this machine: %s\n", v.describe().c_str());
}

TEST(KvmProbe, JudgesWhatTheGuestPrinted) {
    EXPECT_TRUE(judge_probe("bootlab-kvm-probe: 32-bit protected mode\nbootlab-kvm-probe: 64-bit long mode: ok\n", false).usable());
    const KvmVerdict refused = judge_probe(
        "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\nqemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: "
        "kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.\n", true);
    EXPECT_EQ(refused.kind, KvmVerdict::Kind::refused);
    EXPECT_EQ(refused.detail, "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69");
    const KvmVerdict hangs = judge_probe("SeaBIOS\r\nProbing EDD (edd=off to disable)... ok\r\n", false);
    EXPECT_EQ(hangs.kind, KvmVerdict::Kind::hangs);
    EXPECT_NE(hangs.detail.find("last line: \"Probing EDD (edd=off to disable)... ok\""), std::string::npos) << hangs.detail;
    EXPECT_NE(judge_probe("", false).detail.find("nothing at all"), std::string::npos);
    EXPECT_EQ((KvmVerdict{KvmVerdict::Kind::hangs, "x"}.describe()), "KVM present but a guest hangs in it (x)");
}

// The payload is a multiboot image: its header (magic, flags, checksum summing to 0) is in the
// first 8 KiB, where QEMU looks for it, and it is a 32-bit ELF file (QEMU takes no other).
TEST(KvmProbe, PayloadIsAMultibootElf32) {
    const std::string_view p = kvm_probe_payload();
    ASSERT_GT(p.size(), 64u);
    EXPECT_EQ(p.substr(0, 4), "\x7f" "ELF");
    EXPECT_EQ(p[4], 1); // ELFCLASS32
    bool found = false;
    for (std::size_t i = 0; i + 12 <= std::min<std::size_t>(p.size(), 8192); i += 4) {
        std::uint32_t w[3];
        std::memcpy(w, p.data() + i, sizeof w);
        if (w[0] == 0x1BADB002 && static_cast<std::uint32_t>(w[0] + w[1] + w[2]) == 0) found = true;
    }
    EXPECT_TRUE(found);
}

TEST(Accel, ParsesTheThreeAndTheEnvironment) {
    EXPECT_EQ(parse_accel("auto"), Accel::automatic);
    EXPECT_EQ(parse_accel("kvm"), Accel::kvm);
    EXPECT_EQ(parse_accel("tcg"), Accel::tcg);
    EXPECT_FALSE(parse_accel("KVM"));
    ::setenv("BOOTLAB_ACCEL", "tcg", 1);
    EXPECT_EQ(accel_from_env(), Accel::tcg);
    ::setenv("BOOTLAB_ACCEL", "fast", 1);
    try {
        accel_from_env();
        ADD_FAILURE() << "no error for BOOTLAB_ACCEL=fast";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "BOOTLAB_ACCEL=fast: expected auto, kvm or tcg");
    }
    ::unsetenv("BOOTLAB_ACCEL");
    EXPECT_FALSE(accel_from_env());
}

// The stall rule on a console fed with a clock of the test's own.
TEST(ConsoleWatch, EndsABootThatStopsMakingProgress) {
    using namespace std::chrono_literals;
    const auto t0 = ConsoleWatch::Clock::time_point{} + 1000s;
    const StallRule rule = stall_rule(60s, false, false);
    EXPECT_EQ(rule.before_kernel, 30s);
    {   // a KVM that hangs after the real-mode stub: 30 s after its last line, quoted
        ConsoleWatch w(rule, t0);
        w.feed("SeaBIOS (version 1.16.2)\r\nBooting from ROM..\r\nProbing EDD (edd=off to disable)... ok\r\n", t0 + 1s);
        EXPECT_FALSE(w.stalled(t0 + 30s));
        const auto why = w.stalled(t0 + 31s);
        ASSERT_TRUE(why);
        EXPECT_EQ(*why, "stalled: no console output for 30 s before the kernel's first line; last line: "
                        "\"Probing EDD (edd=off to disable)... ok\"");
        EXPECT_FALSE(w.kernel_started());
    }
    {   // after the kernel's first line: the general limit, however long the boot has been going
        ConsoleWatch w(rule, t0);
        w.feed("noise[    0.000000] Linux version 6.1.0\n[    1.5", t0 + 2s);
        EXPECT_TRUE(w.kernel_started());
        w.feed("00000] sd 2:0:0:0: [sda] Attached\n", t0 + 100s);
        EXPECT_FALSE(w.stalled(t0 + 159s));
        const auto why = w.stalled(t0 + 160s);
        ASSERT_TRUE(why);
        EXPECT_NE(why->find("no console output for 60 s; last line: \"[    1.500000] sd 2:0:0:0: [sda] Attached\""),
                  std::string::npos) << *why;
    }
    {   // a panic with panic=0: nothing more will come
        ConsoleWatch w(rule, t0);
        w.feed("[    0.1] x\n[    2.0] ---[ end Kernel panic - not syncing: No working init found ]---\n", t0 + 3s);
        EXPECT_TRUE(w.panicked());
        EXPECT_FALSE(w.stalled(t0 + 7s));
        EXPECT_TRUE(w.stalled(t0 + 8s));
    }
    {   // nothing at all
        ConsoleWatch w(rule, t0);
        EXPECT_EQ(*w.stalled(t0 + 30s), "stalled: no console output for 30 s before the kernel's first line; last line: nothing at all");
    }
    // deterministic boots run at about half speed; a quiet console shows no kernel line at all
    EXPECT_EQ(stall_rule(60s, true, false).before_kernel, 60s);
    EXPECT_EQ(stall_rule(60s, true, false).quiet, 120s);
    EXPECT_EQ(stall_rule(60s, false, true).before_kernel, 60s);
    EXPECT_EQ(stall_rule(10s, false, false).before_kernel, 10s);
    EXPECT_FALSE(ConsoleWatch(stall_rule(0s, false, false), t0).stalled(t0 + 100000s));
    EXPECT_TRUE(is_timestamped_line("[    0.000000] Linux version"));
    EXPECT_TRUE(is_timestamped_line("\x1b[0m[   12.345678] x"));
    EXPECT_FALSE(is_timestamped_line("[sda] Attached"));
    EXPECT_FALSE(is_timestamped_line("Probing EDD (edd=off to disable)... ok"));
}
