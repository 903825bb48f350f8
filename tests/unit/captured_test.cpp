// The captured data's slices: a change is seen in exactly the slice it touched, and clearing a
// slice forgets that slice only (what a rewind relies on); and every built-in step kind owns
// a slice at most once, so no two kinds' declarations contradict captured.hpp.
#include "workflows/captured.hpp"

#include <gtest/gtest.h>

#include <set>

#include "workflows/steps/step_kind.hpp"

namespace enroll {
namespace {

Captured filled() {
  Captured c;
  c.terms.terms_version = "2024-06";
  c.confirmation.confirmed_by = "e-1";
  c.card_front.first_name = "Somchai";
  c.card_back.laser_code = "JT1234567890";
  c.selfie.image_ref = "sim://selfie/1";
  c.face.score = 0.9;
  c.fingerprint.score = 0.8;
  c.qr.token = "t";
  c.passcode.verifier = "$argon2id$x";
  c.identity.digital_id = "d-1";
  return c;
}

TEST(CapturedTest, AChangeIsSeenInTheSliceItTouchedOnly) {
  const Captured before = filled();
  EXPECT_TRUE(before.changed_since(before).empty());
  Captured after = before;
  after.card_back.back_ref = "sim://back/2";
  after.face.score.reset();
  EXPECT_EQ(after.changed_since(before), (std::vector<Slice>{Slice::card_back, Slice::face}));
}

TEST(CapturedTest, ClearingASliceForgetsThatSliceOnly) {
  for (const Slice slice : kAllSlices) {
    Captured c = filled();
    c.clear(slice);
    EXPECT_EQ(c.changed_since(filled()), std::vector<Slice>{slice}) << to_string(slice);
  }
}

TEST(CapturedTest, EveryKindDeclaresKnownSlicesOnce) {
  for (const auto name : step_kind_names()) {
    const auto slices = find_step_kind(name)->slices();
    const std::set<Slice> distinct(slices.begin(), slices.end());
    EXPECT_EQ(distinct.size(), slices.size()) << name;
  }
}

}  // namespace
}  // namespace enroll
