#include "common/message/mime_tree.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "common/base/strings.h"
#include "common/message/lex.h"

namespace posthorn::message {

namespace {

// RFC 2045 §6.4: only an identity encoding leaves an embedded message
// parseable where it lies; a base64 message/rfc822 (forbidden by RFC 2046
// §5.2.1, sent anyway) stays a leaf.
bool IsIdentityEncoding(std::string_view cte) { return cte == "7bit" || cte == "8bit" || cte == "binary"; }

// The first token of a value, comments and blanks skipped.
std::string_view FirstToken(std::string_view value) {
  size_t start = SkipCfws(value, 0);
  size_t end = start;
  while (end < value.size() && IsTokenChar(value[end])) ++end;
  return value.substr(start, end - start);
}

// Content-Language (RFC 3282): language tags separated by commas, with
// CFWS anywhere between them.
std::vector<std::string> LanguageTags(std::string_view value) {
  std::vector<std::string> tags;
  size_t i = 0;
  while (i < value.size() && tags.size() < kMaxLanguages) {
    i = SkipCfws(value, i);
    size_t start = i;
    while (i < value.size() && value[i] != ',' && value[i] != '(' && !IsFws(value[i])) ++i;
    if (i > start) tags.emplace_back(value.substr(start, i - start));
    if (i < value.size() && value[i] == ',') ++i;
  }
  return tags;
}

// A delimiter line (RFC 2046 §5.1.1): "--" boundary at the start of a line,
// "--" more for the close-delimiter, then only transport padding (blanks)
// up to the line end. A line that merely starts with "--" boundary and goes
// on is none, which is what keeps a boundary that is a prefix of another
// from splitting the other's parts.
struct Delimiter {
  size_t begin;  // the first '-'
  size_t next;   // past the line end
  bool close;
};

// The first delimiter line at or after `pos`, which is a line start. Each
// line is compared at most over its own length, so a search is linear in
// the body whatever the boundary (a substring search that tries every
// match would cost body times boundary on "-----...").
std::optional<Delimiter> FindDelimiter(std::string_view body, std::string_view dash_boundary, size_t pos) {
  while (pos < body.size()) {
    const void* lf = memchr(body.data() + pos, '\n', body.size() - pos);
    size_t line_end = lf ? static_cast<const char*>(lf) - body.data() : body.size();
    size_t next = lf ? line_end + 1 : line_end;
    if (line_end - pos >= dash_boundary.size() && body.compare(pos, dash_boundary.size(), dash_boundary) == 0) {
      std::string_view rest = body.substr(pos + dash_boundary.size(), line_end - pos - dash_boundary.size());
      if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
      bool close = rest.substr(0, 2) == "--";
      if (close) rest.remove_prefix(2);
      while (!rest.empty() && IsWsp(rest.front())) rest.remove_prefix(1);
      if (rest.empty()) return Delimiter{pos, next, close};
    }
    pos = next;
  }
  return std::nullopt;
}

class TreeParser {
 public:
  TreeParser(std::string_view message, const MimeLimits& limits)
      : message_(message), limits_(limits), max_depth_(std::min(limits.max_depth, kMaxMimeDepthCap)) {}

  size_t count() const { return count_; }
  bool limited() const { return limited_; }

  // Fills `part` from the bytes [begin, end) of the message and returns
  // the number of LFs in them. Each byte's LFs are counted once, by the
  // deepest part that holds it: a container adds up its children's counts
  // and counts only the bytes between them, so line counts cost one pass
  // however deep the nesting.
  size_t Parse(MimePart* part, size_t begin, size_t end, size_t depth, bool in_digest) {
    ++count_;
    std::string_view text = message_.substr(begin, end - begin);
    MessageSplit split = SplitMessage(text);
    part->header_offset = begin;
    part->header_size = split.header_size;
    part->body_offset = begin + split.header_size;
    part->body_size = end - part->body_offset;
    ReadFields(part, text.substr(0, split.fields_size), in_digest);
    size_t body_lfs = ParseBody(part, depth);
    std::string_view body = text.substr(split.header_size);
    part->body_lines = body_lfs + (!body.empty() && body.back() != '\n' ? 1 : 0);
    return CountLf(text.substr(0, split.header_size)) + body_lfs;
  }

