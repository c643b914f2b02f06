#include "tests/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

extern char** environ;

namespace outpost::testing {

Process::Process(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) std::abort();
  // Built before fork: the child only calls async-signal-safe functions.
  // Ours, minus any variable `env` sets: an override must win whatever the parent has.
  // A locale variable asking for Chinese is not passed on either: the programs'
  // messages are asserted in English unless a test asks for Chinese itself.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('=') + 1);
    bool overridden =
        entry.find("=zh") != std::string::npos &&
        (name == "LANGUAGE=" || name == "LC_ALL=" || name == "LC_MESSAGES=" || name == "LANG=");
    for (const auto& o : env) overridden |= o.rfind(name, 0) == 0;
    if (!overridden) env_strings.push_back(entry);
  }
  for (const auto& e : env) env_strings.push_back(e);
  std::vector<char*> child_env, child_argv;
  for (auto& e : env_strings) child_env.push_back(e.data());
  child_env.push_back(nullptr);
  std::vector<std::string> args = argv;
  for (auto& a : args) child_argv.push_back(a.data());
  child_argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execve(child_argv[0], child_argv.data(), child_env.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
}

Process::~Process() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait();
  }
}

void Process::Kill(int signal) {
  if (!reaped_) kill(pid_, signal);
}

std::string Process::ReadLine(int timeout_ms) {
  char buf[4096];
  int waited_ms = 0;
  while (out_pending_.find('\n') == std::string::npos && out_fd_ >= 0 && waited_ms < timeout_ms) {
    pollfd fd = {out_fd_, POLLIN, 0};
    // Polled in slices so the whole wait stays bounded by timeout_ms.
    const int slice_ms = 50;
    if (poll(&fd, 1, slice_ms) <= 0) {
      waited_ms += slice_ms;
      continue;
    }
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    out_pending_.append(buf, static_cast<size_t>(n));
  }
  const size_t end = out_pending_.find('\n');
  if (end == std::string::npos) return "";
  std::string line = out_pending_.substr(0, end);
  out_pending_.erase(0, end + 1);
  return line;
}

ProcessResult Process::Wait() {
  ProcessResult result;
  result.out = std::move(out_pending_);
  out_pending_.clear();
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

ProcessResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env) {
  Process p(argv, env);
  return p.Wait();
}

}  // namespace outpost::testing
