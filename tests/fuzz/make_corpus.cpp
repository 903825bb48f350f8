// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/), so that they can
// be made again: `build/fuzz/tests/fuzz/fuzz_make_corpus tests/fuzz/corpus` (ops/fuzz
// --make-corpus). The same files every time, but for the sealed passcodes (a sealed box is
// random by design).
//   inbound_fuzz: the inbox messages of whole simulated journeys on every channel (the
//     citizens' commands of sim/, the simulated connectors' task results, the
//     engine's timers), each with its key and the stored state it applied to, one file per
//     kind of message and channel; and a few hostile ones (the bad bytes of issue 10).
//   http_fuzz: requests to every route, good and bad (queries, cursors, operator bodies,
//     tokens, Idempotency-Keys, limits, chunked bodies, keep-alive).
//   state_record_fuzz: the stored states of whole journeys on every channel (one per kind of
//     message and channel), in the binary form in the clear and as JSON, and a tombstone.
//   engine_fuzz: pseudo-random byte strings (every byte is a choice of the walk).
//   trust_file_fuzz, operator_file_fuzz: the key folder's trust.json and operators.json, good
//     and with each kind of mistake.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/codec/inbound_decoder.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "service/http/cursor.hpp"
#include "sim/citizen_driver.hpp"
#include "sim/responder.hpp"
#include "sim/task_result.hpp"
#include "tests/fuzz/audit_export_key.hpp"
#include "tests/fuzz/fuzz_world.hpp"
#include "tests/fuzz/inbound_input.hpp"
#include "tests/fuzz/seal_key_answer_key.hpp"
#include "tests/unit/test_trust.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/engine.hpp"

namespace enroll::fuzz {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// One journey run in-process: the citizen driver's commands and the simulated connectors'
// results go through the decoder and the engine; its events and task requests go back to
// them. Every inbox message is handed to `seed` with the state it applied to.
class Journey {
 public:
  using Seed = std::function<void(const std::string& kind, const std::string& bytes)>;

  Journey(const std::string& channel, std::uint64_t n, sim::Behaviour behaviour, Seed seed)
      : driver_(testing::test_signers(), world().seal_keys.pub, "/sim/citizens", channel),
        responder_(behaviour, sim::Scenario{}),
        seed_(std::move(seed)),
        id_("reg-" + channel + "-" + std::to_string(n)) {
    inbox_.push_back(driver_.start(id_, n));
  }

  void run() {
    for (int i = 0; i < 400; ++i) {
      if (inbox_.empty() && !next_timer()) return;
      const auto command = inbox_.front();
      inbox_.erase(inbox_.begin());
      apply_one(command);
    }
  }

 private:
  bool next_timer() {
    if (!state_ || !state_->active() || !state_->next_timer()) return false;
    now_ = std::max(now_, *state_->next_timer());
    const auto m = encoder_.timer(state_->id, *state_->next_timer(), now_);
    inbox_.push_back({m.key, m.value});
    return true;
  }

  void apply_one(const sim::Command& command) {
    // Signed at the test signers' time: the broker's time too (the engine runs at now_).
    const auto decoded = decoder_.decode(command.value, command.key, testing::kSignedAt);
    const auto* in = std::get_if<Inbound>(&decoded);
    if (in == nullptr) return;
    const std::string state_json = state_ ? state_to_json(*state_).dump() : "";
    std::string kind(to_string(in->type));
    if (const auto* r = std::get_if<TaskResult>(&in->payload)) kind += "-" + r->task;
    seed_(kind, join_inbound(command.key, state_json, command.value));
    now_ += std::chrono::seconds(1);
    auto outcome = apply(state_, *in, now_, world().engine);
    if (outcome.state) state_ = std::move(outcome.state);
    if (!state_) return;
    for (const auto& m : encoder_.encode(state_->id, in->id, state_->state_version, in->traceparent,
                                         now_, outcome.effects)) {
      route(m);
    }
  }

