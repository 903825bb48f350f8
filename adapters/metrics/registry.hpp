#pragma once
// Metrics in the Prometheus text format (0.0.4), without a client library (prometheus-cpp
// is not packaged): counters and gauges with labels, one kind of histogram, and counters
// read from elsewhere at scrape time. Families are registered once, at start-up; a name
// registered twice is refused.
//
// Thread-safety: every method may be called from any thread. Updates take the family's own
// mutex (never contended for long: a map lookup) or are atomic; render() reads a snapshot.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace enroll::metrics {

// Label values of one series, in the order of the family's label names.
using Labels = std::vector<std::string>;

class Family {
 public:
  Family(std::string name, std::string help, std::string type, std::vector<std::string> labels);
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  [[nodiscard]] const std::string& name() const { return name_; }
  // HELP, TYPE and every sample.
  void render(std::string& out) const;

 protected:
  virtual void render_samples(std::string& out) const = 0;
  // name{l1="v1",...} (no braces without labels); `extra` is one more label already rendered.
  [[nodiscard]] std::string series(const std::string& suffix, const Labels& values,
                                   const std::string& extra = "") const;

 private:
  std::string name_, help_, type_;
  std::vector<std::string> label_names_;
};

// A counter per label set; series appear when first incremented.
class CounterFamily final : public Family {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> labels);
  void add(const Labels& values, std::uint64_t n = 1);
  [[nodiscard]] std::uint64_t value(const Labels& values) const;

 private:
  void render_samples(std::string& out) const override;
  mutable std::mutex mutex_;
  std::map<Labels, std::uint64_t> values_;
};

// A gauge per label set; replace() swaps every series at once (e.g. the partitions owned).
class GaugeFamily final : public Family {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> labels);
  void set(const Labels& values, double v);
  void replace(std::map<Labels, double> all);

 private:
  void render_samples(std::string& out) const override;
  mutable std::mutex mutex_;
  std::map<Labels, double> values_;
};

// Values owned elsewhere (e.g. atomic counters), read when rendered: one series per label set
// that `read` returns (one without labels for a family without label names).
class CallbackFamily final : public Family {
 public:
  using Read = std::function<std::vector<std::pair<Labels, double>>()>;
  CallbackFamily(std::string name, std::string help, std::string type,
                 std::vector<std::string> labels, Read read);

 private:
  void render_samples(std::string& out) const override;
  Read read_;
};

// Observations in seconds, in fixed buckets (upper bounds, ascending).
class Histogram final : public Family {
 public:
  static constexpr std::size_t max_buckets = 16;
  Histogram(std::string name, std::string help, std::vector<double> bounds);
  void observe(double seconds);
  [[nodiscard]] std::uint64_t count() const { return count_.load(); }

 private:
  void render_samples(std::string& out) const override;
  std::vector<double> bounds_;
  std::array<std::atomic<std::uint64_t>, max_buckets + 1> buckets_{};  // not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};  // microseconds: an atomic double needs a CAS loop
};

class Registry {
 public:
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labels = {});
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  Histogram& histogram(std::string name, std::string help, std::vector<double> bounds);
  // type: "counter" or "gauge".
  void callback(std::string name, std::string help, std::string type, std::function<double()> read);
  // The same with labels: `read` gives each series' label values and value.
  void callback(std::string name, std::string help, std::string type,
                std::vector<std::string> labels, CallbackFamily::Read read);
  // Every family, in the order registered; the body of GET /metrics.
  [[nodiscard]] std::string render() const;

 private:
  template <class F>
  F& add(std::unique_ptr<F> family);
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

// The content type of render()'s text.
inline constexpr const char* content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace enroll::metrics
