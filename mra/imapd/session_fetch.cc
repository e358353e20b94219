// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8).
#include <algorithm>
#include <memory>

#include "mra/imapd/condstore_args.h"
#include "mra/imapd/fetcher.h"
#include "mra/imapd/modseq.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

namespace {

// A batch ends after this many messages or this much output, so a FETCH of
// a large folder neither holds all its responses in memory at once nor
// keeps a worker from other clients for long.
constexpr size_t kBatchMessages = 1000;
constexpr size_t kBatchBytes = 4 << 20;

}  // namespace

struct Session::FetchJob {
  std::string tag;
  std::shared_ptr<SelectedFolder> folder;
  FetchRequest request;
  std::vector<uint32_t> seqs;
  size_t next = 0;
  // UID FETCH (CHANGEDSINCE n VANISHED): told first (RFC 7162 §3.2.6).
  std::shared_ptr<imap::SequenceSet> vanished_in;
  uint64_t changed_since = 0;
  FetchOutput output;
  Status status;
};

void Session::Fetch(const imap::Command& c, bool uid) {
  if (c.args.size() != 2 && c.args.size() != 3) return Bad(c.tag, "FETCH takes a sequence set and items");
  Result<std::vector<FetchItem>> items = ParseFetchItems(c.args[1]);
  if (!items.ok()) return Bad(c.tag, items.message());
  FetchModifiers modifiers;
  if (c.args.size() == 3) {
    Result<FetchModifiers> parsed = ParseFetchModifiers(c.args[2]);
    if (!parsed.ok()) return Bad(c.tag, parsed.message());
    modifiers = *parsed;
  }
  // RFC 7162 §3.2.6: VANISHED only in UID FETCH, only under QRESYNC.
  if (modifiers.vanished && (!uid || !qresync_)) return Bad(c.tag, "VANISHED needs UID FETCH and ENABLE QRESYNC");
  bool wants_modseq = modifiers.changed_since ||
                      std::any_of(items->begin(), items->end(), [](const FetchItem& i) { return i.kind == FetchItem::Kind::kModseq; });
  if (wants_modseq && RefuseNoModseq(c.tag)) return;
  auto job = std::make_shared<FetchJob>();
  std::string why;
  if (!Resolve(c.args[0], uid, &job->seqs, &why)) return Bad(c.tag, why);
  if (wants_modseq) EnableCondstore();
  if (modifiers.changed_since) {
    const MailboxView& v = selected_->view;
    std::erase_if(job->seqs, [&](uint32_t seq) { return v.at(seq).modseq <= *modifiers.changed_since; });
    job->changed_since = *modifiers.changed_since;
  }
  if (modifiers.vanished) job->vanished_in = std::make_shared<imap::SequenceSet>(*imap::SequenceSet::Parse(c.args[0].text));
  job->tag = c.tag;
  job->folder = selected_;
  job->request.items = std::move(*items);
  job->request.uid = uid;
  job->request.set_seen = !selected_->read_only;
  job->request.modseq_with_flags = selected_->Reports().modseq;
  job->request.changed_since = modifiers.changed_since.has_value();
  job->request.uid_with_seen = selected_->Reports().vanished;
  Wait();
  FetchBatch(std::move(job));
}

void Session::FetchBatch(std::shared_ptr<FetchJob> job) {
  host_->Run(
      [job] {
        auto lock = job->folder->Lock();
        job->output.responses.clear();
        if (job->next == 0 && job->vanished_in && job->folder->cache()) {
          const SelectedFolder& f = *job->folder;
          std::vector<imap::SequenceRange> gone =
              VanishedSince(f.view, *f.cache(), *job->vanished_in, f.next_uid - 1, job->changed_since);
          if (!gone.empty()) job->output.responses += "* VANISHED (EARLIER) " + imap::FormatRanges(gone) + "\r\n";
        }
        size_t end = std::min(job->seqs.size(), job->next + kBatchMessages);
        for (; job->next < end && job->output.responses.size() < kBatchBytes; ++job->next) {
          job->status = FetchMessage(*job->folder, job->seqs[job->next], job->request, &job->output);
          if (!job->status.ok()) return;
        }
      },
      [this, job] {
        Send(job->output.responses);
        if (job->status.ok() && job->next < job->seqs.size()) return FetchBatch(job);
        const char* done = job->request.uid ? "UID FETCH completed" : "FETCH completed";
        if (!job->status.ok()) {
          host_->Log("user=<" + user_ + ">: FETCH: " + job->status.message());
          Tagged(job->tag, "NO", "[SERVERBUG] Cannot read the messages");
        } else if (job->output.some_gone) {
          Tagged(job->tag, "NO", "[EXPUNGEISSUED] Some of the requested messages no longer exist");
        } else {
          Tagged(job->tag, "OK", done);
        }
        Resume();
      });
}

}  // namespace posthorn::imapd