  void route(const codec::OutboxMessage& m) {
    const Topics topics;
    const auto event = json::parse(m.value);
    if (m.topic == topics.events()) {
      for (auto& c : driver_.on_event(event)) inbox_.push_back(std::move(c));
      return;
    }
    const auto prefix = topics.requests("");
    if (m.topic.rfind(prefix, 0) != 0) return;  // the audit trail
    const std::string connector = m.topic.substr(prefix.size());
    const auto& data = event.at("data");
    const sim::TaskRequestView request{event.value("subject", ""), data.value("request_id", ""),
                                       data.value("task", ""), data.value("attempt", 1),
                                       data.value("inputs", json::object())};
    if (connector == "officer") {
      for (auto& c : driver_.on_request(event)) inbox_.push_back(std::move(c));
    }
    std::optional<sim::TaskReply> reply;
    if (connector == "orchestrator") {
      if (request.task == "citizen.claim")
        reply = sim::TaskReply{"ok", {{"claimed", true}}, "", ""};
    } else {
      reply = responder_.respond(connector, request).reply;
    }
    if (reply) {
      inbox_.push_back(
          {request.subject,
           sim::task_result_event(request, *reply, "/sim/connectors",
                                  connector == "orchestrator"
                                      ? testing::test_signer(trust::kOrchestratorPrincipal)
                                      : testing::test_signers().for_connector(connector))});
    }
  }

