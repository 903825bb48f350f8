#include "service/server/bulk_api.hpp"

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "workflows/crypto/random.hpp"

namespace enroll::http {
namespace {

using nlohmann::json;

// Actions sent and not yet answered, at most (each waits for the read model, then Kafka).
constexpr std::size_t max_in_flight = 32;

Timestamp wall_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// The API's error code of an answer, or its HTTP status.
std::string code_of(const Response& r) {
  const auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    return j["error"].value("code", std::to_string(r.status));
  }
  return std::to_string(r.status);
}

}  // namespace

// One bulk run. The runner thread writes the list and the schedule; the actions' answers
// (from the worker's and the writer's threads) the counts: all under `mutex`.
struct BulkApi::Job {
  std::string id;
  CommandType action = CommandType::operator_retry;
  std::string query;  // as posted
  std::string reason;
  trust::OperatorId who;
  std::string key;  // the run's Idempotency-Key
  redis::ListFilter filter;
  std::int64_t count = 0;  // confirmed at the POST
  Timestamp created_at{};

  std::mutex mutex;
  std::condition_variable answered;
  std::string state = "queued";  // queued, listing, running, done, stopped, failed
  std::string error;             // failed: why
  std::size_t total = 0, sent = 0, done = 0, accepted = 0, in_flight = 0;
  std::map<std::string, std::size_t> skipped, failed;  // per code
  std::optional<Timestamp> finished_at;

  void tally(const Response& r) {
    const std::lock_guard lock(mutex);
    ++done;
    --in_flight;
    const auto code = r.status == 202 ? std::string() : code_of(r);
    if (r.status == 202) {
      ++accepted;
    } else if (code == "registration_ended" || code == "registration_moved" ||
               code == "registration_not_found") {
      ++skipped[code];
    } else {
      ++failed[code];
    }
    answered.notify_all();
  }

  json view() {
    const std::lock_guard lock(mutex);
    std::size_t skipped_all = 0, failed_all = 0;
    for (const auto& [code, n] : skipped) skipped_all += n;
    for (const auto& [code, n] : failed) failed_all += n;
    return {{"job", id},
            {"action", std::string(to_string(action))},
            {"query", query},
            {"operator", who.str()},
            {"idempotency_key", key},
            {"state", state},
            {"error", error.empty() ? json() : json(error)},
            {"count", count},
            {"total", total},
            {"sent", sent},
            {"done", done},
            {"accepted", accepted},
            {"skipped", skipped_all},
            {"skipped_by", skipped},
            {"failed", failed_all},
            {"failed_by", failed},
            {"created_at", to_rfc3339(created_at)},
            {"finished_at", finished_at ? json(to_rfc3339(*finished_at)) : json()}};
  }

  void finish(std::string how, std::string why = {}) {
    const std::lock_guard lock(mutex);
    state = std::move(how);
    error = std::move(why);
    finished_at = wall_now();
  }
};

BulkApi::BulkApi(OperatorApi& actions, ReadJobs& worker, const DefinitionCatalog& catalog, int rate)
    : actions_(actions), worker_(worker), names_(filter_names(catalog)), rate_(rate) {
  thread_ = std::thread([this] { run(); });
}

BulkApi::~BulkApi() { stop(); }

void BulkApi::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BulkApi::add_routes(Router& router) {
  for (const auto action : {CommandType::operator_retry, CommandType::operator_cancel}) {
    const std::string name(to_string(action).substr(std::string_view("operator.").size()));
    router.add(
        Method::post, "/v1/registrations/bulk/" + name,
        [this, action](Request& r, Respond respond) { post(action, r, std::move(respond)); },
        Access::operator_token);
  }
  router.add(
      Method::get, "/v1/bulk/{job}",
      [this](Request& r, const Respond& respond) { status(r, respond); }, Access::reader);
}

