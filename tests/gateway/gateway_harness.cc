#include "tests/gateway/gateway_harness.h"

#include <httplib.h>
#include <signal.h>

namespace outpost::testing {

std::unique_ptr<TestGateway> TestGateway::Start(const std::string& binary,
                                                const std::string& secret_file,
                                                const std::vector<std::string>& extra,
                                                std::string* error) {
  std::vector<std::string> argv = {binary, "--port", "0", "--secret-file", secret_file};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto process = std::make_unique<Process>(argv, std::vector<std::string>{});
  const std::string line = process->ReadLine(10000);
  const std::string prefix = "listening ";
  if (line.rfind(prefix, 0) != 0) {
    process->Kill(SIGKILL);
    ProcessResult result = process->Wait();
    if (error) *error = line + result.out + result.err;
    return nullptr;
  }
  const int port = std::stoi(line.substr(prefix.size()));
  return std::unique_ptr<TestGateway>(new TestGateway(std::move(process), port));
}

std::string TestGateway::MessagesUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/messages";
}

nlohmann::json TestGateway::Control(const nlohmann::json& control) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30);
  auto answer = client.Post("/control", control.dump(), "application/json");
  if (!answer) return {{"error", "no answer: " + httplib::to_string(answer.error())}};
  return nlohmann::json::parse(answer->body, nullptr, false);
}

nlohmann::json TestGateway::Stats() const {
  httplib::Client client("127.0.0.1", port_);
  auto answer = client.Get("/stats");
  if (!answer) return {{"error", "no answer: " + httplib::to_string(answer.error())}};
  return nlohmann::json::parse(answer->body, nullptr, false);
}

ProcessResult TestGateway::Stop() {
  process_->Kill(SIGKILL);
  return process_->Wait();
}

}  // namespace outpost::testing
