#include "common/message/charset.h"

#include <iconv.h>

#include <cerrno>

#include "common/base/strings.h"

namespace posthorn::message {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr size_t kMaxCharsetName = 64;

// Names mail uses that glibc does not know, or knows as something smaller
// than what the senders meant (GB2312 labels GBK text in practice).
struct Alias {
  std::string_view mime;
  const char* iconv;
};
constexpr Alias kAliases[] = {
    {"ks_c_5601-1987", "CP949"}, {"ks_c_5601", "CP949"},
    {"x-sjis", "SHIFT_JIS"},     {"gb2312", "GB18030"},
    {"gbk", "GB18030"},          {"iso-8859-8-i", "ISO-8859-8"},
    {"x-euc-jp", "EUC-JP"},      {"unicode-1-1-utf-7", "UTF-7"},
};

class Converter {
 public:
  explicit Converter(const char* from) : cd_(iconv_open("UTF-8", from)) {}
  ~Converter() {
    if (ok()) iconv_close(cd_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

// Only the characters of registered charset names (RFC 2978 allows a
// few more, none of which any real charset uses). No '/' and no ',', which
// glibc's iconv_open reads as options.
bool IsSafeName(std::string_view name) {
  if (name.empty() || name.size() > kMaxCharsetName) return false;
  for (char c : name)
    if (!IsAsciiAlnum(c) && std::string_view("-_.:+").find(c) == std::string_view::npos) return false;
  return true;
}

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Runs `cd` over all of `in`. Each invalid byte costs one U+FFFD and one
// step, so the loop always advances.
std::string Convert(iconv_t cd, std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 2);
  char* src = const_cast<char*>(in.data());  // iconv(3) takes char** but only reads
  size_t src_left = in.size();
  char buf[4096];
  while (true) {
    char* dst = buf;
    size_t dst_left = sizeof buf;
    size_t r = iconv(cd, src_left ? &src : nullptr, &src_left, &dst, &dst_left);
    int err = errno;
    out.append(buf, dst - buf);
    if (r != static_cast<size_t>(-1)) break;  // all of the input converted
    if (err == E2BIG) continue;
    out.append(kReplacement);
    if (err == EILSEQ && src_left > 0) {
      ++src;
      --src_left;
    } else {
      break;  // EINVAL: a sequence cut off by the end of the input
    }
  }
  // Return a stateful decoder (ISO-2022-JP) to its initial state; output
  // to UTF-8 needs no shift sequence, but flushing is what iconv(3) asks.
  char* dst = buf;
  size_t dst_left = sizeof buf;
  iconv(cd, nullptr, nullptr, &dst, &dst_left);
  out.append(buf, dst - buf);
  return out;
}

}  // namespace

std::optional<std::string> ConvertToUtf8(std::string_view bytes, std::string_view charset) {
  std::string name = AsciiLower(Trim(charset));
  if (!IsSafeName(name)) return std::nullopt;
  if ((name == "us-ascii" || name == "utf-8" || name == "utf8") && IsAscii(bytes)) return std::string(bytes);
  const char* iconv_name = name.c_str();
  for (const Alias& a : kAliases)
    if (name == a.mime) iconv_name = a.iconv;
  Converter converter(iconv_name);
  if (!converter.ok()) return std::nullopt;
  return Convert(converter.get(), bytes);
}

}  // namespace posthorn::message
