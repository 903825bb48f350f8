#include "adapters/codec/history_line.hpp"

#include <string_view>

namespace enroll::codec {
namespace {

void field(std::string& out, std::string_view text) {
  out.push_back('\t');
  for (const char c : text) out.push_back(c == '\t' ? ' ' : c);
}

}  // namespace

std::string history_line(const AuditRecord& r) {
  std::string out = std::to_string(r.seq);
  out.reserve(128);
  out.push_back('\t');
  out += std::to_string(to_millis(r.at));
  field(out, r.actor.role);
  field(out, r.actor.principal);
  if (!r.actor.officer.empty()) {
    field(out, "o:" + r.actor.officer);
  } else if (!r.actor.operator_id.empty()) {
    field(out, "p:" + r.actor.operator_id);
  } else {
    field(out, "");
  }
  const std::string_view id = r.registration_id.str();
  const std::string_view cause = r.cause.str();
  if (!id.empty() && cause.starts_with(id)) {
    field(out, "~" + std::string(cause.substr(id.size())));
  } else if (cause.starts_with('~') || cause.starts_with('!')) {
    field(out, "!" + std::string(cause));
  } else {
    field(out, cause);
  }
  field(out, r.from == r.to ? std::string_view() : std::string_view(r.from));
  field(out, r.to);
  const bool to_is_phase_step = r.to == r.phase + "/" + r.step;
  field(out, to_is_phase_step ? std::string_view() : std::string_view(r.phase));
  field(out, to_is_phase_step ? std::string_view() : std::string_view(r.step));
  field(out, r.outcome);
  return out;
}

std::string audit_head(const AuditRecord& r) { return std::to_string(r.seq) + " " + r.hash; }

}  // namespace enroll::codec
