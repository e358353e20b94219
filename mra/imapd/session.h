// One IMAP conversation (RFC 3501 with RFC 9051's clarifications) as an
// explicit state machine with no socket in it: bytes in through OnInput(),
// responses and requests out through a SessionHost, which the server
// implements over a TLS-capable connection and tests implement in memory.
//
// States (RFC 3501 §3):
//   kNotAuthenticated  before login: CAPABILITY, NOOP, LOGOUT, STARTTLS,
//                      LOGIN, AUTHENTICATE, ID, ENABLE is refused
//   kAuthenticated     logged in: the mailbox commands (this file's sibling
//                      session_mailbox.cc)
//   kSelected          a folder selected: NOOP and CHECK report changes,
//                      CLOSE, UNSELECT, EXPUNGE, SEARCH, STORE, FETCH,
//                      COPY, MOVE, their UID forms, and IDLE
//   kLogout            BYE sent; nothing more is read
// Commands run one at a time: while the host works (TLS handshake, a
// password check, the disk) nothing more is parsed, and pipelined input
// waits in the connection's buffer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/imap/parser.h"
#include "common/imap/sequence_set.h"
#include "mra/imapd/append.h"
#include "mra/imapd/copy.h"
#include "mra/imapd/selected_folder.h"
#include "mra/imapd/settings.h"
#include "common/net/session_host.h"

namespace posthorn::imapd {

using SessionInfo = config::ClientSecurity;

using LoginOutcome = net::LoginOutcome;

class SessionHost : public net::SessionHostBase {
 public:
  // Off the loop: check the password and find the user's Maildir; answer
  // with Session::OnLogin(). `failures` (earlier in this session) slows a
  // negative answer down.
  virtual void Login(const std::string& user, const std::string& password, int failures) = 0;
  // Runs `work` off the loop, then `done` on it, unless the session is gone
  // by then. `work` must not touch the session.
  virtual void Run(std::function<void()> work, std::function<void()> done) = 0;
  // IDLE (RFC 2177): from now until StopWatching(), call the session's
  // OnFolderChanged() on the loop soon after files in `dir`/new or
  // `dir`/cur appear, vanish or are renamed.
  virtual void Watch(const std::string& dir) = 0;
  virtual void StopWatching() = 0;
  // The folders the server knows, shared by its sessions; a shared_ptr
  // so that work still running off the loop can outlive the server.
  virtual std::shared_ptr<FolderStates> folders() = 0;
};

class Session {
 public:
  enum class State { kNotAuthenticated, kAuthenticated, kSelected, kLogout };

  Session(const Settings& settings, SessionInfo info, SessionHost* host);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The greeting, or "* BYE `refuse`" and close.
  void Start(const std::string& refuse = "");
  // Consumes what it can from the front of `input`; returns how many bytes.
  // Stops early while waiting for the host; call again when it answers.
  size_t OnInput(std::string_view input);
  // SIGTERM: "* BYE" and close, once the command in hand is answered.
  void OnShutdown();
  void OnTlsStarted();
  // `maildir` is the user's, when kOk.
  void OnLogin(LoginOutcome outcome, const std::string& maildir);
  // The folder the host watches for IDLE changed.
  void OnFolderChanged();

  State state() const { return state_; }
  bool waiting() const { return waiting_; }
  bool closing() const { return state_ == State::kLogout; }
  const std::string& user() const { return user_; }

 private:
  struct CommandSpec;
  static const CommandSpec* Find(std::string_view name);

  void Send(std::string_view text);
  void Tagged(const std::string& tag, std::string_view status, std::string_view text);
  // A client mistake: BAD, counted; too many and the session ends.
  void Bad(const std::string& tag, std::string_view text);
  void Bye(std::string_view text);
  void Dispatch(const imap::Command& c);
  void Wait() { waiting_ = true; }
  void Resume();
  std::string Capabilities() const;
  bool LoginAllowed() const;

  // session_auth.cc
  void Capability(const imap::Command& c);
  void Noop(const imap::Command& c);
  void Logout(const imap::Command& c);
  void StartTls(const imap::Command& c);
  void Login(const imap::Command& c);
  void Authenticate(const imap::Command& c);
  void SaslResponse(std::string_view line);
  void Id(const imap::Command& c);
  void Enable(const imap::Command& c);
  // `method` (LOGIN, PLAIN) is for the log.
  void StartLogin(const std::string& tag, std::string_view method, const std::string& user,
                  const std::string& password);

