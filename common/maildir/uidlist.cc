#include "common/maildir/uidlist.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <unordered_set>

#include "common/base/file_lock.h"
#include "common/base/fs.h"
#include "common/base/io.h"
#include "common/base/unique_fd.h"
#include "common/log/log.h"

namespace posthorn::maildir {

UidList::UidList(std::string dir) : dir_(std::move(dir)) {}

std::string UidList::path() const { return dir_ + "/" + std::string(kUidListName); }
std::string UidList::lock_path() const { return path() + ".lock"; }

Result<UidList> UidList::Open(const std::string& dir) {
  UidList list(dir);
  if (Status s = list.Load(/*locked=*/false); !s.ok()) return s.error();
  return list;
}

uint32_t UidList::next_uid() const {
  uint32_t after_last = entries_.empty() ? 1 : entries_.back().uid + 1;
  return std::max(header_next_, after_last);
}

std::optional<uint32_t> UidList::Find(std::string_view base) const {
  std::optional<uint32_t> at = by_base_.Find(base, [this](uint32_t i) { return entries_[i].base; });
  if (!at) return std::nullopt;
  return entries_[*at].uid;
}

void UidList::Clear() {
  by_base_.Clear();
  entries_.clear();
  text_.clear();
}

void UidList::Add(const UidEntry& e) {
  entries_.push_back(e);
  by_base_.Insert(e.base, static_cast<uint32_t>(entries_.size() - 1), [this](uint32_t i) { return entries_[i].base; });
}

UidList::Placed UidList::Place(const UidEntry& e, std::string* text) {
  AppendUidEntry(e, text);
  return Placed{e.uid, text->size() - 1 - e.base.size(), e.base.size()};
}

std::vector<UidEntry> UidList::AddPlaced(std::string text, const std::vector<Placed>& placed) {
  std::string_view kept = text_.emplace_back(std::move(text));
  std::vector<UidEntry> added;
  added.reserve(placed.size());
  by_base_.Reserve(entries_.size() + placed.size());
  entries_.reserve(entries_.size() + placed.size());
  for (const Placed& p : placed) {
    added.push_back(UidEntry{p.uid, kept.substr(p.at, p.size)});
    Add(added.back());
  }
  return added;
}

Result<bool> UidList::TryLoad(std::string* why) {
  // Read into a new string of text_, where the entries can view it; the
  // text before it goes only once this one is known good.
  std::string& text = text_.emplace_back();
  auto drop = [this] { text_.pop_back(); };
  Status read = ReadOwnFile(path(), &text);
  if (!read.ok()) {
    drop();
    if (read.errnum() != ENOENT) return read.error();
    *why = "missing";
    return false;
  }
  Result<UidListText> parsed = ParseUidList(text);
  if (!parsed.ok()) {
    *why = parsed.message();
    // The new UIDVALIDITY must exceed the old even within its second: take
    // the old from the first line when only the entries are broken.
    Result<UidListText> header = ParseUidList(text.substr(0, text.find('\n') + 1));
    if (header.ok()) uidvalidity_ = std::max(uidvalidity_, header->uidvalidity);
    drop();
    return false;
  }
  struct stat st;
  if (::stat(path().c_str(), &st) != 0) {
    drop();
    return SysError("cannot stat " + path(), errno);
  }
  // The file may have been replaced between the read and the stat: then
  // the next Refresh sees another inode and reads it again.
  uidvalidity_ = parsed->uidvalidity;
  header_next_ = parsed->next_uid;
  by_base_.Clear();
  entries_.clear();
  // Erasing at a deque's front leaves the rest where they are.
  text_.erase(text_.begin(), text_.end() - 1);
  entries_.reserve(parsed->entries.size());
  by_base_.Reserve(parsed->entries.size());
  for (const UidEntry& e : parsed->entries) Add(e);
  inode_ = st.st_ino;
  read_ = parsed->complete;
  return true;
}

Status UidList::Load(bool locked) {
  std::string why;
  Result<bool> loaded = TryLoad(&why);
  if (!loaded.ok() || *loaded) return loaded.ok() ? Status::Ok() : Status(loaded.error());
  std::optional<FileLock> lock;
  if (!locked) {
    Result<FileLock> l = FileLock::Acquire(lock_path());
    if (!l.ok()) return l.error();
    lock.emplace(std::move(*l));
  }
  // Under the lock: another process may have made or repaired it meanwhile.
  loaded = TryLoad(&why);
  if (!loaded.ok() || *loaded) return loaded.ok() ? Status::Ok() : Status(loaded.error());
  return Create(why);
}

Status UidList::Create(const std::string& why) {
  if (why != "missing") log::Warning("%s: %s; made anew (new UIDVALIDITY)", path().c_str(), why.c_str());
  // RFC 3501 §2.3.1.1: a new UIDVALIDITY must be greater than any before;
  // the clock gives that across processes, the one known here within a
  // second.
  auto now = static_cast<uint32_t>(::time(nullptr));
  uint32_t uidvalidity = std::max(now, uidvalidity_ + 1);
  if (Status s = ReplaceFile(path(), FormatUidListHeader(uidvalidity, 1)); !s.ok()) return s;
  struct stat st;
  if (::stat(path().c_str(), &st) != 0) return SysError("cannot stat " + path(), errno);
  uidvalidity_ = uidvalidity;
  header_next_ = 1;
  Clear();
  inode_ = st.st_ino;
  read_ = FormatUidListHeader(uidvalidity, 1).size();
  return Status::Ok();
}

Status UidList::ReadTail(bool locked) {
  UniqueFd fd(::open(path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat st;
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || st.st_ino != inode_) return Load(locked);
  if (static_cast<uint64_t>(st.st_size) <= read_) return Status::Ok();
  // Read where the entries can view it, as TryLoad does.
  std::string& tail = text_.emplace_back(static_cast<size_t>(st.st_size) - read_, '\0');
  ssize_t n = ::pread(fd.get(), tail.data(), tail.size(), static_cast<off_t>(read_));
  if (n < 0) {
    text_.pop_back();
    return SysError("cannot read " + path(), errno);
  }
  tail.resize(static_cast<size_t>(n));
  Result<UidListText> parsed = ParseUidListTail(tail, entries_.empty() ? 0 : entries_.back().uid);
  if (parsed.ok()) {
    for (const UidEntry& e : parsed->entries) Add(e);
    read_ += parsed->complete;
    // Nothing to view (a line cut short by a crash, read at every look
    // until a writer mends it): not kept, or each look would keep a copy.
    if (parsed->entries.empty()) text_.pop_back();
    return Status::Ok();
  }
  text_.pop_back();
  std::optional<FileLock> lock;
  if (!locked) {
    Result<FileLock> l = FileLock::Acquire(lock_path());
    if (!l.ok()) return l.error();
    lock.emplace(std::move(*l));
  }
  return Create(parsed.message());
}

Result<bool> UidList::Refresh() {
  uint32_t before = uidvalidity_;
  if (Status s = ReadTail(/*locked=*/false); !s.ok()) return s.error();
  return uidvalidity_ != before;
}

Result<std::vector<UidEntry>> UidList::Assign(const std::vector<std::string_view>& bases) {
  for (std::string_view b : bases) {
    if (std::string why = CheckBaseName(b); !why.empty()) return Error{why + ": '" + std::string(b) + "'"};
  }
  Result<FileLock> lock = FileLock::Acquire(lock_path());
  if (!lock.ok()) return lock.error();
  if (Status s = ReadTail(/*locked=*/true); !s.ok()) return s.error();
  // A name given twice is numbered once. A listing gives them sorted,
  // where a repeat is the one before; only others need a set.
  bool sorted = std::is_sorted(bases.begin(), bases.end());
  std::unordered_set<std::string_view> seen;
  if (!sorted) seen.reserve(bases.size());
  // Sized up front: the first look at a large folder numbers every file.
  std::vector<Placed> placed;
  placed.reserve(bases.size());
  std::string text;
  size_t length = 0;
  for (std::string_view b : bases) length += b.size() + 12;  // "UID NAME\n"
  text.reserve(length);
  uint32_t uid = next_uid();
  for (size_t i = 0; i < bases.size(); ++i) {
    std::string_view b = bases[i];
    bool repeat = sorted ? i > 0 && bases[i - 1] == b : !seen.insert(b).second;
    if (repeat || Find(b)) continue;
    if (uid > kMaxUid) return Error{path() + ": no UIDs left; remove the file to renumber the folder"};
    placed.push_back(Place(UidEntry{uid++, b}, &text));
  }
  if (placed.empty()) return std::vector<UidEntry>();
  UniqueFd fd(::open(path().c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return SysError("cannot open " + path(), errno);
  // Whatever lies past the whole lines is an append a crash cut short.
  if (::ftruncate(fd.get(), static_cast<off_t>(read_)) != 0) return SysError("cannot truncate " + path(), errno);
  if (::lseek(fd.get(), static_cast<off_t>(read_), SEEK_SET) < 0) return SysError("cannot seek " + path(), errno);
  if (!WriteAll(fd.get(), text)) return SysError("cannot write " + path(), errno);
  if (::fsync(fd.get()) != 0) return SysError("cannot fsync " + path(), errno);
  read_ += text.size();
  return AddPlaced(std::move(text), placed);
}

Status UidList::Compact(const std::function<bool(const UidEntry&)>& keep) {
  Result<FileLock> lock = FileLock::Acquire(lock_path());
  if (!lock.ok()) return lock.error();
  if (Status s = ReadTail(/*locked=*/true); !s.ok()) return s;
  uint32_t next = next_uid();
  std::string text = FormatUidListHeader(uidvalidity_, next);
  std::vector<Placed> kept;
  for (const UidEntry& e : entries_)
    if (keep(e)) kept.push_back(Place(e, &text));
  if (Status s = ReplaceFile(path(), text); !s.ok()) return s;
  struct stat st;
  if (::stat(path().c_str(), &st) != 0) return SysError("cannot stat " + path(), errno);
  header_next_ = next;
  Clear();
  read_ = text.size();
  AddPlaced(std::move(text), kept);
  inode_ = st.st_ino;
  return Status::Ok();
}

}  // namespace posthorn::maildir
