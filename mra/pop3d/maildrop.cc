#include "mra/pop3d/maildrop.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "common/base/fs.h"
#include "common/base/io.h"
#include "common/maildir/flags.h"
#include "common/maildir/sync.h"
#include "common/message/wire_form.h"
#include "mra/pop3d/wire.h"

namespace posthorn::pop3d {

namespace {

constexpr size_t kMaxUid = 70;

std::string_view UniquePart(std::string_view name) { return name.substr(0, name.find_first_of(",:")); }

std::string HexSha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// Counts the wire size of a file without a ,W= field.
Result<uint64_t> CountWireSize(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return SysError("cannot open " + path, errno);
  char buf[65536];
  uint64_t size = 0;
  bool prev_cr = false;
  for (;;) {
    ssize_t n = ReadSome(fd.get(), buf, sizeof buf);
    if (n < 0) return SysError("cannot read " + path, errno);
    if (n == 0) return size;
    size += message::WireSize(std::string_view(buf, static_cast<size_t>(n)), &prev_cr);
  }
}

// Arrival order: Maildir names start with the delivery time in seconds.
// The number is parsed once per message, not once per comparison.
void SortByArrival(std::vector<DropMessage>* messages) {
  std::vector<std::pair<unsigned long long, size_t>> keys;
  keys.reserve(messages->size());
  for (size_t i = 0; i < messages->size(); ++i) keys.emplace_back(std::strtoull((*messages)[i].name.c_str(), nullptr, 10), i);
  std::sort(keys.begin(), keys.end(), [messages](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return (*messages)[a.second].name < (*messages)[b.second].name;
  });
  std::vector<DropMessage> sorted;
  sorted.reserve(messages->size());
  for (const auto& k : keys) sorted.push_back(std::move((*messages)[k.second]));
  *messages = std::move(sorted);
}

}  // namespace

std::string UidFor(std::string_view file_name) {
  std::string_view unique = UniquePart(file_name);
  bool ok = !unique.empty() && unique.size() <= kMaxUid &&
            std::all_of(unique.begin(), unique.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (ok) return std::string(unique);
  return "H" + HexSha256(unique).substr(0, 40);
}

Result<Maildrop> Maildrop::Open(const std::string& maildir) {
  Maildrop drop;
  drop.maildir_ = maildir;
  for (const char* sub : {"new", "cur"}) {
    std::string dir = maildir + "/" + sub;
    Result<std::vector<std::string>> names = ListDir(dir);
    if (!names.ok()) {
      if (names.error().errnum == ENOENT) continue;
      return names.error();
    }
    for (std::string& name : *names) {
      if (name.empty() || name[0] == '.') continue;
      DropMessage m;
      m.sub = sub;
      m.uid = UidFor(name);
      if (std::optional<uint64_t> w = maildir::SizeFromName(name, 'W')) {
        m.size = *w;
      } else {
        Result<uint64_t> size = CountWireSize(dir + "/" + name);
        if (!size.ok()) {
          // Removed meanwhile, or not a message (a directory, a symlink).
          int e = size.error().errnum;
          if (e == ENOENT || e == EISDIR || e == ELOOP) continue;
          return size.error();
        }
        m.size = *size;
      }
      m.name = std::move(name);
      drop.messages_.push_back(std::move(m));
    }
  }
  SortByArrival(&drop.messages_);
  return drop;
}

uint64_t Maildrop::total_size() const {
  uint64_t total = 0;
  for (const DropMessage& m : messages_) total += m.size;
  return total;
}

std::string Maildrop::PathAtLogin(size_t i) const {
  return maildir_ + "/" + messages_[i].sub + "/" + messages_[i].name;
}

std::string Maildrop::Locate(size_t i, std::map<std::string, std::string>* moved) const {
  // A reader moved it (new/ -> cur/) or changed its flags: same unique part.
  if (moved->empty()) {
    for (const char* sub : {"new", "cur"}) {
      Result<std::vector<std::string>> names = ListDir(maildir_ + "/" + sub);
      if (!names.ok()) continue;
      for (const std::string& n : *names) (*moved)[std::string(maildir::BaseName(n))] = maildir_ + "/" + sub + "/" + n;
    }
    if (moved->empty()) (*moved)[""] = "";  // listed, and nothing there
  }
  auto it = moved->find(std::string(maildir::BaseName(messages_[i].name)));
  return it == moved->end() ? "" : it->second;
}

Result<UniqueFd> Maildrop::OpenMessage(size_t i) const {
  std::string path = PathAtLogin(i);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid() && errno == ENOENT) {
    std::map<std::string, std::string> moved;
    path = Locate(i, &moved);
    if (path.empty()) return Error{"message " + messages_[i].name + " is gone", ENOENT};
    fd.Reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  }
  if (!fd.valid()) return SysError("cannot open " + path, errno);
  return fd;
}

bool Maildrop::ReadCached(size_t i, size_t max, std::string* out) const {
  std::string path = PathAtLogin(i);
  struct open_how how = {};
  how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW;
  how.resolve = RESOLVE_CACHED;
  UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, path.c_str(), &how, sizeof how)));
  if (!fd.valid()) return false;  // not cached (EAGAIN), moved, or an old kernel
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || static_cast<uint64_t>(st.st_size) > max) return false;
  out->resize(static_cast<size_t>(st.st_size));
  struct iovec iov = {out->data(), out->size()};
  ssize_t n = out->empty() ? 0 : ::preadv2(fd.get(), &iov, 1, 0, RWF_NOWAIT);
  return n == static_cast<ssize_t>(out->size());
}

size_t Maildrop::Update(const std::vector<bool>& deleted, const std::vector<bool>& retrieved, std::string* error) const {
  size_t removed = 0;
  bool changed = false;
  std::map<std::string, std::string> moved;
  for (size_t i = 0; i < messages_.size(); ++i) {
    bool del = i < deleted.size() && deleted[i];
    if (!del && (i >= retrieved.size() || !retrieved[i])) continue;
    // Where it was at login, unless a reader has renamed it since.
    std::string path = PathAtLogin(i);
    if (del) {
      int rc = ::unlink(path.c_str());
      if (rc != 0 && errno == ENOENT && !(path = Locate(i, &moved)).empty()) rc = ::unlink(path.c_str());
      if (rc == 0 || errno == ENOENT || path.empty()) {
        ++removed;
        changed = true;
      } else if (error->empty()) {
        *error = SysError("cannot remove " + path, errno).message;
      }
      continue;
    }
    // Seen is a courtesy to IMAP clients: a failure here loses nothing.
    if (MarkSeen(path) == ENOENT && !(path = Locate(i, &moved)).empty()) MarkSeen(path);
    changed = true;
  }
  // Removals that a crash undoes would come back as new mail: flush them.
  if (changed) {
    for (const char* sub : {"new", "cur"}) (void)maildir::SyncDir(maildir_ + "/" + sub);
  }
  return removed;
}

int Maildrop::MarkSeen(const std::string& path) const {
  size_t slash = path.rfind('/');
  std::string name = path.substr(slash + 1);
  maildir::Flags flags = maildir::Flags::FromName(name);
  bool in_cur = path.compare(slash - 4, 5, "/cur/") == 0;
  if (flags.seen && in_cur) return 0;
  flags.seen = true;
  Status s = RenameNoReplace(path, maildir_ + "/cur/" + maildir::NameWithFlags(name, flags));
  return s.ok() ? 0 : s.errnum();
}

}  // namespace posthorn::pop3d
