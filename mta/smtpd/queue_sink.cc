#include "mta/smtpd/queue_sink.h"

namespace posthorn::smtpd {

queue::Envelope EnvelopeFor(const Transaction& t, const std::string& client_addr) {
  queue::Envelope e;
  e.sender = t.sender;
  for (size_t i = 0; i < t.recipients.size(); ++i) {
    queue::Recipient r;
    r.address = t.recipients[i];
    r.local = t.local[i];
    e.recipients.push_back(r);
  }
  e.client.helo = t.helo;
  e.client.address = client_addr;
  e.client.protocol = t.protocol;
  e.client.auth_user = t.auth_user;
  e.smtputf8 = t.smtputf8;
  switch (t.body) {
    case smtp::BodyType::kUnspecified: e.body = queue::BodyType::kUnspecified; break;
    case smtp::BodyType::k7Bit: e.body = queue::BodyType::k7Bit; break;
    case smtp::BodyType::k8BitMime: e.body = queue::BodyType::k8BitMime; break;
    case smtp::BodyType::kBinaryMime: e.body = queue::BodyType::kBinaryMime; break;
  }
  return e;
}

}  // namespace posthorn::smtpd
