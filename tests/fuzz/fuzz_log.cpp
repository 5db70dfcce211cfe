// libFuzzer target: a whole log in (fed in chunks of a size the input picks), a Boot out
// (log/log_parser.h, model/boot_builder.h). Invariants, each a bug if broken:
//  - no negative or impossible duration (beyond log::kMaxMicros); no span, wait or probe
//    starting before the boot or beyond any boot's length;
//  - cookies unique; counts consistent with the spans; unusable examples sorted, bounded;
//  - every text in the Boot is clean UTF-8 (common/text.h);
//  - chunking does not matter: the same log fed whole gives the same Boot.
#include "common/text.h"
#include "log/log_parser.h"
#include "model/boot_builder.h"

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

using namespace bootlab;

static void require(bool ok) {
    if (!ok) std::abort();
}

static model::Boot parse(std::string_view text, std::size_t chunk) {
    model::BootBuilder builder;
    log::LogParser parser([&](const log::Event& e) { builder.on_event(e); });
    for (std::size_t i = 0; i < text.size(); i += chunk) parser.feed(text.substr(i, chunk));
    parser.finish();
    return builder.finish(parser.stats());
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    const model::Boot b = parse(text, chunk);

    std::set<std::int64_t> cookies;
    std::int64_t unfinished = 0, sync = 0;
    for (const auto& s : b.spans) {
        require(s.start >= 0 && s.start <= log::kMaxMicros);
        if (s.duration) require(*s.duration >= 0 && *s.duration <= log::kMaxMicros);
        if (s.duration) require(s.start + *s.duration <= 2 * log::kMaxMicros);
        unfinished += !s.finished();
        sync += s.kind == model::SpanKind::Sync;
        if (s.kind == model::SpanKind::Async) require(cookies.insert(s.cookie.value_or(-1)).second);
        require(is_clean_text(s.function) && is_clean_text(s.module));
    }
    for (const auto& w : b.waits) {
        require(w.start >= 0);
        if (w.duration) require(*w.duration >= 0 && *w.duration <= log::kMaxMicros);
    }
    for (const auto& c : b.calls) {
        require(c.start >= 0);
        if (c.duration) require(*c.duration >= 0 && *c.duration <= log::kMaxMicros);
        require(is_clean_text(c.device) && is_clean_text(c.function));
    }
    require(b.metrics.sync_count == sync);
    require(b.metrics.async_count == static_cast<std::int64_t>(b.spans.size()) - sync);
    require(b.metrics.unfinished_count == unfinished);
    require(b.metrics.initcall_total >= 0 && b.metrics.async_total >= 0 && b.metrics.boot_wait >= 0);
    require(b.unusable_examples.size() <= 10 && b.unusable_examples.size() <= b.unusable_lines);
    for (std::size_t i = 1; i < b.unusable_examples.size(); ++i)
        require(b.unusable_examples[i - 1] <= b.unusable_examples[i]);
    for (auto line : b.unusable_examples) require(line >= 1 && line <= b.lines);
    require(is_clean_text(b.kernel_version) && is_clean_text(b.kernel_banner) &&
            is_clean_text(b.cmdline) && is_clean_text(b.panic_message));

    const model::Boot whole = parse(text, text.size() + 1);
    require(whole.spans.size() == b.spans.size() && whole.calls.size() == b.calls.size() &&
            whole.waits.size() == b.waits.size() && whole.unusable_lines == b.unusable_lines &&
            whole.metrics.initcall_total == b.metrics.initcall_total);
    return 0;
}
