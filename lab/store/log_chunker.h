#pragma once
// The raw log as the store keeps it: chunks of 1 MiB, each an independent zstd frame (so
// that a reader decompresses only the chunks it needs). The chunker is separate from the
// writer so that compressing can happen on the thread that reads the log, not the one that
// writes the database (bootlab import: the writer's thread is the busier one).
#include "store/zstd_codec.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bootlab::store {

struct LogChunk {
    std::string zstd;        // one frame
    std::int64_t bytes = 0;  // of log it holds
};

class LogChunker {
public:
    static constexpr std::size_t kChunkBytes = 1 << 20;
    // Takes the log in any chunking; calls `full` with each full chunk.
    void append(std::string_view bytes, const std::function<void(LogChunk)>& full);
    // The last, partial chunk, if there is one.
    std::optional<LogChunk> flush();

private:
    std::string pending_; // log bytes not yet compressed
    ZstdCompressor zstd_;
};

} // namespace bootlab::store
