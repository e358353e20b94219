// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8), with the RETURN options
// of ESEARCH (RFC 4731) and CONDSTORE's MODSEQ key (RFC 7162 §3.1.5).
//
// Like FETCH, SEARCH works on the session's view as it stands: it takes
// no fresh look at the folder, so no EXPUNGE can reach the client while
// it runs (RFC 3501 §7.4.1); a message expunged elsewhere keeps its last
// known flags until the next NOOP, and matches no key that needs its file.
#include <algorithm>
#include <chrono>
#include <memory>

#include "common/imap/sequence_set.h"
#include "mra/imapd/search_match.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

namespace {

// A batch ends after this many messages or this long, whichever comes
// first, so that searching the text of a large folder does not keep a
// worker from other clients for long.
constexpr uint32_t kBatchMessages = 2000;
constexpr std::chrono::milliseconds kBatchTime{50};

}  // namespace

struct Session::SearchJob {
  std::string tag;
  std::shared_ptr<SelectedFolder> folder;
  SearchCommand command;
  bool uid = false;
  uint32_t exists = 0;  // the messages there were when it started
  uint32_t next = 1;    // the next message number to look at
  std::vector<uint32_t> matched;
  Status status;
};

namespace {

// The highest modseq among messages `seqs` (RFC 7162 §3.1.5), when the
// search had a MODSEQ key (`wanted`) and found something; else "".
std::string HighestModseq(bool wanted, const MailboxView& v, const std::vector<uint32_t>& seqs) {
  if (!wanted || seqs.empty()) return "";
  uint64_t highest = 0;
  for (uint32_t seq : seqs) highest = std::max(highest, v.at(seq).modseq);
  return std::to_string(highest);
}

}  // namespace

void Session::Search(const imap::Command& c, bool uid) {
  auto job = std::make_shared<SearchJob>();
  SearchError error;
  if (!ParseSearchCommand(c.args, &job->command, &error, SearchLimits{})) {
    if (error.bad_charset) return Tagged(c.tag, "NO", error.text);
    return Bad(c.tag, error.text);
  }
  if (job->command.modseq && RefuseNoModseq(c.tag)) return;
  if (job->command.modseq) EnableCondstore();
  const MailboxView& v = selected_->view;
  BindToFolder(&job->command.program, v.exists(), v.max_uid());
  job->tag = c.tag;
  job->folder = selected_;
  job->uid = uid;
  job->exists = v.exists();
  Wait();
  SearchBatch(std::move(job));
}

void Session::SearchBatch(std::shared_ptr<SearchJob> job) {
  host_->Run(
      [job] {
        auto lock = job->folder->Lock();
        auto deadline = std::chrono::steady_clock::now() + kBatchTime;
        uint32_t end = job->next + std::min(kBatchMessages, job->exists - job->next + 1);
        for (; job->next < end && std::chrono::steady_clock::now() < deadline; ++job->next) {
          Result<bool> match = MatchMessage(*job->folder, job->next, job->command.program);
          if (!match.ok()) return void(job->status = match.error());
          if (*match) job->matched.push_back(job->next);
        }
      },
      [this, job] {
        if (job->status.ok() && job->next <= job->exists) return SearchBatch(job);
        if (job->status.ok()) {
          Send(SearchResponse(*job));
          Tagged(job->tag, "OK", job->uid ? "UID SEARCH completed" : "SEARCH completed");
        } else {
          host_->Log("user=<" + user_ + ">: SEARCH: " + job->status.message());
          Tagged(job->tag, "NO", "[SERVERBUG] Cannot read the messages");
        }
        Resume();
      });
}

std::string Session::SearchResponse(const SearchJob& job) {
  const MailboxView& v = job.folder->view;
  std::vector<uint32_t> numbers;
  numbers.reserve(job.matched.size());
  for (uint32_t seq : job.matched) numbers.push_back(job.uid ? v.at(seq).uid : seq);
  if (!job.command.returns) {
    std::string out = "* SEARCH";
    for (uint32_t n : numbers) out += " " + std::to_string(n);
    std::string modseq = HighestModseq(job.command.modseq, v, job.matched);
    return out + (modseq.empty() ? "" : " (MODSEQ " + modseq + ")") + "\r\n";
  }
  // RFC 4731 §3.1: ESEARCH, correlated by tag; MIN, MAX and ALL only when
  // something matched.
  const SearchReturn& r = *job.command.returns;
  std::string out = "* ESEARCH (TAG \"" + job.tag + "\")" + (job.uid ? " UID" : "");
  if (!numbers.empty()) {
    if (r.min) out += " MIN " + std::to_string(numbers.front());
    if (r.max) out += " MAX " + std::to_string(numbers.back());
    if (r.all) out += " ALL " + imap::FormatNumbers(numbers);
  }
  if (r.count) out += " COUNT " + std::to_string(numbers.size());
  // RFC 4731 §3.2: the highest modseq of the messages returned: all that
  // matched for ALL or COUNT, else those MIN and MAX name.
  std::vector<uint32_t> returned = job.matched;
  if (!r.all && !r.count && !returned.empty()) {
    returned.clear();
    if (r.min) returned.push_back(job.matched.front());
    if (r.max) returned.push_back(job.matched.back());
  }
  std::string modseq = HighestModseq(job.command.modseq, v, returned);
  return out + (modseq.empty() ? "" : " MODSEQ " + modseq) + "\r\n";
}

}  // namespace posthorn::imapd
