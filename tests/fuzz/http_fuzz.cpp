// Fuzz target http_fuzz: the bytes a client sends on one connection -> Beast's request parser
// with the server's limits -> the router holding every route of the API (the read side, the
// operator actions, the dashboard; the Host check), read exactly as the server reads them
// (beast_request.hpp), several requests per connection (keep-alive) until the bytes run out or one
// cannot be read. The handlers' Redis reads and the operator actions' inbox writes are answered
// here without servers: what a handler checks before it hands work on (ids, query, cursors,
// durations, the operator's body and Idempotency-Key) is the code under test, and an operator
// action that gets through is encoded and must be one the inbox decoder accepts. Fails on: an
// exception out of the router, a request answered other than exactly once, a 5xx, a JSON answer
// that is not JSON, an operator action the inbox refuses or that names another operator than the
// bearer token's.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "adapters/codec/inbound_decoder.hpp"
#include "service/http/api_routes.hpp"
#include "service/http/beast_request.hpp"
#include "service/http/registration_filter.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_world.hpp"
#include "tests/unit/test_trust.hpp"

namespace enroll::fuzz {
namespace {

namespace bhttp = boost::beast::http;
using http::Request;
using http::Response;

constexpr int max_requests = 8;  // per input: keep-alive, as a client may

// Answers every Redis read at once, without Redis: 202, so that an operator action goes on
// to its inbox write (a read handler's answer is only checked for its form).
class AnsweredJobs final : public http::ReadJobs {
 public:
  void submit(Job /*job*/, http::Respond respond) override {
    respond(http::json_response(202, {{"answered", "without redis"}}));
  }
};

// Takes the operator actions instead of Kafka: each must be a message the inbox accepts.
class CheckedInbox final : public http::InboxSink {
 public:
  explicit CheckedInbox(const codec::InboundDecoder& decoder) : decoder_(decoder) {}
  void write(std::string key, std::string value, Delivered done) override {
    // Signed just now by operator-api: the broker's time is this moment.
    const auto decoded = decoder_.decode(
        value, key,
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
    if (const auto* e = std::get_if<codec::DecodeError>(&decoded)) {
      fail("the inbox refuses an operator action (" + std::string(wire_code(e->code)) + ": " +
           e->message + "): " + value);
    }
    // Only one operator may act here (the reader rd-1 may not): whatever the body said, the
    // action is theirs.
    const auto& in = std::get<Inbound>(decoded);
    const auto* action = std::get_if<OperatorAction>(&in.payload);
    if (action == nullptr || action->operator_id != operator_id) {
      fail("an operator action not of the bearer token's operator: " + value);
    }
    done(true, "");
  }

 private:
  const codec::InboundDecoder& decoder_;
};

// operator-api's keys of the unit tests' trust, on the system clock (the API signs now).
const trust::Signer& operator_signer() {
  static const trust::Signer s = [] {
    const auto& fresh = testing::test_trust();
    std::vector<trust::SigningKey> keys;
    for (std::size_t i = 0; i < fresh.trust.keys.size(); ++i) {
      if (fresh.trust.keys[i].principal.str() == trust::kOperatorPrincipal) {
        keys.emplace_back(fresh.trust.keys[i], SecretString(std::string(fresh.secrets[i].view())));
      }
    }
    return trust::Signer(PrincipalName(trust::kOperatorPrincipal), std::move(keys));
  }();
  return s;
}

// The router's operators: op-7 with the corpus's token, one whose token is revoked, and the
// reader rd-1 with the corpus's reader token.
trust::OperatorTokens operators() {
  const auto now = trust::system_now();
  using trust::TokenRole;
  trust::OperatorFile file;
  file.operators.push_back({trust::OperatorId(std::string(operator_id)),
                            TokenRole::operator_,
                            trust::token_hash(operator_token),
                            now,
                            {}});
  file.operators.push_back({trust::OperatorId("op-gone"), TokenRole::operator_,
                            trust::token_hash(revoked_operator_token), now, now});
  file.operators.push_back(
      {trust::OperatorId("rd-1"), TokenRole::reader, trust::token_hash(reader_token), now, {}});
  return trust::OperatorTokens(std::move(file));
}

struct Api {
  Api()
      : decoder(world().schemas, world().seal_keys, testing::test_verifier()),
        inbox(decoder),
        monitor(registry),
        read_api(http::ReadApiSettings{world().catalog.channels(), world().seal_keys.pub,
                                       std::chrono::minutes(15),
                                       http::filter_names(world().catalog).steps},
                 jobs, monitor, registry),
        journey_api(world().catalog, jobs),
        operator_api(world().catalog, jobs, inbox, operator_signer()),
        router(operators()) {
    http::add_api_routes(router, read_api, journey_api, operator_api);
    // The corpus's hosts, and the Host header's parser on every request (others get 400).
    router.allow_hosts(http::AllowedHosts({"localhost", "x", "::1", "api.example"}));
  }
  codec::InboundDecoder decoder;
  AnsweredJobs jobs;
  CheckedInbox inbox;
  metrics::Registry registry;
  PipelineMonitor monitor;
  http::ReadApi read_api;
  http::JourneyApi journey_api;
  http::OperatorApi operator_api;
  http::Router router;
};

void check_answer(const Response& r) {
  if (r.status < 200 || r.status >= 500) fail("status " + std::to_string(r.status) + ": " + r.body);
  if (r.content_type == "application/json" &&
      nlohmann::json::parse(r.body, nullptr, false).is_discarded()) {
    fail("a JSON answer that is not JSON: " + r.body);
  }
}

// One request through the router, as Session::on_read hands it on.
void serve(const Api& api, http::BeastRequest& message) {
  Request request;
  try {
    request = http::to_request(message);
  } catch (const http::RequestError& e) {
    check_answer(http::error_response(e.code(), e.what()));
    return;
  }
  int answers = 0;
  api.router.dispatch(std::move(request), [&answers](const Response& r) {
    ++answers;
    check_answer(r);
  });
  if (answers != 1) fail("a request answered " + std::to_string(answers) + " times");
}

// The bytes of one connection: requests one after another while the client keeps it alive,
// until the bytes run out or one cannot be read (the server answers that one and closes).
void serve_connection(std::string_view rest) {
  static const Api api;
  const http::ServerOptions limits;  // the server's defaults
  for (int i = 0; i < max_requests && !rest.empty(); ++i) {
    std::optional<http::BeastRequestParser> parser;
    http::reset_parser(parser, limits);
    boost::beast::error_code ec;
    // All the bytes are there at once: a parser that takes no more of them (needing more, or
    // a body cut short) has seen the connection end.
    while (!parser->is_done()) {
      const auto used = parser->put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == bhttp::error::need_more) ec = {};
      if (ec) break;
      if (used == 0) {
        parser->put_eof(ec);
        break;
      }
    }
    if (ec || !parser->is_done()) {
      if (const auto refusal = http::refusal_for(ec)) check_answer(*refusal);
      return;
    }
    auto& message = parser->get();
    const bool keep_alive = message.keep_alive();
    serve(api, message);
    if (!keep_alive) return;
  }
}

}  // namespace
}  // namespace enroll::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  enroll::fuzz::serve_connection({reinterpret_cast<const char*>(data), size});
  return 0;
}
