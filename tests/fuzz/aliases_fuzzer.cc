// Aliases and passwd files: parse anything without crashing, and resolve
// through whatever graph the file describes without hanging.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "common/aliases/resolve.h"

namespace {

// The bytes as a file the mapping readers can open.
std::string AsFile(std::string_view bytes, int* fd) {
  *fd = memfd_create("fuzz", 0);
  if (*fd < 0) return "";
  if (write(*fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) return "";
  return "/proc/self/fd/" + std::to_string(*fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace posthorn;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int afd = -1, pfd = -1;
  std::string apath = AsFile(text, &afd);
  // The same bytes serve as passwd, so alias targets can meet users.
  std::string ppath = AsFile(text, &pfd);
  auto aliases = AliasFile::Open(apath);
  auto passwd = auth::PasswdFile::Open(ppath);
  if (aliases.ok() && passwd.ok()) {
    (void)aliases->Problems();
    (void)passwd->Problems();
    LocalDomains domains{{"example.org"}};
    for (const char* who : {"a@example.org", "postmaster@example.org", "b@example.org", "x@other.net"}) {
      Result<Address> a = ParseAddress(who);
      (void)ResolveRecipient(*a, domains, *aliases, *passwd);
    }
  }
  if (afd >= 0) close(afd);
  if (pfd >= 0) close(pfd);
  return 0;
}