  // session_mailbox.cc
  void Namespace(const imap::Command& c);
  void List(const imap::Command& c);
  void Create(const imap::Command& c);
  void Delete(const imap::Command& c);
  void Rename(const imap::Command& c);
  void Subscribe(const imap::Command& c);
  // Runs a folder operation off the loop and answers with its outcome.
  void FolderOp(const std::string& tag, std::string_view what, std::function<Status()> op);

  // session_store.cc
  void Store(const imap::Command& c, bool uid);
  void StoreSeq(const imap::Command& c) { Store(c, false); }
  void Uid(const imap::Command& c);
  // The sequence numbers a sequence-set argument names (`uid`: as UIDs,
  // ignoring those not in the view); false with `*why` when it is bad.
  bool Resolve(const imap::Arg& arg, bool uid, std::vector<uint32_t>* seqs, std::string* why) const;

  // session_idle.cc
  void Idle(const imap::Command& c);
  // The line after IDLE's "+": DONE ends it.
  void IdleInput(std::string_view line, bool crlf);
  // Sends what changed in the selected folder since the client last heard.
  void PushChanges();

  // session_fetch.cc
  struct FetchJob;
  void Fetch(const imap::Command& c, bool uid);
  void FetchSeq(const imap::Command& c) { Fetch(c, false); }
  // Runs the next batch of `job` off the loop, sends it, and goes on.
  void FetchBatch(std::shared_ptr<FetchJob> job);

  // session_search.cc
  struct SearchJob;
  void Search(const imap::Command& c, bool uid);
  void SearchSeq(const imap::Command& c) { Search(c, false); }
  // Matches the next batch of `job` off the loop, and goes on; answers
  // after the last.
  void SearchBatch(std::shared_ptr<SearchJob> job);
  // The untagged SEARCH, or ESEARCH when RETURN was given.
  static std::string SearchResponse(const SearchJob& job);

  // session_copy.cc
  void Copy(const imap::Command& c, bool uid, bool move);
  void CopySeq(const imap::Command& c) { Copy(c, false, c.name == "MOVE"); }
  void Append(const imap::Command& c);
  void CopyDone(const std::string& tag, const std::string& what, bool move, const Result<Copied>& copied,
                const Result<std::string>& expunges);
  void AppendDone(const std::string& tag, const Result<Appended>& out);

  // session_select.cc
  // The directory of the folder a mailbox argument names (`name`: as the
  // client wrote it); EINVAL for a bad name, ENOENT for an impossible one.
  Result<std::string> FolderDir(const imap::Arg& arg, std::string* name) const;
  void Select(const imap::Command& c);
  void StatusCommand(const imap::Command& c);
  void Close(const imap::Command& c);
  void Check(const imap::Command& c);
  void Expunge(const imap::Command& c);
  // Looks at the selected folder again off the loop and sends what changed
  // (and, with `expunge_deleted`, removes \Deleted messages first), then
  // the tagged OK `done`.
  // With `uids`, UID EXPUNGE (RFC 4315 §2.1): only those messages.
  void UpdateSelected(const std::string& tag, bool expunge_deleted, const std::string& done,
                      std::shared_ptr<imap::SequenceSet> uids = nullptr);
  void UidExpunge(const imap::Command& c);

  // session_condstore.cc (RFC 7162)
  // A CONDSTORE enabling command ran: from now on MODSEQ goes into every
  // untagged FETCH; the first one with a folder selected tells its
  // HIGHESTMODSEQ (§3.1).
  void EnableCondstore();
  // The client's reporting wishes, as the selected folder should apply them.
  Reporting reporting() const { return Reporting{condstore_, qresync_}; }
  // A command that needs modseqs on a folder that keeps none: BAD (§3.1.2.2).
  bool RefuseNoModseq(const std::string& tag);

  const Settings& settings_;
  SessionInfo info_;
  SessionHost* host_;
  imap::Parser parser_;
  State state_ = State::kNotAuthenticated;
  bool waiting_ = false;
  bool shutdown_pending_ = false;
  bool sasl_pending_ = false;  // AUTHENTICATE sent "+ ": the next line is the response
  std::string idle_tag_;       // IDLE sent "+": the next line should be DONE
  bool idle_dirty_ = false;    // the folder changed while a push was running
  std::string pending_tag_;    // the command the host is working on
  std::string user_;
  std::string login_method_;
  std::string maildir_;
  std::shared_ptr<SelectedFolder> selected_;
  bool condstore_ = false;  // RFC 7162: a CONDSTORE enabling command ran
  bool qresync_ = false;    // ENABLE QRESYNC
  int auth_failures_ = 0;
  int errors_ = 0;
};

}  // namespace posthorn::imapd
