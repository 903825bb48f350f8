#include "apps/enrollctl/bulk_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "statemachines/lifecycle.hpp"
#include "workflows/crypto/random.hpp"

namespace enroll::ctl {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The listing's filter keys, in the order the query string is rebuilt.
constexpr std::array<std::string_view, 5> query_keys{"phase", "status", "channel", "step",
                                                     "stuck_for"};
// POSTs in flight at most: enough to reach the rate while each waits for Kafka's ack.
constexpr std::size_t max_in_flight = 8;
// A run key given with --idempotency-key: the API's Idempotency-Key.
constexpr std::size_t max_run_key = 128;

[[noreturn]] void usage(const std::string& why) { throw ServiceUsageError(why); }

// Outcomes of one registration's POST.
enum class Outcome { accepted, skipped, failed };

// 202 accepted; skipped where the registration is no longer one to act on (it ended, it
// moved out of the query, it is gone); anything else failed.
Outcome outcome_of(const ServiceResponse& r) {
  if (r.status == 202) return Outcome::accepted;
  const auto code = r.error_code();
  if (code == Errc::registration_ended || code == Errc::registration_moved ||
      code == Errc::registration_not_found) {
    return Outcome::skipped;
  }
  return Outcome::failed;
}

// The error code of an answer as the summary names it: the API's code, or the HTTP status.
std::string code_text(const ServiceResponse& r) {
  const auto j = r.json();
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    return j["error"].value("code", std::to_string(r.status));
  }
  return std::to_string(r.status);
}

