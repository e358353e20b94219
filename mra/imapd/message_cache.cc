#include "mra/imapd/message_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <vector>

#include "common/base/fs.h"
#include "common/base/io.h"
#include "common/base/text_record.h"
#include "common/base/unique_fd.h"

namespace posthorn::imapd {

namespace {

// Version 2 may say "-" for a BODYSTRUCTURE not known yet.
constexpr std::string_view kMagic = "posthorn-cache 2 ";
constexpr std::string_view kUnknown = "-";

template <typename T>
bool Number(std::string_view s, T* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string Header(uint32_t uidvalidity) { return std::string(kMagic) + std::to_string(uidvalidity) + "\n"; }

std::string FactsLine(uint32_t uid, const MessageFacts& f) {
  return "m " + std::to_string(uid) + " " + std::to_string(f.size) + " " + std::to_string(f.internal_date) + " " +
         EncodeField(f.envelope) + " " + (f.bodystructure.empty() ? std::string(kUnknown) : EncodeField(f.bodystructure)) +
         "\n";
}

void AppendNumber(uint64_t n, std::string* out) {
  char digits[20];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out->append(digits, end);
}

// Appended in place: a folder's first look writes one for every message.
void AppendFlagsLine(uint32_t uid, const FlagState& s, std::string* out) {
  *out += "f ";
  AppendNumber(uid, out);
  *out += ' ';
  AppendNumber(s.modseq, out);
  *out += ' ';
  *out += EncodeField(s.info);
  *out += '\n';
}

std::string FlagsLine(uint32_t uid, const FlagState& s) {
  std::string line;
  AppendFlagsLine(uid, s, &line);
  return line;
}

std::string ExpungedLine(uint32_t uid, uint64_t modseq) {
  return "x " + std::to_string(uid) + " " + std::to_string(modseq) + "\n";
}

}  // namespace

uint64_t NextModseq(uint64_t highest) {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  return std::max<uint64_t>(highest + 1, static_cast<uint64_t>(now));
}

std::string MessageCache::path() const { return dir_ + "/" + kCacheName; }

Result<MessageCache> MessageCache::Open(const std::string& dir, uint32_t uidvalidity) {
  MessageCache cache(dir, uidvalidity);
  if (Status s = cache.Refresh(); !s.ok()) return s.error();
  return cache;
}

const MessageFacts* MessageCache::Facts(uint32_t uid) const {
  auto it = facts_.find(uid);
  return it == facts_.end() ? nullptr : &it->second;
}

const FlagState* MessageCache::Flags(uint32_t uid) const {
  auto it = flags_.find(uid);
  return it == flags_.end() ? nullptr : &it->second;
}

bool MessageCache::Take(std::string_view text, size_t* used) {
  std::vector<std::string_view> f;
  size_t pos = 0;
  for (size_t lf; (lf = text.find('\n', pos)) != std::string_view::npos; pos = lf + 1) {
    std::string_view line = text.substr(pos, lf - pos);
    ++records_;
    uint32_t uid = 0;
    if (!SplitFields(line, &f) || f.size() < 2 || !Number(f[1], &uid) || uid == 0) return false;
    if (f[0] == "m" && f.size() == 6) {
      MessageFacts m;
      std::optional<std::string> env = DecodeField(f[4]), body = DecodeField(f[5]);
      if (!Number(f[2], &m.size) || !Number(f[3], &m.internal_date) || !env || !body) return false;
      m.envelope = std::move(*env);
      m.bodystructure = *body == kUnknown ? std::string() : std::move(*body);
      facts_[uid] = std::move(m);
    } else if (f[0] == "f" && f.size() == 4) {
      FlagState s;
      std::optional<std::string> info = DecodeField(f[3]);
      if (!Number(f[2], &s.modseq) || !info) return false;
      s.info = std::move(*info);
      highest_modseq_ = std::max(highest_modseq_, s.modseq);
      flags_[uid] = std::move(s);
    } else if (f[0] == "x" && f.size() == 3) {
      uint64_t modseq = 0;
      if (!Number(f[2], &modseq)) return false;
      highest_modseq_ = std::max(highest_modseq_, modseq);
      expunged_[uid] = modseq;
    } else {
      return false;
    }
  }
  *used = pos;
  return true;
}

Status MessageCache::StartAfresh() {
  facts_.clear();
  flags_.clear();
  expunged_.clear();
  // highest_modseq_ stays: NextModseq goes on above it and above the clock.
  std::string header = Header(uidvalidity_);
  append_ = UniqueFd();
  records_ = 0;
  if (Status s = ReplaceFile(path(), header); !s.ok()) return s;
  struct stat st;
  if (::stat(path().c_str(), &st) != 0) return SysError("cannot stat " + path(), errno);
  inode_ = st.st_ino;
  read_ = header.size();
  return Status::Ok();
}

Status MessageCache::Refresh() {
  UniqueFd fd(::open(path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return errno == ENOENT ? StartAfresh() : SysError("cannot open " + path(), errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return SysError("cannot stat " + path(), errno);
  if (st.st_ino != inode_) {  // first read, or replaced by a compaction
    append_ = UniqueFd();
    records_ = 0;
    facts_.clear();
    flags_.clear();
    expunged_.clear();
    inode_ = st.st_ino;
    read_ = 0;
  }
  if (static_cast<uint64_t>(st.st_size) <= read_) return Status::Ok();
  std::string text(static_cast<size_t>(st.st_size) - read_, '\0');
  ssize_t n = ::pread(fd.get(), text.data(), text.size(), static_cast<off_t>(read_));
  if (n < 0) return SysError("cannot read " + path(), errno);
  text.resize(static_cast<size_t>(n));
  std::string_view rest = text;
  if (read_ == 0) {
    size_t lf = rest.find('\n');
    if (lf == std::string_view::npos || rest.substr(0, lf + 1) != Header(uidvalidity_)) return StartAfresh();
    rest.remove_prefix(lf + 1);
    read_ = lf + 1;
  }
  size_t used = 0;
  if (!Take(rest, &used)) return StartAfresh();
  read_ += used;
  return Status::Ok();
}

Status MessageCache::Append(const std::string& line) {
  // Kept open: a cold FETCH appends a record per message. A file replaced
  // meanwhile by another process loses what goes to the old one, which
  // only costs a later read of the message.
  if (!append_.valid()) append_ = UniqueFd(::open(path().c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW));
  const UniqueFd& fd = append_;
  if (!fd.valid()) return SysError("cannot open " + path(), errno);
  // One write: O_APPEND keeps it whole against other appenders.
  ssize_t n = ::write(fd.get(), line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) return SysError("cannot append to " + path(), n < 0 ? errno : EIO);
  records_ += static_cast<size_t>(std::count(line.begin(), line.end(), '\n'));
  // Written right after what was read (no one appended in between, and it
  // is the file that was read): the caller puts the records in the maps
  // itself, so the next Refresh need not read them back.
  struct stat st;
  off_t end = ::lseek(fd.get(), 0, SEEK_CUR);
  if (end >= 0 && static_cast<size_t>(end) == read_ + line.size() && ::fstat(fd.get(), &st) == 0 &&
      st.st_ino == inode_)
    read_ = static_cast<size_t>(end);
  return Status::Ok();
}

Status MessageCache::AddFacts(uint32_t uid, const MessageFacts& facts) {
  if (Status s = Append(FactsLine(uid, facts)); !s.ok()) return s;
  facts_[uid] = facts;
  return Status::Ok();
}

Status MessageCache::AddFlags(uint32_t uid, const FlagState& state) {
  if (Status s = Append(FlagsLine(uid, state)); !s.ok()) return s;
  highest_modseq_ = std::max(highest_modseq_, state.modseq);
  flags_[uid] = state;
  return Status::Ok();
}

Status MessageCache::AddFlags(const std::vector<std::pair<uint32_t, FlagState>>& states) {
  if (states.empty()) return Status::Ok();
  std::string lines;
  lines.reserve(states.size() * 40);  // "f UID MODSEQ INFO\n"
  for (const auto& [uid, state] : states) AppendFlagsLine(uid, state, &lines);
  if (Status s = Append(lines); !s.ok()) return s;
  flags_.reserve(flags_.size() + states.size());
  for (const auto& [uid, state] : states) {
    highest_modseq_ = std::max(highest_modseq_, state.modseq);
    flags_[uid] = state;
  }
  return Status::Ok();
}

Status MessageCache::AddExpunged(const std::vector<uint32_t>& uids, uint64_t modseq) {
  if (uids.empty()) return Status::Ok();
  std::string lines;
  for (uint32_t uid : uids) lines += ExpungedLine(uid, modseq);
  if (Status s = Append(lines); !s.ok()) return s;
  highest_modseq_ = std::max(highest_modseq_, modseq);
  for (uint32_t uid : uids) expunged_.emplace(uid, modseq);
  return Status::Ok();
}

Status MessageCache::Compact(const std::function<bool(uint32_t)>& keep) {
  if (Status s = Refresh(); !s.ok()) return s;
  std::string text = Header(uidvalidity_);
  std::vector<uint32_t> uids;
  for (const auto& [uid, f] : facts_) uids.push_back(uid);
  for (const auto& [uid, f] : flags_) uids.push_back(uid);
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  std::erase_if(uids, [&](uint32_t u) { return !keep(u); });
  for (uint32_t uid : uids) {
    if (const MessageFacts* f = Facts(uid)) text += FactsLine(uid, *f);
    if (const FlagState* s = Flags(uid)) text += FlagsLine(uid, *s);
  }
  std::vector<std::pair<uint32_t, uint64_t>> gone(expunged_.begin(), expunged_.end());
  std::sort(gone.begin(), gone.end());
  for (const auto& [uid, modseq] : gone) text += ExpungedLine(uid, modseq);
  if (Status s = ReplaceFile(path(), text); !s.ok()) return s;
  // Read back what was written: the maps then hold exactly the kept UIDs.
  inode_ = 0;
  return Refresh();
}

}  // namespace posthorn::imapd
