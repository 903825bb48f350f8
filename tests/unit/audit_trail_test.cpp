// The audit trail's byte forms (README, "Audit trail") and the offline verifier: records of
// both formats, the checkpoints' Merkle tree and signature, and what an export alone tells
// when a chain was dropped, cut short or rewritten consistently.
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>

#include "workflows/audit_chain.hpp"
#include "workflows/audit_checkpoint.hpp"
#include "workflows/crypto/canonical_json.hpp"
#include "workflows/crypto/hashing.hpp"
#include "workflows/crypto/sodium_init.hpp"
#include "workflows/effects.hpp"

namespace enroll {
namespace {

using nlohmann::json;

// The README's test vector: reproducible with
//   printf '%s' '<the bytes below>' | sha256sum
TEST(AuditRecordFormat, Version2HashesTheRfc8785BytesWithoutHash) {
  const auto record = json::parse(R"({
    "v": 2, "registration_id": "reg-1", "seq": 1, "at": "2026-12-04T10:00:00.000Z",
    "actor": {"principal": "channel-kiosk", "role": "channel", "key_id": "kiosk-1"},
    "cause": "evt-1", "from": "", "to": "consent/accept-terms", "phase": "consent",
    "step": "accept-terms", "outcome": "started",
    "input_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "inputs": {"event": "registration.start"}, "prev_hash": "",
    "hash": "29363d3f8ed782ed63949837f00b9c6b30824c35292b980e926a41e9fc315930"})");
  EXPECT_EQ(crypto::canonical_json(record, "hash"),
            R"({"actor":{"key_id":"kiosk-1","principal":"channel-kiosk","role":"channel"},)"
            R"("at":"2026-12-04T10:00:00.000Z","cause":"evt-1","from":"",)"
            R"("input_sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)"
            R"("inputs":{"event":"registration.start"},"outcome":"started","phase":"consent",)"
            R"("prev_hash":"","registration_id":"reg-1","seq":1,"step":"accept-terms",)"
            R"("to":"consent/accept-terms","v":2})");
  EXPECT_EQ(audit_hash_of(record), record.at("hash"));
  EXPECT_EQ(verify_chain({record}), std::nullopt);

  // The engine's own record of the same content hashes the same.
  AuditRecord r;
  r.registration_id = RegistrationId("reg-1");
  r.seq = 1;
  r.at = *from_rfc3339("2026-12-04T10:00:00.000Z");
  r.actor = {"channel-kiosk", "channel", "kiosk-1", "", ""};
  r.cause = EventId("evt-1");
  r.to = "consent/accept-terms";
  r.phase = "consent";
  r.step = "accept-terms";
  r.outcome = "started";
  r.input_sha256 = std::string(64, 'a');
  r.inputs = {{"event", "registration.start"}};
  EXPECT_EQ(audit_hash(r), record.at("hash"));
  EXPECT_EQ(audit_to_json(r, false), [&] {
    auto j = record;
    j.erase("hash");
    return j;
  }());
}

