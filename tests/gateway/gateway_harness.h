// A running outpost-test-gateway for tests (tests/gateway/test_gateway.cc):
// starts the real program on a port the OS picks, and drives it over HTTP
// (POST /control, GET /stats). Killed when destroyed. Not thread-safe; tests only.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/process.h"

namespace outpost::testing {

class TestGateway {
 public:
  // Starts `binary` with --port 0, --secret-file `secret_file` and `extra`
  // flags (--log F, --reply-to URL), and waits for its "listening PORT" line.
  // Null when it did not start; `error` then holds its stderr.
  static std::unique_ptr<TestGateway> Start(const std::string& binary,
                                            const std::string& secret_file,
                                            const std::vector<std::string>& extra,
                                            std::string* error);

  int port() const { return port_; }
  // "http://127.0.0.1:PORT/messages": where messages go.
  std::string MessagesUrl() const;
  // POSTs `control` to /control and returns the answer's JSON ({"error": ...} on a 4xx).
  nlohmann::json Control(const nlohmann::json& control) const;
  // GET /stats.
  nlohmann::json Stats() const;
  // Stops it (SIGKILL) and returns what it wrote.
  ProcessResult Stop();

 private:
  TestGateway(std::unique_ptr<Process> process, int port)
      : process_(std::move(process)), port_(port) {}
  std::unique_ptr<Process> process_;
  int port_;
};

}  // namespace outpost::testing
