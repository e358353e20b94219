#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/message/mime_tree.h"

namespace posthorn::message {
namespace {

using namespace std::string_view_literals;

std::string_view Body(std::string_view m, const MimePart& p) { return m.substr(p.body_offset, p.body_size); }
std::string_view Head(std::string_view m, const MimePart& p) { return m.substr(p.header_offset, p.header_size); }

// multipart/mixed inside multipart/alternative, with a preamble, an
// epilogue, trailing blanks on a delimiter line and RFC 2231 sections.
constexpr std::string_view kNested =
    "From: a@example.org\r\n"
    "Subject: test\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "plain body\r\n"
    "--outer  \t\r\n"
    "Content-Type: multipart/mixed; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "Content-ID: <x@y>\r\n"
    "Content-Language: en, (comment) de-CH\r\n"
    "\r\n"
    "<p>hi</p>\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: image/png; name=a.png\r\n"
    "Content-Transfer-Encoding: BASE64\r\n"
    "Content-Disposition: attachment;\r\n"
    " filename*0*=utf-8''%C3%A4; filename*1=\".png\"\r\n"
    "Content-Description: =?utf-8?q?Bild?=\r\n"
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
    "Content-Location: http://example.org/a.png\r\n"
    "\r\n"
    "iVBORw0KGgo=\r\n"
    "--inner--\r\n"
    "--outer--\r\n"
    "epilogue\r\n";

TEST(MessageMimeTree, NestedMultiparts) {
  std::string_view m = kNested;
  MimeTree tree = ParseMimeTree(m);
  EXPECT_EQ(tree.part_count, 5u);
  EXPECT_FALSE(tree.limited);
  const MimePart& root = tree.root;
  EXPECT_EQ(root.kind, PartKind::kMultipart);
  EXPECT_EQ(root.header_offset, 0u);
  EXPECT_EQ(root.header_size, 112u);
  EXPECT_EQ(root.body_offset, m.find("preamble"));
  EXPECT_EQ(root.body_size, m.size() - 112);
  EXPECT_EQ(root.body_lines, 28u);
  EXPECT_TRUE(root.content_type.Is("multipart", "alternative"));
  ASSERT_EQ(root.children.size(), 2u);

  const MimePart& text = root.children[0];
  EXPECT_EQ(text.kind, PartKind::kLeaf);
  EXPECT_EQ(text.header_offset, m.find("Content-Type: text/plain"));
  EXPECT_EQ(text.header_size, 43u);
  EXPECT_EQ(Body(m, text), "plain body");
  EXPECT_EQ(text.body_lines, 1u);
  EXPECT_EQ(text.content_type.params.Get("charset"), "utf-8");
  EXPECT_EQ(text.transfer_encoding, "7bit");

  const MimePart& mixed = root.children[1];
  EXPECT_EQ(mixed.kind, PartKind::kMultipart);
  EXPECT_EQ(mixed.header_offset, m.find("Content-Type: multipart/mixed"));
  EXPECT_EQ(mixed.body_offset, m.find("--inner\r\n"));
  EXPECT_EQ(mixed.body_offset + mixed.body_size, m.find("\r\n--outer--"));
  EXPECT_EQ(mixed.body_lines, 18u);
  ASSERT_EQ(mixed.children.size(), 2u);

  const MimePart& html = mixed.children[0];
  EXPECT_TRUE(html.content_type.Is("text", "html"));
  EXPECT_EQ(html.id, "<x@y>");
  EXPECT_EQ(html.languages, (std::vector<std::string>{"en", "de-CH"}));
  EXPECT_EQ(Body(m, html), "<p>hi</p>\r\n");  // the blank line before the delimiter is the part's
  EXPECT_EQ(html.body_lines, 1u);

  const MimePart& png = mixed.children[1];
  EXPECT_TRUE(png.content_type.Is("image", "png"));
  EXPECT_EQ(png.transfer_encoding, "base64");
  EXPECT_EQ(png.disposition.type, "attachment");
  EXPECT_EQ(png.disposition.params.Get("filename"), "\u00e4.png");
  EXPECT_EQ(png.description, "=?utf-8?q?Bild?=");
  EXPECT_EQ(png.md5, "Q2hlY2sgSW50ZWdyaXR5IQ==");
  EXPECT_EQ(png.location, "http://example.org/a.png");
  EXPECT_EQ(Body(m, png), "iVBORw0KGgo=");
  EXPECT_EQ(png.header_size, 277u);
  EXPECT_EQ(png.body_offset, png.header_offset + png.header_size);
}

TEST(MessageMimeTree, ImapSectionsOfNestedMultiparts) {
  MimeTree tree = ParseMimeTree(kNested);
  const MimePart& root = tree.root;
  EXPECT_EQ(FindSection(root, {}), &root);
  EXPECT_EQ(FindSection(root, {1}), &root.children[0]);
  EXPECT_EQ(FindSection(root, {2}), &root.children[1]);
  EXPECT_EQ(FindSection(root, {2, 2}), &root.children[1].children[1]);
  EXPECT_EQ(FindSection(root, {3}), nullptr);
  EXPECT_EQ(FindSection(root, {0}), nullptr);
  EXPECT_EQ(FindSection(root, {2, 2, 1}), nullptr);
  EXPECT_EQ(FindSection(root, {1, 1}), nullptr);
  std::vector<uint32_t> path = {2, 1};
  EXPECT_EQ(FindSection(root, path), &root.children[1].children[0]);
}

// A forwarded message with its own multipart, after a part with no header.
constexpr std::string_view kForward =
    "Subject: fwd\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n"
    "\r\n"
    "--b\r\n"
    "\r\n"
    "see attached\r\n"
    "--b\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "Content-Type: multipart/mixed; boundary=c\r\n"
    "\r\n"
    "--c\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "one\r\n"
    "--c\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "two\r\n"
    "--c--\r\n"
    "--b--\r\n";

TEST(MessageMimeTree, EmbeddedMessage) {
  std::string_view m = kForward;
  MimeTree tree = ParseMimeTree(m);
  EXPECT_EQ(tree.part_count, 6u);
  ASSERT_EQ(tree.root.children.size(), 2u);
  const MimePart& note = tree.root.children[0];
  EXPECT_EQ(note.header_size, 2u);
  EXPECT_TRUE(note.content_type.defaulted);
  EXPECT_TRUE(note.content_type.Is("text", "plain"));
  EXPECT_EQ(Body(m, note), "see attached");

  const MimePart& rfc822 = tree.root.children[1];
  EXPECT_EQ(rfc822.kind, PartKind::kMessage);
  EXPECT_EQ(rfc822.body_lines, 12u);
  const MimePart* inner = rfc822.message();
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->header_offset, rfc822.body_offset);
  EXPECT_EQ(inner->header_offset + inner->size(), rfc822.body_offset + rfc822.body_size);
  EXPECT_EQ(Head(m, *inner), "Subject: inner\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n");
  EXPECT_EQ(inner->kind, PartKind::kMultipart);
  ASSERT_EQ(inner->children.size(), 2u);
  EXPECT_EQ(Body(m, inner->children[0]), "one");
  EXPECT_EQ(Body(m, inner->children[1]), "two");

