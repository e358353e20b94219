// Reads one message and stores it in every target, all or nothing: each
// copy is written and fsynced in tmp/ first, and only when all are safe
// are they renamed into new/. Any failure before that removes them all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mda/failure.h"
#include "mda/targets.h"

namespace posthorn::mda {

struct DeliveryRequest {
  int input_fd = 0;
  std::optional<std::string> sender;  // Return-Path; see MessageStream
  std::string delivered_to;           // Delivered-To: value, "" for none
  uint64_t max_message_size = 0;      // 0: no limit
  uint64_t max_delivered_to = 0;      // 0: no loop check
  std::string delivery_id;            // -i: goes into the file names
  // A repeated delivery (POSTHORN_REDELIVERY): targets that already hold
  // a message tagged `delivery_id` are not written again.
  bool redelivery = false;
};

struct Delivered {
  std::vector<std::string> paths;  // one per target, in order
  std::vector<bool> earlier;       // paths[i] is from an earlier delivery
  uint64_t size = 0;               // bytes stored (0 if nothing was written)
};

MaybeFailure Deliver(const DeliveryRequest& request, const std::vector<Target>& targets, Delivered* delivered);

}  // namespace posthorn::mda
