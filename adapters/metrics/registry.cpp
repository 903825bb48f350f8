#include "adapters/metrics/registry.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace enroll::metrics {
namespace {

// Label values escape backslash, double quote and newline; HELP text backslash and newline.
std::string escape(const std::string& s, bool quotes) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

}  // namespace

Family::Family(std::string name, std::string help, std::string type,
               std::vector<std::string> labels)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(std::move(type)),
      label_names_(std::move(labels)) {}

void Family::render(std::string& out) const {
  out += "# HELP " + name_ + " " + escape(help_, false) + "\n";
  out += "# TYPE " + name_ + " " + type_ + "\n";
  render_samples(out);
}

std::string Family::series(const std::string& suffix, const Labels& values,
                           const std::string& extra) const {
  std::string s = name_ + suffix;
  if (label_names_.empty() && extra.empty()) return s;
  s += '{';
  for (std::size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    if (i > 0) s += ',';
    s += label_names_[i] + "=\"" + escape(values[i], true) + "\"";
  }
  if (!extra.empty()) {
    if (!label_names_.empty()) s += ',';
    s += extra;
  }
  s += '}';
  return s;
}

CounterFamily::CounterFamily(std::string name, std::string help, std::vector<std::string> labels)
    : Family(std::move(name), std::move(help), "counter", std::move(labels)) {}

void CounterFamily::add(const Labels& values, std::uint64_t n) {
  const std::lock_guard lock(mutex_);
  values_[values] += n;
}

std::uint64_t CounterFamily::value(const Labels& values) const {
  const std::lock_guard lock(mutex_);
  const auto it = values_.find(values);
  return it == values_.end() ? 0 : it->second;
}

void CounterFamily::render_samples(std::string& out) const {
  const std::lock_guard lock(mutex_);
  for (const auto& [labels, v] : values_)
    out += series("", labels) + " " + std::to_string(v) + "\n";
}

GaugeFamily::GaugeFamily(std::string name, std::string help, std::vector<std::string> labels)
    : Family(std::move(name), std::move(help), "gauge", std::move(labels)) {}

void GaugeFamily::set(const Labels& values, double v) {
  const std::lock_guard lock(mutex_);
  values_[values] = v;
}

void GaugeFamily::replace(std::map<Labels, double> all) {
  const std::lock_guard lock(mutex_);
  values_ = std::move(all);
}

void GaugeFamily::render_samples(std::string& out) const {
  const std::lock_guard lock(mutex_);
  for (const auto& [labels, v] : values_) out += series("", labels) + " " + number(v) + "\n";
}

CallbackFamily::CallbackFamily(std::string name, std::string help, std::string type,
                               std::vector<std::string> labels, Read read)
    : Family(std::move(name), std::move(help), std::move(type), std::move(labels)),
      read_(std::move(read)) {}

void CallbackFamily::render_samples(std::string& out) const {
  for (const auto& [labels, value] : read_()) {
    out += series("", labels) + " " + number(value) + "\n";
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<double> bounds)
    : Family(std::move(name), std::move(help), "histogram", {}), bounds_(std::move(bounds)) {
  if (bounds_.empty() || bounds_.size() > max_buckets ||
      !std::is_sorted(bounds_.begin(), bounds_.end())) {
    throw std::logic_error("histogram " + this->name() + ": bad bucket bounds");
  }
}

void Histogram::observe(double seconds) {
  seconds = std::max(seconds, 0.0);  // a clock step backwards is not a negative latency
  const auto i = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  ++buckets_[i];
  sum_us_ += static_cast<std::uint64_t>(std::llround(seconds * 1e6));
  ++count_;
}

void Histogram::render_samples(std::string& out) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load();
    const std::string le = i < bounds_.size() ? number(bounds_[i]) : "+Inf";
    out += series("_bucket", {}, "le=\"" + le + "\"") + " " + std::to_string(cumulative) + "\n";
  }
  out += series("_sum", {}) + " " + number(static_cast<double>(sum_us_.load()) / 1e6) + "\n";
  out += series("_count", {}) + " " + std::to_string(count_.load()) + "\n";
}

template <class F>
F& Registry::add(std::unique_ptr<F> family) {
  const std::lock_guard lock(mutex_);
  for (const auto& f : families_) {
    if (f->name() == family->name()) {
      throw std::logic_error("metric " + family->name() + " registered twice");
    }
  }
  F& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> labels) {
  return add(std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labels)));
}

GaugeFamily& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  return add(std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(labels)));
}

Histogram& Registry::histogram(std::string name, std::string help, std::vector<double> bounds) {
  return add(std::make_unique<Histogram>(std::move(name), std::move(help), std::move(bounds)));
}

void Registry::callback(std::string name, std::string help, std::string type,
                        std::function<double()> read) {
  callback(std::move(name), std::move(help), std::move(type), {}, [read = std::move(read)] {
    return std::vector<std::pair<Labels, double>>{{{}, read()}};
  });
}

void Registry::callback(std::string name, std::string help, std::string type,
                        std::vector<std::string> labels, CallbackFamily::Read read) {
  if (type != "counter" && type != "gauge") throw std::logic_error("metric type " + type);
  add(std::make_unique<CallbackFamily>(std::move(name), std::move(help), std::move(type),
                                       std::move(labels), std::move(read)));
}

std::string Registry::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace enroll::metrics