  sim::CitizenDriver driver_;
  sim::Responder responder_;
  Seed seed_;
  std::string id_;
  codec::InboundDecoder decoder_{world().schemas, world().seal_keys, testing::test_verifier()};
  codec::OutboundEncoder encoder_{Topics{}, "/enrollmentd",
                                  testing::test_signer(trust::kOrchestratorPrincipal)};
  std::vector<sim::Command> inbox_;
  std::optional<Registration> state_;
  Timestamp now_{std::chrono::milliseconds(1'800'000'000'000)};
};

void inbound_corpus(const fs::path& dir) {
  std::set<std::string> seen;
  std::size_t files = 0;
  sim::Behaviour failing;  // the simulators' injected failures, to reach retries and retakes
  failing.unavailable_rate = 0.3;
  failing.blurry_rate = 0.5;
  failing.liveness_fail_rate = 0.5;
  failing.face_mismatch_rate = 0.5;
  failing.review_reject_rate = 0.3;
  for (const auto& channel : world().catalog.channels()) {
    for (const auto& [n, behaviour] : std::vector<std::pair<std::uint64_t, sim::Behaviour>>{
             {1, {}}, {2, failing}, {3, failing}}) {
      Journey journey(channel, n, behaviour,
                      [&](const std::string& kind, const std::string& bytes) {
                        if (!seen.insert(channel + "-" + kind).second) return;
                        write_file(dir / (channel + "-" + kind), bytes);
                        ++files;
                      });
      journey.run();
    }
  }
  // The bad bytes of issue 10, small: an invalid UTF-8 byte in a string, deep nesting,
  // control bytes, NUL, a huge number, no key.
  const std::string start =
      R"({"specversion":"1.0","id":"e-1","source":"/x","type":"registration.start","subject":"reg-bad","data":{"channel":"self-service","device":{"id":"d","platform":"ios"}}})";
  auto with = [&](std::string from, const std::string& what, const std::string& to) {
    return from.replace(from.find(what), what.size(), to);
  };
  const std::map<std::string, std::string> hostile{
      {"bad-utf8-channel", join_inbound("reg-bad", "", with(start, "self-service", "self\xff"))},
      {"deep-nesting", join_inbound("reg-bad", "", std::string(4096, '['))},
      {"control-bytes", join_inbound("reg-bad", "", std::string(2048, '\x01'))},
      {"nul-in-string", join_inbound("reg-bad", "", with(start, "self-service", "self\\u0000"))},
      {"huge-number", join_inbound("reg-bad", "", with(start, "\"ios\"", "1e999999"))},
      {"no-key", join_inbound("", "", start)},
  };
  for (const auto& [name, bytes] : hostile) write_file(dir / ("hostile-" + name), bytes);
  std::cout << "inbound_fuzz: " << files << " journey messages, " << hostile.size() << " hostile\n";
}

void state_record_corpus(const fs::path& dir) {
  std::set<std::string> seen;
  std::size_t files = 0;
  std::optional<Registration> last;
  for (const auto& channel : world().catalog.channels()) {
    Journey journey(channel, 1, {}, [&](const std::string& kind, const std::string& bytes) {
      const std::string_view state = split_inbound(bytes).state;
      if (state.empty() || !seen.insert(channel + "-" + kind).second) return;
      last = state_from_record(state);
      write_file(dir / (channel + "-" + kind + ".bin"), state_to_record(*last));
      write_file(dir / (channel + "-" + kind + ".json"), std::string(state));
      files += 2;
    });
    journey.run();
  }
  if (last) {
    write_file(dir / "tombstone.bin",
               state_to_record(tombstone(*last, last->updated_at + std::chrono::hours(1))));
    ++files;
  }
  std::cout << "state_record_fuzz: " << files << " records\n";
}

void http_corpus(const fs::path& dir) {
  const std::string token = "Authorization: Bearer " + std::string(operator_token) + "\r\n";
  const std::string reader = "Authorization: Bearer " + std::string(reader_token) + "\r\n";
  const auto get = [](const std::string& target, const std::string& headers = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n";
  };
  // /v1 reads take a reader's (or an operator's) token.
  const auto read = [&](const std::string& target) { return get(target, reader); };
  const auto post = [](const std::string& target, const std::string& headers,
                       const std::string& body) {
    return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
           headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  const auto chunk = [](const std::string& data) {
    std::ostringstream size;
    size << std::hex << data.size();
    return size.str() + "\r\n" + data + "\r\n";
  };
  const std::string list_cursor = http::encode_list_cursor({1'800'000'000'000, "reg-7"});
  const std::string history_cursor = http::encode_history_cursor(20);
  const std::string retry = R"({"operator":"op-7","reason":"hotline call"})";
  const std::string rewind = R"({"operator":"op-7","reason":"retake","to_step":"selfie"})";
  const std::map<std::string, std::string> requests{
      {"healthz", get("/healthz")},
      {"readyz", get("/readyz")},
      {"metrics", get("/metrics")},
      {"dashboard", get("/")},
      {"dashboard-js", get("/dashboard.js")},
      {"head-healthz", "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"host-v6", "GET /healthz HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"},
      {"host-other", "GET /healthz HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n"},
      {"host-missing", "GET /healthz HTTP/1.1\r\n\r\n"},
      {"registration", read("/v1/registrations/reg-1")},
      {"registration-escaped", read("/v1/registrations/reg%2F1%41")},
      {"registration-bad-escape", read("/v1/registrations/reg%G1")},
      {"history", read("/v1/registrations/reg-1/history?limit=10&cursor=" + history_cursor)},
      {"history-bad-cursor", read("/v1/registrations/reg-1/history?cursor=" + list_cursor)},
      {"list", read("/v1/registrations?phase=card&status=active&channel=kiosk&limit=50")},
      {"list-cursor", read("/v1/registrations?stuck_for=1h30m&cursor=" + list_cursor)},
      {"list-bad-limit", read("/v1/registrations?limit=0&limit=2")},
      {"list-unknown", read("/v1/registrations?colour=blue&phase=")},
      {"funnel", read("/v1/stats/funnel")},
      {"funnel-operator", get("/v1/stats/funnel", token)},
      {"funnel-no-token", get("/v1/stats/funnel")},
      {"journey", read("/v1/stats/journey?channel=self-service")},
      {"activity", read("/v1/stats/activity")},
      {"count", read("/v1/registrations/count?status=locked&step=selfie")},
      {"bulk-status", read("/v1/bulk/bulk-1")},
      {"cancel-reader-token", post("/v1/registrations/reg-1/cancel", reader, retry)},
      {"passcode-key", get("/v1/keys/passcode")},
      {"not-found", get("/v2/nothing")},
      {"method-not-allowed", "DELETE /v1/registrations/reg-1 HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"retry", post("/v1/registrations/reg-1/retry", token, retry)},
      {"retry-idempotent",
       post("/v1/registrations/reg-1/retry", token + "Idempotency-Key: 4f1c-attempt\r\n", retry)},
      {"rewind", post("/v1/registrations/reg-1/rewind", token, rewind)},
      {"cancel", post("/v1/registrations/reg-1/cancel", token,
                      R"({"operator":"op-7","reason":"duplicate"})")},
      {"cancel-no-token", post("/v1/registrations/reg-1/cancel", "", retry)},
      {"retry-no-operator",
       post("/v1/registrations/reg-1/retry", token, R"({"reason":"the token says who"})")},
      {"retry-other-operator", post("/v1/registrations/reg-1/retry", token,
                                    R"({"operator":"op-8","reason":"as someone else"})")},
      {"retry-revoked-token",
       post("/v1/registrations/reg-1/retry",
            "Authorization: Bearer " + std::string(revoked_operator_token) + "\r\n", retry)},
      {"retry-bad-body", post("/v1/registrations/reg-1/retry", token, R"({"operator":1})")},
      {"retry-chunked", "POST /v1/registrations/reg-1/retry HTTP/1.1\r\nHost: x\r\n" + token +
                            "Transfer-Encoding: chunked\r\n\r\n" + chunk(retry.substr(0, 16)) +
                            chunk(retry.substr(16)) + chunk("")},
      {"keep-alive-two", get("/healthz") + read("/v1/registrations/reg-2")},
      {"close", get("/healthz", "Connection: close\r\n") + get("/readyz")},
      {"body-too-large", "POST /v1/registrations/reg-1/retry HTTP/1.1\r\nHost: x\r\n" + token +
                             "Content-Length: 100000\r\n\r\n{"},
      {"head-too-large", get("/healthz", "X-Pad: " + std::string(9000, 'a') + "\r\n")},
      {"http10", "GET /healthz HTTP/1.0\r\n\r\n"},
      {"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"},
  };
  std::size_t files = 0;
  for (const auto& [name, bytes] : requests) {
    write_file(dir / name, bytes);
    ++files;
  }
  std::cout << "http_fuzz: " << files << " requests\n";
}

void engine_corpus(const fs::path& dir) {
  std::mt19937_64 rng(20261203);
  int files = 0;
  for (const std::size_t size :
       {16, 64, 64, 128, 128, 256, 256, 512, 512, 1024, 1024, 2048, 2048, 3000, 4000}) {
    std::string bytes(size, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
    write_file(dir / ("walk-" + std::to_string(++files) + "-" + std::to_string(size)), bytes);
  }
  std::cout << "engine_fuzz: " << files << " walks\n";
}

// Trust files: a deployment's (rotation, revocation, both algorithms, an offset time) and one
// of each kind of refusal, as text (the file is JSON text, written by enroll-keygen).
void trust_file_corpus(const fs::path& dir) {
  const std::vector<std::pair<std::string, std::string>> seeds{
      {"good", R"json({
  "version": 1,
  "principals": [
    {
      "name": "channel-app",
      "role": "channel",
      "channels": [
        "self-service",
        "passcode-reset"
      ]
    },
    {
      "name": "channel-kiosk",
      "role": "channel",
      "channels": [
        "kiosk"
      ]
    },
    {
      "name": "officer-console",
      "role": "officer_console",
      "channels": [
        "officer-assisted"
      ]
    },
    {
      "name": "connector-capture",
      "role": "connector",
      "tasks": [
        "card.front.ocr",
        "face.match"
      ]
    },
    {
      "name": "operator-api",
      "role": "operator"
    },
    {
      "name": "enrollmentd",
      "role": "orchestrator",
      "tasks": [
        "citizen.claim",
        "citizen.release"
      ]
    }
  ],
  "keys": [
    {
      "id": "channel-app-1",
      "principal": "channel-app",
      "alg": "hmac-sha256",
      "not_before": "2026-12-01T00:00:00.000Z",
      "not_after": "2026-12-08T00:00:00.000Z"
    },
    {
      "id": "channel-app-2",
      "principal": "channel-app",
      "alg": "hmac-sha256",
      "not_before": "2026-12-01T10:00:00.000Z"
    },
    {
      "id": "officer-console-1",
      "principal": "officer-console",
      "alg": "ed25519",
      "not_before": "2026-12-01T00:00:00.000Z",
      "public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    },
    {
      "id": "operator-api-1",
      "principal": "operator-api",
      "alg": "ed25519",
      "not_before": "2026-12-01T00:00:00.000Z",
      "revoked_at": "2026-12-02T00:00:00Z",
      "public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    },
    {
      "id": "enrollmentd-1",
      "principal": "enrollmentd",
      "alg": "hmac-sha256",
      "not_before": "2026-12-01T00:00:00+07:00"
    }
  ]
})json"},
      {"minimal", R"json({"version":1,"principals":[],"keys":[]})json"},
      {"unknown-field",
       R"json({"version":1,"principals":[{"name":"a","role":"operator","x":1}],"keys":[]})json"},
      {"bad-name",
       R"json({"version":1,"principals":[{"name":"a b","role":"operator"}],"keys":[]})json"},
      {"undeclared-principal",
       R"json({"version":1,"principals":[],"keys":[{"id":"k-1","principal":"p","alg":"hmac-sha256","not_before":"2026-12-01T00:00:00Z"}]})json"},
      {"empty-validity",
       R"json({"version":1,"principals":[{"name":"p","role":"operator"}],"keys":[{"id":"k-1","principal":"p","alg":"hmac-sha256","not_before":"2026-12-01T00:00:00Z","not_after":"2026-12-01T00:00:00Z"}]})json"},
      {"short-public-key",
       R"json({"version":1,"principals":[{"name":"p","role":"operator"}],"keys":[{"id":"k-1","principal":"p","alg":"ed25519","not_before":"2026-12-01T00:00:00Z","public_key":"AAAA"}]})json"},
      {"deep",
       R"json([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])json"},
  };
  for (const auto& [name, text] : seeds) write_file(dir / (name + ".json"), text + "\n");
  std::cout << "trust_file_fuzz: " << seeds.size() << " trust files\n";
}

// Operator files: one as enroll-keygen writes it (an operator revoked, one added, a reader),
// one from before roles, and one of each kind of refusal.
void operator_file_corpus(const fs::path& dir) {
  const std::string ann = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const std::string bo = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  const std::string cy = "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7";
  const std::vector<std::pair<std::string, std::string>> seeds{
      {"good", R"json({
  "version": 1,
  "operators": [
    {
      "created_at": "2026-12-04T09:00:00.000Z",
      "id": "operator-1",
      "revoked_at": "2026-12-04T10:00:00.000Z",
      "role": "operator",
      "token_sha256": ")json" +
                   ann + R"json("
    },
    {
      "created_at": "2026-12-04T09:30:00.000Z",
      "id": "op.ann_2",
      "role": "operator",
      "token_sha256": ")json" +
                   bo + R"json("
    },
    {
      "created_at": "2026-12-04T09:00:00.000Z",
      "id": "reader-1",
      "role": "reader",
      "token_sha256": ")json" +
                   cy + R"json("
    }
  ]
})json"},
      {"no-role", R"json({"version":1,"operators":[{"id":"a","token_sha256":")json" + ann +
                      R"json(","created_at":"2026-12-01T00:00:00Z"}]})json"},
      {"unknown-role",
       R"json({"version":1,"operators":[{"id":"a","role":"admin","token_sha256":")json" + ann +
           R"json(","created_at":"2026-12-01T00:00:00Z"}]})json"},
      {"empty", R"json({"version":1,"operators":[]})json"},
      {"unknown-field", R"json({"version":1,"operators":[{"id":"a","token":"x"}]})json"},
      {"bad-id", R"json({"version":1,"operators":[{"id":"a b","token_sha256":")json" + ann +
                     R"json(","created_at":"2026-12-01T00:00:00Z"}]})json"},
      {"upper-hash",
       R"json({"version":1,"operators":[{"id":"a","token_sha256":"BA7816BF","created_at":"2026-12-01T00:00:00Z"}]})json"},
      {"same-token",
       R"json({"version":1,"operators":[{"id":"a","token_sha256":")json" + ann +
           R"json(","created_at":"2026-12-01T00:00:00Z"},{"id":"b","token_sha256":")json" + ann +
           R"json(","created_at":"2026-12-01T00:00:00Z"}]})json"},
      {"revoked-before-created",
       R"json({"version":1,"operators":[{"id":"a","token_sha256":")json" + ann +
           R"json(","created_at":"2026-12-02T00:00:00Z","revoked_at":"2026-12-01T00:00:00Z"}]})json"},
      {"deep", R"json({"version":1,"operators":[[[[[[[[]]]]]]]]})json"},
  };
  for (const auto& [name, text] : seeds) write_file(dir / (name + ".json"), text + "\n");
  std::cout << "operator_file_fuzz: " << seeds.size() << " operator files\n";
}