  EXPECT_EQ(FindSection(tree.root, {2}), &rfc822);
  EXPECT_EQ(FindSection(tree.root, {2, 1}), &inner->children[0]);
  EXPECT_EQ(FindSection(tree.root, {2, 2}), &inner->children[1]);
  EXPECT_EQ(FindSection(tree.root, {2, 3}), nullptr);
}

TEST(MessageMimeTree, DigestPartsDefaultToMessages) {
  std::string_view m =
      "Content-Type: multipart/digest; boundary=d\r\n\r\n"
      "--d\r\n\r\nSubject: m1\r\n\r\nhello\r\n"
      "--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n"
      "--d--\r\n";
  MimeTree tree = ParseMimeTree(m);
  ASSERT_EQ(tree.root.children.size(), 2u);
  const MimePart& first = tree.root.children[0];
  EXPECT_TRUE(first.content_type.Is("message", "rfc822"));
  EXPECT_TRUE(first.content_type.defaulted);
  ASSERT_EQ(first.kind, PartKind::kMessage);
  EXPECT_EQ(Body(m, *first.message()), "hello");
  EXPECT_TRUE(first.message()->content_type.Is("text", "plain"));  // not in a digest any more
  EXPECT_EQ(tree.root.children[1].kind, PartKind::kLeaf);
  EXPECT_EQ(FindSection(tree.root, {1, 1}), first.message());
}

TEST(MessageMimeTree, SimpleMessageIsPartOne) {
  std::string_view m = "Subject: x\n\nline1\nline2\n";
  MimeTree tree = ParseMimeTree(m);
  EXPECT_EQ(tree.root.kind, PartKind::kLeaf);
  EXPECT_EQ(tree.root.header_size, 12u);
  EXPECT_EQ(tree.root.body_size, 12u);
  EXPECT_EQ(tree.root.body_lines, 2u);
  EXPECT_TRUE(tree.root.content_type.defaulted);
  EXPECT_EQ(tree.root.content_type.params.Get("charset"), "us-ascii");
  EXPECT_EQ(FindSection(tree.root, {1}), &tree.root);
  EXPECT_EQ(FindSection(tree.root, {2}), nullptr);
}

TEST(MessageMimeTree, TopLevelMessageRfc822) {
  std::string_view m = "Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nbody";
  MimeTree tree = ParseMimeTree(m);
  ASSERT_EQ(tree.root.kind, PartKind::kMessage);
  const MimePart* inner = tree.root.message();
  EXPECT_EQ(Body(m, *inner), "body");
  EXPECT_EQ(FindSection(tree.root, {1}), inner);
  EXPECT_EQ(FindSection(tree.root, {1, 1}), nullptr);
  // Encoded, it cannot be parsed where it lies.
  MimeTree b64 = ParseMimeTree("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdA==");
  EXPECT_EQ(b64.root.kind, PartKind::kLeaf);
}

TEST(MessageMimeTree, HeaderOnlyAndEmptyMessages) {
  MimeTree header_only = ParseMimeTree("Subject: x\r\n");
  EXPECT_EQ(header_only.root.header_size, 12u);
  EXPECT_EQ(header_only.root.body_offset, 12u);
  EXPECT_EQ(header_only.root.body_size, 0u);
  EXPECT_EQ(header_only.root.body_lines, 0u);
  MimeTree empty = ParseMimeTree("");
  EXPECT_EQ(empty.root.size(), 0u);
  EXPECT_EQ(empty.part_count, 1u);
  MimeTree no_header = ParseMimeTree("\nbody\n");
  EXPECT_EQ(no_header.root.header_size, 1u);
  EXPECT_EQ(no_header.root.body_lines, 1u);
}

TEST(MessageMimeTree, BrokenMime) {
  // No boundary parameter: a leaf that still says multipart.
  MimeTree no_boundary = ParseMimeTree("Content-Type: multipart/mixed\r\n\r\n--x\r\nfoo\r\n");
  EXPECT_EQ(no_boundary.root.kind, PartKind::kLeaf);
  EXPECT_TRUE(no_boundary.root.content_type.Is("multipart", "mixed"));
  EXPECT_EQ(FindSection(no_boundary.root, {1}), &no_boundary.root);

  // A boundary that never appears: a multipart with no parts.
  MimeTree absent = ParseMimeTree("Content-Type: multipart/mixed; boundary=zzz\r\n\r\n--x\r\nhi\r\n");
  EXPECT_EQ(absent.root.kind, PartKind::kMultipart);
  EXPECT_TRUE(absent.root.children.empty());
  EXPECT_EQ(FindSection(absent.root, {1}), nullptr);

  MimeTree garbage = ParseMimeTree("Content-Type: garbage\r\n\r\nbody");
  EXPECT_TRUE(garbage.root.content_type.defaulted);
  EXPECT_TRUE(garbage.root.content_type.Is("text", "plain"));
}

TEST(MessageMimeTree, UnclosedMultipartEndsAtTheEnd) {
  std::string_view m =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
      "--b\r\n\r\nlast line\r\n";
  MimeTree tree = ParseMimeTree(m);
  ASSERT_EQ(tree.root.children.size(), 2u);
  EXPECT_EQ(Body(m, tree.root.children[0]), "first");
  EXPECT_EQ(Body(m, tree.root.children[1]), "last line\r\n");
  EXPECT_EQ(tree.root.children[1].body_lines, 1u);
}

TEST(MessageMimeTree, BoundaryThatIsAPrefixOfAnother) {
  for (auto [outer, inner] : {std::pair{"abc", "abcdef"}, std::pair{"abcdef", "abc"}}) {
    std::string o = outer, i = inner;
    std::string m = "Content-Type: multipart/mixed; boundary=" + o + "\r\n\r\n--" + o +
                    "\r\nContent-Type: multipart/mixed; boundary=" + i + "\r\n\r\n--" + i + "\r\n\r\none\r\n--" + i +
                    "\r\n\r\ntwo\r\n--" + i + "--\r\n--" + o + "\r\n\r\nthree\r\n--" + o + "--\r\n";
    MimeTree tree = ParseMimeTree(m);
    ASSERT_EQ(tree.root.children.size(), 2u) << outer;
    ASSERT_EQ(tree.root.children[0].children.size(), 2u) << outer;
    EXPECT_EQ(Body(m, tree.root.children[0].children[0]), "one");
    EXPECT_EQ(Body(m, tree.root.children[0].children[1]), "two");
    EXPECT_EQ(Body(m, tree.root.children[1]), "three");
  }
  // "--b-x" and "--b--x" are not delimiters of b.
  std::string_view m = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b-x\n--b--x\n--b--\n";
  MimeTree tree = ParseMimeTree(m);
  ASSERT_EQ(tree.root.children.size(), 1u);
  EXPECT_EQ(Body(m, tree.root.children[0]), "--b-x\n--b--x");
}

TEST(MessageMimeTree, BareLfAndEightBitHeaders) {
  std::string_view m =
      "Subject: Gr\xfc\xdf\x65\n"
      "Content-Type: multipart/mixed; boundary=q\n\n"
      "--q \t\n\na\n--q\nContent-Type: text/plain; name=\xe4.txt\n\nb\n--q--\n";
  MimeTree tree = ParseMimeTree(m);
  ASSERT_EQ(tree.root.children.size(), 2u);
  EXPECT_EQ(Body(m, tree.root.children[0]), "a");
  EXPECT_EQ(tree.root.children[0].header_size, 1u);
  EXPECT_EQ(Body(m, tree.root.children[1]), "b");
  EXPECT_EQ(tree.root.children[1].content_type.params.Get("name"), "\xe4.txt");
}

TEST(MessageMimeTree, AdjacentDelimitersMakeAnEmptyPart) {
  std::string_view m = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n--b\r\n\r\nx\r\n--b--";
  MimeTree tree = ParseMimeTree(m);
  ASSERT_EQ(tree.root.children.size(), 2u);
  EXPECT_EQ(tree.root.children[0].size(), 0u);
  EXPECT_EQ(tree.root.children[0].header_offset, m.find("--b\r\n\r\n"));
  EXPECT_EQ(Body(m, tree.root.children[1]), "x");
}

// Every part lies inside its parent, children in order, offsets add up.
void ExpectWellFormed(std::string_view m, const MimePart& p, size_t begin, size_t end, size_t* count) {
  ++*count;
  EXPECT_GE(p.header_offset, begin);
  EXPECT_EQ(p.body_offset, p.header_offset + p.header_size);
  EXPECT_LE(p.body_offset + p.body_size, end);
  std::string_view body = Body(m, p);
  size_t lines = static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
  EXPECT_EQ(p.body_lines, lines + (!body.empty() && body.back() != '\n' ? 1 : 0));
  if (p.kind == PartKind::kMessage) {
    EXPECT_EQ(p.children.size(), 1u);
  } else if (p.kind == PartKind::kLeaf) {
    EXPECT_TRUE(p.children.empty());
  }
  size_t at = p.body_offset;
  for (const MimePart& c : p.children) {
    EXPECT_GE(c.header_offset, at);
    ExpectWellFormed(m, c, p.body_offset, p.body_offset + p.body_size, count);
    at = c.body_offset + c.body_size;
  }
}

size_t Depth(const MimePart& p) {
  size_t d = 0;
  for (const MimePart* q = &p; !q->children.empty(); q = &q->children.back()) ++d;
  return d;
}

TEST(MessageMimeTree, MultipartNestedTenThousandDeep) {
  std::string m;
  for (int i = 0; i < 10000; ++i)
    m += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
  m += "\r\nleaf\r\n";
  MimeTree tree = ParseMimeTree(m);
  EXPECT_TRUE(tree.limited);
  EXPECT_EQ(tree.part_count, 101u);
  EXPECT_EQ(Depth(tree.root), 100u);
  const MimePart* deepest = &tree.root;
  while (!deepest->children.empty()) deepest = &deepest->children[0];
  EXPECT_TRUE(deepest->opaque);
  EXPECT_EQ(deepest->kind, PartKind::kLeaf);
  EXPECT_TRUE(deepest->content_type.IsMultipart());
  EXPECT_EQ(deepest->body_offset + deepest->body_size, m.size());  // still spans the rest
  size_t count = 0;
  ExpectWellFormed(m, tree.root, 0, m.size(), &count);
  EXPECT_EQ(count, tree.part_count);
}

TEST(MessageMimeTree, MessagesNestedTenThousandDeep) {
  std::string m;
  for (int i = 0; i < 10000; ++i) m += "Content-Type: message/rfc822\n\n";
  MimeLimits limits;
  limits.max_depth = 50;
  MimeTree tree = ParseMimeTree(m, limits);
  EXPECT_EQ(tree.part_count, 51u);
  EXPECT_EQ(Depth(tree.root), 50u);
  limits.max_depth = 1000000;  // capped
  EXPECT_EQ(ParseMimeTree(m, limits).part_count, kMaxMimeDepthCap + 1);
}

TEST(MessageMimeTree, PartLimitKeepsTheRestAsOneLeaf) {
  std::string m = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 20000; ++i) m += "--b\r\n\r\npart " + std::to_string(i) + "\r\n";
  m += "--b--\r\n";
  MimeTree tree = ParseMimeTree(m);
  EXPECT_TRUE(tree.limited);
  EXPECT_EQ(tree.part_count, 10000u);
  ASSERT_EQ(tree.root.children.size(), 9999u);
  EXPECT_EQ(Body(m, tree.root.children[9997]), "part 9997");
  const MimePart& rest = tree.root.children.back();
  EXPECT_TRUE(rest.opaque);
  EXPECT_EQ(rest.body_offset, m.find("part 9998\r\n"));
  EXPECT_EQ(rest.body_offset + rest.body_size, m.size());

