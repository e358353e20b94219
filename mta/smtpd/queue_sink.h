// The session's message going straight into a queue file, and the
// envelope that heads that file.
#pragma once

#include <string>

#include "common/queue/envelope.h"
#include "common/queue/writer.h"
#include "mta/smtpd/session.h"

namespace posthorn::smtpd {

// Free space the queue keeps beyond any message: below it smtpd answers
// 452 4.3.1 before writing a byte, so logs and the system keep room.
inline constexpr uint64_t kQueueReserve = 16ull << 20;

class QueueSink : public MessageSink {
 public:
  explicit QueueSink(queue::Writer writer) : writer_(std::move(writer)) {}
  const std::string& id() const override { return writer_.id(); }
  bool Write(std::string_view bytes) override { return writer_.Write(bytes).ok(); }
  queue::Writer Take() { return std::move(writer_); }

 private:
  queue::Writer writer_;
};

queue::Envelope EnvelopeFor(const Transaction& t, const std::string& client_addr);

}  // namespace posthorn::smtpd
