// The launcher saves what it runs as an experiment file: writing a spec and reading it back must
// give the same matrix, flags and command lines, for the real experiment files we ship.
#include "common/error.h"
#include "runner/experiment.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace bootlab;

namespace {

void expect_same(const runner::ExperimentSpec& a, const runner::ExperimentSpec& b) {
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.repetitions, b.repetitions);
    EXPECT_EQ(a.warmup, b.warmup);
    EXPECT_EQ(a.smp, b.smp);
    EXPECT_EQ(a.memory_mb, b.memory_mb);
    EXPECT_EQ(a.timeout, b.timeout);
    ASSERT_EQ(a.kernels.size(), b.kernels.size());
    for (std::size_t i = 0; i < a.kernels.size(); ++i) {
        EXPECT_EQ(a.kernels[i].name, b.kernels[i].name);
        EXPECT_EQ(a.kernels[i].source, b.kernels[i].source);
        EXPECT_EQ(std::filesystem::weakly_canonical(a.kernels[i].series),
                  std::filesystem::weakly_canonical(b.kernels[i].series));
    }
    ASSERT_EQ(a.hardware.size(), b.hardware.size());
    for (std::size_t i = 0; i < a.hardware.size(); ++i) {
        ASSERT_EQ(a.hardware[i].devices.size(), b.hardware[i].devices.size());
        for (std::size_t d = 0; d < a.hardware[i].devices.size(); ++d) {
            EXPECT_EQ(a.hardware[i].devices[d].kind, b.hardware[i].devices[d].kind);
            EXPECT_EQ(a.hardware[i].devices[d].disks, b.hardware[i].devices[d].disks);
        }
    }
    ASSERT_EQ(a.variants.size(), b.variants.size());
    for (std::size_t i = 0; i < a.variants.size(); ++i) {
        const auto &va = a.variants[i], &vb = b.variants[i];
        EXPECT_EQ(va.name, vb.name);
        EXPECT_EQ(va.hardware, vb.hardware);
        EXPECT_EQ(va.kernels, vb.kernels);
        // the command line is what the flags are for: compare that, and the QEMU-side flag
        EXPECT_EQ(runner::kernel_cmdline(va.flags, 2, 1), runner::kernel_cmdline(vb.flags, 2, 1)) << va.name;
        EXPECT_EQ(va.flags.deterministic, vb.flags.deterministic);
        EXPECT_EQ(va.flags.deterministic_without, vb.flags.deterministic_without);
    }
}

class ExperimentToml : public testing::TestWithParam<std::string> {};

TEST_P(ExperimentToml, WritesWhatItReads) {
    const auto file = std::filesystem::path(BOOTLAB_SOURCE_DIR) / GetParam();
    const runner::ExperimentSpec spec = runner::load_experiment(file);
    const std::string text = runner::to_toml(spec);
    expect_same(spec, runner::parse_experiment(text, "written.toml"));
}

INSTANTIATE_TEST_SUITE_P(Shipped, ExperimentToml,
                         testing::Values("lab/experiments/default.toml", "lab/experiments/async-strategies.toml",
                                         "tests/data/experiments/ab.toml", "tests/data/experiments/dmesg-capture.toml",
                                         "tests/data/experiments/two-by-two.toml"));

TEST(ExperimentToml, QuotesWhatItWrites) {
    runner::ExperimentSpec spec = runner::parse_experiment("name = \"x\"\n[hardware]\nm = [\"ahci:1\"]\n", "x.toml");
    spec.description = "quote \" backslash \\ newline \n done";
    spec.variants[0].flags.extra = "foo=\"a b\"";
    const auto back = runner::parse_experiment(runner::to_toml(spec), "written.toml");
    EXPECT_EQ(back.description, spec.description);
    EXPECT_EQ(back.variants[0].flags.extra, spec.variants[0].flags.extra);
}

} // namespace

TEST(ExperimentToml, KernelImagesStayFoundWhereverTheFileIsSaved) {
    // "k/bzImage" in experiments/x.toml is experiments/k/bzImage; saved elsewhere it must still be
    test::TempDir tmp;
    const auto dir = tmp.path;
    std::filesystem::create_directories(dir / "experiments/k");
    std::string header(0x300, '\0');
    header.replace(0x202, 4, "HdrS"); // what kernel_image_problem() looks for
    std::ofstream(dir / "experiments/k/bzImage", std::ios::binary) << header;
    const auto spec = runner::parse_experiment("[kernels]\nmine = \"k/bzImage\"\n[hardware]\nm = [\"ahci:1\"]\n",
                                               dir / "experiments/x.toml");
    const auto back = runner::parse_experiment(runner::to_toml(spec), "/somewhere/else/y.toml");
    ASSERT_EQ(back.kernels.size(), 1u);
    EXPECT_EQ(back.kernels[0].image, dir / "experiments/k/bzImage");
}

