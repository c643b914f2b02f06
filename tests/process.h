// Runs real programs for cross-process tests: capture output, set environment,
// and kill them mid-flight. POSIX only; used by tests, never by programs.
#pragma once

#include <string>
#include <vector>

namespace outpost::testing {

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, or 0
  std::string out;
  std::string err;
};

// A started child with its stdout and stderr on pipes.
class Process {
 public:
  // argv[0] is the program path. `env` entries ("NAME=value") are added to ours.
  Process(const std::vector<std::string>& argv, const std::vector<std::string>& env);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  int pid() const { return pid_; }
  void Kill(int signal);
  // Reads all output and reaps the child.
  ProcessResult Wait();

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
};

ProcessResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});

}  // namespace outpost::testing
