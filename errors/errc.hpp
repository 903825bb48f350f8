#pragma once
// The project's error codes: one enum across the modules (codec, engine, store, http, config,
// crypto, io), and for each code, stated once in errc.cpp's table: its module's category,
// whether trying again can succeed, and its wire forms (the `code` of a dead letter or of an
// HTTP error body, and the HTTP status). Nothing else maps an error to a wire code or a status.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace enroll {

enum class ErrorCategory { codec, engine, store, http, config, crypto, io };

enum class Errc {
  // codec: an inbox message that cannot be read (dead-lettered; README "Bad input")
  too_large,
  missing_key,
  not_json,
  too_deep,
  invalid_data,
  not_cloudevent,
  unknown_type,
  key_mismatch,
  undecodable,
  untrusted_timestamp,  // no LogAppendTime stamp: the broker did not set its time
  // codec: an inbox message whose sender is not proven (README "Principals and keys")
  unsigned_message,  // wire "unsigned": no keyid or no signature
  unknown_key,       // a key id the trust file does not list
  key_not_valid,     // the broker's time is before the key's not_before or after its not_after
  revoked_key,       // the key is revoked at the broker's time (at or after its revoked_at)
  bad_signature,     // the signature does not match the event's canonical bytes
  stale_message,     // the event's time is missing or too far from the broker's
  // engine: what the ordered path cannot apply or store (dead-lettered)
  engine_fault,
  unprocessable,
  unencodable,
  output_too_large,
  state_too_large,
  commit_failed,
  registration_quarantined,
  // store: Redis
  stale_epoch,        // another instance claimed the partition (a fenced step refused)
  redis_unavailable,  // the connection failed, or the server is in a passing state
  redis_refused,      // Redis refused the command for good
  // http: the API's answers
  bad_request,
  bad_id,
  bad_limit,
  bad_filter,
  bad_cursor,
  bad_duration,
  unknown_step,
  unauthorized,
  operator_mismatch,  // the body names another operator than the bearer token's (403)
  not_an_operator,    // an operator action with a reader's token (403)
  not_found,
  registration_not_found,
  method_not_allowed,
  definition_not_loaded,
  registration_ended,
  registration_moved,  // no longer matches the bulk query the action was sent for
  count_changed,       // a bulk action's query no longer matches the count confirmed
  job_not_found,       // no such bulk job (here: jobs live in the instance that runs them)
  rewind_forward,
  history_purged,
  payload_too_large,
  headers_too_large,
  not_ready,
  busy,
  kafka_unavailable,
  internal,
  // config: a setting, an address or a built-in resource that cannot be used (at start-up,
  // in a command line; the message names the setting)
  bad_url,
  bad_address,
  bad_setting,
  bad_schema,
  // crypto: libsodium
  crypto_failed,  // libsodium failed (initialisation, out of memory)
  bad_key,        // a key of the wrong size
  // io: the operating system and the local tools
  io_failed,  // a socket, a file or a local service could not be used
};
inline constexpr Errc kLastErrc = Errc::io_failed;  // the enum's last code (the table's size)

struct ErrcInfo {
  Errc code;
  ErrorCategory category;
  std::string_view wire;  // the code on the wire (dead letter, HTTP error body)
  bool retryable;         // trying the same again later can succeed
  int http_status;        // as an HTTP answer
};

[[nodiscard]] const ErrcInfo& info(Errc code);
[[nodiscard]] inline std::string_view wire_code(Errc code) { return info(code).wire; }
[[nodiscard]] inline bool retryable(Errc code) { return info(code).retryable; }
[[nodiscard]] inline int http_status(Errc code) { return info(code).http_status; }
// The code whose wire form is `wire`, if any.
[[nodiscard]] std::optional<Errc> errc_from_wire(std::string_view wire);

// An error that carries its code. Thrown where a caller decides by the code (retry, a wire
// answer); the message is for people and logs.
class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] Errc code() const noexcept { return code_; }
  [[nodiscard]] bool retryable() const noexcept { return enroll::retryable(code_); }

 private:
  Errc code_;
};

}  // namespace enroll
