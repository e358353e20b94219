// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8).
#include <algorithm>
#include <memory>

#include "mra/imapd/fetcher.h"
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
  FetchOutput output;
  Status status;
};

void Session::Fetch(const imap::Command& c, bool uid) {
  if (c.args.size() != 2) return Bad(c.tag, "FETCH takes a sequence set and items");
  Result<std::vector<FetchItem>> items = ParseFetchItems(c.args[1]);
  if (!items.ok()) return Bad(c.tag, items.message());
  auto job = std::make_shared<FetchJob>();
  std::string why;
  if (!Resolve(c.args[0], uid, &job->seqs, &why)) return Bad(c.tag, why);
  job->tag = c.tag;
  job->folder = selected_;
  job->request.items = std::move(*items);
  job->request.uid = uid;
  job->request.set_seen = !selected_->read_only;
  Wait();
  FetchBatch(std::move(job));
}

void Session::FetchBatch(std::shared_ptr<FetchJob> job) {
  host_->Run(
      [job] {
        job->output.responses.clear();
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
