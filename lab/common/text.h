#pragma once
// Logs are bytes: a serial line can carry noise, a dmesg from real hardware anything. Everything
// bootlab takes from a log as text (names, the banner, the command line, a panic message) and
// everything it prints is valid UTF-8 without control characters: each byte that is not part
// of a valid UTF-8 sequence, and each control character other than tab and newline, becomes
// `\xNN`, the notation the kernel itself uses for unprintable bytes. The raw log is kept as
// it came.
// The parser cleans what it takes from a line, and the store cleans every text it writes.
#include <string>
#include <string_view>

namespace bootlab {

// True if clean_text(s) == s (the common case, checked without copying).
bool is_clean_text(std::string_view s);
// s with every unprintable byte written as \xNN.
std::string clean_text(std::string_view s);

} // namespace bootlab
