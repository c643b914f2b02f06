// Metrics: a daemon's Prometheus metrics and its health, and the HTTP server
// that shows them (GET /metrics, GET /health; docs/MONITORING.md).
//
// The daemon's loop counts what it does (Add, Observe), sets what it knows
// (Set, SetSince), and calls Beat() once a turn. The server's thread renders
// under the same lock, so a scrape never touches the daemon's database or its
// sockets and costs one pass over the values. Families are defined once, before
// the server starts; label values appear as the loop sets them.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sync/clock.h"
#include "sync/log.h"
#include "sync/mutex.h"
#include "sync/status.h"

namespace outpost {

class Metrics {
 public:
  // `clock` dates SetSince values at render. `stale_after` is how long the
  // loop may go without a Beat before /health answers 503.
  Metrics(const Clock& clock, std::chrono::milliseconds stale_after)
      : clock_(clock), stale_after_(stale_after) {}

  // `label`: the one label's name ("store", "reason"), or empty for none.
  void DefineCounter(const std::string& name, const std::string& help,
                     const std::string& label = "") EXCLUDES(mu_);
  void DefineGauge(const std::string& name, const std::string& help, const std::string& label = "")
      EXCLUDES(mu_);
  // Upper bounds in ascending order; +Inf is added.
  void DefineHistogram(const std::string& name, const std::string& help, std::vector<double> bounds)
      EXCLUDES(mu_);

  void Add(const std::string& name, double delta, const std::string& label_value = "")
      EXCLUDES(mu_);
  void Set(const std::string& name, double value, const std::string& label_value = "")
      EXCLUDES(mu_);
  // The gauge reads the seconds from `since_ms` (business clock) to the scrape.
  void SetSince(const std::string& name, int64_t since_ms, const std::string& label_value = "")
      EXCLUDES(mu_);
  // Drops every label value of a gauge (a store no longer on the allow-list).
  void Clear(const std::string& name) EXCLUDES(mu_);
  void Observe(const std::string& name, double value) EXCLUDES(mu_);

  // The loop ran now.
  void Beat() EXCLUDES(mu_);

  // Text exposition format 0.0.4.
  std::string Render() const EXCLUDES(mu_);
  // Empty when healthy, else why not ("the loop has not run for 41 s").
  std::string Unhealthy() const EXCLUDES(mu_);

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Sample {
    double value = 0;
    std::optional<int64_t> since_ms;  // set: the value is the age at render
  };
  struct Family {
    Kind kind = Kind::kCounter;
    std::string help;
    std::string label;
    std::map<std::string, Sample> samples;  // by label value ("" without a label)
    std::vector<double> bounds;             // histogram: upper bounds
    std::vector<uint64_t> bucket_counts;    // histogram: per bound, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  void Define(const std::string& name, Family family) EXCLUDES(mu_);
  void RenderFamily(const std::string& name, const Family& family, int64_t now_ms,
                    std::string& out) const REQUIRES(mu_);

  const Clock& clock_;
  const std::chrono::milliseconds stale_after_;
  mutable Mutex mu_;
  std::map<std::string, Family> families_ GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point last_beat_ GUARDED_BY(mu_) =
      std::chrono::steady_clock::now();
};

// GET /metrics and GET /health on HOST:PORT, on a thread of its own.
class MetricsServer {
 public:
  // Refuses a non-loopback HOST unless `allow_public` (--metrics-public): the
  // metrics name stores and counts and carry no authentication. Port 0: any
  // free port (port()). Logs where it listens.
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& bind, bool allow_public,
                                                      Metrics& metrics, const Logger& log);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  int port() const { return port_; }

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_;
};

// The --metrics and --metrics-public options of a daemon.
struct MetricsOptions {
  std::string bind;  // HOST:PORT; empty: no metrics server
  bool allow_public = false;
};
// MetricsServer::Start when `options` name an address; nullptr when not.
Result<std::unique_ptr<MetricsServer>> StartMetricsServer(const MetricsOptions& options,
                                                          Metrics& metrics, const Logger& log);

}  // namespace outpost