// audit_canonical writes the record's bytes member by member: the same bytes canonical_json
// makes of audit_to_json's tree, with and without its hash, whichever optional members it has.
TEST(AuditRecordFormat, DirectWriterMatchesTheCanonicalFormOfTheTree) {
  AuditRecord r;
  r.registration_id = RegistrationId("reg-\u0e44\u0e17\u0e22");
  r.seq = 12;
  r.at = *from_rfc3339("2026-12-04T10:00:00.123Z");
  r.actor = {"console-office-1", "officer_console", "console-1", "", ""};
  r.cause = EventId("evt-\"quoted\"\\");
  r.from = "review/check";
  r.to = "biometrics/face";
  r.phase = "biometrics";
  r.step = "face";
  r.outcome = "advanced\n\x01";
  r.input_sha256 = std::string(64, 'b');
  r.inputs = {{"event", "task.result"},
              {"score", 0.9731},
              {"min_score", 0.8},
              {"n", -3},
              {"nested", {{"\u00e9", {1, 2.5e21, nullptr, true}}, {"a", "x"}}}};
  r.prev_hash = std::string(64, 'c');
  r.hash = std::string(64, 'd');
  const auto same = [](const AuditRecord& rec) {
    for (const bool with_hash : {false, true}) {
      EXPECT_EQ(audit_canonical(rec, with_hash),
                crypto::canonical_json(audit_to_json(rec, with_hash)))
          << "with_hash " << with_hash;
    }
    EXPECT_EQ(audit_hash(rec), audit_hash_of(audit_to_json(rec, false)));
  };
  same(r);
  r.actor.officer = "officer-7";  // an officer acting through the console
  same(r);
  r.actor.officer.clear();
  r.actor.operator_id = "op-2";  // an operator
  same(r);
  r.actor.officer = "officer-7";
  r.consent = ConsentRecord{"2026-01", *from_rfc3339("2026-12-04T09:00:00.000Z"),
                            *from_rfc3339("2026-12-04T10:00:00.000Z"), "citizen", "passcode"};
  same(r);
  r.consent->accepted_at.reset();  // a channel without terms
  r.inputs = json::object();
  r.prev_hash.clear();
  same(r);
  r.outcome = "\xff";  // not UTF-8: refused, as canonical_json refuses it
  EXPECT_THROW((void)audit_canonical(r, true), crypto::CanonicalJsonError);
}

TEST(AuditRecordFormat, Version1RecordsStillVerifyAndAScoreChangeIsCaught) {
  // Written before format 2: no "v", hashed over prev_hash and nlohmann's dump.
  json old{{"registration_id", "reg-1"},
           {"seq", 1},
           {"at", "2026-01-01T00:00:00.000Z"},
           {"actor", {{"principal", "p"}, {"role", "channel"}, {"key_id", "k"}}},
           {"cause", "e"},
           {"from", ""},
           {"to", "x"},
           {"phase", "consent"},
           {"step", "s"},
           {"outcome", "started"},
           {"prev_hash", ""}};
  old["hash"] = crypto::sha256_hex(old.dump());
  EXPECT_EQ(verify_chain({old}), std::nullopt);

  AuditRecord r;
  r.registration_id = RegistrationId("reg-1");
  r.seq = 1;
  r.inputs = {{"event", "task.result"}, {"score", 0.93}, {"min_score", 0.8}};
  r.hash = audit_hash(r);
  auto j = audit_to_json(r, true);
  EXPECT_EQ(verify_chain({j}), std::nullopt);
  j["inputs"]["score"] = 0.95;
  EXPECT_EQ(verify_chain({j})->why, "hash does not match the record (altered)");
  j = audit_to_json(r, true);
  j["v"] = 3;
  EXPECT_EQ(verify_chain({j})->why, "unknown record format 3");
}

TEST(AuditCheckpoint, MerkleTreeIsRfc6962OverJcsLeaves) {
  const std::vector<CheckpointLeaf> leaves{{"a", 1, std::string(64, '1')},
                                           {"b", 2, std::string(64, '2')},
                                           {"c", 3, std::string(64, '3')}};
  // leaf = SHA-256(0x00 || {"hash":"11…","registration_id":"a","seq":1})
  EXPECT_EQ(merkle_root_hex({leaves.front()}),
            "59fe9993348207b4cb382df9ce801f80a92e9789ce59b1231270b8e7165968b2");
  // SHA-256(0x01 || SHA-256(0x01 || a || b) || c)
  EXPECT_EQ(merkle_root_hex(leaves),
            "d738e6b48f4b42d2c1f7f3e22ff39f4f880bb42e6e011754b80bbaf6b55d9e4d");
  EXPECT_EQ(merkle_root_hex({}), crypto::sha256_hex(""));
}

// An export built the way enrollmentd writes one: chains of records and signed checkpoints.
class AuditExport : public ::testing::Test {
 protected:
  AuditExport() {
    crypto::ensure_sodium();
    crypto_sign_keypair(pub_.key.data(), secret_.data());
    pub_.id = "audit_checkpoint-1";
  }