// Every id the listing gives for `api_query`, in its order, each once (a registration that
// changes while the pages are read may come twice).
std::vector<std::string> matching_ids(const ServiceClient& client, const std::string& api_query,
                                      ServiceResponse& failure) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::string cursor;
  for (;;) {
    auto r = client.get("/v1/registrations?limit=1000&" + api_query +
                        (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    if (r.status != 200) {
      failure = std::move(r);
      return {};
    }
    const auto page = r.json();
    for (const auto& item : page.at("items")) {
      auto id = item.at("id").get<std::string>();
      if (seen.insert(id).second) ids.push_back(std::move(id));
    }
    if (page.at("next_cursor").is_null()) return ids;
    cursor = page.at("next_cursor").get<std::string>();
  }
}

// GET /v1/registrations/count; a 400 (an unknown channel, step or duration) is a usage error.
json count_of(const ServiceClient& client, const std::string& api_query, ServiceResponse& answer) {
  answer = client.get("/v1/registrations/count?" + api_query);
  if (answer.status == 400) usage("--query: " + answer.error_text());
  return answer.status == 200 ? answer.json() : json();
}

std::string count_text(const json& count) {
  return (count.value("exact", true) ? "" : "at least ") +
         std::to_string(count.value("count", std::int64_t{0}));
}

// Asks on stderr, reads a line from stdin: yes or y.
bool confirmed(const std::string& question) {
  std::cerr << question << " [y/N] " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  return line == "y" || line == "Y" || line == "yes";
}

// What the POSTs of a run came to.
struct Tally {
  std::mutex mutex;
  std::size_t done = 0, accepted = 0, skipped = 0, failed = 0;
  std::map<std::string, std::size_t> skipped_by, failed_by;  // per code
  json failures = json::array();                             // the first 100
};

// Sends `ids`' actions from max_in_flight threads, at most `rate` per second (each send
// takes the next slot of a fixed schedule), reporting progress on stderr.
void send_all(const ServiceClient& client, const std::string& action,
              const std::vector<std::string>& ids, const json& body, const std::string& run_key,
              int rate, Tally& tally) {
  const auto start = Clock::now();
  const auto interval = std::chrono::nanoseconds(1'000'000'000LL / rate);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto work = [&] {
    for (;;) {
      const auto i = next.fetch_add(1);
      if (i >= ids.size() || stop) return;
      std::this_thread::sleep_until(start + interval * static_cast<std::int64_t>(i));
      const auto& id = ids[i];
      ServiceResponse r;
      try {
        // One key for the run: enrollmentd derives each command's id from it, the
        // registration, the action and the operator (command_id_for).
        r = client.post("/v1/registrations/" + url_encode(id) + "/" + action, body, run_key);
      } catch (const ServiceUnreachable& e) {
        r = ServiceResponse{0, e.what()};
      }
      const auto outcome = r.status == 0 ? Outcome::failed : outcome_of(r);
      const auto code = r.status == 0 ? std::string("unreachable") : code_text(r);
      // Every later action would be refused the same way: no token of an operator who may act
      // (unknown or revoked: 401; a reader's: 403 not_an_operator).
      if (r.status == 401 || code == "not_an_operator") stop = true;
      const std::lock_guard lock(tally.mutex);
      ++tally.done;
      if (outcome == Outcome::accepted) {
        ++tally.accepted;
      } else if (outcome == Outcome::skipped) {
        ++tally.skipped;
        ++tally.skipped_by[code];
      } else {
        ++tally.failed;
        ++tally.failed_by[code];
        if (tally.failures.size() < 100) {
          tally.failures.push_back({{"registration_id", id},
                                    {"status", r.status},
                                    {"error", r.status == 0 ? r.body : r.error_text()}});
        }
      }
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t n = 0; n < std::min(max_in_flight, ids.size()); ++n) workers.emplace_back(work);

  // The progress line: in place on a terminal, else a line every 5 s.
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto last_print = start;
  const auto progress = [&](bool final) {
    const std::lock_guard lock(tally.mutex);
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    char rate_text[32];
    std::snprintf(rate_text, sizeof rate_text, "%.0f/s", secs > 0 ? tally.done / secs : 0.0);
    std::cerr << (tty ? "\r" : "") << action << ": " << tally.done << "/" << ids.size() << " done, "
              << rate_text << ", " << tally.failed << " failed" << (tty && !final ? "" : "\n")
              << std::flush;
  };
  while (true) {
    {
      const std::lock_guard lock(tally.mutex);
      if (tally.done >= ids.size()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (tty || Clock::now() - last_print >= std::chrono::seconds(5)) {
      last_print = Clock::now();
      progress(false);
    }
    if (stop) break;
  }
  for (auto& w : workers) w.join();
  progress(true);
}

std::string by_code(const std::map<std::string, std::size_t>& counts) {
  std::string out;
  for (const auto& [code, n] : counts) {
    out += (out.empty() ? "" : ", ") + code + " " + std::to_string(n);
  }
  return out.empty() ? out : " (" + out + ")";
}

}  // namespace

std::string api_query_of(const std::string& query) {
  std::map<std::string, std::string> given;
  std::string_view rest(query);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2", as the API reads it
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      usage("--query: '" + std::string(pair) + "' is not key=value");
    }
    const std::string key(pair.substr(0, eq)), value(pair.substr(eq + 1));
    if (std::find(query_keys.begin(), query_keys.end(), key) == query_keys.end()) {
      usage("--query: unknown key '" + key + "'; keys: phase, status, channel, step, stuck_for");
    }
    if (value.empty()) usage("--query: '" + key + "' has no value");
    if (!given.emplace(key, value).second) usage("--query: '" + key + "' given twice");
  }
  if (given.empty()) {
    usage(
        "--query: no condition (e.g. 'status=incident&step=verify-card'): a bulk action on "
        "every registration is not what a query is for");
  }
  if (given.count("phase") != 0 && !phase_from(given["phase"])) {
    usage("--query: unknown phase '" + given["phase"] + "'");
  }
  if (given.count("status") != 0 && !status_from(given["status"])) {
    usage("--query: unknown status '" + given["status"] + "'");
  }
  std::string out;
  for (const auto key : query_keys) {
    const auto it = given.find(std::string(key));
    if (it == given.end()) continue;
    out += (out.empty() ? "" : "&") + it->first + "=" + url_encode(it->second);
  }
  return out;
}

int rate_of(const std::string& text) {
  std::string_view digits(text);
  if (digits.size() > 2 && digits.substr(digits.size() - 2) == "/s") {
    digits.remove_suffix(2);
  }
  int rate = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), rate);
  if (ec != std::errc() || end != digits.data() + digits.size() || rate < 1 || rate > 10000) {
    usage("--rate '" + text + "': a number of actions per second from 1 to 10000, e.g. 200/s");
  }
  return rate;
}

