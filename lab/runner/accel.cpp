#include "runner/accel.h"

#include "common/atomic_file.h"
#include "common/cache.h"
#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace bootlab::runner {
namespace fs = std::filesystem;

const char* to_string(Accel a) {
    switch (a) {
    case Accel::kvm: return "kvm";
    case Accel::tcg: return "tcg";
    case Accel::automatic: break;
    }
    return "auto";
}

std::optional<Accel> parse_accel(std::string_view t) {
    if (t == "auto") return Accel::automatic;
    if (t == "kvm") return Accel::kvm;
    if (t == "tcg") return Accel::tcg;
    return std::nullopt;
}

std::optional<Accel> accel_from_env() {
    const char* v = std::getenv("BOOTLAB_ACCEL");
    if (!v || !*v) return std::nullopt;
    if (auto a = parse_accel(v)) return a;
    throw Error("BOOTLAB_ACCEL=" + clean_text(v) + ": expected auto, kvm or tcg");
}

const char* to_string(KvmVerdict::Kind k) {
    switch (k) {
    case KvmVerdict::Kind::usable: return "usable";
    case KvmVerdict::Kind::refused: return "refused";
    case KvmVerdict::Kind::hangs: return "hangs";
    case KvmVerdict::Kind::absent: break;
    }
    return "absent";
}

std::string KvmVerdict::describe() const {
    const std::string d = detail.empty() ? "" : " (" + detail + ")";
    switch (kind) {
    case Kind::usable: return "KVM usable";
    case Kind::absent: return "no KVM" + d;
    case Kind::refused: return "KVM refuses the vCPU" + d;
    case Kind::hangs: return "KVM present but a guest hangs in it" + d;
    }
    return "";
}

namespace {

// The last non-empty line of `text`, cleaned and cut to a readable length.
std::string last_line(const std::string& text) {
    std::size_t end = text.size();
    while (end > 0) {
        while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ')) --end;
        const std::size_t begin = text.rfind('\n', end == 0 ? 0 : end - 1);
        const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
        if (end > from) {
            std::string l = clean_text(text.substr(from, end - from));
            return l.size() > 200 ? l.substr(0, 200) + "..." : l;
        }
        if (begin == std::string::npos) break;
        end = begin;
    }
    return "";
}

} // namespace

std::string emulator_words(const std::string& output) {
    std::istringstream in(output);
    std::string line, words;
    while (std::getline(in, line)) {
        if (line.find("error") == std::string::npos && line.find("failed") == std::string::npos) continue;
        if (line.find("Assertion") != std::string::npos) continue;
        // libvirt quotes QEMU's log: "internal error: ...: 2026-12-03T15:15:49.703352Z qemu-system-..."
        if (auto q = line.find("qemu-system-"); q != std::string::npos) line.erase(0, q);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (words.find(line) == std::string::npos) words += (words.empty() ? "" : "; ") + line;
    }
    return clean_text(words.empty() ? last_line(output) : words);
}

KvmVerdict judge_probe(const std::string& console, bool emulator_exited) {
    if (console.find(kProbeOk) != std::string::npos) return {KvmVerdict::Kind::usable, ""};
    if (emulator_exited) {
        const std::string w = emulator_words(console);
        return {KvmVerdict::Kind::refused, w.empty() ? "the emulator exited without a word" : w};
    }
    const std::string l = last_line(console);
    return {KvmVerdict::Kind::hangs, "no 64-bit guest code ran within " + std::to_string(kKvmProbeSeconds) +
                                         " s; last line: " + (l.empty() ? "nothing at all" : "\"" + l + "\"")};
}

std::string kvm_probe_file() {
    const std::string_view bytes = kvm_probe_payload();
    const fs::path f = cache_dir() / "kvm-probe" / ("payload-" + Sha256().add(bytes).hex().substr(0, 16) + ".elf");
    std::error_code ec;
    if (fs::file_size(f, ec) == bytes.size()) return f.string();
    fs::create_directories(f.parent_path());
    write_atomically(f.string(), [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
    return f.string();
}

namespace {
fs::path verdict_file(const std::string& key) {
    return cache_dir() / "kvm-probe" / ("verdict-" + Sha256().add(key).hex().substr(0, 24));
}
} // namespace

std::optional<KvmVerdict> cached_verdict(const std::string& key) {
    std::ifstream in(verdict_file(key));
    std::string stored_key, kind, detail;
    if (!std::getline(in, stored_key) || stored_key != key || !std::getline(in, kind)) return std::nullopt;
    std::getline(in, detail);
    for (auto k : {KvmVerdict::Kind::usable, KvmVerdict::Kind::absent, KvmVerdict::Kind::refused, KvmVerdict::Kind::hangs})
        if (kind == to_string(k)) return KvmVerdict{k, detail};
    return std::nullopt;
}

void cache_verdict(const std::string& key, const KvmVerdict& v) {
    try {
        const fs::path f = verdict_file(key);
        fs::create_directories(f.parent_path());
        // one line each: the key (a hash collision is told apart), the kind, the detail
        std::string detail = v.detail;
        for (char& c : detail)
            if (c == '\n' || c == '\r') c = ' ';
        write_atomically(f.string(), [&](std::ostream& out) { out << key << "\n" << to_string(v.kind) << "\n" << detail << "\n"; });
    } catch (const std::exception&) { // a read-only cache costs the next run a probe, nothing more
    }
}

} // namespace bootlab::runner