void BulkApi::post(CommandType action, const Request& request, Respond respond) {
  if (!request.query.empty()) throw RequestError(Errc::bad_request, "no query parameters here");
  const auto body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) throw RequestError(Errc::bad_request, "the body must be a JSON object");
  for (const auto& [name, value] : body.items()) {
    if (name != "query" && name != "reason" && name != "expect_count") {
      throw RequestError(Errc::bad_request, "unknown field \"" + name + "\"");
    }
  }
  if (!body.contains("query")) throw RequestError(Errc::bad_request, "the body needs \"query\"");
  const auto expect = body.find("expect_count");
  if (expect == body.end() || !expect->is_number_integer() || expect->get<std::int64_t>() < 0) {
    throw RequestError(Errc::bad_request,
                       "the body needs \"expect_count\": the count confirmed (GET "
                       "/v1/registrations/count), a whole number");
  }
  auto job = std::make_shared<Job>();
  job->action = action;
  job->who = request.operator_id;
  job->count = expect->get<std::int64_t>();
  job->created_at = wall_now();
  // What each action's body will be, checked as its route checks it (reason, query).
  const json each{{"reason", body.value("reason", json())}, {"query", body["query"]}};
  job->reason = parse_operator_body(each.dump(), action, request.operator_id).reason;
  job->filter = parse_action_condition(each.dump(), names_, job->created_at).value();
  job->query = body["query"].get<std::string>();
  job->key =
      request.idempotency_key.empty() ? "bulk-" + crypto::random_hex(16) : request.idempotency_key;
  check_idempotency_key(job->key);
  job->id = "bulk-" + crypto::random_hex(16);

  worker_.submit(
      [job](redis::ReadModel& m) {
        const auto now = m.count(job->filter);
        if (!now.exact || now.count != job->count) {
          return error_response(Errc::count_changed,
                                (now.exact ? "" : "at least ") + std::to_string(now.count) +
                                    " registration(s) match the query now, not " +
                                    std::to_string(job->count) + ": count again and confirm");
        }
        return json_response(202, {{"job", job->id}, {"count", now.count}});
      },
      [this, job, respond = std::move(respond)](Response r) {
        if (r.status == 202) {
          const std::lock_guard lock(mutex_);
          if (stopping_) {
            respond(error_response(Errc::not_ready, "the service is stopping"));
            return;
          }
          // Forget the oldest finished jobs past the bound.
          while (order_.size() >= max_jobs) {
            const auto oldest = jobs_.find(order_.front());
            if (oldest != jobs_.end() && !oldest->second->finished_at) break;
            jobs_.erase(order_.front());
            order_.pop_front();
          }
          jobs_[job->id] = job;
          order_.push_back(job->id);
          queue_.push_back(job);
          wake_.notify_all();
        }
        respond(std::move(r));
      });
}

void BulkApi::status(const Request& request, const Respond& respond) {
  if (!request.query.empty()) throw RequestError(Errc::bad_request, "no query parameters here");
  std::shared_ptr<Job> job;
  {
    const std::lock_guard lock(mutex_);
    const auto it = jobs_.find(request.params.at("job"));
    if (it != jobs_.end()) job = it->second;
  }
  if (!job) {
    respond(error_response(Errc::job_not_found,
                           "no bulk job " + request.params.at("job") +
                               " here (jobs live in the instance that runs them, until it "
                               "restarts)"));
    return;
  }
  respond(json_response(200, job->view()));
}

void BulkApi::run() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      job = queue_.front();
      queue_.pop_front();
    }
    execute(job);
  }
  // Jobs never started end stopped.
  const std::lock_guard lock(mutex_);
  for (const auto& job : queue_) job->finish("stopped");
  queue_.clear();
}

void BulkApi::execute(const std::shared_ptr<Job>& self) {
  Job& job = *self;
  const auto stopping = [this] {
    const std::lock_guard lock(mutex_);
    return stopping_;
  };
  // 1. The matching ids: the listing's pages, one worker job each (others' reads go between).
  {
    const std::lock_guard lock(job.mutex);
    job.state = "listing";
  }
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::optional<redis::ListPosition> after;
  do {
    if (stopping()) return job.finish("stopped");
    auto page = std::make_shared<redis::ListPage>();
    std::promise<Response> answer;
    auto got = answer.get_future();
    worker_.submit(
        [&job, after, page](redis::ReadModel& m) {
          *page = m.list(job.filter, after, 1000);
          return Response{200, "application/json", "{}", {}};
        },
        [&answer](Response r) { answer.set_value(std::move(r)); });
    const auto r = got.get();
    if (r.status != 200) return job.finish("failed", "listing: " + code_of(r));
    for (const auto& item : page->items) {
      if (seen.insert(item.position.id).second) ids.push_back(item.position.id);
    }
    after = page->next;
  } while (after);
  {
    const std::lock_guard lock(job.mutex);
    job.state = "running";
    job.total = ids.size();
  }

  // 2. One action per registration, on a fixed schedule (the i-th no earlier than i/rate
  // seconds after the start), at most max_in_flight unanswered.
  const auto interval = std::chrono::nanoseconds(1'000'000'000LL / rate_);
  const auto start = std::chrono::steady_clock::now();
  const std::string body = json{{"reason", job.reason}, {"query", job.query}}.dump();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, start + interval * static_cast<std::int64_t>(i),
                           [this] { return stopping_; })) {
        lock.unlock();
        return job.finish("stopped");
      }
    }
    {
      std::unique_lock lock(job.mutex);
      job.answered.wait(lock, [&job] { return job.in_flight < max_in_flight; });
      ++job.in_flight;
      ++job.sent;
    }
    Request request;
    request.method = Method::post;
    request.params["id"] = ids[i];
    request.body = body;
    request.operator_id = job.who;
    request.role = trust::TokenRole::operator_;  // the router let only an operator start it
    request.idempotency_key = job.key;
    try {
      // The answer may come after a stop: it holds the job.
      actions_.act(job.action, request, [self](Response r) { self->tally(r); });
    } catch (const RequestError& e) {  // e.g. an id the listing gave that is not valid now
      self->tally(error_response(e.code(), e.what()));
    }
  }
  std::unique_lock lock(job.mutex);
  job.answered.wait(lock, [&job] { return job.in_flight == 0; });
  lock.unlock();
  job.finish("done");
}

}  // namespace enroll::http
