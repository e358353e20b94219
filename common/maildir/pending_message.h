// One message on its way into a Maildir, written the way maildir.txt
// requires: a unique file in tmp/, fsynced, then renamed into new/ (or cur/
// with flags), then new/ fsynced. Until Publish() succeeds the message is
// only in tmp/, and the destructor removes it, so no failure (disk full,
// I/O error, a reader dying) ever leaves a partial file where readers look.
// A SIGKILL can leave the tmp file behind; CleanStaleTmp() reaps those.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/base/unique_fd.h"
#include "common/maildir/flags.h"

namespace posthorn::maildir {

class PendingMessage {
 public:
  // Creates tmp/<unique name> in `maildir` (which must exist), mode 0600;
  // a non-empty `tag` goes into the name (NewUniqueName).
  static Result<PendingMessage> Create(const std::string& maildir, std::string_view tag = {});
  PendingMessage(PendingMessage&& other) noexcept;
  PendingMessage& operator=(PendingMessage&&) = delete;
  PendingMessage(const PendingMessage&) = delete;
  PendingMessage& operator=(const PendingMessage&) = delete;
  ~PendingMessage();

  // The open tmp file, for the writer; valid until Sync().
  int fd() const { return fd_.get(); }
  const std::string& tmp_path() const { return tmp_path_; }
  const std::string& maildir() const { return maildir_; }

  // fsyncs and closes the file.
  Status Sync();
  // Renames the synced file into new/ as `<uniq>,S=<size>,W=<wsize>` (or
  // into cur/ with `flags`, when `to_cur`). Never replaces an existing
  // file. The caller makes it durable with SyncDir() on that directory,
  // once for any number of messages. Returns the path published.
  Result<std::string> Publish(uint64_t size, uint64_t wsize, bool to_cur = false, const Flags& flags = {});

  // Sync, Publish into new/, SyncDir(new/).
  Result<std::string> Commit(uint64_t size, uint64_t wsize);

 private:
  PendingMessage(std::string maildir, std::string base, UniqueFd fd);

  std::string maildir_;
  std::string base_;      // unique name
  std::string tmp_path_;  // "" once published or moved from
  UniqueFd fd_;
};

}  // namespace posthorn::maildir