 private:
  static size_t CountLf(std::string_view s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

  // Decides what the body is and parses what is in it; returns its LFs.
  size_t ParseBody(MimePart* part, size_t depth) {
    std::string_view body = message_.substr(part->body_offset, part->body_size);
    const ContentType& ct = part->content_type;
    std::string_view boundary;
    if (const MimeParam* b = ct.IsMultipart() ? ct.params.Find("boundary") : nullptr)
      boundary = b->extended ? b->value : b->raw;
    if (!boundary.empty()) {
      part->kind = PartKind::kMultipart;
    } else if ((ct.Is("message", "rfc822") || ct.Is("message", "global")) &&
               IsIdentityEncoding(part->transfer_encoding)) {
      part->kind = PartKind::kMessage;
    } else {
      return CountLf(body);
    }
    if (depth >= max_depth_ || count_ >= limits_.max_parts) {
      part->kind = PartKind::kLeaf;
      part->opaque = true;
      limited_ = true;
      return CountLf(body);
    }
    if (part->kind == PartKind::kMessage) {
      part->children.emplace_back();
      return Parse(&part->children.back(), part->body_offset, part->body_offset + part->body_size, depth + 1, false);
    }
    return SplitMultipart(part, boundary, depth, ct.subtype == "digest");
  }

  size_t SplitMultipart(MimePart* part, std::string_view boundary, size_t depth, bool digest) {
    std::string dash_boundary = "--" + std::string(boundary);
    std::string_view body = message_.substr(part->body_offset, part->body_size);
    size_t lfs = 0;
    size_t counted = 0;  // the LFs of body[0, counted) are in `lfs`
    auto add = [&](size_t begin, size_t end) {
      lfs += CountLf(body.substr(counted, begin - counted));
      bool more = AddChild(part, begin, &end, depth, digest, &lfs);
      counted = end;
      return more;
    };
    std::optional<size_t> open;  // start of the part being read, if any
    bool more = true;
    size_t pos = 0;
    while (more) {
      auto d = FindDelimiter(body, dash_boundary, pos);
      if (!d) break;
      if (open) {
        // The line break before the delimiter is the delimiter's, unless
        // it is the one that ended the previous delimiter line.
        size_t end = d->begin;
        if (end > 0) --end;
        if (end > 0 && body[end - 1] == '\r') --end;
        more = add(*open, std::max(*open, end));
        open.reset();
      }
      if (d->close) break;
      open = d->next;
      pos = d->next;
    }
    if (more && open) add(*open, body.size());
    return lfs + CountLf(body.substr(counted));
  }

  // Adds the part at [begin, *end) of the multipart's body and adds its
  // LFs to `lfs`. False when the part limit allows no more: the part that
  // takes the last slot also takes all that follows it, as one opaque
  // leaf; with no slot left, no part is added and *end becomes `begin`.
  bool AddChild(MimePart* parent, size_t begin, size_t* end, size_t depth, bool digest, size_t* lfs) {
    if (count_ >= limits_.max_parts) {
      limited_ = true;
      *end = begin;
      return false;
    }
    bool last = count_ + 1 == limits_.max_parts;
    if (last) *end = parent->body_size;
    parent->children.emplace_back();
    MimePart* child = &parent->children.back();
    *lfs += Parse(child, parent->body_offset + begin, parent->body_offset + *end, depth + 1, digest);
    if (last) {
      child->opaque = true;
      limited_ = true;
    }
    return !last;
  }

  // The MIME fields of a part's header; the first of each counts.
  void ReadFields(MimePart* part, std::string_view header_text, bool in_digest) {
    Header header = ParseHeader(header_text, limits_.header);
    bool type = false, cte = false, id = false, desc = false, disp = false, lang = false, loc = false, md5 = false;
    auto first = [](bool* seen) {
      bool was = *seen;
      *seen = true;
      return !was;
    };
    for (const HeaderField& f : header.fields) {
      if (f.name.size() <= 8 || !StartsWithIgnoreCase(f.name, "content-")) continue;
      std::string_view n = f.name.substr(8);
      if (EqualsIgnoreCase(n, "type") && first(&type)) {
        part->content_type = ParseContentType(f.value);
      } else if (EqualsIgnoreCase(n, "transfer-encoding") && first(&cte)) {
        std::string_view token = FirstToken(f.value);
        if (!token.empty()) part->transfer_encoding = AsciiLower(token);
      } else if (EqualsIgnoreCase(n, "id") && first(&id)) {
        part->id = Unfold(f.value);
      } else if (EqualsIgnoreCase(n, "description") && first(&desc)) {
        part->description = Unfold(f.value);
      } else if (EqualsIgnoreCase(n, "disposition") && first(&disp)) {
        part->disposition = ParseContentDisposition(f.value);
      } else if (EqualsIgnoreCase(n, "language") && first(&lang)) {
        part->languages = LanguageTags(f.value);
      } else if (EqualsIgnoreCase(n, "location") && first(&loc)) {
        part->location = Unfold(f.value);
      } else if (EqualsIgnoreCase(n, "md5") && first(&md5)) {
        part->md5 = Unfold(f.value);
      }
    }
    if (!type) part->content_type = DefaultContentType(in_digest);
  }

  std::string_view message_;
  const MimeLimits& limits_;
  size_t max_depth_;
  size_t count_ = 0;
  bool limited_ = false;
};

}  // namespace

MimeTree ParseMimeTree(std::string_view message, const MimeLimits& limits) {
  MimeTree tree;
  TreeParser parser(message, limits);
  parser.Parse(&tree.root, 0, message.size(), 0, false);
  tree.part_count = parser.count();
  tree.limited = parser.limited();
  return tree;
}

const MimePart* FindSection(const MimePart& root, std::span<const uint32_t> section) {
  const MimePart* part = &root;
  bool at_message = true;  // `part` is a message, so a lone body is its part 1
  for (uint32_t n : section) {
    if (n == 0) return nullptr;
    if (part->kind == PartKind::kMessage) {
      part = part->message();
      if (!part) return nullptr;
      at_message = true;
    }
    if (part->kind == PartKind::kMultipart) {
      if (n > part->children.size()) return nullptr;
      part = &part->children[n - 1];
    } else if (n != 1 || !at_message) {
      return nullptr;
    }
    at_message = false;
  }
  return part;
}

const MimePart* FindSection(const MimePart& root, std::initializer_list<uint32_t> section) {
  return FindSection(root, std::span<const uint32_t>(section.begin(), section.size()));
}

}  // namespace posthorn::message
