// mailq (sendmail -bp): the queue as Postfix's mailq shows it — ID (with
// `*` while a delivery runs is not known here, so none), size, arrival
// time, sender, and each recipient not yet final with its deferral reason.
#pragma once

#include <cstdio>

#include "common/config/config.h"

namespace posthorn::sendmail {

int ListQueue(const config::Config& config, FILE* out);

}  // namespace posthorn::sendmail
