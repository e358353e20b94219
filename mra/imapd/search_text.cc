#include "mra/imapd/search_text.h"

#include "common/base/case_fold.h"
#include "common/message/body_text.h"
#include "common/message/date.h"
#include "common/message/encoded_word.h"
#include "common/message/mime_tree.h"

namespace posthorn::imapd {

SearchText::SearchText(std::string message) : message_(std::move(message)) {}

const message::Header& SearchText::Header() {
  if (!header_) header_ = message::ParseHeader(message_);
  return *header_;
}

bool SearchText::HeaderContains(std::string_view name, std::string_view folded) {
  for (const message::HeaderField* f : Header().FindAll(name)) {
    if (folded.empty() || FoldCase(message::DecodeField(f->name, f->value)).find(folded) != std::string::npos)
      return true;
  }
  return false;
}

bool SearchText::BodyContains(std::string_view folded) {
  if (!body_text_) body_text_ = FoldCase(message::BodyText(message_, message::ParseMimeTree(message_)));
  return body_text_->find(folded) != std::string::npos;
}

bool SearchText::TextContains(std::string_view folded) {
  if (!header_text_) header_text_ = FoldCase(message::HeaderText(message_));
  return header_text_->find(folded) != std::string::npos || BodyContains(folded);
}

std::optional<int64_t> SearchText::SentDay() {
  if (!sent_day_) {
    const message::HeaderField* date = Header().Find("Date");
    sent_day_.emplace(date ? ParseDateDay(date->value) : std::nullopt);
  }
  return *sent_day_;
}

}  // namespace posthorn::imapd
