// IDLE (RFC 2177): the client waits, and the server pushes what other
// sessions, mda and mutt change in the selected folder as it happens.
#include <cerrno>
#include <memory>

#include "common/base/strings.h"
#include "mra/imapd/session.h"

namespace posthorn::imapd {

void Session::Idle(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "IDLE takes no arguments");
  idle_tag_ = c.tag;
  Send("+ idling\r\n");
  if (!selected_) return;  // RFC 2177 allows IDLE unselected: nothing to push
  host_->Watch(selected_->dir);
  // What changed before the watch began is news too.
  PushChanges();
}

void Session::IdleInput(std::string_view line, bool crlf) {
  std::string tag = std::move(idle_tag_);
  idle_tag_.clear();
  idle_dirty_ = false;
  if (selected_) host_->StopWatching();
  if (!crlf) return Bad(tag, "Lines end with CRLF");
  if (!EqualsIgnoreCase(line, "DONE")) return Bad(tag, "Expected DONE");
  Tagged(tag, "OK", "IDLE terminated");
}

void Session::OnFolderChanged() {
  if (idle_tag_.empty() || !selected_ || state_ == State::kLogout) return;
  // One push at a time; a change during it calls for one more.
  if (waiting_) {
    idle_dirty_ = true;
    return;
  }
  PushChanges();
}

void Session::PushChanges() {
  std::shared_ptr<SelectedFolder> folder = selected_;
  auto out = std::make_shared<Result<std::string>>(Error{""});
  Wait();
  host_->Run([folder, out] { *out = folder->Update(/*allow_expunge=*/true); },
             [this, out] {
               waiting_ = false;
               if (out->ok()) {
                 Send(**out);
               } else if (out->errnum() == ESTALE) {
                 return Bye("The mailbox was renumbered; select it again");
               } else {
                 host_->Log("user=<" + user_ + ">: IDLE: " + out->message());
               }
               if (shutdown_pending_) return Resume();
               if (idle_dirty_ && !idle_tag_.empty()) {
                 idle_dirty_ = false;
                 PushChanges();
               }
             });
}

}  // namespace posthorn::imapd