TEST(ExperimentToml, NonsenseTypesAndValuesAreRefusedWithTheLine) {
    auto error = [](const std::string& text) {
        try {
            runner::parse_experiment(text, "e.toml");
        } catch (const bootlab::Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const std::string hw = "[hardware]\nm = [\"ahci:1\"]\n";
    EXPECT_EQ(error("repetitions = true\n" + hw), "e.toml:1: repetitions must be a whole number");
    EXPECT_EQ(error("repetitions = 3.0\n" + hw), "e.toml:1: repetitions must be a whole number");
    EXPECT_EQ(error(hw + "[machine]\nsmp = true\n"), "e.toml:4: smp must be a whole number");
    EXPECT_EQ(error(hw + "[flags]\ninitcall_debug = 1\n"), "e.toml:4: initcall_debug must be true or false");
    EXPECT_EQ(error(hw + "[variants.v]\nhardware = []\n"),
              "e.toml:4: [variants.v] hardware is empty: name at least one, or leave the key out");
    EXPECT_NE(error(hw + "[flags]\ncmdline = \"quiet\\u0000init=/bin/sh\"\n").find("e.toml:4: cmdline contains a control character"),
              std::string::npos);
    EXPECT_NE(error(hw + "[flags]\ncmdline = \"a\\nb\"\n").find("control character"), std::string::npos);
    EXPECT_EQ(error("[kernels]\nk = \"/etc/passwd\"\n" + hw),
              "e.toml:2: kernel 'k': /etc/passwd: not a kernel image (no bzImage header, not ELF)");
}

TEST(Interleave, BothSidesInOneShuffledOrderLabelledAsTheirOwnFilesWould) {
    const std::string cand_text = "name = \"c\"\nrepetitions = 2\n[kernels]\nstock = \"distro\"\n"
                                  "[hardware]\nsata = [\"ahci:1\"]\n[variants.async]\n[variants.scan-sync]\nscsi_scan = \"sync\"\n";
    const std::string base_text = "name = \"b\"\nrepetitions = 5\n[hardware]\nsata = [\"ahci:1\"]\nscsi = [\"lsi:1\"]\n"
                                  "[variants.async]\n";
    const auto c = runner::parse_experiment(cand_text, "c.toml");
    const auto b = runner::parse_experiment(base_text, "b.toml");
    const runner::ExperimentSpec m = runner::interleave(c, b);
    // labels as each side's own file gives them (the baseline has two hardware sets)
    std::map<std::string, int> labels;
    for (const auto& p : runner::expand(m, 7)) ++labels[p.label];
    const std::map<std::string, int> want = {{"candidate:async", 2}, {"candidate:scan-sync", 2},
                                             {"baseline:sata/async", 2}, {"baseline:scsi/async", 2}};
    EXPECT_EQ(labels, want);
    std::map<std::string, int> own;
    for (const auto& p : runner::expand(b, 7)) ++own[p.label];
    EXPECT_EQ(own.count("sata/async"), 1u); // what the baseline's file says by itself
    // the sides' boots are mixed, not one side after the other
    const auto plans = runner::expand(m, 7);
    int switches = 0;
    for (std::size_t i = 1; i < plans.size(); ++i)
        switches += plans[i].label.substr(0, 4) != plans[i - 1].label.substr(0, 4);
    EXPECT_GE(switches, 2);
    // the written file parses back to the same matrix
    std::map<std::string, int> again;
    for (const auto& p : runner::expand(runner::parse_experiment(m.text, "m.toml"), 7)) ++again[p.label];
    EXPECT_EQ(again, want);
    // a baseline that differs by its kernel only
    const auto k = runner::interleave(c, runner::with_kernel(c, "distro"));
    EXPECT_EQ(k.kernels.size(), 2u);
    EXPECT_EQ(k.kernels[1].name, "baseline");
    EXPECT_THROW(runner::with_kernel(c, "no-such-thing"), Error);
}
