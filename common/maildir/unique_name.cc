#include "common/maildir/unique_name.h"

#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>

namespace posthorn::maildir {

namespace {

const std::string& LocalHost() {
  static const std::string host = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return std::string("localhost");
    return EscapedHostName(buf);
  }();
  return host;
}

uint64_t RandomBits() {
  uint64_t r = 0;
  if (::getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r) {
    // No entropy yet (early boot): time and pid still make the name unique.
    struct timeval tv;
    ::gettimeofday(&tv, nullptr);
    r = static_cast<uint64_t>(tv.tv_usec) * 2654435761u ^ static_cast<uint64_t>(::getpid());
  }
  return r;
}

}  // namespace

std::string EscapedHostName(std::string_view host) {
  std::string out;
  for (char c : host) {
    if (c == '/') out += "\\057";
    else if (c == ':') out += "\\072";
    else if (c == ',') out += "\\054";
    else out += c;
  }
  return out;
}

std::string NewUniqueName() {
  static unsigned long long count = 0;
  struct timeval tv;
  ::gettimeofday(&tv, nullptr);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%lld.M%ldP%dQ%lluR%016llx.", static_cast<long long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec), static_cast<int>(::getpid()), ++count,
                static_cast<unsigned long long>(RandomBits()));
  return buf + LocalHost();
}

std::string NameWithSizes(std::string_view base, uint64_t size, uint64_t wsize) {
  std::string out(base);
  out += ",S=" + std::to_string(size) + ",W=" + std::to_string(wsize);
  return out;
}

}  // namespace posthorn::maildir
