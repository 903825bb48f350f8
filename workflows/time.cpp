#include "workflows/time.hpp"

#include <cstdio>

namespace enroll {

std::string to_rfc3339(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

std::optional<Timestamp> from_rfc3339(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  char tail[16] = {};
  const std::string str(text);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%15s", &y, &mo, &d, &h, &mi, &s, tail) < 6) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s < 0 || s >= 61) return std::nullopt;
  auto t = sys_days{ymd} + hours{h} + minutes{mi} +
           milliseconds{static_cast<long long>(s * 1000.0 + 0.5)};
  const std::string_view tz(tail);
  if (!tz.empty() && tz != "Z" && tz != "z") {
    int oh = 0, om = 0;
    char sign = 0;
    if (std::sscanf(tail, "%c%2d:%2d", &sign, &oh, &om) != 3 || (sign != '+' && sign != '-')) {
      return std::nullopt;
    }
    const auto off = hours{oh} + minutes{om};
    t = sign == '+' ? t - off : t + off;
  }
  return Timestamp{t};
}

}  // namespace enroll
