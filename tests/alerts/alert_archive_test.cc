#include "alerts/alert_archive.h"

#include <gtest/gtest.h>

#include <string>

#include "alerts/alert_json.h"

namespace casewatch {
namespace {

AlertChange sampleChange() {
  AlertChange c;
  Alert& a = c.alert;
  a.alert_id = "3f2a9c0d11e4b7a8";
  a.status = AlertStatus::kFiring;
  a.model = "overdue";
  a.tier = Tier::kOrange;
  a.subject_id = "C-2026-0042";
  a.score = 0.875;
  a.region = "440104";
  a.agency = "huichuan-hrss";
  a.category = "wages";
  a.starts_at = 1'780'000'000'000;
  a.updated_at = 1'780'086'400'000;
  a.reasons.push_back(AlertReason{"days_overdue", 3, "",
                                  LocalText{{"en", "3 days overdue"}, {"zh-CN", "逾期3天"}}});
  a.actions = {Action::kReplyNow, Action::kNotifyLeadership};
  a.summary = LocalText{{"en", "Reply overdue"}, {"zh-CN", "答复逾期"}};
  a.escalation = AlertEscalation{2, "county-leadership", a.updated_at, a.updated_at + 3600000};
  a.ack = AlertAck{"duty:li", a.updated_at, "on it"};
  a.group_id = "g-1";
  a.evidence_rev = 7;
  c.kind = ChangeKind::kEscalated;
  c.actor = "casewatch";
  c.note = "unanswered for 2 h";
  c.at = a.updated_at;
  c.notify = false;
  c.notice = "leadership";
  c.seq = (uint64_t{1234} << 20) | 5;
  return c;
}

TEST(AlertArchiveTest, AnAlertChangeComesBackWithEveryFieldButItsEncoding) {
  AlertChange c = sampleChange();
  c.encoded = encodeAlert(c.alert, AlertJsonOptions{});
  std::string buf;
  ArchiveOut out(buf);
  saveAlertChange(out, c);
  ArchiveIn in(buf);
  AlertChange back;
  ASSERT_TRUE(loadAlertChange(in, back));
  EXPECT_TRUE(in.atEnd());
  EXPECT_EQ(back.kind, c.kind);
  EXPECT_EQ(back.actor, c.actor);
  EXPECT_EQ(back.note, c.note);
  EXPECT_EQ(back.at, c.at);
  EXPECT_EQ(back.notify, c.notify);
  EXPECT_EQ(back.notice, c.notice);
  EXPECT_EQ(back.seq, c.seq);
  EXPECT_EQ(back.alert.evidence_rev, 7u);
  EXPECT_EQ(back.encoded, nullptr);  // made again when it is recorded or sent
  // The alert in every field the JSON shows, in both locales.
  AlertJsonOptions zh;
  zh.locale = "zh-CN";
  EXPECT_EQ(alertChangeToJson(back, AlertJsonOptions{}), alertChangeToJson(c, AlertJsonOptions{}));
  EXPECT_EQ(alertChangeToJson(back, zh), alertChangeToJson(c, zh));
}

TEST(AlertArchiveTest, ACutShortOrForeignChangeIsRefused) {
  std::string buf;
  ArchiveOut out(buf);
  saveAlertChange(out, sampleChange());
  for (size_t cut : {size_t{0}, size_t{10}, buf.size() / 2, buf.size() - 1}) {
    ArchiveIn in(std::string_view(buf).substr(0, cut));
    AlertChange back;
    EXPECT_FALSE(loadAlertChange(in, back)) << "cut at " << cut;
  }
  // A change kind this build does not know (a newer writer, or a flipped byte).
  AlertChange c = sampleChange();
  std::string other;
  ArchiveOut o(other);
  saveAlert(o, c.alert);
  o.pod(static_cast<uint8_t>(200));
  o.str(c.actor);
  o.str(c.note);
  o.pod(c.at);
  o.pod(c.notify);
  o.str(c.notice);
  o.pod(c.seq);
  ArchiveIn in(other);
  AlertChange back;
  EXPECT_FALSE(loadAlertChange(in, back));
}

TEST(AlertArchiveTest, AnAlertSavedAsInTheBookComesBackWithoutItsEvidenceTexts) {
  const Alert a = sampleChange().alert;
  std::string full, beside;
  ArchiveOut f(full), b(beside);
  saveAlert(f, a);
  saveAlert(b, a, AlertEvidence::kAsInBook);
  EXPECT_LT(beside.size(), full.size());

  ArchiveIn in(beside);
  Alert back;
  AlertEvidence evidence = AlertEvidence::kSaved;
  ASSERT_TRUE(loadAlert(in, back, &evidence));
  EXPECT_TRUE(in.atEnd());
  EXPECT_EQ(evidence, AlertEvidence::kAsInBook);
  EXPECT_TRUE(back.reasons.empty());
  EXPECT_TRUE(back.actions.empty());
  // Everything else is there, for the loader to complete from the book.
  back.reasons = a.reasons;
  back.actions = a.actions;
  back.summary = a.summary;
  EXPECT_EQ(alertToJson(back, AlertJsonOptions{}), alertToJson(a, AlertJsonOptions{}));
  EXPECT_EQ(back.evidence_rev, a.evidence_rev);

  // A reader that cannot complete it refuses it rather than keep an alert without its texts.
  ArchiveIn plain(beside);
  EXPECT_FALSE(loadAlert(plain, back));
  ArchiveIn whole(full);
  ASSERT_TRUE(loadAlert(whole, back, &evidence));
  EXPECT_EQ(evidence, AlertEvidence::kSaved);
}

}  // namespace
}  // namespace casewatch
