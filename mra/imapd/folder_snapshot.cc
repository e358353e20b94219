#include "mra/imapd/folder_snapshot.h"

#include <stdio.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>

#include "common/maildir/flags.h"
#include "common/maildir/scan.h"

namespace posthorn::imapd {

namespace {

// Lists `dir`, once more when an expected base is missing.
Result<std::vector<maildir::FolderFile>> List(const std::string& dir, const SnapshotOptions& options) {
  Result<std::vector<maildir::FolderFile>> files = maildir::ScanFolder(dir);
  if (!files.ok() || options.expected == nullptr) return files;
  size_t found = 0;
  for (const maildir::FolderFile& f : *files)
    if (options.expected->count(std::string(maildir::BaseName(f.name)))) ++found;
  if (found == options.expected->size()) return files;
  return maildir::ScanFolder(dir);
}

// new/NAME -> cur/NAME:2, (no flags yet). True when this process moved it;
// false when another got there first (it is in cur/ now, under some name).
bool Claim(const std::string& dir, maildir::FolderFile* f) {
  std::string to = maildir::NameWithFlags(f->name, maildir::Flags{});
  std::string from_path = dir + "/new/" + f->name;
  std::string to_path = dir + "/cur/" + to;
  if (::rename(from_path.c_str(), to_path.c_str()) != 0) return false;
  f->sub = "cur";
  f->name = std::move(to);
  return true;
}

}  // namespace

Result<FolderSnapshot> TakeSnapshot(const std::string& dir, maildir::UidList& uids, const SnapshotOptions& options) {
  FolderSnapshot snap;
  Result<bool> changed = uids.Refresh();
  if (!changed.ok()) return changed.error();
  snap.uidvalidity_changed = *changed;
  uint32_t uidvalidity = uids.uidvalidity();
  Result<std::vector<maildir::FolderFile>> files = List(dir, options);
  if (!files.ok()) return files.error();

  std::vector<std::string> unnumbered;
  for (const maildir::FolderFile& f : *files) {
    std::string base(maildir::BaseName(f.name));
    if (!uids.Find(base) && maildir::CheckBaseName(base).empty()) unnumbered.push_back(std::move(base));
  }
  if (!unnumbered.empty()) {
    Result<std::vector<maildir::UidEntry>> added = uids.Assign(unnumbered);
    if (!added.ok()) return added.error();
    // Assign may have found the file made anew (another process repaired it).
    snap.uidvalidity_changed = snap.uidvalidity_changed || uids.uidvalidity() != uidvalidity;
  }
  snap.uidvalidity = uids.uidvalidity();
  snap.next_uid = uids.next_uid();

  for (maildir::FolderFile& f : *files) {
    std::string base(maildir::BaseName(f.name));
    std::optional<uint32_t> uid = uids.Find(base);
    if (!uid) continue;  // a name the uidlist cannot hold: not served
    ViewMessage m;
    m.uid = *uid;
    m.recent = f.sub == "new" && (options.claim_new ? Claim(dir, &f) : options.peek_new);
    m.flags = maildir::Flags::FromName(f.name);
    m.file = f.sub + "/" + f.name;
    m.base = std::move(base);
    snap.messages.push_back(std::move(m));
  }
  std::sort(snap.messages.begin(), snap.messages.end(),
            [](const ViewMessage& a, const ViewMessage& b) { return a.uid < b.uid; });
  return snap;
}

}  // namespace posthorn::imapd
