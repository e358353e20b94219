// A POP3 session takes any bytes from the peer: whatever they are, in
// whatever pieces, every reply is whole CRLF lines, a session never reads
// on while it waits for its host, and a retrieved message on the wire has
// no bare LF and no line that a client would take for the terminator.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mra/pop3d/session.h"
#include "mra/pop3d/wire.h"

namespace {

using namespace posthorn::pop3d;

void CheckLines(std::string_view out) {
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\n' && (i == 0 || out[i - 1] != '\r')) std::abort();
  }
  if (!out.empty() && !out.ends_with("\r\n")) std::abort();
}

// Answers every request at once, as a host whose disk and passwords are instant.
class Host : public SessionHost {
 public:
  Session* session = nullptr;
  std::string sent;
  void Send(std::string_view bytes) override { sent += bytes; }
  void StartTls() override { session->OnTlsStarted(); }
  void Close() override {}
  void Login(const std::string& user, const std::string&, int) override {
    Listing l;
    l.sizes = {10, 20, 30};
    l.uids = {"a", "b", "c"};
    session->OnLogin(user.size() % 3 == 0 ? LoginOutcome::kOk : LoginOutcome::kFailed, l);
  }
  void SendMessage(size_t index, std::optional<size_t>, const std::string& first) override {
    if (index >= 3) std::abort();
    sent += first + "x\r\n.\r\n";
    session->OnSent(true, true);
  }
  void Update(const std::vector<bool>& deleted, const std::vector<bool>&) override {
    if (deleted.size() != 3) std::abort();
    session->OnUpdated(true, 0);
  }
  void Log(const std::string& line) override {
    if (line.find('\n') != std::string::npos) std::abort();
  }
};

void FuzzSession(std::string_view input, bool tls) {
  Settings settings;
  settings.auth_cleartext_loopback = true;
  Host host;
  SessionInfo info;
  info.client_addr = "127.0.0.1";
  info.tls = tls;
  info.tls_available = true;
  info.loopback = true;
  Session session(settings, info, &host);
  host.session = &session;
  session.Start();
  // Pieces of 1-8 bytes, sized by the input itself, then the rest.
  size_t pos = 0, step = 1;
  std::string pending;
  while (pos < input.size() && !session.closing()) {
    size_t n = std::min(step, input.size() - pos);
    pending.append(input.substr(pos, n));
    pos += n;
    step = (static_cast<unsigned char>(input[pos - 1]) % 8) + 1;
    size_t used = session.OnInput(pending);
    if (used > pending.size()) std::abort();
    pending.erase(0, used);
    if (session.waiting()) std::abort();  // the host answers at once
  }
  CheckLines(host.sent);
}

void FuzzWire(std::string_view input) {
  size_t lines = input.empty() ? 0 : static_cast<unsigned char>(input[0]) % 4;
  for (std::optional<size_t> top : {std::optional<size_t>(), std::optional<size_t>(lines)}) {
    WireEncoder e(top);
    std::string out;
    for (size_t i = 0; i < input.size(); i += 7) {
      if (!e.Feed(input.substr(i, 7), &out)) break;
    }
    e.Finish(&out);
    CheckLines(out);
    if (!out.ends_with(".\r\n")) std::abort();
    // Only the last line may be a lone "."; any other line starting with
    // "." was stuffed.
    std::string_view body(out);
    body.remove_suffix(3);
    if (body.starts_with(".\r\n") || body.find("\r\n.\r\n") != std::string_view::npos) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  FuzzSession(input, false);
  FuzzSession(input, true);
  FuzzWire(input);
  return 0;
}
