#include "common/message/date.h"

namespace posthorn {

std::string Rfc5322Date(time_t when) {
  struct tm tm;
  localtime_r(&when, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S %z", &tm);
  return buf;
}

}  // namespace posthorn
