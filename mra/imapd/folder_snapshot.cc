#include "mra/imapd/folder_snapshot.h"

#include <stdio.h>

#include <algorithm>
#include <cerrno>

#include "common/maildir/flags.h"
#include "common/maildir/scan.h"

namespace posthorn::imapd {

namespace {

// new/NAME -> cur/NAME:2, (no flags yet). True when this process moved it;
// false when another got there first (it is in cur/ now, under some name).
bool Claim(const std::string& dir, maildir::FolderFile* f) {
  std::string to = "cur/" + maildir::NameWithFlags(f->name(), maildir::Flags{});
  std::string from_path = dir + "/" + f->file;
  std::string to_path = dir + "/" + to;
  if (::rename(from_path.c_str(), to_path.c_str()) != 0) return false;
  f->file = std::move(to);
  return true;
}

// Every UID of `expected` is among `messages` (both ascending).
bool HasAll(const std::vector<ViewMessage>& messages, const std::vector<ViewMessage>& expected) {
  size_t i = 0;
  for (const ViewMessage& e : expected) {
    while (i < messages.size() && messages[i].uid < e.uid) ++i;
    if (i == messages.size() || messages[i].uid != e.uid) return false;
  }
  return true;
}

// The UID of each file (none for a name the uidlist cannot hold), UIDs
// given to those without one yet. One lookup a file: a folder may hold
// 100,000.
Result<std::vector<std::optional<uint32_t>>> Number(const std::vector<maildir::FolderFile>& files,
                                                    maildir::UidList& uids, FolderSnapshot* snap) {
  uint32_t uidvalidity = uids.uidvalidity();
  std::vector<std::optional<uint32_t>> ids(files.size());
  // Views of the names in `files`, which stay put until Build().
  std::vector<std::string_view> unnumbered;
  std::vector<size_t> where;
  for (size_t i = 0; i < files.size(); ++i) {
    std::string_view base = maildir::BaseName(files[i].name());
    ids[i] = uids.Find(base);
    if (ids[i] || !maildir::CheckBaseName(base).empty()) continue;
    unnumbered.emplace_back(base);
    where.push_back(i);
  }
  if (!unnumbered.empty()) {
    Result<std::vector<maildir::UidEntry>> added = uids.Assign(unnumbered);
    if (!added.ok()) return added.error();
    // Assign may have found the file made anew (another process repaired it).
    if (uids.uidvalidity() != uidvalidity) {
      snap->uidvalidity_changed = true;
      for (size_t i = 0; i < files.size(); ++i) ids[i] = uids.Find(maildir::BaseName(files[i].name()));
    } else {
      // The new entries follow `unnumbered`'s order, without its repeats.
      size_t j = 0;
      for (size_t k = 0; k < where.size(); ++k) {
        if (j < added->size() && (*added)[j].base == unnumbered[k]) ids[where[k]] = (*added)[j++].uid;
        else ids[where[k]] = uids.Find(unnumbered[k]);
      }
    }
  }
  snap->uidvalidity = uids.uidvalidity();
  snap->next_uid = uids.next_uid();
  return ids;
}

// The messages of `files`, ascending by UID, claimed or peeked at as asked.
void Build(const std::string& dir, const std::vector<std::optional<uint32_t>>& ids, const SnapshotOptions& options,
           std::vector<maildir::FolderFile>& files, FolderSnapshot* snap) {
  snap->messages.clear();
  snap->recent.clear();
  snap->messages.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    maildir::FolderFile& f = files[i];
    if (!ids[i]) continue;  // a name the uidlist cannot hold: not served
    ViewMessage m;
    m.uid = *ids[i];
    if (f.sub() == "new" && (options.claim_new ? Claim(dir, &f) : options.peek_new)) snap->recent.push_back(m.uid);
    m.flags = maildir::Flags::FromName(f.name());
    m.file = std::move(f.file);
    snap->messages.push_back(std::move(m));
  }
  // Listed by base name, which is UID order but where another process
  // numbered files in another order.
  auto by_uid = [](const ViewMessage& a, const ViewMessage& b) { return a.uid < b.uid; };
  if (!std::is_sorted(snap->messages.begin(), snap->messages.end(), by_uid))
    std::sort(snap->messages.begin(), snap->messages.end(), by_uid);
  std::sort(snap->recent.begin(), snap->recent.end());
}

}  // namespace

Result<FolderSnapshot> TakeSnapshot(const std::string& dir, maildir::UidList& uids, const SnapshotOptions& options) {
  FolderSnapshot snap;
  Result<bool> changed = uids.Refresh();
  if (!changed.ok()) return changed.error();
  snap.uidvalidity_changed = *changed;
  // Claims made on a first pass must survive a second, which finds those
  // files in cur/.
  std::vector<uint32_t> claimed;
  for (int attempt = 0;; ++attempt) {
    Result<std::vector<maildir::FolderFile>> files = maildir::ScanFolder(dir);
    if (!files.ok()) return files.error();
    Result<std::vector<std::optional<uint32_t>>> ids = Number(*files, uids, &snap);
    if (!ids.ok()) return ids.error();
    Build(dir, *ids, options, *files, &snap);
    if (options.claim_new) {
      claimed.insert(claimed.end(), snap.recent.begin(), snap.recent.end());
      std::sort(claimed.begin(), claimed.end());
      snap.recent = claimed;
    }
    if (attempt == 1 || !options.expected || snap.uidvalidity_changed || HasAll(snap.messages, *options.expected))
      return snap;
  }
}

}  // namespace posthorn::imapd
