#include "mta/smtpd/session.h"

#include <algorithm>

#include "common/net/cidr.h"
#include "common/smtp/line_reader.h"
#include "mta/smtpd/received.h"

namespace posthorn::smtpd {

namespace {

const char* StateName(Session::State s) {
  switch (s) {
    case Session::State::kGreeting: return "greeting";
    case Session::State::kReady: return "ready";
    case Session::State::kMail: return "mail";
    case Session::State::kRcpt: return "rcpt";
    case Session::State::kData: return "data";
    case Session::State::kBdat: return "bdat";
    case Session::State::kAuth: return "auth";
    case Session::State::kWaiting: return "waiting";
    case Session::State::kClosing: return "closing";
  }
  return "?";
}

}  // namespace

Session::Session(const Settings& settings, SessionInfo info, SessionHost* host)
    : settings_(settings), info_(std::move(info)), host_(host) {}

void Session::Start(const std::string& refuse) {
  if (!refuse.empty()) {
    Fatal(421, "4.7.0", settings_.hostname + " " + refuse);
    return;
  }
  Reply(220, "", settings_.hostname + " ESMTP Posthorn");
}

// The one place the state changes, so a trace shows every transition.
void Session::Enter(State s) {
  if (getenv("POSTHORN_TRACE_STATES") != nullptr && s != state_)
    host_->Log(std::string("session ") + StateName(state_) + " -> " + StateName(s));
  state_ = s;
}

void Session::Send(const smtp::Reply& r) { host_->Send(r.Wire()); }

void Session::Reply(int code, const std::string& enhanced, const std::string& text) {
  Send(smtp::Reply{code, enhanced, text});
}

void Session::Error(int code, const std::string& enhanced, const std::string& text) {
  Reply(code, enhanced, text);
  if (++errors_ >= settings_.limits.max_errors)
    Fatal(421, "4.7.0", settings_.hostname + " Error: too many errors");
}

void Session::Fatal(int code, const std::string& enhanced, const std::string& text) {
  if (state_ == State::kClosing) return;
  Reply(code, enhanced, text);
  ResetTransaction();
  Enter(State::kClosing);
  host_->Close();
}

uint64_t Session::timeout_seconds() const {
  if (state_ == State::kData || state_ == State::kBdat) {
    // The whole transfer must end within data_timeout; idle gaps inside it
    // are limited by command_timeout too.
    uint64_t elapsed = static_cast<uint64_t>(std::max<time_t>(0, time(nullptr) - data_started_));
    uint64_t left = settings_.limits.data_timeout > elapsed ? settings_.limits.data_timeout - elapsed : 1;
    return std::min(left, settings_.limits.command_timeout);
  }
  return settings_.limits.command_timeout;
}

void Session::OnTimeout() {
  host_->Log("timeout after " + std::string(StateName(state_)) + " from " + ClientName());
  Fatal(421, "4.4.2", settings_.hostname + " Error: timeout exceeded");
}

void Session::OnShutdown() { Fatal(421, "4.3.2", settings_.hostname + " Service shutting down"); }

size_t Session::OnInput(std::string_view input) {
  size_t total = 0;
  while (total < input.size() && state_ != State::kWaiting && state_ != State::kClosing) {
    std::string_view rest = input.substr(total);
    size_t n = state_ == State::kData ? ConsumeData(rest) : state_ == State::kBdat ? ConsumeBdat(rest) : ConsumeLine(rest);
    if (n == 0) break;
    total += n;
  }
  return total;
}

size_t Session::ConsumeLine(std::string_view input) {
  if (discarding_) {
    size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return input.size();
    discarding_ = false;
    return nl + 1;
  }
  smtp::LineResult r = smtp::NextLine(input, settings_.limits.max_line_length);
  switch (r.kind) {
    case smtp::LineResult::kNeedMore:
      return 0;
    case smtp::LineResult::kLine:
      if (state_ == State::kAuth) {
        AuthLine(r.line);
      } else {
        auto parsed = smtp::ParseCommand(r.line, txn_.smtputf8);
        if (auto* e = std::get_if<smtp::ParseError>(&parsed)) Error(e->reply.code, e->reply.enhanced, e->reply.text);
        else Dispatch(std::get<smtp::Command>(parsed));
      }
      return r.consumed;
    case smtp::LineResult::kTooLong:
    case smtp::LineResult::kBareLf:
    case smtp::LineResult::kBareCr: {
      // The bytes up to the next LF are dropped; if that LF has not come
      // yet, keep dropping until it does, so no tail becomes a command.
      discarding_ = r.consumed == input.size() && input.back() != '\n';
      if (state_ == State::kAuth) Enter(State::kReady);
      if (r.kind == smtp::LineResult::kTooLong) Error(500, "5.5.2", "Error: line too long");
      else Error(500, "5.5.2", std::string("Error: bare <") + (r.kind == smtp::LineResult::kBareLf ? "LF" : "CR") +
                                   "> received; lines end with <CR><LF>");
      return r.consumed;
    }
  }
  return 0;
}

void Session::WriteBody(std::string_view bytes) {
  txn_.size += bytes.size();
  if (settings_.limits.max_message_size > 0 && txn_.size > settings_.limits.max_message_size) {
    message_too_big_ = true;
    sink_.reset();  // the partial file goes now; the rest is only counted
    return;
  }
  if (sink_ && !sink_->Write(bytes)) {
    sink_error_ = "write error";
    sink_.reset();
  }
}

size_t Session::ConsumeData(std::string_view input) {
  data_out_.clear();
  size_t n = data_.Feed(input, &data_out_);
  if (!data_out_.empty()) WriteBody(data_out_);
  if (data_.done()) FinishMessage(data_.bare_line_end());
  return n;
}

void Session::ScanBdat(std::string_view bytes) {
  for (char c : bytes) {
    if (bdat_cr_pending_) {
      bdat_cr_pending_ = false;
      if (c == '\n') continue;
      bdat_bad_ = true;
    }
    if (c == '\r') bdat_cr_pending_ = true;
    else if (c == '\n') bdat_bad_ = true;
  }
}

size_t Session::ConsumeBdat(std::string_view input) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(bdat_left_, input.size()));
  std::string_view chunk = input.substr(0, n);
  if (bdat_error_.code == 0) {
    ScanBdat(chunk);
    WriteBody(chunk);
  }
  bdat_left_ -= n;
  if (bdat_left_ == 0) ChunkDone();
  return n;
}

