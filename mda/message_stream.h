// The bytes mda stores, made from the bytes it reads: a leading mbox
// `From ` line is dropped, CRLF becomes LF (DESIGN.md contract 3), our
// `Return-Path:` and `Delivered-To:` go in front, any `Return-Path:` the
// message already had is removed when we write ours (a sender could forge
// one; Postfix's cleanup removes them too), and the header is watched
// for what decides refusal (a loop of Delivered-To:, input that is not a
// message). Works chunk by chunk in constant memory, so a megabyte line or
// a 100,000-line header costs no more than its bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace posthorn::mda {

class MessageStream {
 public:
  // `sender`: the envelope sender for Return-Path (nullopt: taken from a
  // leading `From ` line if there is one, else no Return-Path is added;
  // "" is the null sender). `recipient`: the address for Delivered-To, ""
  // for none.
  MessageStream(std::optional<std::string> sender, std::string recipient);

  // Returns the bytes to store for `chunk`; the view is valid until the
  // next call. Pass an empty chunk... never: call Finish() at EOF instead.
  std::string_view Feed(std::string_view chunk);
  // Bytes held back at the end (a trailing CR, a short first line).
  std::string_view Finish();

  uint64_t input_bytes() const { return input_bytes_; }
  uint64_t output_bytes() const { return output_bytes_; }
  // Output size with every LF counted as CRLF (the `,W=` of the name).
  uint64_t wire_bytes() const { return output_bytes_ + newlines_; }
  // Delivered-To: fields in the input equal to the recipient.
  int delivered_to_count() const { return delivered_to_; }
  // False when the first line (after any `From ` line) is not a header
  // field: input that is not a message.
  bool starts_with_header() const { return starts_with_header_; }

 private:
  enum class State {
    kStart,     // nothing decided: is there a `From ` line?
    kFromLine,  // inside the `From ` line, which is dropped
    kHeader,     // in the header, at the start of a line
    kFieldName,  // the start of a header line, held until we know its name
    kHeaderLine,
    kDropLine,   // a Return-Path: line (or its continuation) being removed
    kBody,
  };

  std::string_view Normalize(std::string_view chunk);
  void Process(std::string_view bytes);
  void DecideField(bool line_ended);
  void EndHeaderLine();
  void EmitPrefix();
  void Emit(std::string_view bytes);

  std::optional<std::string> sender_;
  std::string recipient_;  // lower-case
  State state_ = State::kStart;
  bool pending_cr_ = false;
  bool first_header_line_ = true;
  bool starts_with_header_ = true;
  bool dropping_ = false;  // the last header line was removed
  std::string line_;       // start of the current line, capped
  std::string norm_;       // chunk after CRLF folding
  std::string out_;        // output built for this call
  uint64_t input_bytes_ = 0;
  uint64_t output_bytes_ = 0;
  uint64_t newlines_ = 0;
  int delivered_to_ = 0;
};

}  // namespace posthorn::mda
