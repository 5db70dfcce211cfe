// libFuzzer target: an experiment file (runner/experiment.h). Anything may be refused, but only
// with a bootlab::Error that names the file; what is accepted makes a sane matrix, and writing
// it back (to_toml) reads back to the same matrix.
#include "common/error.h"
#include "runner/experiment.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace bootlab;

static void require(bool ok) {
    if (!ok) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    runner::ExperimentSpec spec;
    try {
        spec = runner::parse_experiment(text, "fuzz.toml");
    } catch (const Error& e) {
        require(std::string(e.what()).rfind("fuzz.toml", 0) == 0 ||
                std::string(e.what()).find("fuzz.toml") != std::string::npos ||
                std::string(e.what()).find("patch series") != std::string::npos);
        return 0;
    }
    require(spec.repetitions >= 1 && spec.smp >= 1 && spec.memory_mb >= 128);
    require(!spec.kernels.empty() && !spec.hardware.empty() && !spec.variants.empty());
    for (const auto& v : spec.variants)
        for (char c : v.flags.extra) require(static_cast<unsigned char>(c) >= 0x20);
    const std::size_t boots = runner::expand(spec, 1).size();
    const runner::ExperimentSpec back = runner::parse_experiment(runner::to_toml(spec), "back.toml");
    require(runner::expand(back, 1).size() == boots);
    return 0;
}
