#pragma once
// Bulk operator actions run by enrollmentd (issue 14), behind an operator's bearer token:
//   POST /v1/registrations/bulk/retry|cancel  {"query": Q, "reason": TEXT, "expect_count": N}
//        202 {"job", "count"}; 409 count_changed when Q no longer matches N registrations
//        (the confirmation: count first with GET /v1/registrations/count, then send the
//        count seen); an optional Idempotency-Key is the run's key (else a fresh one)
//   GET  /v1/bulk/{job}                       the job's progress and summary
// The job lists the matching ids (the listing's pages, on the Redis worker, one page per
// job), then sends one operator action per registration through OperatorApi::act, exactly as
// a POST /v1/registrations/{id}/<action> with {"reason", "query"} and the run's key: checked
// on the read model (skipped when ended, moved out of the query, or gone), then
// operator.<action> on enroll.inbox, applied by the engine in the registration's order, once
// per command id. At most `rate` actions per second and 32 in flight, from a thread of its own
// (never an Asio thread). Jobs run one at a time, in the order posted, and live in this
// process only: another instance does not know them, a restart forgets them (the actions sent
// stay sent; the same key again sends the same commands, which the engine applies once).
//
// Lifecycle: stop() before the Redis worker and the inbox writer stop (a job in hand finishes
// the action it is sending, then ends "stopped"); the OperatorApi and the worker must outlive
// it.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "service/http/operator_api.hpp"
#include "service/http/read_jobs.hpp"
#include "service/http/registration_filter.hpp"
#include "service/http/router.hpp"

namespace enroll::http {

class BulkApi {
 public:
  // Jobs kept for GET at most (the oldest finished ones go first).
  static constexpr std::size_t max_jobs = 100;

  BulkApi(OperatorApi& actions, ReadJobs& worker, const DefinitionCatalog& catalog, int rate = 200);
  ~BulkApi();
  BulkApi(const BulkApi&) = delete;
  BulkApi& operator=(const BulkApi&) = delete;

  void add_routes(Router& router);
  void stop();

 private:
  struct Job;
  void post(CommandType action, const Request& request, Respond respond);
  void status(const Request& request, const Respond& respond);
  void run();
  void execute(const std::shared_ptr<Job>& job);

  OperatorApi& actions_;
  ReadJobs& worker_;
  FilterNames names_;
  int rate_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;  // by id
  std::deque<std::string> order_;                     // ids, oldest first
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace enroll::http