  MimeLimits limits;
  limits.max_parts = 3;
  MimeTree small = ParseMimeTree(kNested, limits);
  EXPECT_EQ(small.part_count, 3u);
  ASSERT_EQ(small.root.children.size(), 2u);
  EXPECT_TRUE(small.root.children[1].opaque);
  EXPECT_EQ(small.root.children[1].kind, PartKind::kLeaf);
  limits.max_parts = 1;
  MimeTree root_only = ParseMimeTree(kNested, limits);
  EXPECT_EQ(root_only.root.kind, PartKind::kLeaf);
  EXPECT_TRUE(root_only.root.opaque);
}

TEST(MessageMimeTree, BoundaryNeverFoundInALargeBody) {
  std::string m = "Content-Type: multipart/mixed; boundary=\"" + std::string(70, 'a') + "b\"\r\n\r\n";
  for (int i = 0; i < 100000; ++i) m += "--" + std::string(70, 'a') + "\r\n";
  MimeTree tree = ParseMimeTree(m);
  EXPECT_EQ(tree.root.kind, PartKind::kMultipart);
  EXPECT_TRUE(tree.root.children.empty());
  EXPECT_EQ(tree.root.body_lines, 100000u);
}

TEST(MessageMimeTree, BoundaryOfDashesInABodyOfDashes) {
  std::string boundary(1000, '-');
  std::string m = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  for (int i = 0; i < 2000; ++i) m += std::string(1500, '-') + "\r\n";
  m += std::string(4 << 20, '-');
  MimeTree tree = ParseMimeTree(m);
  EXPECT_EQ(tree.root.kind, PartKind::kMultipart);
  EXPECT_TRUE(tree.root.children.empty());
  EXPECT_EQ(tree.root.body_lines, 2001u);
}