void Session::ChunkDone() {
  if (bdat_error_.code != 0) {
    smtp::Reply r = bdat_error_;
    bdat_error_ = {};
    Enter(after_wait_);
    Error(r.code, r.enhanced, r.text);
    return;
  }
  if (bdat_last_) {
    if (bdat_cr_pending_) bdat_bad_ = true;
    FinishMessage(bdat_bad_);
    return;
  }
  Enter(State::kRcpt);
  Reply(250, "2.0.0", "Ok: " + std::to_string(txn_.size) + " octets received");
}

bool Session::StartMessage() {
  txn_.helo = helo_;
  txn_.protocol = ProtocolName(ehlo_, info_.tls, !auth_user_.empty(), txn_.smtputf8);
  txn_.auth_user = auth_user_;
  std::string why;
  sink_ = host_->BeginMessage(txn_, &why);
  if (!sink_) {
    host_->Log("NOQUEUE: reject: from " + ClientName() + ": 452 4.3.1 Insufficient system storage (" + why + ")");
    return false;
  }
  data_started_ = time(nullptr);
  ReceivedInfo r;
  r.helo = helo_;
  r.client_addr = info_.client_addr;
  r.hostname = settings_.hostname;
  r.protocol = txn_.protocol;
  r.queue_id = sink_->id();
  r.tls_version = info_.tls_version;
  r.tls_cipher = info_.tls_cipher;
  if (txn_.recipients.size() == 1) r.for_recipient = txn_.recipients[0].ToString();
  r.when = data_started_;
  if (!sink_->Write(ReceivedHeader(r))) {
    sink_error_ = "write error";
    sink_.reset();
  }
  std::string line = r.queue_id + ": client=" + ClientName();
  if (!auth_user_.empty()) line += ", sasl_username=" + auth_user_;
  host_->Log(line);
  return true;
}

void Session::FinishMessage(bool bad_line_ends) {
  data_ = smtp::DataReader();
  if (bad_line_ends) {
    Error(554, "5.6.0", "Error: bare <CR> or <LF> in message data; lines end with <CR><LF>");
  } else if (message_too_big_) {
    Error(552, "5.3.4", "Error: message file too big");
  } else if (!sink_) {
    Reply(452, "4.3.1", "Error: insufficient system storage");
  } else {
    committing_id_ = sink_->id();
    Enter(State::kWaiting);
    host_->CommitMessage(std::move(sink_), txn_);
    return;
  }
  if (state_ == State::kClosing) return;
  ResetTransaction();
  Enter(State::kReady);
}

void Session::OnCommitted(bool ok, const std::string& error) {
  if (state_ == State::kClosing) return;
  if (ok) {
    host_->Log(committing_id_ + ": from=<" + txn_.sender.ToString() + ">, size=" + std::to_string(txn_.size) +
               ", nrcpt=" + std::to_string(txn_.recipients.size()) + " (queue active)");
    Reply(250, "2.0.0", "Ok: queued as " + committing_id_);
  } else {
    host_->Log(committing_id_ + ": queue file write error: " + error);
    Reply(452, "4.3.1", "Error: insufficient system storage");
  }
  ResetTransaction();
  Enter(State::kReady);
}

void Session::ResetTransaction() {
  txn_ = Transaction();
  sink_.reset();
  sink_error_.clear();
  data_ = smtp::DataReader();
  bdat_left_ = 0;
  bdat_last_ = bdat_bad_ = bdat_cr_pending_ = false;
  bdat_error_ = {};
  message_too_big_ = false;
}

bool Session::RelayAllowed() const {
  return !auth_user_.empty() || settings_.mynetworks.Contains(info_.client_addr);
}

std::string Session::ClientName() const { return "unknown[" + info_.client_addr + "]"; }

}  // namespace posthorn::smtpd
