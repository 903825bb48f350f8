#include "workflows/commands.hpp"

#include <array>
#include <utility>

#include "statemachines/name_table.hpp"

namespace enroll {
namespace {

constexpr NameTable kTypes{std::array<std::pair<CommandType, std::string_view>, 18>{{
    {CommandType::registration_start, "registration.start"},
    {CommandType::terms_accept, "terms.accept"},
    {CommandType::permissions_grant, "permissions.grant"},
    {CommandType::card_front_capture, "card.front.capture"},
    {CommandType::card_back_capture, "card.back.capture"},
    {CommandType::selfie_capture, "selfie.capture"},
    {CommandType::card_data_confirm, "card.data.confirm"},
    {CommandType::citizen_id_enter, "citizen_id.enter"},
    {CommandType::fingerprint_capture, "fingerprint.capture"},
    {CommandType::qr_scan, "qr.scan"},
    {CommandType::passcode_set, "passcode.set"},
    {CommandType::consent_confirm, "consent.confirm"},
    {CommandType::registration_cancel, "registration.cancel"},
    {CommandType::task_result, "task.result"},
    {CommandType::operator_retry, "operator.retry"},
    {CommandType::operator_rewind, "operator.rewind"},
    {CommandType::operator_cancel, "operator.cancel"},
    {CommandType::timer, "timer.fire"},
}}};

}  // namespace

std::string_view to_string(CommandType t) { return kTypes.name(t); }

std::optional<CommandType> command_type_from(std::string_view type) { return kTypes.value(type); }

}  // namespace enroll
