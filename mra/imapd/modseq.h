// Modification sequences (RFC 7162 CONDSTORE/QRESYNC) over the folder's
// cache: which modseq each message's flags have, and which UIDs vanished
// since a modseq a client names. Blocks on the cache file: worker threads.
#pragma once

#include <cstdint>
#include <vector>

#include "common/base/result.h"
#include "common/imap/sequence_set.h"
#include "mra/imapd/mailbox_view.h"
#include "mra/imapd/message_cache.h"

namespace posthorn::imapd {

// Gives the messages of a snapshot (ascending by UID) their modseqs: the
// one recorded while the flags on disk are still those recorded with it, a
// new one when they differ (another process renamed the file) or the
// message is new to the cache. UIDs the cache has flags for that the
// snapshot lacks were expunged since: recorded so, which raises the
// highest modseq as RFC 7162 §3.1.1 wants, whoever removed the file.
Status AssignModseqs(MessageCache& cache, std::vector<ViewMessage>& messages);

// The UIDs of `set` (up to `max_uid`, the folder's UIDNEXT - 1) that are
// not in `view` and were not known to be expunged by `since`: what
// VANISHED (EARLIER) reports (RFC 7162 §3.2.6). A UID the cache has no
// expunge record for counts as vanished since: RFC 7162 §3.2.6 asks for
// every expunged UID when the server's memory does not reach back far
// enough. UIDs up to `floor` are left out (the client proved it knows of
// them, §3.2.5.2).
std::vector<imap::SequenceRange> VanishedSince(const MailboxView& view, const MessageCache& cache,
                                               const imap::SequenceSet& set, uint32_t max_uid, uint64_t since,
                                               uint32_t floor = 0);

}  // namespace posthorn::imapd
