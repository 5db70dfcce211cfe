#include "ingest/ingest.h"

#include "common/error.h"
#include "common/serial_worker.h"
#include "log/log_parser.h"
#include "model/boot_builder.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bootlab::ingest {
namespace {

constexpr std::size_t kReadBytes = 1 << 20;
constexpr std::size_t kSniffBytes = 64 << 10;
constexpr std::size_t kSpansPerBatch = 2048; // a real boot's ~700 spans are written at the end

// A log is text: control characters other than tab, newline, CR and ESC are line noise at
// most. Many of them mean someone passed a binary file.
void reject_binary(std::string_view head, const std::string& name) {
    std::size_t bad = 0;
    std::size_t first = std::string_view::npos;
    for (std::size_t i = 0; i < head.size(); ++i) {
        auto c = static_cast<unsigned char>(head[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0x1b) {
            if (first == std::string_view::npos) first = i;
            ++bad;
        }
    }
    if (bad * 20 > head.size())
        throw Error(name + ": binary data, not a text log (control byte at offset " +
                    std::to_string(first) + ")");
}

// The streaming core: `read` is called with a sink until it returns false.
ImportResult ingest(store::Store& store, const std::string& name, ImportOptions& opt,
                    const std::function<std::string_view()>& read, std::uint64_t total) {
    model::BootBuilder builder;
    builder.expect_log_bytes(total);
    log::LogParser parser([&](const log::Event& e) { builder.on_event(e); });
    store::RunWriter writer = store.begin_run(opt.run);

    ImportResult result;
    std::uint64_t done = 0;
    bool first = true;
    {
        // The database work of a big log (compressing and storing it, writing its spans) takes
        // about as long as reading it: it runs on a second thread, overlapping. Only that thread
        // touches the store until drain(); spans go to it as soon as they are final.
        SerialWorker store_thread;
        store::LogChunker chunker; // compressing on this thread: the store's is the busier one
        auto store_chunk = [&](store::LogChunk c) {
            store_thread.post([&writer, c = std::move(c)]() mutable { writer.append_log(std::move(c)); });
        };
        store::SpanPacker packer; // names interned here, not copied per span to the store thread
        std::size_t spans_sent = 0;
        for (std::string_view buf; !(buf = read()).empty();) {
            if (first) reject_binary(std::string_view(buf).substr(0, kSniffBytes), name);
            first = false;
            parser.feed(buf);
            chunker.append(buf, store_chunk);
            // settled spans (final: they will not change) go to the store thread, packed
            if (const std::size_t settled = builder.settled(); settled >= spans_sent + kSpansPerBatch) {
                auto batch = std::make_shared<const store::SpanBatch>(
                    packer.pack(builder.spans().data() + spans_sent, settled - spans_sent));
                store_thread.post([&writer, batch] { writer.append_spans(*batch); });
                spans_sent = settled;
            }
            done += buf.size();
            if (opt.progress) opt.progress(done, total);
        }
        if (auto last = chunker.flush()) store_chunk(std::move(*last));
        // the boot's last steps (tying probes to spans, metrics) overlap the store's backlog
        parser.finish();
        result.boot = builder.finish(parser.stats());
        store_thread.drain();
        const std::vector<model::Span>& spans = result.boot.spans;
        writer.append_spans(packer.pack(spans.data() + spans_sent, spans.size() - spans_sent));
    }
    // A boot cancelled before its first byte is still a boot to store; a file to import is not.
    if (done == 0 && opt.require_initcalls) throw Error(name + ": empty file");

    const model::Boot& boot = result.boot;
    if (opt.require_initcalls && boot.spans.empty())
        throw Error(name + ": no initcall lines in " + std::to_string(boot.lines) +
                    " lines. Boot the kernel with `initcall_debug` and `loglevel=8` (or "
                    "`ignore_loglevel`) so that they reach the console, or capture `dmesg`.");
    result.status = opt.status.value_or(boot.panicked ? model::RunStatus::Panic : model::RunStatus::Ok);
    std::string error = opt.error;
    if (error.empty() && boot.panicked) error = "kernel panic: " + boot.panic_message;
    result.run_id = writer.finish(boot, log::LogParser::kVersion, result.status, error);
    result.experiment_id = writer.experiment_id();
    return result;
}

struct Fd {
    int fd;
    ~Fd() { if (fd >= 0) ::close(fd); }
};

} // namespace

std::string where(const std::string& name, std::uint64_t line) {
    return name + ":" + std::to_string(line);
}

ImportResult import_file(store::Store& store, const std::filesystem::path& path,
                         ImportOptions opt) {
    const std::string name = path.string();
    Fd f{::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) throw Error(name + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) throw Error(name + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw Error(name + ": is a directory, not a log file");
    if (opt.run.source.empty()) opt.run.source = name;

    auto buf = std::make_unique_for_overwrite<char[]>(kReadBytes);
    auto read = [&]() {
        for (;;) {
            ssize_t n = ::read(f.fd, buf.get(), kReadBytes);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw Error(name + ": read error: " + std::strerror(errno));
            return std::string_view(buf.get(), static_cast<std::size_t>(n));
        }
    };
    return ingest(store, name, opt, read, S_ISREG(st.st_mode) ? st.st_size : 0);
}

ImportResult import_text(store::Store& store, std::string_view log, const std::string& name,
                         ImportOptions opt) {
    auto read = [&]() {
        const std::string_view chunk = log.substr(0, std::min(log.size(), kReadBytes));
        log.remove_prefix(chunk.size());
        return chunk;
    };
    return ingest(store, name, opt, read, log.size());
}

model::Boot reparse_run(store::Store& store, std::int64_t run_id) {
    model::BootBuilder builder;
    log::LogParser parser([&](const log::Event& e) { builder.on_event(e); });
    store.read_log(run_id, [&](std::string_view chunk) { parser.feed(chunk); });
    parser.finish();
    model::Boot boot = builder.finish(parser.stats());
    store.replace_boot(run_id, boot, log::LogParser::kVersion);
    return boot;
}

} // namespace bootlab::ingest
