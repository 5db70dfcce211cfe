#pragma once
// How a boot ended: the one type the runner, the store, the reports, the gate and the GUI use
// (the database keeps its name; db/schema.sql's CHECK lists the same five).
#include <optional>
#include <string>
#include <string_view>

namespace bootlab::model {

enum class RunStatus : std::uint8_t {
    Ok,        // powered off by itself; its metrics count
    Panic,     // the kernel panicked (found in the log by the parser)
    Timeout,   // no poweroff in time: killed
    Cancelled, // the user stopped it: resuming boots it again
    Error,     // the emulator or its host failed, or the guest stopped without a word
};

const char* to_string(RunStatus s);
// From the database or a front-end's argument; none for any other text.
std::optional<RunStatus> parse_run_status(std::string_view text);

} // namespace bootlab::model
