// libFuzzer target: a run set (check/run_set.h), the JSON file `check --baseline` reads and, with
// the service, a network client may send. Anything may be refused, but only with a
// bootlab::Error naming the file, never with an exception of the JSON library.
#include "check/run_set.h"
#include "common/error.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace bootlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        check::RunSet set = check::parse_run_set(text, "fuzz.json");
        if (set.runs.empty()) std::abort();
    } catch (const Error& e) {
        if (std::string(e.what()).rfind("fuzz.json: ", 0) != 0) std::abort();
    }
    return 0;
}
