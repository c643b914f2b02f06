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
  // The next line the child writes to stdout (without its newline), waiting at
  // most `timeout_ms`; empty when none came in time or stdout closed. For a
  // server that announces itself ("listening 40123"); what follows the line
  // stays for Wait().
  std::string ReadLine(int timeout_ms);
  // Reads all output and reaps the child.
  ProcessResult Wait();

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
  std::string out_pending_;  // stdout read by ReadLine past its line
};

ProcessResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});

}  // namespace outpost::testing