TEST(MessageMimeTree, HugeHeaderAndFieldCount) {
  std::string m = "Content-Type: multipart/mixed; boundary=b\r\nX: " + std::string(10 << 20, 'x') + "\r\n";
  for (int i = 0; i < 100000; ++i) m += "F: v\r\n";
  m += "\r\n--b\r\n\r\nx\r\n--b--\r\n";
  MimeTree tree = ParseMimeTree(m);
  ASSERT_EQ(tree.root.children.size(), 1u);
  EXPECT_EQ(Body(m, tree.root.children[0]), "x");
}

TEST(MessageMimeTree, RandomBytesGiveWellFormedTrees) {
  const std::string_view pieces[] = {"--b\r\n",
                                     "--b--\r\n",
                                     "--c\n",
                                     "\r\n",
                                     "\n",
                                     "\r",
                                     "x",
                                     "\0"sv,
                                     "\xff",
                                     "Content-Type: multipart/mixed; boundary=b\r\n",
                                     "Content-Type: multipart/digest; boundary=c\n",
                                     "Content-Type: message/rfc822\r\n",
                                     " folded\r\n",
                                     "Subject: s\n"};
  uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string m;
    for (int i = 0; i < 40; ++i) {
      seed = seed * 1103515245 + 12345;
      m += pieces[(seed >> 16) % std::size(pieces)];
    }
    MimeTree tree = ParseMimeTree(m);
    size_t count = 0;
    ExpectWellFormed(m, tree.root, 0, m.size(), &count);
    ASSERT_EQ(count, tree.part_count) << round;
  }
}

}  // namespace
}  // namespace posthorn::message
