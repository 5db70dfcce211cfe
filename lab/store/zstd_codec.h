#pragma once
// zstd frames for the raw log: each chunk of the log is one independent frame.
#include <memory>
#include <string>
#include <string_view>

namespace bootlab::store {

// Keeps its compression context and output buffer from frame to frame: a fresh context for
// every 1 MiB chunk was mostly page faults (bootlab import of a big log, perf).
class ZstdCompressor {
public:
    explicit ZstdCompressor(int level = 3);
    ~ZstdCompressor();
    ZstdCompressor(ZstdCompressor&&) noexcept;
    ZstdCompressor& operator=(ZstdCompressor&&) noexcept;
    std::string compress(std::string_view in); // one frame

private:
    struct Context;
    std::unique_ptr<Context> ctx_;
};

std::string zstd_decompress(std::string_view frame); // throws bootlab::Error on corrupt data

} // namespace bootlab::store