// Audit exports: records of two chains and a signed checkpoint over their heads (with the
// target's key), and the same cut, rewritten and with a forged checkpoint.
void audit_export_corpus(const fs::path& dir) {
  std::vector<nlohmann::json> lines;
  std::vector<CheckpointLeaf> heads;
  int n = 0;
  for (const std::string reg : {"reg-a", "reg-b"}) {
    std::string prev;
    for (int seq = 1; seq <= 3; ++seq) {
      AuditRecord r;
      r.registration_id = RegistrationId(reg);
      r.seq = seq;
      r.outcome = seq == 2 ? "not_authorised: x" : "ok";
      r.inputs = {{"event", "task.result"}, {"score", 0.91}, {"min_score", 0.8}};
      r.prev_hash = prev;
      r.hash = audit_hash(r);
      prev = r.hash;
      lines.push_back({{"id", std::to_string(++n)},
                       {"type", "audit.record"},
                       {"data", audit_to_json(r, true)}});
    }
    heads.push_back({reg, 3, prev});
  }
  const auto& key = audit_export_key();
  const auto checkpoint =
      sign_checkpoint({0, 1, "", "2026-12-04T10:00:00.000Z", heads}, {key.pub.id, key.secret});
  lines.push_back({{"id", "checkpoint/p0/1"}, {"type", "audit.checkpoint"}, {"data", checkpoint}});
  auto text = [](const std::vector<nlohmann::json>& events) {
    std::string out;
    for (const auto& e : events) out += e.dump() + "\n";
    return out;
  };
  write_file(dir / "intact.jsonl", text(lines));
  auto cut = lines;
  cut.erase(cut.begin() + 2);
  write_file(dir / "cut.jsonl", text(cut));
  auto rewritten = lines;
  rewritten[0]["data"]["outcome"] = "other";
  write_file(dir / "rewritten.jsonl", text(rewritten));
  auto forged = lines;
  forged.back()["data"]["leaves"][0]["seq"] = 2;
  write_file(dir / "forged.jsonl", text(forged));
  std::cout << "audit_export_fuzz: 4 exports\n";
}

