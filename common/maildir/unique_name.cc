#include "common/maildir/unique_name.h"

#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>

#include "common/base/strings.h"

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

std::string NewUniqueName(std::string_view tag) {
  static unsigned long long count = 0;
  struct timeval tv;
  ::gettimeofday(&tv, nullptr);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%lld.M%ldP%dQ%lluR%016llx", static_cast<long long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec), static_cast<int>(::getpid()), ++count,
                static_cast<unsigned long long>(RandomBits()));
  std::string name = buf;
  if (!tag.empty()) name += "I" + std::string(tag);
  return name + "." + LocalHost();
}

bool IsDeliveryTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 64) return false;
  for (char c : tag) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

std::string_view NameTag(std::string_view name) {
  // <seconds>.M<usec>P<pid>Q<count>R<16 hex>I<tag>.<host>: the tag is what
  // follows the fixed-width random part, up to the next dot.
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return {};
  size_t end = name.find('.', dot + 1);
  if (end == std::string_view::npos) return {};
  std::string_view middle = name.substr(dot + 1, end - dot - 1);
  size_t q = middle.find('Q');
  size_t r = q == std::string_view::npos ? q : middle.find('R', q);
  if (r == std::string_view::npos || middle.size() < r + 18 || middle[r + 17] != 'I') return {};
  for (size_t i = r + 1; i < r + 17; ++i) {
    if (!IsAsciiDigit(middle[i]) && !(middle[i] >= 'a' && middle[i] <= 'f')) return {};
  }
  std::string_view tag = middle.substr(r + 18);
  return IsDeliveryTag(tag) ? tag : std::string_view();
}

std::string NameWithSizes(std::string_view base, uint64_t size, uint64_t wsize) {
  std::string out(base);
  out += ",S=" + std::to_string(size) + ",W=" + std::to_string(wsize);
  return out;
}

}  // namespace posthorn::maildir
