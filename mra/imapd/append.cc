#include "mra/imapd/append.h"

#include <sys/stat.h>

#include <cerrno>

#include "common/base/io.h"
#include "common/maildir/pending_message.h"
#include "common/maildir/sync.h"

namespace posthorn::imapd {

namespace {

// CRLF -> LF; a lone CR or LF stays as it is. `*wire` gets the size as
// sent back out, every LF as CRLF.
std::string ToDisk(std::string_view message, uint64_t* wire) {
  std::string out;
  out.reserve(message.size());
  uint64_t lfs = 0;
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\r' && i + 1 < message.size() && message[i + 1] == '\n') continue;
    if (message[i] == '\n') ++lfs;
    out += message[i];
  }
  *wire = out.size() + lfs;
  return out;
}

}  // namespace

Result<Appended> AppendMessage(FolderState& to, std::string_view message, const maildir::Flags& flags,
                               int64_t internal_date) {
  const std::string& dir = to.dir();
  uint64_t wire = 0;
  std::string bytes = ToDisk(message, &wire);
  Result<maildir::PendingMessage> pending = maildir::PendingMessage::Create(dir);
  if (!pending.ok()) return pending.error();
  if (!WriteAll(pending->fd(), bytes)) return SysError("cannot write " + pending->tmp_path(), errno);
  struct timespec times[2] = {{internal_date, 0}, {internal_date, 0}};
  if (::futimens(pending->fd(), times) != 0) return SysError("cannot set the date of " + pending->tmp_path(), errno);
  if (Status s = pending->Sync(); !s.ok()) return s.error();
  Result<std::string> path = pending->Publish(bytes.size(), wire, /*to_cur=*/true, flags);
  if (!path.ok()) return path.error();
  if (Status s = maildir::SyncDir(dir + "/cur"); !s.ok()) return s.error();
  std::string name = path->substr(path->rfind('/') + 1);
  auto lock = to.Lock();
  if (Status s = to.Load(); !s.ok()) return s.error();
  maildir::UidList& uids = to.uids();
  Result<std::vector<maildir::UidEntry>> added = uids.Assign({maildir::BaseName(name)});
  if (!added.ok()) return added.error();
  Appended out;
  out.uidvalidity = uids.uidvalidity();
  out.uid = added->empty() ? uids.Find(maildir::BaseName(name)).value_or(0) : added->front().uid;
  out.file = "cur/" + name;
  to.AddRecent({out.uid});
  return out;
}

}  // namespace posthorn::imapd