  // `n` records of `reg`, chained.
  std::vector<json> chain(const std::string& reg, int n, const std::string& outcome = "x") {
    std::vector<json> out;
    std::string prev;
    for (int i = 1; i <= n; ++i) {
      AuditRecord r;
      r.registration_id = RegistrationId(reg);
      r.seq = i;
      r.outcome = outcome;
      r.input_sha256 = crypto::sha256_hex(reg + std::to_string(i));
      r.prev_hash = prev;
      r.hash = audit_hash(r);
      prev = r.hash;
      out.push_back(audit_to_json(r, true));
    }
    return out;
  }
  static CheckpointLeaf head(const std::vector<json>& records) {
    const auto& last = records.back();
    return {last.at("registration_id"), last.at("seq"), last.at("hash")};
  }
  json checkpoint(std::int64_t number, std::vector<CheckpointLeaf> leaves,
                  const std::array<unsigned char, 64>* secret = nullptr) {
    Checkpoint c{0, number, roots_[number - 1], "2026-12-04T10:00:00.000Z", std::move(leaves)};
    auto data = sign_checkpoint(c, {pub_.id, secret != nullptr ? *secret : secret_});
    roots_[number] = data.at("root");
    return data;
  }
  std::vector<json> events(const std::vector<std::vector<json>>& chains,
                           const std::vector<json>& checkpoints) {
    std::vector<json> out;
    int id = 0;
    for (const auto& c : chains) {
      for (const auto& r : c) {
        out.push_back({{"id", std::to_string(++id)}, {"type", "audit.record"}, {"data", r}});
      }
    }
    for (const auto& c : checkpoints) {
      out.push_back({{"id", std::to_string(++id)}, {"type", "audit.checkpoint"}, {"data", c}});
    }
    return out;
  }
  TrailReport verify(const std::vector<json>& evs) {
    return verify_trail(evs, std::span<const CheckpointPublicKey>(&pub_, 1));
  }
  static std::vector<std::string> kinds(const TrailReport& r) {
    std::vector<std::string> out;
    for (const auto& f : r.findings) out.push_back(f.kind + " " + f.subject);
    return out;
  }

  CheckpointPublicKey pub_;
  std::array<unsigned char, 64> secret_{};
  std::map<std::int64_t, std::string> roots_{{0, ""}};
};

TEST_F(AuditExport, AnIntactExportVerifies) {
  const auto a = chain("reg-a", 3);
  const auto b = chain("reg-b", 2);
  const auto a2 = std::vector<json>(a.begin(), a.begin() + 2);
  const auto evs = events({a, b}, {checkpoint(1, {head(a2), head(b)}), checkpoint(2, {head(a)})});
  const auto report = verify(evs);
  EXPECT_TRUE(report.ok()) << testing::PrintToString(kinds(report));
  EXPECT_EQ(report.checkpoints, 2U);
  EXPECT_EQ(report.records, 5U);
  // Without keys the checkpoints are not looked at, and the chains still verify.
  EXPECT_TRUE(verify_trail(evs).ok());
}

TEST_F(AuditExport, NamesADroppedChain) {
  const auto a = chain("reg-a", 2);
  const auto b = chain("reg-b", 2);
  const auto report = verify(events({a}, {checkpoint(1, {head(a), head(b)})}));
  EXPECT_EQ(kinds(report), std::vector<std::string>{"dropped_chain reg-b"});
  EXPECT_TRUE(report.broken.empty()) << "the records left chain fine";
}

TEST_F(AuditExport, NamesACutTail) {
  const auto a = chain("reg-a", 4);
  const auto cp = checkpoint(1, {head(a)});
  const auto cut = std::vector<json>(a.begin(), a.begin() + 2);
  const auto report = verify(events({cut}, {cp}));
  EXPECT_EQ(kinds(report), (std::vector<std::string>{"cut_tail reg-a", "unanchored_head reg-a"}));
  EXPECT_NE(report.findings.front().why.find("names record 4; the export ends at 2"),
            std::string::npos);
}

TEST_F(AuditExport, NamesAHistoryRewrittenConsistently) {
  const auto a = chain("reg-a", 3, "approved");
  const auto cp = checkpoint(1, {head(a)});
  // Whoever could write Redis and the export re-made the chain with another outcome: every
  // link verifies, but not against the signed head.
  const auto forged = chain("reg-a", 3, "rejected");
  const auto report = verify(events({forged}, {cp}));
  EXPECT_TRUE(report.broken.empty());
  EXPECT_EQ(kinds(report), std::vector<std::string>{"rewritten_history reg-a"});
  EXPECT_EQ(report.findings.front().why,
            "record 3 differs from its head in checkpoint 1 of partition 0");
}

