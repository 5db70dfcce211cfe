#pragma once
// Spans in the form the store writes them, packed on the producer's thread: each function
// name is interned once per run, so that a batch crosses to the store's thread without its
// strings (bootlab import of a 1,000,000-line log moves 336,000 spans) and the store looks up
// a symbol once per function, not once per span.
#include "model/boot.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bootlab::store {

struct PackedSpan {
    std::int64_t seq = 0;
    std::uint32_t name = 0; // index into the run's names, in the order the packer met them
    std::optional<std::int64_t> cookie;
    std::int64_t pid = 0;
    model::Micros start = 0;
    std::optional<model::Micros> duration;
    std::optional<std::int64_t> ret;
    model::SpanKind kind = model::SpanKind::Sync;
    std::uint64_t line = 0;
};

struct SpanBatch {
    // (function, module) of the names first used in this batch: they continue the run's list
    std::vector<std::pair<std::string, std::string>> new_names;
    std::vector<PackedSpan> spans;
};

// One per run: every batch of the run must come from the same packer, in order.
class SpanPacker {
public:
    SpanBatch pack(const model::Span* first, std::size_t n);

private:
    using Name = std::pair<std::string_view, std::string_view>;
    struct Hash {
        std::size_t operator()(const Name& k) const {
            return std::hash<std::string_view>{}(k.first) * 31 + std::hash<std::string_view>{}(k.second);
        }
    };
    // the keys view the names' copies in `names_`, each allocated once so that it stays put
    std::unordered_map<Name, std::uint32_t, Hash> index_;
    std::vector<std::unique_ptr<std::pair<std::string, std::string>>> names_;
};

} // namespace bootlab::store
