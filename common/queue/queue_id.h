// Queue IDs (DESIGN.md contract 5): the name of a message in the queue, in
// the 250 reply and in every log line about it. Postfix-like: upper-case
// hex, fixed width, so `ls` and `sort` order messages by arrival:
//
//   SSSSSSSS UUUUU RRR   (16 digits, written without spaces)
//   seconds  usec  random
//
// Seconds since the epoch (8 digits, good until 2106), the microsecond
// (5 digits), and 12 random bits so that two processes in the same
// microsecond rarely collide. Uniqueness is not left to chance: the store
// creates queue/tmp/ID with O_EXCL and checks queue/msg/ID, and draws
// again on a collision.
#pragma once

#include <string>
#include <string_view>

namespace posthorn::queue {

inline constexpr size_t kQueueIdLength = 16;

std::string NewQueueId();

// Exactly kQueueIdLength upper-case hex digits. Every ID taken from
// outside (a file name, mailq's argument) is checked with this before it
// goes into a path.
bool IsValidQueueId(std::string_view id);

}  // namespace posthorn::queue
