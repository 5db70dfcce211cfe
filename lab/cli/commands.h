#pragma once
// The `bootlab` subcommands. Each returns the process exit code:
//   0 success, 1 failure (bad input, missing run, ...), 2 usage error (from CLI11).
#include <cstdint>
#include <string>
#include <vector>

namespace bootlab::cli {

struct Common {
    std::string db; // empty: Store::default_path()
};

int cmd_import(const Common& c, const std::vector<std::string>& files, const std::string& experiment,
               const std::string& variant);
int cmd_runs(const Common& c, bool json);
int cmd_show(const Common& c, std::int64_t run, bool json, std::size_t limit);
int cmd_export(const Common& c, std::int64_t run, const std::string& format, const std::string& out);
int cmd_reparse(const Common& c, const std::vector<std::int64_t>& runs);

} // namespace bootlab::cli