// Answers of GET /v1/keys/passcode: one signed by the target's trusted publisher, and the same
// with the key swapped, the signature dropped, another publisher named; not JSON.
void seal_key_answer_corpus(const fs::path& dir) {
  const auto& key = seal_key_answer_key();
  crypto::SealPublicKey seal{};
  seal.bytes.fill(3);
  const auto good =
      crypto::publish_seal_key("passcode_seal-1", seal, "seal_publisher-1", key.secret);
  write_file(dir / "signed.json", good.dump());
  auto swapped = good;
  swapped["public_key"] = crypto::to_base64(std::vector<unsigned char>(32, 4));
  write_file(dir / "swapped.json", swapped.dump());
  auto unsigned_ = good;
  unsigned_.erase("signature");
  write_file(dir / "unsigned.json", unsigned_.dump());
  auto other = good;
  other["signed_by"] = "seal_publisher-2";
  write_file(dir / "other-publisher.json", other.dump());
  write_file(dir / "not-json", "<html>");
  std::cout << "seal_key_answer_fuzz: 5 answers\n";
}

// History records as Redis keeps them: compact lines (a connector's result, an officer's
// decision, an operator's action with an escaped cause), a whole record of before, and not one.
void history_record_corpus(const fs::path& dir) {
  write_file(dir / "connector.txt",
             "4\t1733368111262\tconnector\tconnector-registry\t\t~/verify-card/4.1\t"
             "card/verify-card\treview/officer-review\t\t\tverified");
  write_file(dir / "officer.txt",
             "7\t1733368120000\tofficer\tconsole-3\to:officer-17\tc-9\t\treview/decide\t"
             "\t\tapproved");
  write_file(dir / "operator.txt",
             "9\t1733368130000\toperator\tops\tp:alice\t!~x\t\tcancelled\tconsent\t\t"
             "cancelled by operator");
  write_file(dir / "whole.json", R"({"seq":1,"hash":"ab","outcome":"started"})");
  write_file(dir / "short.txt", "1\t2\t3");
  std::cout << "history_record_fuzz: 5 records\n";
}

