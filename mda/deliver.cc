#include "mda/deliver.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <memory>
#include <set>

#include "common/base/io.h"
#include "common/base/unique_fd.h"
#include "common/maildir/find_tagged.h"
#include "common/maildir/folder.h"
#include "common/maildir/pending_message.h"
#include "common/maildir/sync.h"
#include "common/maildir/tmp_cleanup.h"
#include "mda/message_stream.h"

namespace posthorn::mda {

namespace {

constexpr size_t kReadSize = 256 * 1024;

Failure FromError(const Error& e) { return Failure{ExitCodeForErrno(e.errnum), e.message}; }

MaybeFailure PrepareMaildir(const Target& t) {
  if (!maildir::IsMaildir(t.maildir)) {
    Status s = t.user_maildir ? maildir::CreateMaildir(t.maildir) : maildir::CreateMaildirDirs(t.maildir, false);
    if (!s.ok()) return FromError(s.error());
  }
  if (t.dir != t.maildir && !maildir::IsMaildir(t.dir)) {
    if (Status s = maildir::CreateMaildirDirs(t.dir, true); !s.ok()) return FromError(s.error());
  }
  maildir::CleanStaleTmp(t.dir, std::time(nullptr));
  return std::nullopt;
}

Failure WriteFailure(const maildir::PendingMessage& m) {
  return Failure{EX_TEMPFAIL, SysError("cannot write " + m.tmp_path(), errno).message};
}

// Streams the input through MessageStream into the first tmp file.
MaybeFailure Receive(const DeliveryRequest& req, MessageStream* stream, maildir::PendingMessage* out) {
  auto buf = std::make_unique_for_overwrite<char[]>(kReadSize);
  for (;;) {
    ssize_t n = ReadSome(req.input_fd, buf.get(), kReadSize);
    if (n < 0) return Failure{EX_TEMPFAIL, SysError("cannot read the message", errno).message};
    if (n == 0) break;
    std::string_view bytes = stream->Feed(std::string_view(buf.get(), static_cast<size_t>(n)));
    if (req.max_message_size > 0 && stream->input_bytes() > req.max_message_size) {
      return Failure{EX_DATAERR, "message is larger than max_message_size (" + std::to_string(req.max_message_size) +
                                     " bytes)"};
    }
    if (!WriteAll(out->fd(), bytes)) return WriteFailure(*out);
  }
  if (!WriteAll(out->fd(), stream->Finish())) return WriteFailure(*out);
  return std::nullopt;
}

MaybeFailure CheckMessage(const DeliveryRequest& req, const MessageStream& stream) {
  if (stream.input_bytes() == 0) return Failure{EX_DATAERR, "empty message: nothing on standard input"};
  if (!stream.starts_with_header()) return Failure{EX_DATAERR, "input is not a mail message: it does not start with a header field"};
  if (req.max_delivered_to > 0 && static_cast<uint64_t>(stream.delivered_to_count()) >= req.max_delivered_to) {
    return Failure{EX_DATAERR, "mail forwarding loop: message already has Delivered-To: " + req.delivered_to};
  }
  return std::nullopt;
}

// A second copy for another target, read back from the first.
MaybeFailure CopyTo(const maildir::PendingMessage& from, maildir::PendingMessage* to) {
  UniqueFd in(::open(from.tmp_path().c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return Failure{EX_TEMPFAIL, SysError("cannot reopen " + from.tmp_path(), errno).message};
  for (;;) {
    ssize_t n = ::copy_file_range(in.get(), nullptr, to->fd(), nullptr, 1 << 30, 0);
    if (n == 0) return std::nullopt;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return WriteFailure(*to);
    break;  // no copy_file_range between these files: copy by hand
  }
  char buf[65536];
  for (;;) {
    ssize_t n = ReadSome(in.get(), buf, sizeof buf);
    if (n < 0) return Failure{EX_TEMPFAIL, SysError("cannot read " + from.tmp_path(), errno).message};
    if (n == 0) return std::nullopt;
    if (!WriteAll(to->fd(), std::string_view(buf, static_cast<size_t>(n)))) return WriteFailure(*to);
  }
}

// With `redelivery`, the targets that still need the message; otherwise all.
Result<std::vector<size_t>> Todo(const DeliveryRequest& req, const std::vector<Target>& targets, Delivered* delivered) {
  std::vector<size_t> todo;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (req.redelivery && !req.delivery_id.empty()) {
      Result<std::optional<std::string>> found = maildir::FindTagged(targets[i].dir, req.delivery_id);
      if (!found.ok()) return found.error();
      if (*found) {
        delivered->paths[i] = **found;
        delivered->earlier[i] = true;
        continue;
      }
    }
    todo.push_back(i);
  }
  return todo;
}

}  // namespace

MaybeFailure Deliver(const DeliveryRequest& req, const std::vector<Target>& targets, Delivered* delivered) {
  delivered->paths.assign(targets.size(), std::string());
  delivered->earlier.assign(targets.size(), false);
  Result<std::vector<size_t>> todo = Todo(req, targets, delivered);
  if (!todo.ok()) return Failure{EX_TEMPFAIL, todo.message()};
  if (todo->empty()) return std::nullopt;
  for (size_t i : *todo) {
    if (MaybeFailure f = PrepareMaildir(targets[i])) return f;
  }
  std::vector<maildir::PendingMessage> pending;
  for (size_t i : *todo) {
    Result<maildir::PendingMessage> m = maildir::PendingMessage::Create(targets[i].dir, req.delivery_id);
    if (!m.ok()) return FromError(m.error());
    pending.push_back(std::move(m).value());
  }
  MessageStream stream(req.sender, req.delivered_to);
  if (MaybeFailure f = Receive(req, &stream, &pending[0])) return f;
  if (MaybeFailure f = CheckMessage(req, stream)) return f;
  for (size_t k = 1; k < pending.size(); ++k) {
    if (MaybeFailure f = CopyTo(pending[0], &pending[k])) return f;
  }
  for (auto& m : pending) {
    if (Status s = m.Sync(); !s.ok()) return Failure{EX_TEMPFAIL, s.message()};
  }
  // Every copy is on disk: from here on, publishing is a rename each.
  std::set<std::string> dirs;
  for (size_t k = 0; k < pending.size(); ++k) {
    Result<std::string> path = pending[k].Publish(stream.output_bytes(), stream.wire_bytes());
    if (!path.ok()) {
      // Once one copy is out, a bounce would tell the sender "not
      // delivered" when it partly was: retry instead (with a delivery ID
      // the retry skips the copies that are out; without, a duplicate).
      if (k == 0 && todo->size() == targets.size()) return FromError(path.error());
      return Failure{EX_TEMPFAIL, path.message()};
    }
    delivered->paths[(*todo)[k]] = *path;
    dirs.insert(pending[k].maildir() + "/new");
  }
  for (const std::string& dir : dirs) {
    if (Status s = maildir::SyncDir(dir); !s.ok()) return Failure{EX_TEMPFAIL, s.message()};
  }
  delivered->size = stream.output_bytes();
  return std::nullopt;
}

}  // namespace posthorn::mda
