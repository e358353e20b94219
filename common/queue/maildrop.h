// sendmail(1)'s way into the queue when it must not (or cannot) talk to
// smtpd: it drops the message into state_dir/maildrop/, and smtpd imports
// it (drop_import.h). The directory is mode 1733 like a sticky /tmp:
// every local user may create files there, nobody but its owner (smtpd's
// user) may list it, and nobody may remove or rename another's file.
//
// A drop is written the Maildir way, so smtpd never sees half of one:
// the file is created as ".NAME" (smtpd ignores names with a leading dot),
// filled, fsynced, renamed to "NAME", and the directory fsynced; only then
// does sendmail exit 0. NAME is a Maildir unique name (time, pid, 64
// random bits). Files are mode 0644 because smtpd runs as another user;
// since nobody else can list the directory, the name is what keeps a
// message private, which is why it carries the random bits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/base/unique_fd.h"
#include "common/queue/drop_format.h"

namespace posthorn::queue {

class DropWriter {
 public:
  // Creates maildrop/.NAME under `state_dir` and writes the header.
  static Result<DropWriter> Create(const std::string& state_dir, const DropEnvelope& envelope);
  DropWriter(DropWriter&& other) noexcept;
  DropWriter& operator=(DropWriter&&) = delete;
  DropWriter(const DropWriter&) = delete;
  DropWriter& operator=(const DropWriter&) = delete;
  // Removes the file unless Commit() succeeded.
  ~DropWriter();

  // Appends message text as sendmail(1) reads it, LF or CR LF line ends;
  // it is stored with CR LF. On failure the file is removed (IsNoSpace()
  // tells a full disk) and later calls fail too.
  Status Write(std::string_view text);
  // Ends the last line if it was not, fsyncs, renames to the final name,
  // fsyncs the directory. Returns the final name.
  Result<std::string> Commit();

  const std::string& temp_name() const { return temp_name_; }

 private:
  DropWriter(std::string dir, std::string name, UniqueFd fd);
  Status Fail(const std::string& what, int errnum);

  std::string dir_;
  std::string name_;       // final name
  std::string temp_name_;  // "." + name; "" once committed or discarded
  UniqueFd fd_;
  char last_ = '\n';       // last byte of message text written
  bool failed_ = false;
  Error error_;
};

}  // namespace posthorn::queue