// What enroll-bench reads: an enrollmentd's /metrics (the stage series and counters), a
// Redis INFO reply, and a family with a label past its bound.
void bench_figures_corpus(const fs::path& dir) {
  write_file(dir / "metrics.txt",
             "# TYPE enroll_pipeline_cpu_seconds_total counter\n"
             "enroll_pipeline_cpu_seconds_total{stage=\"decode\"} 1.25\n"
             "enroll_pipeline_cpu_seconds_total{stage=\"apply\"} 0.5\n"
             "enroll_events_consumed_total 4500\nenroll_commits_total 600\n"
             "enroll_partitions_owned 12\nenroll_stale_commits_total 0\n"
             "enroll_events_duplicate_total 3\n");
  write_file(dir / "info.txt", "# Memory\r\nused_memory:1048576\r\nprocess_id:4242\r\n");
  write_file(dir / "long-label.txt",
             "enroll_pipeline_cpu_seconds_total{stage=\"" + std::string(100, 'x') + "\"} 1\n");
  std::cout << "bench_figures_fuzz: 3 inputs\n";
}

}  // namespace
}  // namespace enroll::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_corpus DIR  (writes DIR/inbound_fuzz, DIR/http_fuzz, "
                 "DIR/engine_fuzz, DIR/trust_file_fuzz, DIR/operator_file_fuzz, "
                 "DIR/audit_export_fuzz, DIR/seal_key_answer_fuzz, DIR/history_record_fuzz, "
                 "DIR/bench_figures_fuzz, DIR/state_record_fuzz)\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  enroll::fuzz::inbound_corpus(dir / "inbound_fuzz");
  enroll::fuzz::state_record_corpus(dir / "state_record_fuzz");
  enroll::fuzz::http_corpus(dir / "http_fuzz");
  enroll::fuzz::engine_corpus(dir / "engine_fuzz");
  enroll::fuzz::trust_file_corpus(dir / "trust_file_fuzz");
  enroll::fuzz::operator_file_corpus(dir / "operator_file_fuzz");
  enroll::fuzz::audit_export_corpus(dir / "audit_export_fuzz");
  enroll::fuzz::seal_key_answer_corpus(dir / "seal_key_answer_fuzz");
  enroll::fuzz::history_record_corpus(dir / "history_record_fuzz");
  enroll::fuzz::bench_figures_corpus(dir / "bench_figures_fuzz");
  return 0;
}
