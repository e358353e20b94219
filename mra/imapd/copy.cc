#include "mra/imapd/copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/base/io.h"
#include "common/maildir/flags.h"
#include "common/maildir/keywords.h"
#include "common/maildir/pending_message.h"
#include "common/maildir/read_message.h"
#include "common/maildir/scan.h"
#include "common/maildir/sync.h"
#include "common/maildir/uidlist.h"
#include "common/maildir/unique_name.h"

namespace posthorn::imapd {

namespace {

// The target's keyword bits for the source's `bits`.
Result<uint32_t> MapKeywords(uint32_t bits, const std::vector<std::string>& from, maildir::KeywordMap& to) {
  std::vector<std::string> names;
  for (size_t i = 0; i < from.size() && i < 32; ++i)
    if (bits & (1u << i)) names.push_back(from[i]);
  if (names.empty()) return 0u;
  return to.Define(names);
}

// The bytes, when no link or rename can cross to the target: stored the
// way APPEND stores, with the source's modification time.
Status CopyBytes(const std::string& from_dir, const std::string& file, const std::string& to_dir,
                 const std::string& name) {
  Result<maildir::StoredMessage> m = maildir::ReadMessage(from_dir, file);
  if (!m.ok()) return m.error();
  std::string tmp = to_dir + "/tmp/" + name;
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return SysError("cannot create " + tmp, errno);
  struct timespec times[2] = {{m->mtime, 0}, {m->mtime, 0}};
  if (!WriteAll(fd.get(), m->bytes) || ::futimens(fd.get(), times) != 0 || ::fsync(fd.get()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return SysError("cannot write " + tmp, err);
  }
  return Status::Ok();
}

// Puts message `file` of `from_dir` into `to_dir`/cur as `target` (a name
// with its info). Follows a rename by another process once.
Status Place(const std::string& from_dir, std::string file, const std::string& to_dir, const std::string& target,
             const std::string& base, bool move) {
  std::string to = to_dir + "/cur/" + target;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string from = from_dir + "/" + file;
    int r = move ? ::rename(from.c_str(), to.c_str()) : ::link(from.c_str(), to.c_str());
    if (r == 0) return Status::Ok();
    if (errno == EXDEV || errno == EPERM || errno == EMLINK) {
      if (Status s = CopyBytes(from_dir, file, to_dir, base); !s.ok()) return s;
      if (::rename((to_dir + "/tmp/" + base).c_str(), to.c_str()) != 0) return SysError("cannot rename into " + to, errno);
      if (move && ::unlink(from.c_str()) != 0 && errno != ENOENT) return SysError("cannot remove " + from, errno);
      return Status::Ok();
    }
    if (errno != ENOENT) return SysError(std::string(move ? "cannot move " : "cannot link ") + from, errno);
    std::string_view name = std::string_view(file).substr(file.find('/') + 1);
    Result<std::string> located = maildir::LocateMessage(from_dir, maildir::BaseName(name));
    if (!located.ok()) return located.error();
    if (located->empty()) break;
    file = *located;
  }
  return Error{"gone", ENOENT};
}

}  // namespace

Result<Copied> CopyMessages(SelectedFolder& from, const std::vector<uint32_t>& seqs, FolderState& to, bool move) {
  if (Status s = to.Load(); !s.ok()) return s.error();
  const std::string& to_dir = to.dir();
  maildir::UidList& uids = to.uids();
  Copied out;
  std::vector<std::string> bases;
  for (uint32_t seq : seqs) {
    const ViewMessage& m = from.view.at(seq);
    if (m.gone) {
      out.some_gone = true;
      continue;
    }
    maildir::Flags flags = m.flags;
    Result<uint32_t> bits = MapKeywords(m.flags.keywords, from.keywords().names(), to.keywords());
    if (!bits.ok()) return bits.error();
    flags.keywords = *bits;
    // A new unique name, keeping the sizes so readers need not open it.
    std::optional<uint64_t> s = maildir::SizeFromName(m.base(), 'S'), w = maildir::SizeFromName(m.base(), 'W');
    std::string base = s && w ? maildir::NameWithSizes(maildir::NewUniqueName(), *s, *w) : maildir::NewUniqueName();
    Status placed = Place(from.dir, m.file, to_dir, maildir::NameWithFlags(base, flags), base, move);
    if (!placed.ok() && placed.errnum() == ENOENT) {
      out.some_gone = true;
      continue;
    }
    if (!placed.ok()) return placed.error();
    out.source_uids.push_back(m.uid);
    bases.push_back(base);
  }
  if (bases.empty()) return out;
  if (Status s = maildir::SyncDir(to_dir + "/cur"); !s.ok()) return s.error();
  if (move)
    if (Status s = maildir::SyncDir(from.dir + "/cur"); !s.ok()) return s.error();
  Result<std::vector<maildir::UidEntry>> added = uids.Assign(std::vector<std::string_view>(bases.begin(), bases.end()));
  if (!added.ok()) return added.error();
  out.uidvalidity = uids.uidvalidity();
  for (const std::string& b : bases) out.target_uids.push_back(uids.Find(b).value_or(0));
  to.AddRecent(out.target_uids);
  return out;
}

}  // namespace posthorn::imapd