TEST_F(AuditExport, NamesAForgedOrUnknownKeyCheckpointAndAGap) {
  const auto a = chain("reg-a", 1);
  std::array<unsigned char, 64> other{};
  std::array<unsigned char, 32> other_pub{};
  crypto_sign_keypair(other_pub.data(), other.data());
  auto forged = checkpoint(1, {head(a)}, &other);  // same key id, another key
  auto report = verify(events({a}, {forged}));
  EXPECT_EQ(kinds(report),
            (std::vector<std::string>{"forged_checkpoint event 2", "unanchored_head reg-a"}));

  auto unknown = checkpoint(1, {head(a)});
  unknown["key_id"] = "audit_checkpoint-9";
  report = verify(events({a}, {unknown}));
  EXPECT_EQ(report.findings.front().kind, "unknown_key");

  auto tampered = checkpoint(1, {head(a)});
  tampered["leaves"][0]["seq"] = 2;  // the signature covers the leaves
  EXPECT_EQ(verify(events({a}, {tampered})).findings.front().kind, "forged_checkpoint");

  // Checkpoint 2 of the partition withheld: 3 follows 1.
  const auto b = chain("reg-b", 1);
  const auto c = chain("reg-c", 1);
  const auto one = checkpoint(1, {head(a)});
  (void)checkpoint(2, {head(b)});
  const auto three = checkpoint(3, {head(c)});
  report = verify(events({a, b, c}, {one, three}));
  EXPECT_EQ(kinds(report), (std::vector<std::string>{"checkpoint_gap partition 0 checkpoint 2",
                                                     "unanchored_head reg-b"}));
}

TEST_F(AuditExport, RefusesMalformedCheckpoints) {
  const auto a = chain("reg-a", 1);
  auto cp = checkpoint(1, {head(a)});
  for (const auto& bad : {json("text"), json::object(), json{{"v", 1}}}) {
    EXPECT_EQ(verify(events({a}, {bad})).findings.front().kind, "malformed_checkpoint");
  }
  auto extra = cp;
  extra["more"] = 1;
  EXPECT_EQ(verify(events({a}, {extra})).findings.front().kind, "malformed_checkpoint");
  auto big = cp;
  big["leaves"][0]["seq"] = 1e300;
  EXPECT_EQ(verify(events({a}, {big})).findings.front().kind, "malformed_checkpoint");
  EXPECT_EQ(parse_checkpoint_public_key("not base64"), std::nullopt);
}

TEST_F(AuditExport, NamesMalformedRecordsWithoutThrowing) {
  const auto a = chain("reg-a", 1);
  for (const auto& bad :
       {json{{"id", "x"}}, json{{"id", "x"}, {"data", "text"}},
        json{{"id", "x"}, {"data", {{"registration_id", "r"}, {"seq", "1"}}}},
        json{{"id", "x"},
             {"data", {{"registration_id", "r"}, {"seq", 1}, {"prev_hash", 1}, {"hash", ""}}}}}) {
    auto evs = events({a}, {checkpoint(1, {head(a)})});
    evs.push_back(bad);
    const auto report = verify(evs);
    EXPECT_EQ(kinds(report), std::vector<std::string>{"malformed_record event x"}) << bad.dump();
    EXPECT_EQ(report.records, 1U);
  }
  auto evs = events({a}, {});
  evs.push_back(json(42));
  EXPECT_EQ(verify_trail(evs).findings.front().kind, "malformed_record");
  // A record whose outcome or actor is of another type than a string: no refusal counted.
  auto odd = a.front();
  odd["outcome"] = 7;
  odd["actor"] = "text";
  EXPECT_NO_THROW((void)verify_trail({json{{"id", "1"}, {"type", "audit.record"}, {"data", odd}}}));
}

}  // namespace
}  // namespace enroll
