#include "process/process.h"

#include "common/error.h"

// Boost 1.81's process/v2 uses boost::optional but, with BOOST_PROCESS_USE_STD_FS, does not
// include it (fixed in later releases).
#include <boost/optional.hpp>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bootlab::process {
namespace bp = boost::process::v2;

namespace {

// Puts the child in a new process group before exec: kill(-pgid) then reaches QEMU and
// anything it forks, and a Ctrl-C on the terminal reaches only bootlab, which cleans up.
struct NewProcessGroup {
    template <class Launcher>
    bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*) {
        if (::setpgid(0, 0) != 0) return bp::error_code(errno, bp::system_category());
        // ... and if bootlab itself is killed (SIGKILL leaves no chance to clean up), the
        // kernel kills the child: no stray QEMU.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        return {};
    }
};

} // namespace

// (Boost 1.81's v2/environment.hpp does not compile with std::filesystem, hence by hand.)
std::filesystem::path find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* path = std::getenv("PATH");
    std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    for (std::size_t b = 0; b <= dirs.size();) {
        std::size_t e = dirs.find(':', b);
        if (e == std::string::npos) e = dirs.size();
        std::filesystem::path p = std::filesystem::path(dirs.substr(b, e - b)) / name;
        if (::access(p.c_str(), X_OK) == 0) return p;
        b = e + 1;
    }
    // sbin directories are not on every user's PATH (depmod)
    for (const char* d : {"/usr/sbin", "/sbin"})
        if (auto p = std::filesystem::path(d) / name; ::access(p.c_str(), X_OK) == 0) return p;
    return {};
}

struct Child::Impl {
    boost::asio::io_context ctx;
    std::unique_ptr<bp::process> proc;
    int read_fd = -1;
    bool reaped = false;
    int exit_code = -1;
};

Child::Child(const std::vector<std::string>& argv, const std::filesystem::path& cwd)
    : impl_(std::make_unique<Impl>()) {
    if (argv.empty()) throw Error("internal: empty argv");
    auto exe = find_program(argv[0]);
    if (exe.empty()) throw Error(argv[0] + ": not found on PATH (is its package installed?)");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
    std::vector<std::string> args(argv.begin() + 1, argv.end());
    try {
        bp::process_stdio io{nullptr, fds[1], fds[1]};
        if (cwd.empty()) {
            impl_->proc = std::make_unique<bp::process>(impl_->ctx, exe.string(), args, io,
                                                        NewProcessGroup{});
        } else {
            impl_->proc = std::make_unique<bp::process>(impl_->ctx, exe.string(), args, io,
                                                        bp::process_start_dir(cwd.string()),
                                                        NewProcessGroup{});
        }
    } catch (const std::exception& e) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(argv[0] + ": cannot start: " + e.what());
    }
    ::close(fds[1]); // only the child writes
    impl_->read_fd = fds[0];
}

Child::~Child() {
    if (!impl_->reaped) {
        kill_group();
        wait();
    }
    if (impl_->read_fd >= 0) ::close(impl_->read_fd);
    impl_->proc->detach(); // already reaped above; keep Boost from waiting again
}

pid_t Child::pid() const { return impl_->proc->id(); }

bool Child::read_some(std::string* out, std::chrono::milliseconds wait) {
    if (impl_->read_fd < 0) return false;
    pollfd p{impl_->read_fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) return true;
    char buf[65536];
    ssize_t got = ::read(impl_->read_fd, buf, sizeof buf);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (got <= 0) {
        ::close(impl_->read_fd);
        impl_->read_fd = -1;
        return false;
    }
    out->append(buf, static_cast<std::size_t>(got));
    return true;
}

void Child::kill_group() {
    if (impl_->reaped) return;
    pid_t pid = impl_->proc->id();
    if (pid > 0) ::kill(-pid, SIGKILL);
}

int Child::wait() {
    if (impl_->reaped) return impl_->exit_code;
    int status = 0;
    pid_t pid = impl_->proc->id();
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    impl_->reaped = true;
    impl_->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return impl_->exit_code;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          std::chrono::seconds timeout) {
    Child child(argv, cwd);
    CommandResult r;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (child.read_some(&r.output, std::chrono::milliseconds(200))) {
        if (timeout.count() > 0 && std::chrono::steady_clock::now() > deadline) {
            child.kill_group();
            child.wait();
            throw Error(argv[0] + ": timed out after " + std::to_string(timeout.count()) + " s");
        }
    }
    r.exit_code = child.wait();
    return r;
}

std::string check_output(const std::vector<std::string>& argv, const std::string& what,
                         const std::filesystem::path& cwd, std::chrono::seconds timeout) {
    CommandResult r = run_command(argv, cwd, timeout);
    if (r.exit_code != 0) {
        std::string tail = r.output.size() > 2000 ? "..." + r.output.substr(r.output.size() - 2000)
                                                  : r.output;
        throw Error(what + ": `" + argv[0] + "` exited with " + std::to_string(r.exit_code) +
                    (tail.empty() ? "" : ":\n" + tail));
    }
    return r.output;
}

} // namespace bootlab::process
