#include "sync/metrics.h"

#include <httplib.h>

#include <charconv>
#include <cmath>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

// A label value as the exposition format quotes it.
std::string Quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

void Metrics::Define(const std::string& name, Family family) {
  MutexLock lock(&mu_);
  families_[name] = std::move(family);
}

void Metrics::DefineCounter(const std::string& name, const std::string& help,
                            const std::string& label) {
  Family family{.kind = Kind::kCounter, .help = help, .label = label};
  // A counter without a label shows 0 from the start, not only once counted.
  if (label.empty()) family.samples[""] = {};
  Define(name, std::move(family));
}

void Metrics::DefineGauge(const std::string& name, const std::string& help,
                          const std::string& label) {
  Define(name, Family{.kind = Kind::kGauge, .help = help, .label = label});
}

void Metrics::DefineHistogram(const std::string& name, const std::string& help,
                              std::vector<double> bounds) {
  Family family{.kind = Kind::kHistogram, .help = help};
  family.bucket_counts.assign(bounds.size(), 0);
  family.bounds = std::move(bounds);
  Define(name, std::move(family));
}

void Metrics::Add(const std::string& name, double delta, const std::string& label_value) {
  MutexLock lock(&mu_);
  auto it = families_.find(name);
  if (it != families_.end()) it->second.samples[label_value].value += delta;
}

void Metrics::Set(const std::string& name, double value, const std::string& label_value) {
  MutexLock lock(&mu_);
  auto it = families_.find(name);
  if (it != families_.end()) it->second.samples[label_value] = {value, std::nullopt};
}

void Metrics::SetSince(const std::string& name, int64_t since_ms, const std::string& label_value) {
  MutexLock lock(&mu_);
  auto it = families_.find(name);
  if (it != families_.end()) it->second.samples[label_value] = {0, since_ms};
}

void Metrics::Clear(const std::string& name) {
  MutexLock lock(&mu_);
  auto it = families_.find(name);
  if (it != families_.end()) it->second.samples.clear();
}

void Metrics::Observe(const std::string& name, double value) {
  MutexLock lock(&mu_);
  auto it = families_.find(name);
  if (it == families_.end() || it->second.kind != Kind::kHistogram) return;
  Family& family = it->second;
  for (size_t i = 0; i < family.bounds.size(); ++i) {
    if (value <= family.bounds[i]) {
      ++family.bucket_counts[i];
      break;
    }
  }
  ++family.count;
  family.sum += value;
}

void Metrics::Beat() {
  MutexLock lock(&mu_);
  last_beat_ = std::chrono::steady_clock::now();
}

void Metrics::RenderFamily(const std::string& name, const Family& family, int64_t now_ms,
                           std::string& out) const {
  static constexpr const char* kTypes[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + name + " " + family.help + "\n";
  out += "# TYPE " + name + " " + kTypes[static_cast<int>(family.kind)] + "\n";
  if (family.kind == Kind::kHistogram) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < family.bounds.size(); ++i) {
      cumulative += family.bucket_counts[i];
      out += name + "_bucket{le=" + Quoted(Number(family.bounds[i])) + "} " +
             std::to_string(cumulative) + "\n";
    }
    out += name + "_bucket{le=\"+Inf\"} " + std::to_string(family.count) + "\n";
    out += name + "_sum " + Number(family.sum) + "\n";
    out += name + "_count " + std::to_string(family.count) + "\n";
    return;
  }
  for (const auto& [label_value, sample] : family.samples) {
    const double value =
        sample.since_ms ? static_cast<double>(now_ms - *sample.since_ms) / 1000.0 : sample.value;
    out += name;
    if (!family.label.empty()) out += "{" + family.label + "=" + Quoted(label_value) + "}";
    out += " " + Number(value) + "\n";
  }
}

std::string Metrics::Render() const {
  const int64_t now_ms = clock_.NowMs();
  std::string out;
  MutexLock lock(&mu_);
  for (const auto& [name, family] : families_) RenderFamily(name, family, now_ms, out);
  return out;
}

std::string Metrics::Unhealthy() const {
  MutexLock lock(&mu_);
  const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - last_beat_);
  if (idle <= stale_after_) return "";
  return "the loop has not run for " + std::to_string(idle.count() / 1000) + " s (limit " +
         std::to_string(stale_after_.count() / 1000) + " s)";
}

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& bind,
                                                            bool allow_public, Metrics& metrics,
                                                            const Logger& log) {
  const size_t colon = bind.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0) {
    const std::string digits = bind.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size()) port = -1;
  }
  if (port < 0 || port > 65535) {
    return Status::InvalidInput("--metrics: '" + bind + "' is not HOST:PORT")
        .WithShown(i18n::Format("--metrics: '{0}' is not HOST:PORT", {bind}));
  }
  std::string host = bind.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!IsLoopback(host) && !allow_public) {
    return Status::InvalidInput("--metrics: '" + host +
                                "' is not a loopback address; the metrics have no"
                                " authentication (add --metrics-public to serve them anyway)")
        .WithShown(i18n::Format("--metrics: '{0}' is not a loopback address; the metrics have no "
                                "authentication (add --metrics-public to serve them anyway)",
                                {host}));
  }
  auto impl = std::make_unique<Impl>();
  impl->server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  impl->server.Get("/health", [&metrics](const httplib::Request&, httplib::Response& res) {
    const std::string why = metrics.Unhealthy();
    res.status = why.empty() ? 200 : 503;
    res.set_content(why.empty() ? "ok\n" : why + "\n", "text/plain; charset=utf-8");
  });
  const int bound = port == 0 ? impl->server.bind_to_any_port(host)
                              : (impl->server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Status::IoError("--metrics: cannot listen on " + bind)
        .WithShown(i18n::Format("--metrics: cannot listen on {0}", {bind}));
  }
  if (!IsLoopback(host)) {
    log.Warn("metrics served beyond this machine, without authentication", {{"bind", bind}});
  }
  impl->thread = std::thread([server = &impl->server] { server->listen_after_bind(); });
  log.Info("metrics listening",
           {{"url", "http://" + bind.substr(0, colon) + ":" + std::to_string(bound) + "/metrics"}});
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl), bound));
}

Result<std::unique_ptr<MetricsServer>> StartMetricsServer(const MetricsOptions& options,
                                                          Metrics& metrics, const Logger& log) {
  if (options.bind.empty()) return std::unique_ptr<MetricsServer>();
  return MetricsServer::Start(options.bind, options.allow_public, metrics, log);
}

}  // namespace outpost
