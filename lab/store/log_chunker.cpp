#include "store/log_chunker.h"

namespace bootlab::store {

void LogChunker::append(std::string_view bytes, const std::function<void(LogChunk)>& full) {
    while (!bytes.empty()) {
        if (pending_.capacity() < kChunkBytes) pending_.reserve(kChunkBytes);
        const std::size_t n = std::min(bytes.size(), kChunkBytes - pending_.size());
        pending_.append(bytes.substr(0, n));
        bytes.remove_prefix(n);
        if (pending_.size() == kChunkBytes) full(*flush());
    }
}

std::optional<LogChunk> LogChunker::flush() {
    if (pending_.empty()) return std::nullopt;
    LogChunk c{zstd_.compress(pending_), static_cast<std::int64_t>(pending_.size())};
    pending_.clear();
    return c;
}

} // namespace bootlab::store
