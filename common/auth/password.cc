#include "common/auth/password.h"

#include <crypt.h>

#include <cstring>
#include <memory>
#include <string>

namespace posthorn::auth {

namespace {

// yescrypt of "x", made with `mkpasswd -m yescrypt x`. Authenticate spends
// one crypt(3) on it for unknown users; its cost parameters (j9T) are the
// libxcrypt defaults, the same as a freshly made user hash.
constexpr const char kDummyHash[] = "$y$j9T$Mf4B//ZserislVM1Jh1R0.$Vx4.BTy.xzGCIVOdQzGdKrsyhDlJuowJ7zMm39weDA6";

// A hash nobody can log in with: empty, or locked the passwd(5) way.
bool Unusable(std::string_view hash) { return hash.empty() || hash[0] == '!' || hash[0] == '*'; }

// Runs over the whole length regardless of where the bytes differ, so the
// time taken says nothing about how much of a guess was right.
bool ConstantTimeEquals(const char* a, std::string_view b) {
  size_t alen = std::strlen(a);
  if (alen != b.size()) return false;  // lengths are public: the hash format fixes them
  unsigned char diff = 0;
  for (size_t i = 0; i < alen; ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (Unusable(hash)) return false;
  // crypt(3) takes C strings: a NUL would silently cut the password short.
  if (password.find('\0') != std::string_view::npos) return false;
  if (hash.find('\0') != std::string_view::npos) return false;
  std::string pw(password);
  std::string setting(hash);
  // ~32 KiB: on the heap, not on an event-loop callback's stack. Value
  // initialisation zeroes it, which crypt_rn requires before first use.
  auto data = std::make_unique<struct crypt_data>();
  const char* out = ::crypt_rn(pw.c_str(), setting.c_str(), data.get(), sizeof *data);
  bool match = out != nullptr && ConstantTimeEquals(out, hash);
  // Leave no copy of the password or its derived key behind in freed memory.
  ::explicit_bzero(data.get(), sizeof *data);
  ::explicit_bzero(pw.data(), pw.size());
  return match;
}

bool Authenticate(const PasswdFile& passwd, std::string_view address, std::string_view password) {
  std::optional<PasswdFile::Entry> entry = passwd.Find(address);
  if (!entry || Unusable(entry->hash)) {
    // Same work as a real check, so unknown and locked users answer no
    // faster than known ones.
    (void)VerifyPassword(kDummyHash, password);
    return false;
  }
  return VerifyPassword(entry->hash, password);
}

}  // namespace posthorn::auth
