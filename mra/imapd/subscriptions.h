// The mailboxes a user subscribed to (SUBSCRIBE, UNSUBSCRIBE, LSUB; RFC
// 3501 §6.3.6-7, §6.3.9): one wire name a line in `posthorn-subscriptions`
// at the top of the Maildir. A name may stay subscribed after its folder
// is gone, as the RFC allows. Blocks: worker threads only.
#pragma once

#include <string>
#include <vector>

#include "common/base/result.h"

namespace posthorn::imapd {

inline constexpr const char* kSubscriptionsName = "posthorn-subscriptions";

// The subscribed names, in the order they were added; a missing file is
// none.
Result<std::vector<std::string>> ReadSubscriptions(const std::string& maildir);

// Adds or removes `name`, rewriting the file whole under a lock, so two
// sessions changing it at once both count.
Status ChangeSubscription(const std::string& maildir, const std::string& name, bool subscribe);

}  // namespace posthorn::imapd
