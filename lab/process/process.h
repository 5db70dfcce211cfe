#pragma once
// Starting processes: the only place bootlab does it. Always an argv (never a shell), always in
// a process group of its own, so that a timeout or Ctrl-C kills the child and everything it
// started. Built on Boost.Process v2.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace bootlab::process {

// A running child whose stdout and stderr come through one pipe, read with a timeout.
class Child {
public:
    // Throws bootlab::Error if argv[0] cannot be found or started.
    explicit Child(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {});
    ~Child(); // kills the process group if the child is still running
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Appends what the child wrote within `wait` to *out. False once the pipe is closed (the
    // child and everything it started have exited or closed their output).
    bool read_some(std::string* out, std::chrono::milliseconds wait);
    void kill_group();   // SIGKILL to the whole process group
    int wait();          // reaps the child: its exit code, or 128 + signal
    pid_t pid() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct CommandResult {
    int exit_code = 0;
    std::string output; // stdout and stderr, interleaved
};

// Runs to completion. `timeout` 0 = none; on timeout the group is killed and Error thrown.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::filesystem::path& cwd = {},
                          std::chrono::seconds timeout = std::chrono::seconds(0));

// Runs and returns the output; a non-zero exit throws Error with `what` and the output's tail.
std::string check_output(const std::vector<std::string>& argv, const std::string& what,
                         const std::filesystem::path& cwd = {},
                         std::chrono::seconds timeout = std::chrono::seconds(0));

// Path of a program on $PATH, or empty.
std::filesystem::path find_program(const std::string& name);

} // namespace bootlab::process
