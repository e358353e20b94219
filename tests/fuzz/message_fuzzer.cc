// A whole message from anywhere, through every parser an IMAP server runs on
// it: the MIME tree must stay inside the message with its parts in order,
// and header, address and encoded-word parsing must finish on any bytes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/base/strings.h"
#include "common/message/address_list.h"
#include "common/message/encoded_word.h"
#include "common/message/header.h"
#include "common/message/mime_tree.h"

namespace {

using namespace posthorn::message;
using posthorn::EqualsIgnoreCase;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Every part within its parent, children in order, offsets adding up.
size_t Walk(std::string_view m, const MimePart& p, size_t begin, size_t end) {
  Check(p.header_offset >= begin && p.body_offset == p.header_offset + p.header_size);
  Check(p.body_offset + p.body_size <= end && p.body_lines <= p.body_size);
  Check(p.kind != PartKind::kMessage || p.children.size() == 1);
  size_t count = 1;
  size_t at = p.body_offset;
  for (const MimePart& c : p.children) {
    Check(c.header_offset >= at);
    count += Walk(m, c, p.body_offset, p.body_offset + p.body_size);
    at = c.body_offset + c.body_size;
  }
  // What an ENVELOPE and a SEARCH would read of this part's header.
  Header h = ParseHeader(m.substr(p.header_offset, p.header_size));
  for (const HeaderField& f : h.fields) {
    Check(f.offset + f.size <= p.header_size);
    if (EqualsIgnoreCase(f.name, "subject")) (void)DecodeUnstructured(Unfold(f.value));
    if (EqualsIgnoreCase(f.name, "from") || EqualsIgnoreCase(f.name, "to")) {
      AddressList list = ParseAddressList(f.value);
      int depth = 0;
      for (const Mailbox& mb : list.entries) {
        if (mb.kind == Mailbox::Kind::kGroupStart) ++depth;
        if (mb.kind == Mailbox::Kind::kGroupEnd) --depth;
        Check(depth == 0 || depth == 1);
      }
      Check(depth == 0);
      (void)DecodeStructured(f.value);
    }
  }
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view m(reinterpret_cast<const char*>(data), size);
  MimeLimits small;
  small.max_depth = 3;
  small.max_parts = 5;
  for (const MimeLimits& limits : {MimeLimits(), small}) {
    MimeTree tree = ParseMimeTree(m, limits);
    Check(tree.root.header_offset == 0 && tree.root.size() == m.size());
    Check(Walk(m, tree.root, 0, m.size()) == tree.part_count);
    Check(tree.part_count <= limits.max_parts);
    for (uint32_t a = 0; a < 4; ++a)
      for (uint32_t b = 0; b < 4; ++b) (void)FindSection(tree.root, {a, b, 1});
  }
  return 0;
}
