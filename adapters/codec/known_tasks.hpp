#pragma once
// The connector tasks this build knows: every embedded schemas/tasks/<task>.schema.json and
// its `x-connector`. The graph lint takes them as a parameter (workflows/ cannot see
// adapters/codec/, where the schemas are embedded); enrollctl's check and enrollmentd's start-up
// both lint with them.
#include <map>
#include <set>
#include <string>

namespace enroll::codec {

// task name -> connector. Throws Error(bad_schema) if a task schema has no x-connector.
std::map<std::string, std::string> known_tasks();
// task name -> the error codes its connector may answer (`x-error-codes`; none if absent): the
// metrics' label values besides the definitions' retryable codes.
std::map<std::string, std::set<std::string>> known_error_codes();

}  // namespace enroll::codec
