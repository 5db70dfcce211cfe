// Every input a fuzzer crashed on (tests/data/fuzz-regressions/TARGET/) stays a test, also where
// the fuzzers themselves cannot be built (no clang): each must now be refused with a
// bootlab::Error or parsed, never crash or escape with another exception.
#include "check/run_set.h"
#include "common/error.h"
#include "log/line_grammar.h"
#include "model/boot_builder.h"
#include "runner/experiment.h"
#include "test_util.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace bootlab;

namespace {

std::vector<std::pair<std::string, std::string>> inputs(const std::string& target) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto dir = std::filesystem::path(BOOTLAB_TEST_DATA) / "fuzz-regressions" / target;
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        out.emplace_back(e.path().filename().string(), ss.str());
    }
    return out;
}

} // namespace

TEST(FuzzRegressions, RunSets) {
    for (const auto& [name, text] : inputs("run_set")) {
        try {
            check::parse_run_set(text, name);
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()).rfind(name + ": ", 0), 0u) << e.what();
        }
    }
}

TEST(FuzzRegressions, Logs) {
    for (const auto& [name, text] : inputs("log")) {
        model::Boot b = model::parse_boot(text);
        for (const auto& s : b.spans) EXPECT_GE(s.start, 0) << name;
    }
}

TEST(FuzzRegressions, ExperimentFiles) {
    for (const auto& [name, text] : inputs("experiment")) {
        try {
            runner::parse_experiment(text, name);
        } catch (const Error&) {
        }
    }
}
