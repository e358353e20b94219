#include "common/message/encoded_word.h"

#include <optional>

#include "common/base/base64.h"
#include "common/base/strings.h"
#include "common/message/charset.h"
#include "common/message/lex.h"
#include "common/message/transfer_encoding.h"

namespace posthorn::message {

namespace {

// RFC 2047 §2 caps a whole word at 75 characters; we accept longer words,
// but a charset name longer than that is not one.
constexpr size_t kMaxCharset = 75;

struct Word {
  size_t end = 0;            // just past the closing "?="
  std::string_view charset;  // without an RFC 2231 "*language"
  std::string bytes;         // the text, Q or B decoded
};

// RFC 2047 §4.1 is base64 proper; senders that drop the padding are common
// enough that we put it back. Anything else wrong leaves the word undecoded.
std::optional<std::string> DecodeB(std::string_view text) {
  std::string padded(text);
  if (padded.size() % 4 == 1) return std::nullopt;
  while (padded.size() % 4 != 0) padded.push_back('=');
  return Base64Decode(padded);
}

bool IsCharsetChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("()<>@,;:\"/[]?.=").find(c) == std::string_view::npos;  // §2 especials
}

// The encoded word that starts at text[pos] ("=?"), or nullopt. The scan
// of encoded-text starts only after a valid charset and encoding and stops
// at the next '?', and neither a charset nor an encoding ends in '=', so no
// later "=?" can start inside a scanned encoded-text: two candidates never
// scan the same bytes and the caller's loop over every "=?" stays linear.
std::optional<Word> ParseWordAt(std::string_view text, size_t pos) {
  size_t i = pos + 2;
  size_t charset_start = i;
  while (i < text.size() && text[i] != '?') {
    if (!IsCharsetChar(text[i]) || i - charset_start >= kMaxCharset) return std::nullopt;
    ++i;
  }
  if (i + 2 >= text.size() || i == charset_start || text[i + 2] != '?') return std::nullopt;
  Word w;
  w.charset = text.substr(charset_start, i - charset_start);
  char encoding = static_cast<char>(text[i + 1] & ~0x20);  // upper case
  if (encoding != 'Q' && encoding != 'B') return std::nullopt;
  size_t text_start = i + 3;
  for (i = text_start; i < text.size() && text[i] != '?'; ++i) {
    unsigned char u = static_cast<unsigned char>(text[i]);
    if (u <= 0x20 || u >= 0x7f) return std::nullopt;
  }
  if (i + 1 >= text.size() || text[i + 1] != '=') return std::nullopt;
  std::string_view encoded = text.substr(text_start, i - text_start);
  w.end = i + 2;
  // RFC 2231 §5: "charset*language".
  w.charset = w.charset.substr(0, w.charset.find('*'));
  if (w.charset.empty()) return std::nullopt;
  if (encoding == 'Q') {
    w.bytes = DecodeQuotedPrintable(encoded, /*rfc2047_q=*/true);
  } else {
    auto bytes = DecodeB(encoded);
    if (!bytes) return std::nullopt;
    w.bytes = std::move(*bytes);
  }
  return w;
}

// What may stand next to an encoded word in a structured field: RFC 2047
// §5 wants it separated from its neighbours by whitespace or specials, and
// '@' and '.' next to it would make it part of an addr-spec.
bool IsStructuredDelimiter(char c) {
  return IsFws(c) || std::string_view("()<>,;:\"[]").find(c) != std::string_view::npos;
}

// Decodes the encoded words of `text` onto `out`. A run of adjacent words
// in one charset is converted as one string; the whitespace between two
// adjacent words goes only when both decode, so an undecodable word keeps
// the text around it exactly as written.
void DecodeRun(std::string_view text, bool structured, std::string* out) {
  struct Run {
    bool active = false;
    std::string_view charset;
    std::string bytes;
    size_t begin = 0, end = 0;
    std::string_view gap;  // whitespace before the run, dropped if it decodes
  } run;
  auto flush = [&]() {
    if (!run.active) return false;
    run.active = false;
    if (auto utf8 = ConvertToUtf8(run.bytes, run.charset)) {
      out->append(*utf8);
      return true;
    }
    AppendUnfolded(run.gap, out);
    AppendUnfolded(text.substr(run.begin, run.end - run.begin), out);
    return false;
  };

  size_t copied = 0;  // text[copied..] is not on `out` yet
  size_t i = 0;
  while ((i = text.find("=?", i)) != std::string_view::npos) {
    std::optional<Word> w;
    if (!structured || i == 0 || IsStructuredDelimiter(text[i - 1])) w = ParseWordAt(text, i);
    if (w && structured && w->end < text.size() && !IsStructuredDelimiter(text[w->end])) w.reset();
    if (!w) {
      ++i;
      continue;
    }
    std::string_view gap = text.substr(copied, i - copied);
    bool blank_gap = TrimFws(gap).empty();
    if (run.active && blank_gap && EqualsIgnoreCase(run.charset, w->charset)) {
      run.bytes += w->bytes;
      run.end = w->end;
    } else {
      bool previous_decoded = flush();
      run.active = true;
      run.charset = w->charset;
      run.bytes = std::move(w->bytes);
      run.begin = i;
      run.end = w->end;
      run.gap = {};
      if (previous_decoded && blank_gap) {
        run.gap = gap;
      } else {
        AppendUnfolded(gap, out);
      }
    }
    i = copied = w->end;
  }
  flush();
  AppendUnfolded(text.substr(copied), out);
}

}  // namespace

std::string DecodeUnstructured(std::string_view text) {
  std::string out;
  DecodeRun(text, false, &out);
  return out;
}

std::string DecodePhrase(std::string_view phrase) {
  std::string out;
  DecodeRun(PhraseText(phrase), false, &out);
  return out;
}

std::string DecodeStructured(std::string_view value) {
  std::string out;
  size_t chunk = 0;  // start of the phrase-or-addr-spec text not yet decoded
  size_t i = 0;
  while (i < value.size()) {
    char c = value[i];
    if (c != '"' && c != '(' && c != '<' && c != '[') {
      ++i;
      continue;
    }
    DecodeRun(value.substr(chunk, i - chunk), true, &out);
    size_t end;
    if (c == '"' || c == '(') {
      // The closing quote or parenthesis, if any, passes through as text.
      end = c == '"' ? ReadQuotedString(value, i, nullptr) : SkipComment(value, i);
      out.push_back(c);
      DecodeRun(value.substr(i + 1, end - i - 1), false, &out);
    } else {
      end = value.find(c == '<' ? '>' : ']', i);
      end = end == std::string_view::npos ? value.size() : end + 1;
      AppendUnfolded(value.substr(i, end - i), &out);
    }
    i = chunk = end;
  }
  DecodeRun(value.substr(chunk), true, &out);
  return out;
}

std::string DecodeField(std::string_view name, std::string_view value) {
  static constexpr std::string_view kStructured[] = {
      "From",        "Sender",        "Reply-To",      "To",          "Cc",          "Bcc",
      "Resent-From", "Resent-Sender", "Resent-To",     "Resent-Cc",   "Resent-Bcc",  "Message-ID",
      "In-Reply-To", "References",    "Resent-Message-ID", "Date",    "Resent-Date", "Received",
      "Return-Path", "MIME-Version",
  };
  bool structured = StartsWithIgnoreCase(name, "Content-") && !EqualsIgnoreCase(name, "Content-Description");
  for (std::string_view s : kStructured) structured = structured || EqualsIgnoreCase(name, s);
  return structured ? DecodeStructured(value) : DecodeUnstructured(value);
}

}  // namespace posthorn::message
