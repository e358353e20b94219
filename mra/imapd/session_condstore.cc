// CONDSTORE and QRESYNC state of a session (RFC 7162 §3.1, §3.2.3).
#include "mra/imapd/session.h"

namespace posthorn::imapd {

void Session::EnableCondstore() {
  if (condstore_) return;
  condstore_ = true;
  if (!selected_) return;
  selected_->reporting = reporting();
  if (selected_->modseqs) Send("* OK [HIGHESTMODSEQ " + std::to_string(selected_->highest_modseq()) + "] Highest\r\n");
}

bool Session::RefuseNoModseq(const std::string& tag) {
  if (selected_->modseqs) return false;
  Bad(tag, "[NOMODSEQ] This mailbox keeps no modification sequences");
  return true;
}

}  // namespace posthorn::imapd
