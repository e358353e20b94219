#include "mda/message_stream.h"

#include <algorithm>
#include <cstring>

#include "common/address/address.h"
#include "common/base/strings.h"

namespace posthorn::mda {

namespace {

// Enough of a line to recognise `Delivered-To: <address>` and a `From `
// line's sender; anything longer cannot match.
constexpr size_t kLineCap = 1024;
constexpr std::string_view kReturnPath = "Return-Path:";

bool IsFieldNameChar(char c) { return c >= 33 && c <= 126 && c != ':'; }

// RFC 5322 §2.2: a header field starts with `name:`.
bool IsHeaderField(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && IsFieldNameChar(line[i])) ++i;
  return i > 0 && i < line.size() && line[i] == ':';
}

// `From sender date...`: the sender, if it is an address we can vouch for.
std::optional<std::string> SenderOfFromLine(std::string_view line) {
  std::vector<std::string> words = SplitWords(line.substr(5));
  if (words.empty()) return std::nullopt;
  if (EqualsIgnoreCase(words[0], "MAILER-DAEMON") || words[0] == "<>") return std::string();
  Result<Address> a = ParseAddress(words[0], {.allow_utf8 = true});
  if (!a.ok()) return std::nullopt;
  return a->ToString();
}

}  // namespace

MessageStream::MessageStream(std::optional<std::string> sender, std::string recipient)
    : sender_(std::move(sender)), recipient_(AsciiLower(recipient)) {}

std::string_view MessageStream::Normalize(std::string_view chunk) {
  if (!pending_cr_ && std::memchr(chunk.data(), '\r', chunk.size()) == nullptr) return chunk;
  norm_.clear();
  norm_.reserve(chunk.size() + 1);
  for (char c : chunk) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {
        norm_ += '\n';
        continue;
      }
      norm_ += '\r';  // a lone CR is data, kept as it came
    }
    if (c == '\r') pending_cr_ = true;
    else norm_ += c;
  }
  return norm_;
}

std::string_view MessageStream::Feed(std::string_view chunk) {
  input_bytes_ += chunk.size();
  std::string_view bytes = Normalize(chunk);
  if (state_ == State::kBody) {
    // The common case: the body passes through without a copy.
    output_bytes_ += bytes.size();
    newlines_ += static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
    return bytes;
  }
  out_.clear();
  Process(bytes);
  return out_;
}

std::string_view MessageStream::Finish() {
  out_.clear();
  if (pending_cr_) {
    pending_cr_ = false;
    Process("\r");
  }
  if (state_ == State::kStart) {
    std::string held = std::move(line_);
    line_.clear();
    state_ = State::kHeader;
    EmitPrefix();
    Process(held);
  } else if (state_ == State::kFromLine) {
    EmitPrefix();
    state_ = State::kHeader;
  }
  if (state_ == State::kFieldName) DecideField(true);
  if (state_ == State::kHeaderLine) EndHeaderLine();
  if (first_header_line_) starts_with_header_ = false;
  return out_;
}

void MessageStream::Process(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    switch (state_) {
      case State::kStart: {
        char c = bytes[i++];
        line_ += c;
        if (line_.size() < 5 && c != '\n') break;
        if (line_.compare(0, 5, "From ") == 0) {
          state_ = State::kFromLine;
          break;
        }
        std::string held = std::move(line_);
        line_.clear();
        state_ = State::kHeader;
        EmitPrefix();
        Process(held);
        break;
      }
      case State::kFromLine: {
        const char* nl = static_cast<const char*>(std::memchr(bytes.data() + i, '\n', bytes.size() - i));
        size_t end = nl ? static_cast<size_t>(nl - bytes.data()) : bytes.size();
        line_.append(bytes.substr(i, std::min(end - i, kLineCap - std::min(kLineCap, line_.size()))));
        i = nl ? end + 1 : end;
        if (nl == nullptr) break;
        if (!sender_) sender_ = SenderOfFromLine(line_);
        line_.clear();
        state_ = State::kHeader;
        EmitPrefix();
        break;
      }
      case State::kHeader: {
        char c = bytes[i];
        if (dropping_ && (c == ' ' || c == '\t')) {
          state_ = State::kDropLine;  // folded continuation of a removed field
          break;
        }
        dropping_ = false;
        if (c == '\n') {
          // The blank line between header and body.
          if (first_header_line_) starts_with_header_ = false;
          first_header_line_ = false;
          Emit("\n");
          ++i;
          state_ = State::kBody;
          break;
        }
        state_ = State::kFieldName;
        break;
      }
      case State::kFieldName: {
        char c = bytes[i++];
        line_ += c;
        if (c == ':' || c == '\n' || line_.size() > kReturnPath.size()) DecideField(c == '\n');
        break;
      }
      case State::kDropLine: {
        const char* nl = static_cast<const char*>(std::memchr(bytes.data() + i, '\n', bytes.size() - i));
        i = nl ? static_cast<size_t>(nl - bytes.data()) + 1 : bytes.size();
        if (nl != nullptr) state_ = State::kHeader;
        break;
      }
      case State::kHeaderLine: {
        const char* nl = static_cast<const char*>(std::memchr(bytes.data() + i, '\n', bytes.size() - i));
        size_t end = nl ? static_cast<size_t>(nl - bytes.data()) + 1 : bytes.size();
        std::string_view part = bytes.substr(i, end - i);
        Emit(part);
        if (line_.size() < kLineCap) line_.append(part.substr(0, kLineCap - line_.size()));
        i = end;
        if (nl != nullptr) {
          EndHeaderLine();
          state_ = State::kHeader;
        }
        break;
      }
      case State::kBody:
        Emit(bytes.substr(i));
        i = bytes.size();
        break;
    }
  }
}

// Called once the start of a header line in line_ tells what field it is.
void MessageStream::DecideField(bool line_ended) {
  if (sender_ && StartsWithIgnoreCase(line_, kReturnPath)) {
    first_header_line_ = false;
    dropping_ = true;
    line_.clear();
    state_ = line_ended ? State::kHeader : State::kDropLine;
    return;
  }
  Emit(line_);
  if (line_ended) {
    EndHeaderLine();
    state_ = State::kHeader;
  } else {
    state_ = State::kHeaderLine;
  }
}

void MessageStream::EndHeaderLine() {
  std::string_view line = line_;
  if (first_header_line_) {
    starts_with_header_ = IsHeaderField(line);
    first_header_line_ = false;
  }
  if (!recipient_.empty() && StartsWithIgnoreCase(line, "Delivered-To:")) {
    std::string_view value = Trim(line.substr(13));
    if (value.size() >= 2 && value.front() == '<' && value.back() == '>') value = value.substr(1, value.size() - 2);
    if (EqualsIgnoreCase(value, recipient_)) ++delivered_to_;
  }
  line_.clear();
}

void MessageStream::EmitPrefix() {
  if (sender_) Emit("Return-Path: <" + *sender_ + ">\n");
  if (!recipient_.empty()) Emit("Delivered-To: " + recipient_ + "\n");
}

void MessageStream::Emit(std::string_view bytes) {
  out_.append(bytes);
  output_bytes_ += bytes.size();
  newlines_ += static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
}

}  // namespace posthorn::mda
