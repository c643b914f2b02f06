#include "sync/metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace outpost {
namespace {

TEST(MetricsTest, RendersHelpTypeAndSamples) {
  FixedClock clock(100'000);
  Metrics metrics(clock, std::chrono::seconds(30));
  metrics.DefineCounter("outpost_x_total", "things done");
  metrics.DefineCounter("outpost_refusals_total", "refused", "reason");
  metrics.DefineGauge("outpost_age_seconds", "since", "store");
  metrics.Add("outpost_x_total", 2);
  metrics.Add("outpost_refusals_total", 1, "denied");
  metrics.Add("outpost_refusals_total", 1, "a\"b");
  metrics.SetSince("outpost_age_seconds", 97'500, "S1");
  EXPECT_EQ(metrics.Render(),
            "# HELP outpost_age_seconds since\n"
            "# TYPE outpost_age_seconds gauge\n"
            "outpost_age_seconds{store=\"S1\"} 2.5\n"
            "# HELP outpost_refusals_total refused\n"
            "# TYPE outpost_refusals_total counter\n"
            "outpost_refusals_total{reason=\"a\\\"b\"} 1\n"
            "outpost_refusals_total{reason=\"denied\"} 1\n"
            "# HELP outpost_x_total things done\n"
            "# TYPE outpost_x_total counter\n"
            "outpost_x_total 2\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  FixedClock clock(0);
  Metrics metrics(clock, std::chrono::seconds(30));
  metrics.DefineHistogram("outpost_ingest_seconds", "per batch", {0.01, 0.1, 1});
  metrics.Observe("outpost_ingest_seconds", 0.005);
  metrics.Observe("outpost_ingest_seconds", 0.05);
  metrics.Observe("outpost_ingest_seconds", 5);
  EXPECT_EQ(metrics.Render(),
            "# HELP outpost_ingest_seconds per batch\n"
            "# TYPE outpost_ingest_seconds histogram\n"
            "outpost_ingest_seconds_bucket{le=\"0.01\"} 1\n"
            "outpost_ingest_seconds_bucket{le=\"0.1\"} 2\n"
            "outpost_ingest_seconds_bucket{le=\"1\"} 2\n"
            "outpost_ingest_seconds_bucket{le=\"+Inf\"} 3\n"
            "outpost_ingest_seconds_sum 5.055\n"
            "outpost_ingest_seconds_count 3\n");
}

TEST(MetricsTest, HealthNamesHowLongTheLoopHasNotRun) {
  FixedClock clock(0);
  Metrics fresh(clock, std::chrono::seconds(30));
  EXPECT_EQ(fresh.Unhealthy(), "");
  Metrics stale(clock, std::chrono::milliseconds(0));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(stale.Unhealthy(), "the loop has not run for 0 s (limit 0 s)");
}

TEST(MetricsTest, ServerRefusesANonLoopbackAddressWithoutTheFlag) {
  FixedClock clock(0);
  Metrics metrics(clock, std::chrono::seconds(30));
  std::ostringstream out;
  LogSink sink(out, clock, LogFormat::kText);
  auto refused = MetricsServer::Start("0.0.0.0:0", false, metrics, Logger(sink, "metrics"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "--metrics: '0.0.0.0' is not a loopback address; the metrics have no authentication"
            " (add --metrics-public to serve them anyway)");
  auto malformed = MetricsServer::Start("127.0.0.1", false, metrics, Logger(sink, "metrics"));
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.status().message(), "--metrics: '127.0.0.1' is not HOST:PORT");
}

}  // namespace
}  // namespace outpost
