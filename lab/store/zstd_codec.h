#pragma once
// zstd frames for the raw log: each chunk of the log is one independent frame.
#include <string>
#include <string_view>

namespace bootlab::store {

std::string zstd_compress(std::string_view in, int level = 3);
std::string zstd_decompress(std::string_view frame); // throws bootlab::Error on corrupt data

} // namespace bootlab::store