int run_count(const GlobalOptions& options, const ServiceOptions& service,
              const std::string& query) {
  const auto api_query = api_query_of(query);
  ServiceResponse answer;
  const auto count = count_of(client_of(service), api_query, answer);
  if (answer.status != 200) return refused(options, answer);
  if (options.json) {
    std::cout << count.dump() << "\n";
  } else {
    std::cout << count_text(count) << " registration(s) match " << query
              << (count.value("exact", true) ? "" : " (the count stopped at its bound)") << "\n";
  }
  return 0;
}

int run_bulk(const GlobalOptions& options, const ServiceOptions& service, const std::string& action,
             const BulkOptions& bulk) {
  const auto api_query = api_query_of(bulk.query);
  const int rate = rate_of(bulk.rate);
  if (service.idempotency_key.size() > max_run_key ||
      !std::all_of(service.idempotency_key.begin(), service.idempotency_key.end(),
                   [](char c) { return c > ' ' && c < 0x7f; })) {
    usage("--idempotency-key: at most 128 visible ASCII characters");
  }
  const auto client = client_of(service);
  ServiceResponse answer;
  const auto count = count_of(client, api_query, answer);
  if (answer.status != 200) return refused(options, answer);
  const auto matched = count.value("count", std::int64_t{0});
  if (matched == 0) {
    if (options.json) {
      std::cout << json{{"action", action}, {"query", bulk.query}, {"matched", 0},
                        {"accepted", 0},    {"skipped", 0},        {"failed", 0}}
                       .dump()
                << "\n";
    } else {
      std::cout << "no registration matches " << bulk.query << ": nothing to " << action << "\n";
    }
    return 0;
  }
  if (!bulk.yes && !confirmed(action + " " + count_text(count) + " registration(s) matching " +
                              bulk.query + "?")) {
    std::cerr << "enrollctl: not confirmed; nothing sent (--yes skips the question)\n";
    return 1;
  }
  const auto run_key =
      service.idempotency_key.empty() ? "bulk-" + crypto::random_hex(16) : service.idempotency_key;
  std::cerr << "bulk run key " << run_key << " (to repeat this run safely: --idempotency-key "
            << run_key << ")\n";
  ServiceResponse failure;
  const auto ids = matching_ids(client, api_query, failure);
  if (failure.status != 0) return refused(options, failure);

  // The query goes with each action: enrollmentd skips one that no longer matches.
  const json body{{"reason", bulk.reason}, {"query", api_query}};
  Tally tally;
  send_all(client, action, ids, body, run_key, rate, tally);

  if (options.json) {
    std::cout << json{{"action", action},
                      {"query", bulk.query},
                      {"bulk_key", run_key},
                      {"matched", ids.size()},
                      {"accepted", tally.accepted},
                      {"skipped", tally.skipped},
                      {"skipped_by", tally.skipped_by},
                      {"failed", tally.failed},
                      {"failed_by", tally.failed_by},
                      {"failures", tally.failures}}
                     .dump()
              << "\n";
  } else {
    std::cout << action << " of " << ids.size() << " registration(s) matching " << bulk.query
              << ": " << tally.accepted << " accepted, " << tally.skipped << " skipped"
              << by_code(tally.skipped_by) << ", " << tally.failed << " failed"
              << by_code(tally.failed_by) << "; bulk run key " << run_key << "\n";
    for (const auto& f : tally.failures) {
      std::cerr << "enrollctl: " << f["registration_id"].get<std::string>() << ": "
                << f["error"].get<std::string>() << "\n";
    }
  }
  return tally.failed == 0 && tally.done == ids.size() ? 0 : 1;
}

}  // namespace enroll::ctl
